/**
 * Fuzzing with fast-check (issue 7), seeded and reproducible (FUZZ_SEED overrides the seed,
 * RELIABILITY_SCALE multiplies the run counts). Properties, for every generated input:
 *  - the analyzer never throws and reports no `internal-error` finding;
 *  - findings / fix edits stay inside the document;
 *  - every fix's edits applied to the text yield valid JSON (JSONC when the input had comments);
 *  - analysis is deterministic (the same input twice gives deep-equal findings).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { analyze } from '../../server/src/analyzer';
import { hoverAt } from '../../server/src/hover';
import { explainText, networkReportMarkdown, reportOptionsFor } from '../../server/src/report';
import { CORPUS_SKIP, corpusJsonFiles, fixProblems, fixtureFiles, resultProblems, short } from './common';
import { expressionTemplate, mutate, mutations, nsgCase, nsgTemplate, randomTemplateJson } from './generators';

const SEED = Number(process.env.FUZZ_SEED) || 0x5eed7;
const SCALE = Number(process.env.RELIABILITY_SCALE) > 0 ? Number(process.env.RELIABILITY_SCALE) : 1;
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

interface Stats {
  runs: number;
  findings: number;
  fixes: number;
}

/** Analyzes twice and checks every property; throws (with the input) on a violation. */
function check(file: string, text: string, stats: Stats): void {
  const a = analyze({ file, text });
  const problems = resultProblems(file, text, a);
  const fixes = fixProblems(file, text, a.findings);
  problems.push(...fixes.problems);
  const b = analyze({ file, text });
  try {
    assert.deepStrictEqual(b.findings, a.findings);
  } catch {
    problems.push('not deterministic: a second analysis of the same text gave different findings');
  }
  stats.runs++;
  stats.findings += a.findings.length;
  stats.fixes += fixes.fixes;
  if (problems.length) throw new Error(`${problems.join('\n')}\n--- input (${text.length} chars) ---\n${text.slice(0, 4000)}`);
}

function report(t: { diagnostic(m: string): void }, what: string, s: Stats): void {
  t.diagnostic(`${what}: ${s.runs} runs (seed ${SEED}), ${s.findings} findings, ${s.fixes} fixes applied and re-parsed`);
}

test(`fuzz: random JSON documents (fc.json) never break the analyzer (seed ${SEED})`, (t) => {
  const s: Stats = { runs: 0, findings: 0, fixes: 0 };
  fc.assert(
    fc.property(fc.oneof(fc.json({ maxDepth: 5 }), fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
      check('/fuzz/random.json', text, s);
      // the same JSON with an APIM mention so that the whole pipeline runs
      check('/fuzz/random-apim.json', `{"$schema":"deploymentTemplate.json","resources":[{"type":"Microsoft.ApiManagement/service","properties":${text}}]}`, s);
    }),
    { seed: SEED, numRuns: runs(300) },
  );
  report(t, 'random JSON', s);
  assert.equal(s.runs, runs(300) * 2);
});

test(`fuzz: template-shaped random JSON (array and symbolic-name resources) (seed ${SEED})`, (t) => {
  const s: Stats = { runs: 0, findings: 0, fixes: 0 };
  fc.assert(fc.property(randomTemplateJson, (text) => check('/fuzz/template.json', text, s)), { seed: SEED, numRuns: runs(300) });
  report(t, 'template-shaped JSON', s);
});

test(`fuzz: random ARM expressions (deep nesting, long strings, unbalanced brackets and quotes, unknown functions, huge numbers, unicode) (seed ${SEED})`, (t) => {
  const s: Stats = { runs: 0, findings: 0, fixes: 0 };
  fc.assert(fc.property(expressionTemplate, (text) => check('/fuzz/expressions.json', text, s)), { seed: SEED, numRuns: runs(300) });
  report(t, 'random expressions', s);
});

test(`fuzz: random NSGs on an APIM subnet; fixes re-parse as JSON / JSONC (seed ${SEED})`, (t) => {
  const s: Stats = { runs: 0, findings: 0, fixes: 0 };
  fc.assert(fc.property(nsgCase, (c) => check('/fuzz/nsg.json', nsgTemplate(c), s)), { seed: SEED, numRuns: runs(250) });
  report(t, 'random NSGs', s);
  assert.ok(s.fixes > 0, 'some fixes were exercised');
});

test(`fuzz: mutated templates (values swapped, keys dropped, types changed, expressions mangled) from fixtures and the corpus (seed ${SEED})`, (t) => {
  // small and mid-size templates keep the run time bounded; the multi-MB ones are covered by the typing simulation
  const files = [...fixtureFiles(), ...corpusJsonFiles()].filter((f) => fs.statSync(f).size <= 60_000);
  const bases: { file: string; value: unknown }[] = [];
  for (const f of files) {
    try {
      const v: unknown = JSON.parse(fs.readFileSync(f, 'utf8').replace(/^\uFEFF/, ''));
      if (v && typeof v === 'object' && 'resources' in v) bases.push({ file: f, value: v });
    } catch {
      /* JSONC / broken fixtures: not a base for structural mutation */
    }
  }
  assert.ok(bases.length > 10, 'templates to mutate');
  const s: Stats = { runs: 0, findings: 0, fixes: 0 };
  const used = new Set<string>();
  fc.assert(
    fc.property(fc.nat(), mutations, (pick, ms) => {
      const base = bases[pick % bases.length];
      used.add(base.file);
      const text = mutate(structuredClone(base.value), ms);
      check(base.file, text, s);
    }),
    { seed: SEED, numRuns: runs(250) },
  );
  report(t, `mutated templates (${used.size} of ${bases.length} bases${CORPUS_SKIP ? '; corpus absent, fixtures only' : ''}, e.g. ${short([...used][0])})`, s);
});

test(`fuzz: random linked templates and parameter files (broken JSON, wrong shapes, cycles) (seed ${SEED})`, (t) => {
  const s: Stats = { runs: 0, findings: 0, fixes: 0 };
  const linkedText = fc.oneof(
    fc.json({ maxDepth: 4 }),
    fc.string({ maxLength: 200 }),
    randomTemplateJson,
    expressionTemplate,
    nsgCase.map(nsgTemplate),
    nsgCase.map((c) => nsgTemplate(c).slice(0, 300)), // truncated
  );
  const paramsText = fc.oneof(
    fc.json({ maxDepth: 3 }),
    fc.record({ sku: fc.jsonValue({ maxDepth: 2 }), vnetType: fc.jsonValue({ maxDepth: 2 }) }).map((p) =>
      JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#', contentVersion: '1.0.0.0', parameters: Object.fromEntries(Object.entries(p).map(([k, v]) => [k, { value: v }])) }),
    ),
  );
  fc.assert(
    fc.property(linkedText, linkedText, paramsText, fc.constantFrom('modules/a.json', 'modules/../modules/a.json', 'main.json', './b.json'), (a, b, params, rel) => {
      const main = JSON.stringify({
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        parameters: { sku: { type: 'string', defaultValue: 'Developer' }, vnetType: { type: 'string', defaultValue: 'External' } },
        resources: [
          { type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'a', properties: { mode: 'Incremental', templateLink: { relativePath: rel }, parameters: { sku: { value: "[parameters('sku')]" } } } },
          { type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'b', properties: { mode: 'Incremental', templateLink: { relativePath: 'b.json' } } },
          { type: 'Microsoft.ApiManagement/service', apiVersion: '2022-08-01', name: 'apim', location: 'westeurope', sku: { name: "[parameters('sku')]", capacity: 1 }, properties: { virtualNetworkType: "[parameters('vnetType')]", virtualNetworkConfiguration: { subnetResourceId: "[reference('a').outputs.subnetId.value]" } } },
        ],
      });
      const files = new Map<string, string>([
        ['/fz/main.json', main],
        ['/fz/modules/a.json', a],
        ['/fz/b.json', b],
        ['/fz/main.parameters.json', params],
      ]);
      const readFile = (p: string) => files.get(path.posix.resolve('/fz', p));
      const run = () => analyze({ file: '/fz/main.json', text: main, parametersFile: '/fz/main.parameters.json', readFile });
      const r1 = run();
      const problems: string[] = [];
      for (const [file, text] of files) {
        problems.push(...resultProblems(file, text, { ...r1, findings: r1.findings.filter((f) => f.location.file === file || f.ruleId === 'internal-error') }));
        // fixes may edit the linked files too: each file's edits keep it valid JSON
        const fp = fixProblems(file, text, r1.findings);
        s.fixes += fp.fixes;
        problems.push(...fp.problems);
      }
      try {
        assert.deepStrictEqual(run().findings, r1.findings);
      } catch {
        problems.push('not deterministic');
      }
      s.runs++;
      s.findings += r1.findings.length;
      if (problems.length) throw new Error(`${[...new Set(problems)].join('\n')}\n--- a.json ---\n${a.slice(0, 2000)}\n--- b.json ---\n${b.slice(0, 2000)}\n--- params ---\n${params.slice(0, 1000)}`);
    }),
    { seed: SEED, numRuns: runs(200) },
  );
  report(t, 'random linked templates / parameter files', s);
});

test(`fuzz: hover at random offsets and the --explain / network reports over fuzzed templates never throw (seed ${SEED})`, (t) => {
  const bases = [...fixtureFiles(), ...corpusJsonFiles()]
    .filter((f) => fs.statSync(f).size <= 60_000)
    .flatMap((f) => {
      try {
        return [JSON.parse(fs.readFileSync(f, 'utf8').replace(/^\uFEFF/, '')) as unknown];
      } catch {
        return [];
      }
    })
    .filter((v) => v && typeof v === 'object' && 'resources' in (v as object));
  let docs = 0;
  let hovers = 0;
  let shown = 0;
  let reports = 0;
  const doc = fc.oneof(
    nsgCase.map(nsgTemplate),
    expressionTemplate,
    fc.tuple(fc.nat(), mutations).map(([i, ms]) => mutate(structuredClone(bases[i % bases.length]), ms)),
  );
  fc.assert(
    fc.property(doc, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }), (text, where) => {
      const file = '/fuzz/hover.json';
      const r = analyze({ file, text });
      // random offsets, plus the keys hover is about
      const offsets = where.map((w) => Math.floor(w * text.length));
      for (const key of ['virtualNetworkType', 'virtualNetworkConfiguration', 'subnetResourceId', 'securityRules', 'destinationPortRange', '"sku"', 'networkSecurityGroup', 'publicIpAddressId']) {
        const at = text.indexOf(key);
        if (at >= 0) offsets.push(at + 2);
      }
      for (const offset of offsets) {
        const h = hoverAt({ text, offset, template: r.template, findings: r.findings, file });
        hovers++;
        if (h) {
          shown++;
          assert.ok(h.range.offset >= 0 && h.range.offset + h.range.length <= text.length, `hover range inside the document at ${offset}`);
          assert.equal(typeof h.markdown, 'string');
        }
      }
      if (r.template && r.services) {
        const opts = reportOptionsFor(r.context, { baseDir: '/fuzz' });
        assert.equal(typeof explainText(r.template, r.services, opts), 'string');
        assert.equal(typeof networkReportMarkdown(r.template, r.services, opts), 'string');
        reports++;
      }
      docs++;
    }),
    { seed: SEED, numRuns: runs(150) },
  );
  t.diagnostic(`hover / reports: ${docs} documents (seed ${SEED}), ${hovers} hovers (${shown} with content), ${reports} explain + network reports`);
});
