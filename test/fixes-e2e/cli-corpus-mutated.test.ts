/**
 * Reality check with real NSGs: every corpus template (strict JSON) that holds a literal NSG
 * `securityRules` array gets, in a temp copy, a deny-everything rule in each direction at a
 * free priority from 125 up (most of its own Allow rules and rows of the profile are shadowed,
 * and a few dozen priorities are left below the deny). One `apim-vnet-lint --fix` process fixes them all:
 * the results must be strict JSON, NSG priorities unique, no preferred fix left, every NSG
 * finding left must say why no fix is offered, and a second run must change nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { corpusDir, duplicatePriorities, duplicateResources, parseReport, runCli, snapshot, strictJsonErrors, tempDir } from './helpers';

const manifest = path.join(corpusDir, 'MANIFEST.tsv');
const skip = !fs.existsSync(manifest) && 'shared corpus absent (../shared/corpus)';

type J = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Adds a deny of everything at the lowest free priority from 125 (per direction) to every literal securityRules array. */
function injectDenies(value: J): number {
  let n = 0;
  const visit = (v: J): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    if (typeof v.type === 'string' && v.type.toLowerCase() === 'microsoft.network/networksecuritygroups' && Array.isArray(v.properties?.securityRules)) {
      const rules: J[] = v.properties.securityRules;
      if (rules.every((r) => r && typeof r === 'object' && r.properties && typeof r.properties === 'object')) {
        for (const direction of ['Inbound', 'Outbound']) {
          const used = new Set(rules.filter((r) => String(r.properties.direction).toLowerCase() === direction.toLowerCase()).map((r) => r.properties.priority));
          let p = 125;
          while (used.has(p)) p++;
          rules.push({
            name: `Injected_Deny_All_${direction}`,
            properties: { protocol: '*', sourcePortRange: '*', destinationPortRange: '*', sourceAddressPrefix: '*', destinationAddressPrefix: '*', access: 'Deny', priority: p, direction },
          });
          n++;
        }
      }
    }
    for (const k of Object.keys(v)) visit(v[k]);
  };
  visit(value);
  return n;
}

test('corpus NSGs with an injected low deny: --fix converges, says why for what cannot be placed, and is idempotent', { skip }, async (t) => {
  const dir = tempDir('apim-fixes-e2e-mutated-');
  try {
    const rows = fs
      .readFileSync(manifest, 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'))
      .filter((c) => c.length > 6 && /json/.test(c[6]));
    const mutated: string[] = [];
    const inputs = new Map<string, string>();
    for (const c of rows) {
      const src = path.join(corpusDir, c[0]);
      const dest = path.join(dir, c[0]);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      const text = fs.readFileSync(src, 'utf8');
      if (c[6] === 'parameters-json' || strictJsonErrors(text).length > 0) {
        fs.writeFileSync(dest, text);
        continue;
      }
      const value = JSON.parse(text.replace(/^\ufeff/, ''));
      if (injectDenies(value) === 0) {
        fs.writeFileSync(dest, text);
        continue;
      }
      const input = JSON.stringify(value, null, 2) + '\n';
      fs.writeFileSync(dest, input);
      inputs.set(c[0], input);
      mutated.push(c[0]);
    }
    assert.ok(mutated.length >= 5, `${mutated.length} corpus templates hold a literal NSG`);

    const first = await runCli(['--fix', '--format', 'json', 'files'], dir);
    assert.doesNotMatch(first.stderr, /not converging|stopped after|a fix produced invalid JSON|cannot write/, first.stderr);
    const report = new Map(parseReport(first.stdout).map((f) => [f.path, f] as const));
    let inserted = 0;
    let unplaceable = 0;
    const reasons = new Set<string>();
    for (const rel of mutated) {
      const out = fs.readFileSync(path.join(dir, rel), 'utf8');
      const input = inputs.get(rel)!;
      assert.deepEqual(strictJsonErrors(out), [], `${rel}: strict JSON`);
      assert.deepEqual(duplicatePriorities(out), [], `${rel}: NSG priorities unique per direction`);
      assert.deepEqual(duplicateResources(out), duplicateResources(input), `${rel}: no resource declared twice by a fix`);
      inserted += (out.match(/"description": "API Management \((stv1|stv2|v2) row/g) ?? []).length;
      const r = report.get(rel);
      if (!r) continue;
      assert.deepEqual(r.findings.filter((f) => f.fixes.some((x) => x.isPreferred)).map((f) => `${f.ruleId}: ${f.message}`), [], `${rel}: no fixable finding left`);
      for (const f of r.findings.filter((x) => /^nsg-blocks-/.test(x.ruleId))) {
        assert.ok(f.noFixReason && f.noFixReason.length > 0, `${rel}: ${f.message}: says why it is not fixed`);
        reasons.add(f.noFixReason.replace(/\(.*\)/, '(...)'));
        unplaceable++;
      }
    }
    t.diagnostic(`${mutated.length} corpus templates with injected denies: ${inserted} Allow rules inserted, ${unplaceable} NSG findings left with a reason`);
    for (const r of reasons) t.diagnostic(`reason left: ${r}`);
    assert.ok(inserted > 0, 'some rules were inserted');

    const before = snapshot(dir);
    const second = await runCli(['--fix', '--format', 'json', 'files'], dir);
    assert.match(second.stderr, /^no fixes applied$/m, second.stderr);
    const after = snapshot(dir);
    for (const [rel, buf] of before) assert.ok(buf.equals(after.get(rel)!), `${rel}: byte-identical after a second --fix`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
