/**
 * Issue 4 acceptance, convergence through the real CLI: every fixable fixture of
 * test/fixtures/fixes-e2e, rendered with 2 spaces, 4 spaces, tabs and CRLF + comments, is fixed by
 * one `apim-vnet-lint --fix` process. Each result must be strict JSON (JSONC with every comment
 * kept when the input had comments) in the input's own style, the re-analysis (the report of the
 * same run) must offer no preferred fix, no NSG may hold two rules with one priority and
 * direction, and a second `--fix` run must change no byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  VARIANTS,
  duplicatePriorities,
  duplicateResources,
  fixturesDir,
  jsoncErrors,
  parseReport,
  render,
  runCli,
  snapshot,
  strictJsonErrors,
  tempDir,
  type Variant,
} from './helpers';

/** Fixtures analyzed under a forced stv1 profile (a `.apim-vnet.json` beside them). */
const FORCED_STV1 = new Set(['stv1-internal-public-ip-delegated']);

/** The rules whose fixes `--fix` must report as applied, per fixture (what the fixture is about). */
const EXPECTED_RULES: Record<string, string[]> = {
  'allowed-values-basic': ['unsupported-sku'],
  'basic-external': ['unsupported-sku'],
  'custom-dns-no-depends': ['custom-dns'],
  'expressroute-no-udr': ['expressroute-forced-tunneling'],
  'forced-tunneling-stv1': ['forced-tunneling'],
  'forced-tunneling-stv2': ['forced-tunneling'],
  'stv1-all-rows-blocked': ['nsg-blocks-optional-port', 'nsg-blocks-required-port'],
  'stv1-deny-999': ['nsg-blocks-optional-port', 'nsg-blocks-required-port'],
  'stv1-internal-public-ip-delegated': ['internal-public-ip', 'subnet-delegated'],
  'stv2-child-rules': ['nsg-blocks-optional-port', 'nsg-blocks-required-port'],
  'stv2-missing-3443': ['nsg-blocks-required-port'],
  'stv2-no-nsg': ['missing-nsg'],
  'symbolic-no-nsg': ['missing-nsg'],
  'v2-no-delegation': ['subnet-delegated'],
  'nested-deployment-inner-scope': ['nsg-blocks-required-port'],
  'stv2-two-vnets-no-nsg': ['missing-nsg'],
  // the sku fix makes the NSG rows apply (a Consumption service has none): new fixable findings
  // appear after the first round, and the loop must go on
  'consumption-internal-then-nsg': ['nsg-blocks-optional-port', 'nsg-blocks-required-port', 'unsupported-sku'],
  'expressroute-two-vnets-no-udr': ['expressroute-forced-tunneling'],
  'nested-deployment-outer-scope': ['nsg-blocks-required-port'],
  'stv1-multi-region-two-nsgs': ['nsg-blocks-optional-port', 'nsg-blocks-required-port'],
  'stv1-stv2-shared-nsg': ['nsg-blocks-optional-port', 'nsg-blocks-required-port'],
};

const names = fs
  .readdirSync(fixturesDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

interface Case {
  name: string;
  variant: Variant;
  rel: string;
  input: string;
  comments: string[];
}

function indentOk(text: string, variant: Variant): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    const ws = /^[ \t]*/.exec(line)![0];
    if (variant === 'tabs' ? ws.includes(' ') : ws.includes('\t')) return line;
    const unit = variant === '4-spaces' ? 4 : 2;
    if (variant !== 'tabs' && ws.length % unit !== 0) return line;
  }
  return undefined;
}

test('the fixture table covers every fixture and every fixture names its fixes', () => {
  assert.deepEqual(names, Object.keys(EXPECTED_RULES).sort());
});

test(`--fix through the CLI converges on ${names.length} fixtures x ${VARIANTS.length} styles, and a second run changes nothing`, async () => {
  const dir = tempDir('apim-fixes-e2e-');
  try {
    const cases: Case[] = [];
    for (const name of names) {
      const value = JSON.parse(fs.readFileSync(path.join(fixturesDir, `${name}.json`), 'utf8'));
      for (const variant of VARIANTS) {
        const { text, comments } = render(value, variant);
        const rel = `${variant}/${name}/${name}.json`;
        fs.mkdirSync(path.join(dir, variant, name), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
        if (FORCED_STV1.has(name)) fs.writeFileSync(path.join(dir, variant, name, '.apim-vnet.json'), '{ "platform": "stv1" }\n');
        cases.push({ name, variant, rel, input: text, comments });
      }
    }

    const first = await runCli(['--fix', '--format', 'json', '.'], dir);
    assert.notEqual(first.status, 2, `first run: usage/IO error: ${first.stderr}`);
    assert.doesNotMatch(first.stderr, /not converging|stopped after|invalid JSON|cannot write/, first.stderr);
    const report = new Map(parseReport(first.stdout).map((f) => [f.path, f] as const));
    const fixLog = new Map<string, string[]>();
    for (const m of first.stderr.matchAll(/^fixed (.+): \d+ fix(?:es)? applied \(([^)]*)\)$/gm)) fixLog.set(m[1], m[2].split(', ').sort());

    for (const c of cases) {
      const label = `${c.rel}`;
      const out = fs.readFileSync(path.join(dir, c.rel), 'utf8');
      assert.notEqual(out, c.input, `${label}: --fix changed the file`);
      assert.deepEqual(fixLog.get(c.rel), EXPECTED_RULES[c.name], `${label}: the rules whose fixes were applied`);
      if (c.variant === 'crlf-comments') {
        assert.deepEqual(jsoncErrors(out), [], `${label}: valid JSONC`);
        for (const comment of c.comments) assert.ok(out.includes(comment), `${label}: comment kept: ${comment}`);
        assert.doesNotMatch(out, /[^\r]\n/, `${label}: CRLF only`);
      } else {
        assert.deepEqual(strictJsonErrors(out), [], `${label}: strict JSON`);
        assert.doesNotThrow(() => JSON.parse(out), `${label}: JSON.parse accepts it`);
        assert.ok(!out.includes('\r'), `${label}: LF only`);
      }
      assert.equal(indentOk(out, c.variant), undefined, `${label}: indentation in the file's style`);
      assert.deepEqual(duplicatePriorities(out), [], `${label}: NSG priorities unique per direction`);
      assert.deepEqual(duplicateResources(out), [], `${label}: no resource declared twice`);
      const file = report.get(c.rel);
      assert.ok(file, `${label}: in the report`);
      const fixable = file.findings.filter((f) => f.fixes.some((x) => x.isPreferred));
      assert.deepEqual(fixable.map((f) => `${f.ruleId}: ${f.message}`), [], `${label}: no fixable finding left`);
      const nsgLeft = file.findings.filter((f) => /^nsg-blocks-/.test(f.ruleId));
      assert.deepEqual(nsgLeft.map((f) => f.message), [], `${label}: every NSG row allowed after the fix`);
      for (const id of EXPECTED_RULES[c.name]) {
        assert.deepEqual(file.findings.filter((f) => f.ruleId === id).map((f) => f.message), [], `${label}: ${id} resolved`);
      }
    }

    const before = snapshot(dir);
    const second = await runCli(['--fix', '--format', 'json', '.'], dir);
    assert.notEqual(second.status, 2, second.stderr);
    assert.match(second.stderr, /^no fixes applied$/m);
    const after = snapshot(dir);
    assert.deepEqual([...after.keys()], [...before.keys()], 'no file created or removed');
    for (const [f, buf] of before) assert.ok(buf.equals(after.get(f)!), `${f}: byte-identical after a second --fix`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the loop bound: stv1 with all 11 rows blocked is fixed completely by one --fix run', async () => {
  const dir = tempDir('apim-fixes-e2e-bound-');
  try {
    const file = path.join(dir, 'azuredeploy.json');
    fs.copyFileSync(path.join(fixturesDir, 'stv1-all-rows-blocked.json'), file);
    const before = await runCli(['--format', 'json', file], dir);
    const rows = parseReport(before.stdout)[0].findings.filter((f) => /^nsg-blocks-/.test(f.ruleId));
    assert.equal(rows.length, 11, 'every stv1 row is blocked before the fix');
    const r = await runCli(['--fix', file], dir);
    assert.match(r.stdout, /^fixed azuredeploy\.json: 11 fixes applied \(nsg-blocks-optional-port, nsg-blocks-required-port\)$/m, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /\[nsg-blocks-/);
    const out = fs.readFileSync(file, 'utf8');
    const rules = (JSON.parse(out).resources[0].properties.securityRules as { name: string; properties: { priority: number; direction: string; access: string } }[]);
    assert.equal(rules.length, 14, '2 denies + 12 allows (row 9, Redis, is inbound and outbound)');
    for (const rule of rules.filter((x) => x.properties.access === 'Allow')) assert.ok(rule.properties.priority < 999, `${rule.name} is below the deny`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('partly unfixable: priorities 100-108 taken and a deny at 110; --fix places the one rule that fits (109), the rest says why, a second run changes nothing', async () => {
  const dir = tempDir('apim-fixes-e2e-crowded-');
  try {
    const file = path.join(dir, 'azuredeploy.json');
    fs.copyFileSync(path.join(fixturesDir, 'partly-unfixable', 'stv2-crowded-priorities.json'), file);
    const r = await runCli(['--fix', '--format', 'json', file], dir);
    assert.match(r.stderr, /^fixed azuredeploy\.json: 1 fix applied \(nsg-blocks-required-port\)$/m, r.stderr);
    const out = fs.readFileSync(file, 'utf8');
    assert.deepEqual(strictJsonErrors(out), []);
    assert.deepEqual(duplicatePriorities(out), []);
    const rules = JSON.parse(out).resources[0].properties.securityRules as { name: string; properties: { priority: number; destinationPortRange?: string } }[];
    const added = rules.filter((x) => !/^(x\d+|deny)$/.test(x.name));
    assert.deepEqual(added.map((x) => [x.properties.destinationPortRange, x.properties.priority]), [['3443', 109]], 'the required management rule takes the only free priority');
    const left = parseReport(r.stdout)[0].findings.filter((f) => /^nsg-blocks-/.test(f.ruleId));
    assert.ok(left.length >= 2, 'rows that cannot be placed remain reported');
    for (const f of left) {
      assert.equal(f.fixes.filter((x) => x.isPreferred).length, 0, `${f.message}: no preferred fix`);
      assert.match(f.noFixReason ?? '', /no free priority exists below 110 in the inbound direction/);
    }
    const before = fs.readFileSync(file);
    const again = await runCli(['--fix', file], dir);
    assert.match(again.stdout, /^no fixes applied$/m);
    assert.ok(fs.readFileSync(file).equals(before), 'byte-identical');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a parent template and its linked template in one --fix run: the shared fix is applied once (no duplicate rule), reports are fresh, a second run changes nothing', async () => {
  const dir = tempDir('apim-fixes-e2e-linked-');
  try {
    const module = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'stv2-missing-3443.json'), 'utf8'));
    fs.mkdirSync(path.join(dir, 'modules'));
    fs.writeFileSync(path.join(dir, 'modules', 'network.json'), JSON.stringify(module, null, 2) + '\n');
    const parent = {
      $schema: module.$schema,
      contentVersion: '1.0.0.0',
      resources: [{ type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'network', properties: { mode: 'Incremental', templateLink: { relativePath: 'modules/network.json' } } }],
    };
    fs.writeFileSync(path.join(dir, 'main.json'), JSON.stringify(parent, null, 2) + '\n');
    const r = await runCli(['--fix', '--format', 'json', '.'], dir);
    assert.notEqual(r.status, 2, r.stderr);
    const out = fs.readFileSync(path.join(dir, 'modules', 'network.json'), 'utf8');
    assert.deepEqual(duplicatePriorities(out), [], 'no duplicate priority');
    const names = (JSON.parse(out).resources[0].properties.securityRules as { name: string }[]).map((x) => x.name);
    assert.equal(new Set(names).size, names.length, `rule names unique: ${names.join(', ')}`);
    assert.equal(names.length, 3, 'exactly one rule (3443) inserted');
    assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('fixed ')).length, 1, `one fix reported:\n${r.stderr}`);
    for (const f of parseReport(r.stdout)) assert.deepEqual(f.findings.map((x) => `${x.ruleId}: ${x.message}`), [], `${f.path}: nothing left (reports are fresh)`);
    const before = snapshot(dir);
    const again = await runCli(['--fix', '.'], dir);
    assert.match(again.stdout, /^no fixes applied$/m);
    for (const [rel, buf] of before) assert.ok(buf.equals(snapshot(dir).get(rel)!), `${rel}: byte-identical`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('rules built from a parameter or by a copy loop: --fix edits nothing and each finding says why', async () => {
  const dir = tempDir('apim-fixes-e2e-opaque-');
  try {
    const names = ['rules-from-parameter.json', 'rules-copy-loop.json'];
    for (const n of names) fs.copyFileSync(path.join(fixturesDir, 'partly-unfixable', n), path.join(dir, n));
    const before = snapshot(dir);
    const r = await runCli(['--fix', '--format', 'json', '.'], dir);
    assert.match(r.stderr, /^no fixes applied$/m, r.stderr);
    for (const [rel, buf] of before) assert.ok(buf.equals(snapshot(dir).get(rel)!), `${rel}: untouched`);
    const files = parseReport(r.stdout);
    assert.equal(files.length, 2);
    for (const f of files) {
      const nsgFindings = f.findings.filter((x) => x.ruleId === 'nsg-blocks-required-port');
      assert.equal(nsgFindings.length, 1, `${f.path}: the 3443 row is reported`);
      assert.equal(nsgFindings[0].fixes.length, 0);
      assert.match(nsgFindings[0].noFixReason ?? '', /not written literally in this template \((built by the copy loop 'securityRules' over parameter 'nsgRules'|from parameter 'nsgRules')\)/);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('inbound deny at 100, outbound deny at 999 (stv1): every outbound rule is placed, Redis (row 9) gets its outbound half, the inbound rows say why', async () => {
  const dir = tempDir('apim-fixes-e2e-half-');
  try {
    const t = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'stv1-all-rows-blocked.json'), 'utf8'));
    t.resources[0].properties.securityRules[0].properties.priority = 100; // DenyAllIn
    const file = path.join(dir, 'azuredeploy.json');
    fs.writeFileSync(file, JSON.stringify(t, null, 2) + '\n');
    const r = await runCli(['--fix', '--format', 'json', file], dir);
    const out = JSON.parse(fs.readFileSync(file, 'utf8'));
    const rules = out.resources[0].properties.securityRules as { name: string; properties: { direction: string; priority: number; access: string } }[];
    const added = rules.filter((x) => x.properties.access === 'Allow');
    assert.ok(added.every((x) => x.properties.direction === 'Outbound' && x.properties.priority < 999), 'only outbound rules, below the outbound deny');
    assert.deepEqual(
      added.map((x) => x.name).filter((n) => /Redis/.test(n)),
      ['Allow_Dependency_Redis_Cache_Outbound'],
      'the outbound half of row 9 is placed',
    );
    assert.equal(added.length, 8, 'rows 3-8, 10 and the outbound half of 9');
    const left = parseReport(r.stdout)[0].findings.filter((f) => /^nsg-blocks-/.test(f.ruleId));
    assert.deepEqual(left.map((f) => (f as { message: string }).message.match(/stv1 row (\d+)/)?.[1]).sort(), ['1', '11', '2', '9']);
    for (const f of left) {
      assert.equal(f.fixes.filter((x) => x.isPreferred).length, 0);
      assert.match(f.noFixReason ?? '', /no free priority exists below 100 in the inbound direction/);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
