/**
 * Behaviour of the speed paths (no timing here: speed is measured by `npm run bench`):
 * - fastParseTree builds exactly jsonc-parser's tree (types, offsets, lengths, values,
 *   colonOffset, parent links) or gives up;
 * - analyze()'s quick path for documents without an APIM service, and its single parse, give the
 *   same kind and findings as the full path.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { parseTree, type Node } from 'jsonc-parser';
import { fastKindTree, fastParseTree, lazyParseTree } from '../../server/src/template/fast-parse';
import { analyze, firstSyntaxError } from '../../server/src/analyzer';
import { detectDocumentKind } from '../../server/src/template/builder';
import { detectKindOfRoot } from '../../server/src/template/params';
import { MAX_NESTING, prop } from '../../server/src/template/parse';
import { jsonFilesUnder } from '../reliability/common';

/** The kind from the kind scan alone (what analyze()'s cheap path reads); undefined when the scanner does not vouch for the text. */
function quickKind(text: string): string | undefined {
  const root = fastKindTree(text, MAX_NESTING);
  return root ? detectKindOfRoot(root) : undefined;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const CORPUS = path.join(REPO_ROOT, '..', 'shared', 'corpus', 'files');
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');
const EXAMPLES = path.join(REPO_ROOT, 'examples');

interface Plain {
  type: string;
  offset: number;
  length: number;
  value?: unknown;
  colonOffset?: number;
  children?: Plain[];
}

/** The tree without parent links (checked separately), for deepEqual. */
function plain(n: Node, parent?: Node): Plain {
  assert.equal(n.parent, parent, `parent link of ${n.type} at ${n.offset}`);
  const o: Plain = { type: n.type, offset: n.offset, length: n.length };
  if ('value' in n) o.value = n.value;
  if (n.colonOffset !== undefined) o.colonOffset = n.colonOffset;
  if (n.children) o.children = n.children.map((c) => plain(c, n));
  return o;
}

function jsonc(text: string): { root: Node | undefined; errors: number } {
  const errors: { error: number }[] = [];
  const root = parseTree(text, errors as never, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  return { root, errors: errors.length };
}

/**
 * fastParseTree either gives up or agrees with jsonc-parser exactly (and only on error-free text);
 * lazyParseTree gives up on the same texts and builds the same tree when read whole.
 */
function agree(text: string): 'same' | 'bail' {
  const fast = fastParseTree(text);
  const lazy = lazyParseTree(text);
  assert.equal(lazy === undefined, fast === undefined, `lazyParseTree ${lazy ? 'accepted' : 'gave up on'} a text fastParseTree ${fast ? 'accepted' : 'gave up on'}`);
  if (!fast) return 'bail';
  assert.ok(lazy);
  assert.equal(lazy.parent, undefined);
  assert.deepEqual(plain(lazy), plain(fast));
  const ref = jsonc(text);
  assert.equal(ref.errors, 0, 'the fast path accepted text jsonc-parser reports errors on');
  assert.ok(ref.root);
  assert.equal(fast.parent, undefined);
  assert.deepEqual(plain(fast), plain(ref.root));
  return 'same';
}

describe('prop() on a lazy tree', () => {
  test('builds only the member asked for, and children later holds that very node', () => {
    const text = '{"type": "t", "Name": "n", "name": "exact", "props": {"a": [1, 2]}, "k\\u0065y": "escaped"}';
    const root = lazyParseTree(text)!;
    const v = prop(root, 'props')!;
    assert.equal(v.type, 'object');
    assert.equal(v.parent!.children![0].value, 'props');
    assert.equal(v.parent!.parent, root);
    // the exact name wins over an earlier name that differs in case only
    assert.equal(prop(root, 'name')!.value, 'exact');
    assert.equal(prop(root, 'NAME')!.value, 'n', 'no exact match: the first that differs in case only');
    assert.equal(prop(root, 'key')!.value, 'escaped', 'a name written with an escape');
    assert.equal(prop(root, 'nope'), undefined);
    assert.equal(prop(root, 'props'), v, 'the same node when asked again');
    // reading children builds the rest around the members already built
    const kids = root.children!;
    assert.equal(kids.length, 5);
    assert.equal(kids[3].children![1], v);
    assert.equal(prop(root, 'props'), v, 'and prop() reads the children once they are built');
    assert.deepEqual(plain(root), plain(parseTree(text)!));
    // an array has no members
    assert.equal(prop(prop(v, 'a'), 'length'), undefined);
  });

  test('property: on random objects, prop() gives what it gives on the eager tree, with the same parents', () => {
    const key = fc.constantFrom('a', 'A', 'b', 'ab', 'aB', 'Ab', 'type', 'Type', 'TYPE', '\u00e9', '\u00c9', 'k"', 'k\\');
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.jsonValue({ maxDepth: 2 })), { maxLength: 8 }), fc.array(key, { minLength: 1, maxLength: 6 }), (members, names) => {
        // duplicate and case-variant names on purpose: written by hand, not through an object
        const text = '{' + members.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v) ?? 'null'}`).join(', ') + '}';
        const eager = fastParseTree(text)!;
        const lazy = lazyParseTree(text)!;
        for (const name of names) {
          const want = prop(eager, name);
          const got = prop(lazy, name);
          assert.equal(got === undefined, want === undefined, `${text} / ${name}`);
          if (want && got) {
            assert.deepEqual(plain(got, got.parent), plain(want, want.parent));
            assert.equal(got.parent!.offset, want.parent!.offset);
            assert.equal(got.parent!.parent, lazy);
          }
        }
        assert.deepEqual(plain(lazy), plain(eager));
      }),
      { numRuns: 300 },
    );
  });
});

describe('fastParseTree', () => {
  test('same tree as parseTree on small documents, with comments, trailing commas and escapes', () => {
    const texts = [
      '{}',
      '[]',
      ' { "a" : 1 , "b":[true,false,null,-0.5e+3, 12, "x"] } ',
      '{"a":{"b":{"c":[[],{}]}}}',
      '// head\n{ /* c */ "a": 1, // tail\n "b": [1, 2, ], }\n/* end */',
      '{"s":"esc \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00"}',
      '{"k\\u0041":"v"}',
      '"just a string"',
      '42',
      '-1.25E-7',
      'true',
      'null',
      '{"\u00e9\u2028":"ok"}',
      '{\r\n\t"a":\r\n\t[1,\r\n2]\r\n}',
      '{"a":1}//eof comment',
    ];
    for (const t of texts) assert.equal(agree(t), 'same', t);
  });

  test('gives up (and jsonc-parser decides) on invalid or unusual text', () => {
    const texts = [
      '',
      '   ',
      '// only a comment',
      '{',
      '{"a":1',
      '{"a" 1}',
      '{"a":1 "b":2}',
      '{,}',
      '[,]',
      '[1,,2]',
      '{"a":01}',
      '{"a":1.}',
      '{"a":1e}',
      '{"a":-}',
      '{"a":truex}',
      '{"a":nul}',
      '{"a":"\\x"}',
      '{"a":"\\u12"}',
      '{"a":"tab\there"}',
      '{"a":"line\nbreak"}',
      '\ufeff{"a":1}',
      '{"a":1}\u00a0',
      '{"a":1} x',
      '{"a":1} /* open',
      '{"a":1}/',
      "{'a':1}",
      '{a:1}',
      '[1]]',
    ];
    for (const t of texts) assert.equal(fastParseTree(t), undefined, JSON.stringify(t));
    for (const t of texts) assert.equal(lazyParseTree(t), undefined, `lazy: ${JSON.stringify(t)}`);
  });

  test('gives up beyond the nesting limit, accepts up to it', () => {
    assert.ok(fastParseTree('['.repeat(400) + ']'.repeat(400)));
    assert.equal(fastParseTree('['.repeat(401) + ']'.repeat(401)), undefined);
    assert.equal(fastParseTree('{"a":'.repeat(20) + '1' + '}'.repeat(20), 10), undefined);
    // far deeper than the JS stack: no exception either
    assert.equal(fastParseTree('['.repeat(200000) + ']'.repeat(200000), 1e9), undefined);
    assert.ok(lazyParseTree('['.repeat(400) + ']'.repeat(400)));
    assert.equal(lazyParseTree('['.repeat(401) + ']'.repeat(401)), undefined);
    assert.equal(lazyParseTree('{"a":'.repeat(20) + '1' + '}'.repeat(20), 10), undefined);
    assert.ok(lazyParseTree('{"a":'.repeat(10) + '1' + '}'.repeat(10), 10));
    assert.equal(lazyParseTree('{"a":'.repeat(11) + '1' + '}'.repeat(11), 10), undefined);
    assert.equal(lazyParseTree('[]', 0), undefined);
    assert.equal(lazyParseTree('['.repeat(200000) + ']'.repeat(200000), 1e9), undefined);
  });

  test('lazyParseTree builds the children of a container when they are first read, once', () => {
    const text = '{"a": {"b": [1, {"c": "d\\u0041"}], "e": true}, "f": [], "g": {}}';
    const root = lazyParseTree(text)!;
    // nothing below the root is built until read: the root's own fields are there
    assert.deepEqual([root.type, root.offset, root.length], ['object', 0, text.length]);
    const kids = root.children!;
    assert.equal(root.children, kids, 'the same array on every read');
    const a = kids[0].children![1];
    assert.equal(a.type, 'object');
    assert.equal(a.parent, kids[0]);
    const b = a.children![0].children![1];
    assert.deepEqual(b.children!.map((n) => n.type), ['number', 'object']);
    assert.equal(b.children![1].children![0].children![1].value, 'dA');
    assert.equal(b.children![1].parent, b);
    assert.deepEqual(kids[1].children![1].children, []);
    assert.deepEqual(kids[2].children![1].children, []);
    assert.deepEqual(plain(root), plain(parseTree(text)!));
  });

  test('property: random JSON values, random layout, comments and trailing commas', () => {
    const layout = fc.record({ indent: fc.constantFrom(undefined, 0, 1, 2, '\t'), comment: fc.boolean(), trailing: fc.boolean() });
    fc.assert(
      fc.property(fc.jsonValue(), layout, (v, l) => {
        let text = JSON.stringify(v, null, l.indent as never) ?? 'null';
        if (l.trailing) text = text.replace(/(\d|"|e|l)(\s*)([\]}])/, '$1,$2$3');
        if (l.comment) text = text.replace(/([,[{])/, '$1 /* c */ ').replace(/\n/, ' // line\n');
        const r = agree(text);
        // strict JSON is always taken by the fast path
        if (!l.trailing && !l.comment) assert.equal(r, 'same', text);
      }),
      { numRuns: 300, seed: 20261126 },
    );
  });

  test('property: random text near JSON never throws and never disagrees', () => {
    const alphabet = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', 'a', '1', '-', '.', 'e', ' ', '\n', '/', '*', 'true', 'null', '"k"');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }), (parts) => {
        agree(parts.join(''));
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  test('same tree on every fixture and example', () => {
    const files = [...jsonFilesUnder(FIXTURES), ...jsonFilesUnder(EXAMPLES)];
    assert.ok(files.length > 0);
    let same = 0;
    for (const f of files) if (agree(fs.readFileSync(f, 'utf8')) === 'same') same++;
    assert.ok(same > 0);
  });

  test('same tree on every corpus file', { skip: !fs.existsSync(CORPUS) && 'shared corpus absent (../shared/corpus)' }, () => {
    const files = jsonFilesUnder(CORPUS);
    let same = 0;
    for (const f of files) if (agree(fs.readFileSync(f, 'utf8')) === 'same') same++;
    // the corpus is real, valid JSON: the fast path takes (nearly) all of it
    assert.ok(same >= files.length * 0.9, `${same} of ${files.length}`);
  });
});

describe('analyze() speed paths keep behaviour', () => {
  const noApim = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [{ type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: 'st', location: 'westeurope' }],
  });

  test('quickKind agrees with detectDocumentKind on documents of every kind', () => {
    const docs = [
      noApim,
      '{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#","parameters":{}}',
      '{"parameters":{"a":{"value":1},"b":{"reference":{}}}}',
      '{"parameters":{"a":{"value":null}}}',
      '{"parameters":{"a":{"type":"string"}}}',
      '{"parameters":{}}',
      '{"RESOURCES":[]}',
      '{"$SCHEMA":"x/DeploymentTemplate.json"}',
      '{"$schema":5,"resources":{}}',
      '{"name":"package","version":"1.0.0"}',
      '[1,2]',
      '"text"',
      '3',
      'null',
    ];
    for (const d of docs) assert.equal(quickKind(d), detectDocumentKind(d), d);
    assert.equal(quickKind('{"a":1,}'), 'other', 'JSONC (trailing comma) is well-formed for the fast scanner');
    assert.equal(quickKind('{"a":1'), undefined, 'broken: the full path decides');
    assert.equal(quickKind(''), undefined);
  });

  test('a document without APIM: no findings, same kind; broken ones still get invalid-json', () => {
    const r = analyze({ file: '/x/storage.json', text: noApim });
    assert.equal(r.kind, 'template');
    assert.deepEqual(r.findings, []);
    const broken = analyze({ file: '/x/broken.json', text: noApim.slice(0, -2) });
    assert.equal(broken.kind, 'template');
    assert.deepEqual(
      broken.findings.map((f) => f.ruleId),
      ['invalid-json'],
    );
    const syntax = firstSyntaxError(noApim.slice(0, -2));
    assert.equal(broken.findings[0].location.range.offset, syntax?.offset);
  });

  test('empty and comment-only documents: invalid-json at the end, as the strict parse reports it', () => {
    for (const text of ['', '   ', '// nothing\n']) {
      const r = analyze({ file: '/x/empty.json', text });
      const syntax = firstSyntaxError(text);
      assert.ok(syntax);
      assert.deepEqual(
        r.findings.map((f) => [f.ruleId, f.location.range.offset, f.location.range.length]),
        [['invalid-json', syntax.offset, Math.max(syntax.length, 0)]],
        JSON.stringify(text),
      );
    }
  });
});
