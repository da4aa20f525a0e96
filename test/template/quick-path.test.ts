/**
 * The cheap path of analyze() for documents that mention no APIM service (issues 6 and 7) gives
 * exactly the result of the full path (parse tree + kind + invalid-json finding), on every input:
 * - analyze() equals analyzeWithoutQuickPath() (kind and findings, deep-equal);
 * - its building blocks agree: scanKind() (kind, first error, root or not) with parseSource() +
 *   detectKindOfRoot(), undefined exactly when parseSource refuses the document (too deep);
 *   fastKindTree() accepts exactly the texts fastParseTree() accepts, with the same kind;
 *   nestingDepth() (now on a typed array) equals the plain charCodeAt scan it replaced.
 * Inputs: fixtures, the shared corpus (when present), single-char deletions / insertions /
 * truncations of both, random JSON/JSONC (seeded fast-check), deep nesting, empty text, BOM.
 * No timing here: speed is measured by benchmarks.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { parseTree, type ParseError } from 'jsonc-parser';
import { analyze, analyzeWithoutQuickPath, mentionsApim, type AnalyzeOptions } from '../../server/src/analyzer';
import { detectKindOfRoot, scanKind } from '../../server/src/template/params';
import { MAX_NESTING, nestingDepth, parseSource } from '../../server/src/template/parse';
import { fastKindTree, fastParseTree } from '../../server/src/template/fast-parse';
import { corpusDir, repoRoot } from './helpers';
import { jsonFilesUnder } from '../reliability/common';

const FIXTURES = path.join(repoRoot, 'test', 'fixtures');
const CORPUS = path.join(corpusDir, 'files');

/** The same text without what sends a document down the full path (APIM service, linked templates), same length. */
function withoutApim(text: string): string {
  return text.replace(/microsoft\.apimanagement\/service/gi, (m) => m.slice(0, -1) + 'X').replace(/"templateLink"/gi, '"templateLinX"');
}

/** The nesting scan as it was before it read a typed array (the reference for nestingDepth). */
function nestingDepthReference(text: string, limit = MAX_NESTING): { depth: number; exceededAt?: number } {
  let depth = 0;
  let max = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92) i += 2;
        else if (d === 34 || d === 10 || d === 13) break;
        else i++;
      }
    } else if (c === 47 && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d === 47) {
        i += 2;
        while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      } else if (d === 42) {
        const end = text.indexOf('*/', i + 2);
        i = end < 0 ? n : end + 1;
      }
    } else if (c === 123 || c === 91) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return { depth: max, exceededAt: i };
      }
    } else if (c === 125 || c === 93) {
      if (depth > 0) depth--;
    }
  }
  return { depth: max };
}

let checked = 0;
let quick = 0;

/**
 * Every check on one text. `deep`: also compare with jsonc-parser directly and with the reference
 * nesting scan (skipped on large texts only to keep the suite short).
 */
function same(text: string, label: string, opts: Partial<AnalyzeOptions> = {}, deep = text.length < 300_000): void {
  const what = `${label} (${text.length} chars: ${JSON.stringify(text.slice(0, 60))}…)`;
  checked++;
  // the building blocks
  const src = parseSource('/q/doc.json', text);
  const scan = scanKind(text);
  if (src.refused) {
    assert.equal(scan, undefined, `refused by parseSource, not by scanKind: ${what}`);
  } else {
    assert.ok(scan, `scanKind refused what parseSource parses: ${what}`);
    assert.equal(scan.kind, detectKindOfRoot(src.root), `kind: ${what}`);
    assert.deepEqual(scan.error, src.parseErrors[0] as ParseError | undefined, `first error: ${what}`);
    assert.equal(scan.hasRoot, src.root !== undefined, `root: ${what}`);
  }
  const full = fastParseTree(text, MAX_NESTING);
  const kindTree = fastKindTree(text, MAX_NESTING);
  assert.equal(kindTree !== undefined, full !== undefined, `fastKindTree and fastParseTree accept differently: ${what}`);
  if (full && kindTree) assert.equal(detectKindOfRoot(kindTree), detectKindOfRoot(full), `kind of the kind tree: ${what}`);
  if (deep) {
    assert.deepEqual(nestingDepth(text), nestingDepthReference(text), `nestingDepth: ${what}`);
    if (full) {
      const errors: ParseError[] = [];
      parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
      assert.deepEqual(errors, [], `the fast scanner accepted text jsonc-parser reports errors on: ${what}`);
    }
  }
  // the whole result, when the document takes the cheap path
  const analyzed = { file: '/q/doc.json', text, ...opts };
  const a = analyze(analyzed);
  const b = analyzeWithoutQuickPath(analyzed);
  assert.deepEqual({ kind: a.kind, findings: a.findings }, { kind: b.kind, findings: b.findings }, `analyze: ${what}`);
  if (!mentionsApim(text) && !/"templatelink"\s*:/i.test(text)) {
    quick++;
    assert.equal(a.template, undefined, `the cheap path builds no template: ${what}`);
  }
}

/** Seeded pseudo-random source for the mutations (no fast-check needed there). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
}

const ALPHABET = ['{', '}', '[', ']', ',', ':', '"', '\\', '/', '*', ' ', '\n', 'a', '1', '-', '.', 'e', '\t', '\u00a0', '\ufeff', '\u0001', 't'];

/** Single-char deletions, insertions and truncations of `text`, half of them in its first 4 KB (issue 7). */
function mutations(text: string, count: number, seed: number): { text: string; label: string }[] {
  const r = rng(seed);
  const out: { text: string; label: string }[] = [];
  if (text.length === 0) return out;
  for (let k = 0; k < count; k++) {
    const span = k % 2 === 0 ? Math.min(text.length, 4096) : text.length;
    const at = Math.floor(r() * span);
    switch (k % 3) {
      case 0:
        out.push({ text: text.slice(0, at) + text.slice(at + 1), label: `deleted at ${at}` });
        break;
      case 1: {
        const ch = ALPHABET[Math.floor(r() * ALPHABET.length)];
        out.push({ text: text.slice(0, at) + ch + text.slice(at), label: `inserted ${JSON.stringify(ch)} at ${at}` });
        break;
      }
      default:
        out.push({ text: text.slice(0, at), label: `truncated at ${at}` });
    }
  }
  return out;
}

const SCHEMA_T = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const SCHEMA_P = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';

describe('mentionsApim (the APIM pre-check)', () => {
  test('finds the service type in any casing, and nothing else', () => {
    const rows: [string, boolean][] = [
      ['{"type": "Microsoft.ApiManagement/service"}', true],
      ['{"type": "microsoft.apimanagement/service"}', true],
      ['{"type": "MICROSOFT.APIMANAGEMENT/SERVICE/apis"}', true],
      ['{"type": "Microsoft.ApiManagement/Service"}', true],
      ['{"type": "Microsoft.ApiManagement/servic"}', false],
      ['{"type": "Microsoft.ApiManagement.service"}', false],
      ['{"type": "Microsoft.Network/virtualNetworks"}', false],
      ['', false],
    ];
    for (const [text, expected] of rows) assert.equal(mentionsApim(text), expected, text);
  });
});

describe('no-APIM cheap path = full path', () => {
  test('a template without an APIM service that links a template (relativePath, URI, template spec; any layout) takes the full path: linked findings, or the unverifiable note', () => {
    // the linked template: a Basic tier in a VNet (unsupported-sku); the parent mentions no APIM service
    const linked = JSON.stringify({
      $schema: SCHEMA_T,
      contentVersion: '1.0.0.0',
      resources: [
        {
          type: 'Microsoft.ApiManagement/service',
          apiVersion: '2023-05-01-preview',
          name: 'apim-l',
          location: 'westeurope',
          sku: { name: 'Basic', capacity: 1 },
          properties: { publisherEmail: 'a@b.c', publisherName: 'x', virtualNetworkType: 'External', virtualNetworkConfiguration: { subnetResourceId: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/subnets/apim' } },
        },
      ],
    });
    const dep = (link: string) => `{"type":"Microsoft.Resources/deployments","apiVersion":"2022-09-01","name":"d","properties":{"mode":"Incremental","templateLink":${link}}}`;
    const parent = (resources: string, extra = '') => `{"$schema":"${SCHEMA_T}",${extra}"contentVersion":"1.0.0.0","resources":[${resources}]}`;
    const readFile = (p: string) => (p.replace(/\\/g, '/').endsWith('/q/nested/apim.json') ? linked : undefined);
    const noLink = `{"type":"Microsoft.Resources/deployments","apiVersion":"2022-09-01","name":"d","properties":{"mode":"Incremental","template":{"resources":[]}}}`;
    // [what, text, what the findings must include]
    const cases: [string, string, 'linked' | 'unverifiable' | 'none'][] = [
      ['relativePath, compact', parent(dep('{"relativePath":"nested/apim.json"}')), 'linked'],
      ['relativePath, JSONC with comments and trailing commas', parent(dep('{ /* c */ "relativePath" : "nested/apim.json", }') + ',', '// top\n'), 'linked'],
      ['relativePath under a nested deployment', parent(`{"type":"Microsoft.Resources/deployments","apiVersion":"2022-09-01","name":"outer","properties":{"mode":"Incremental","template":${parent(dep('{"relativePath":"nested/apim.json"}'))}}}`), 'linked'],
      ['relativePath, "TemplateLink" in another case (ARM reads names in any case)', parent(dep('{"relativePath":"nested/apim.json"}').replace('templateLink', 'TemplateLink')), 'linked'],
      ['relativePath in broken text (the kind scan cannot vouch: the text search decides)', parent(dep('{"relativePath":"nested/apim.json"}')).slice(0, -1), 'linked'],
      ['a URI link (never fetched): unverifiable, even with no APIM service in sight', parent(dep('{"uri":"https://example.invalid/t.json"}')), 'unverifiable'],
      ['a template spec link', parent(dep('{"id":"/subscriptions/s/resourceGroups/r/providers/Microsoft.Resources/templateSpecs/t/versions/1"}')), 'unverifiable'],
      ['a URI link in broken text', parent(dep('{"uri":"https://example.invalid/t.json"}')).slice(0, -1), 'unverifiable'],
      ['"templateLink" only in a comment and as a value: no link', parent(noLink + ' /* "templateLink": {"relativePath": "nested/apim.json"} */', '"metadata":{"k":"templateLink"},'), 'none'],
    ];
    // inline deployments nested n levels deep (no link, no APIM service): the builder notes the
    // ones deeper than it analyzes (MAX_SCOPE_DEPTH 24), but an inline template is part of this
    // text, which mentions no APIM service: nothing to note, on either path
    const nestedDeployments = (n: number): string => {
      let inner = parent('');
      for (let i = 0; i < n; i++) inner = parent(`{"type":"Microsoft.Resources/deployments","apiVersion":"2022-09-01","name":"d${i}","properties":{"mode":"Incremental","template":${inner}}}`);
      return inner;
    };
    cases.push(['inline deployments nested 24 levels (all analyzed)', nestedDeployments(24), 'none']);
    cases.push(['inline deployments nested 25 levels (deeper than analyzed, no APIM service in the text)', nestedDeployments(25), 'none']);
    for (const [what, text, expected] of cases) {
      const opts = { file: '/q/main.json', text, readFile };
      const a = analyze(opts);
      const b = analyzeWithoutQuickPath(opts);
      assert.deepEqual({ kind: a.kind, findings: a.findings }, { kind: b.kind, findings: b.findings }, `same as the full path: ${what}`);
      const ids = a.findings.map((f) => f.ruleId).filter((id) => id !== 'invalid-json');
      const inLinked = a.findings.filter((f) => f.location.file.replace(/\\/g, '/').endsWith('/q/nested/apim.json'));
      if (expected === 'linked') assert.ok(inLinked.some((f) => f.ruleId === 'unsupported-sku'), `${what}: the linked template's finding is reported (${ids.join(', ')})`);
      else if (expected === 'unverifiable') assert.deepEqual(ids, ['unverifiable-network'], `${what}: one note at the link`);
      else assert.deepEqual(ids, [], `${what}: nothing linked, nothing found`);
    }
  });

  test('table: kinds, duplicates, case variants, JSONC, broken text, empty text, BOM, config', () => {
    const texts = [
      '',
      ' ',
      '\n\t \r\n',
      '// only a comment',
      '/* only a comment */',
      '/* unterminated',
      '\ufeff',
      '\ufeff{}',
      `\ufeff{"$schema":"${SCHEMA_T}","resources":[]}`,
      `{"$schema":"${SCHEMA_T}","resources":[]}\u00a0`,
      '{}',
      '[]',
      '"text"',
      '42',
      'null',
      '{',
      '}',
      '[1,,2]',
      '{"a":1,}',
      '[1,2,]',
      '// head\n{ /* c */ "a": 1, // tail\n "b": [1, 2, ], }\n/* end */',
      `{"$schema":"${SCHEMA_T}"}`,
      `{"$schema":"${SCHEMA_P}","parameters":{}}`,
      `{"$SCHEMA":"${SCHEMA_T}"}`,
      `{"$Schema":"${SCHEMA_P}","$schema":"${SCHEMA_T}"}`,
      `{"$schema":"${SCHEMA_P}","$schema":"${SCHEMA_T}"}`,
      `{"$schema":5,"$SCHEMA":"${SCHEMA_T}"}`,
      `{"$schema":"x","resources":{}}`,
      '{"RESOURCES":[]}',
      '{"Resources":null}',
      '{"resources":1,"resources":2}',
      '{"parameters":{"a":{"value":1},"b":{"reference":{}}}}',
      '{"parameters":{"a":{"VALUE":1}}}',
      '{"parameters":{"a":{"Reference":null}}}',
      '{"parameters":{"a":{"type":"string"}}}',
      '{"parameters":{"a":{"value":1},"b":{"type":"string"}}}',
      '{"parameters":{"a":1}}',
      '{"parameters":{}}',
      '{"parameters":[]}',
      '{"Parameters":{"a":{"value":1}},"parameters":{"a":{"type":"int"}}}',
      '{"parameters":{"a":{"type":"int"}},"PARAMETERS":{"a":{"value":1}}}',
      '{"parameters":{"a":{"value":1}},"resources":[]}',
      '{"name":"package","version":"1.0.0"}',
      // broken: the first error, the recovered kind, a template-looking 'other'
      `{"$schema":"${SCHEMA_T}","resources":[`,
      `{"$schema":"${SCHEMA_T}" "resources":[]}`,
      `{"$schema" "${SCHEMA_T}","resources":[]}`,
      `{"$schema":"${SCHEMA_T}`,
      `{"resources": [ ], "x": }`,
      '{"parameters":{"a":{"value":1}},',
      '{"parameters":{"a":{"value":}}}',
      '{"parameters":{"a":{"value"}}}',
      '{"parameters":{"a":{"value" 1}}}',
      '{"a":1 "resources":[]}',
      '{"a":"line\nbreak","resources":[]}',
      '{"a":"\\x","$schema":"deploymentTemplate"}',
      '[{"resources":[]}',
      '{"x":"see deploymentTemplate.json" ',
      `{"$schema":"${SCHEMA_T}","a":[1,2}`,
      `{"a":{"b":[}, "$schema":"${SCHEMA_P}"}`,
      `{"$schema":"${SCHEMA_T}"}}`,
      // the first exact $schema wins over a case variant before it, also in broken text
      `{"$Schema":"${SCHEMA_P}","$schema":"${SCHEMA_T}",`,
      `{"$SCHEMA":"${SCHEMA_T}","$schema":"${SCHEMA_P}" x`,
      `{"$schema":"${SCHEMA_P}","$schema":"${SCHEMA_T}"`,
      `{"$schema":"other","$schema":"${SCHEMA_T}","resources":[] x`,
      `{"$schema": ,"$schema":"${SCHEMA_T}" x`,
      `{"$schema","$schema":"${SCHEMA_P}" x`,
      `{"RESOURCES":[],"$schema":"${SCHEMA_P}" x`,
      `{"$schema":"other","Resources":{} x`,
      `{"$schema":"other","parameters":{"a":{"value":1}} x`,
      `[{"$schema":"${SCHEMA_T}"} x`,
      `{"$schema":"${SCHEMA_T}"} x`,
      '{"a":01}',
      '{"a":tru}',
      "{'a':1}",
      '{a:1}',
    ];
    for (const t of texts) same(t, 'table');
    // the configured severity, a rule turned off, a suppression comment: applied alike
    for (const t of ['{', '{"a":1 "b":2}', '/* apim-vnet-disable invalid-json */ {']) {
      same(t, 'config warning', { config: { rules: { 'invalid-json': 'warning' } } });
      same(t, 'config off', { config: { rules: { 'invalid-json': 'off' } } });
      same(t, 'no config');
    }
  });

  test('deep nesting around MAX_NESTING (refused, or not, alike)', () => {
    for (const d of [MAX_NESTING - 1, MAX_NESTING, MAX_NESTING + 1, MAX_NESTING + 50]) {
      same('['.repeat(d) + ']'.repeat(d), `arrays ${d}`);
      same('{"a":'.repeat(d) + '1' + '}'.repeat(d), `objects ${d}`);
      same(`{"$schema":"${SCHEMA_T}","resources":` + '['.repeat(d) + ']'.repeat(d) + '}', `template with nesting ${d}`);
      same('['.repeat(d), `unclosed ${d}`);
      same('['.repeat(d) + ']'.repeat(d - 1), `one short ${d}`);
      same(`{"$schema":"${SCHEMA_T}" ` + '['.repeat(d), `broken deep ${d}`);
      same('"[[[[' + '['.repeat(d) + '"', `brackets in a string ${d}`);
    }
  });

  test('every fixture, and their single-char mutations', () => {
    const files = jsonFilesUnder(FIXTURES);
    assert.ok(files.length > 0);
    let n = 0;
    for (const f of files) {
      const text = withoutApim(fs.readFileSync(f, 'utf8'));
      const rel = path.relative(repoRoot, f);
      same(text, rel);
      for (const m of mutations(text, 12, n++)) same(m.text, `${rel}, ${m.label}`);
    }
  });

  test('every corpus file, and their single-char mutations', { skip: !fs.existsSync(CORPUS) && `shared corpus absent (${CORPUS})` }, () => {
    const files = jsonFilesUnder(CORPUS);
    assert.ok(files.length > 0);
    let n = 0;
    for (const f of files) {
      const raw = fs.readFileSync(f, 'utf8');
      const rel = path.relative(CORPUS, f);
      same(raw, rel); // as it is (APIM templates take the full path either way)
      const text = withoutApim(raw);
      if (text !== raw) same(text, `${rel} without its APIM service`);
      for (const m of mutations(text, raw.length > 500_000 ? 4 : 10, 1000 + n++)) same(m.text, `${rel}, ${m.label}`);
    }
  });

  test('property: random templates and parameter files (duplicates, case variants, JSONC), mutated', () => {
    const names = fc.constantFrom('$schema', '$SCHEMA', '$Schema', 'resources', 'Resources', 'RESOURCES', 'parameters', 'Parameters', 'PARAMETERS', 'contentVersion', 'value', 'x');
    const schemas = fc.constantFrom(SCHEMA_T, SCHEMA_P, 'DEPLOYMENTTEMPLATE', 'deploymentparameters.json', 'other', '');
    const entry = fc.oneof(
      fc.record({ value: fc.jsonValue({ maxDepth: 1 }) }),
      fc.record({ reference: fc.constant({ keyVault: { id: 'x' }, secretName: 's' }) }),
      fc.record({ Value: fc.integer() }),
      fc.record({ REFERENCE: fc.constant(null) }),
      fc.record({ type: fc.constant('string') }),
      fc.constant(1),
      fc.constant([]),
    );
    const value = fc.oneof(schemas, fc.dictionary(fc.constantFrom('a', 'b', 'A', 'c'), entry, { maxKeys: 3 }), fc.jsonValue({ maxDepth: 2 }), fc.constant([]));
    const layout = fc.record({ indent: fc.constantFrom(0, 1, 2, 4), comments: fc.boolean(), trailing: fc.boolean(), cut: fc.nat(), mutate: fc.nat(3) });
    fc.assert(
      fc.property(fc.array(fc.tuple(names, value), { maxLength: 6 }), layout, (props, l) => {
        const pad = ' '.repeat(l.indent);
        const nl = l.indent ? '\n' : '';
        const members = props.map(([k, v]) => `${nl}${pad}${JSON.stringify(k)}: ${JSON.stringify(v, null, l.indent) ?? 'null'}`);
        let text = `{${members.join(',' + (l.comments ? ' /* c */' : ''))}${l.trailing && members.length ? ',' : ''}${nl}}`;
        if (l.comments) text = `// head\n${text}\n/* tail */`;
        same(text, 'random template');
        // broken at the end (the kind settles before the error), right after `{` (the error
        // first), and by a random single-char mutation
        same(text.slice(0, -1), 'random template, last char cut');
        same(text + ' x', 'random template, trailing garbage');
        same(text.replace('{', '{#'), 'random template, error first');
        const [m] = mutations(text, l.mutate + 1, l.cut).slice(-1);
        if (m) same(m.text, `random template, ${m.label}`);
      }),
      { numRuns: 600, seed: 20261127 },
    );
  });

  test('property: random JSON values, layouts and near-JSON text', () => {
    const layout = fc.record({ indent: fc.constantFrom(undefined, 0, 2, '\t'), comment: fc.boolean(), trailing: fc.boolean() });
    fc.assert(
      fc.property(fc.jsonValue(), layout, fc.nat(), (v, l, cut) => {
        let text = JSON.stringify(v, null, l.indent as never) ?? 'null';
        if (l.trailing) text = text.replace(/(\d|"|e|l)(\s*)([\]}])/, '$1,$2$3');
        if (l.comment) text = text.replace(/([,[{])/, '$1 /* c */ ').replace(/\n/, ' // line\n');
        same(text, 'random JSON');
        same(text.slice(0, cut % (text.length + 1)), 'random JSON, truncated');
      }),
      { numRuns: 400, seed: 7 },
    );
    const parts = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', 'a', '1', '-', '.', 'e', ' ', '\n', '/', '*', 'true', 'null', '"k"', '"$schema"', '"resources"', '"parameters"', '"value"', `"${SCHEMA_T}"`, '\ufeff');
    fc.assert(
      fc.property(fc.array(parts, { maxLength: 40 }), (p) => same(p.join(''), 'near-JSON')),
      { numRuns: 2000, seed: 11 },
    );
  });

  test('property: near-JSON text inside `resources` and a parameter entry (the content the kind scan skips without keeping)', () => {
    // The kind scan validates the content of containers it keeps nothing of (the `resources`
    // array, a parameter's value) with a lighter loop than the rest of the scan: the same
    // grammar, the same give-ups, the same `templateLink` test on keys.
    const parts = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '/', '*', ' ', '\n', '\t', '1', '-', '.', 'e', 'E', '+', '0', 'true', 'tru', 'null', 'false', 'x', '"k"', '"templateLink"', '"TEMPLATELINK"', '"templat\\u0065Link"', '"a\\nb"', '"\\u12"', '// c\n', '/* c */', '/* c', '\u0001', '"\t"');
    const value = fc.array(parts, { maxLength: 30 }).map((p) => p.join(''));
    fc.assert(
      fc.property(value, fc.constantFrom(0, 1, 2), fc.boolean(), (v, where, schema) => {
        const head = schema ? `"$schema": "${SCHEMA_T}", ` : '';
        const text =
          where === 0
            ? `{${head}"resources": [${v}]}`
            : where === 1
              ? `{${head}"resources": [{"type": "x", "properties": {"a": ${v}}}], "outputs": {}}`
              : `{"parameters": {"p": {"value": [${v}]}}}`;
        same(text, 'near-JSON in a skipped container');
      }),
      { numRuns: 3000, seed: 20261126 },
    );
    // valid content of every kind, with a templateLink key only deep inside; then broken by
    // single-char mutations and by a swapped bracket
    const BRACKETS: Record<string, string> = { '[': '{', '{': '[', ']': '}', '}': ']' };
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), fc.nat(), fc.nat(), (v, link, seed, pick) => {
        const inner = JSON.stringify(v, null, seed % 3) ?? 'null';
        const text = `{"resources": [{"properties": {"x": ${inner}, "deep": [[{"${link ? 'templateLink' : 'templateLinks'}": {"relativePath": "a.json"}}]]}}]}`;
        same(text, 'valid content in a skipped container');
        for (const m of mutations(text, 3, seed)) same(m.text, `content in a skipped container, ${m.label}`);
        const at = [...text].map((c, i) => (c in BRACKETS ? i : -1)).filter((i) => i >= 0);
        const i = at[pick % at.length];
        same(text.slice(0, i) + BRACKETS[text[i]] + text.slice(i + 1), `content in a skipped container, bracket swapped at ${i}`);
      }),
      { numRuns: 400, seed: 5 },
    );
  });

  test('checked inputs (count)', () => {
    // printed for the record: how many texts the properties and tables above compared
    console.log(`quick-path: ${checked} texts compared, ${quick} of them on the cheap path`);
    assert.ok(quick > 1000);
  });
});
