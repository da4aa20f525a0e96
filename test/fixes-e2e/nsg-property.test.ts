/**
 * Issue 4 acceptance, property test: random NSGs (random rules, priorities 100-4096, directions,
 * access, protocols Tcp/Udp/Icmp/*, service tags, CIDRs, port singles/ranges/lists/*) on a fixed
 * APIM template (stv1 and stv2, External and Internal). `--fix` is run in process exactly as the
 * CLI does (preferred fixes planned with planFixRound, applied, re-analyzed, in rounds, bounded at
 * 50); then the NSG evaluator (collectNsgRules + evaluateRows on the fixed template) must find
 * every row of the profile allowed, or the row is genuinely impossible to fix: a deny decides it
 * and every priority from 100 up to that deny is taken in that direction, and the finding says
 * "no free priority". A subset also goes through the real CLI process, which must write exactly
 * the bytes of the in-process loop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { analyze } from '../../server/src/analyzer';
import { sortFindings } from '../../server/src/output/common';
import { planFixRound, applyTextEdits } from '../../server/src/cli/fix';
import type { Finding } from '../../server/src/findings';
import { buildTemplate } from '../../server/src/template/builder';
import { collectNsgRules, evaluateRows, type RowVerdict } from '../../server/src/network/nsg';
import { rowsFor } from '../../server/src/requirements';
import { duplicatePriorities, duplicateResources, runCli, strictJsonErrors, tempDir } from './helpers';

const SEED = 20261126;
const RUNS = 240;
const CLI_SUBSET = 24;
const MAX_FIX_ROUNDS = 50; // the CLI's bound (server/src/cli.ts)
const FILE = '/virtual/fixes-e2e/azuredeploy.json';
const STV1 = '2020-12-01';
const STV2 = '2023-05-01-preview';
const NSG_ID = "[resourceId('Microsoft.Network/networkSecurityGroups', 'apim-nsg')]";
type J = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const TAGS = ['Internet', 'VirtualNetwork', 'AzureLoadBalancer', 'Storage', 'Sql', 'EventHub', 'AzureCloud', 'ApiManagement', '*'];
const CIDRS = ['10.0.1.0/24', '10.0.0.0/16', '10.0.1.0/28', '192.168.0.0/16', '0.0.0.0/0', '10.0.2.0/24'];

const address = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...TAGS) }, { weight: 1, arbitrary: fc.constantFrom(...CIDRS) });
const addressField = (side: 'source' | 'destination') =>
  fc.oneof(
    { weight: 4, arbitrary: address.map((a) => ({ [`${side}AddressPrefix`]: a })) },
    { weight: 1, arbitrary: fc.uniqueArray(fc.constantFrom(...CIDRS), { minLength: 1, maxLength: 3 }).map((l) => ({ [`${side}AddressPrefixes`]: l })) },
  );
const port = fc.oneof(
  fc.constantFrom('80', '443', '3443', '6390', '1433', '5671', '445', '6381', '9350', '11000', '14000'),
  fc.integer({ min: 1, max: 65535 }).map(String),
);
const portRange = fc.oneof(
  { weight: 3, arbitrary: port },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 0, max: 20000 })).map(([a, n]) => `${a}-${Math.min(65535, a + n)}`) },
  { weight: 1, arbitrary: fc.constantFrom('0-65535', '1-1024', '6381-6383', '9350-9354', '11000-11999') },
);
const destPorts = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ destinationPortRange: '*' }) },
  { weight: 3, arbitrary: portRange.map((p) => ({ destinationPortRange: p })) },
  { weight: 2, arbitrary: fc.uniqueArray(portRange, { minLength: 1, maxLength: 4 }).map((l) => ({ destinationPortRanges: l })) },
);
const priority = fc.oneof({ weight: 1, arbitrary: fc.constantFrom(100, 101, 110, 200, 999, 4096) }, { weight: 3, arbitrary: fc.integer({ min: 100, max: 4096 }) });

const ruleArb = fc.record({
  direction: fc.constantFrom('Inbound', 'Outbound'),
  access: fc.oneof({ weight: 3, arbitrary: fc.constant('Deny') }, { weight: 2, arbitrary: fc.constant('Allow') }),
  protocol: fc.constantFrom('Tcp', 'Udp', '*', 'Icmp'),
  priority,
  source: addressField('source'),
  destination: addressField('destination'),
  ports: destPorts,
  sourcePortRange: fc.oneof({ weight: 5, arbitrary: fc.constant('*') }, { weight: 1, arbitrary: portRange }),
});

const caseArb = fc.record({
  platform: fc.constantFrom('stv1', 'stv2') as fc.Arbitrary<'stv1' | 'stv2'>,
  /** Where the template keeps its rules: inline securityRules, child resources, a languageVersion 2.0 template, a nested deployment. */
  form: fc.constantFrom('inline', 'child-resources', 'symbolic', 'nested') as fc.Arbitrary<'inline' | 'child-resources' | 'symbolic' | 'nested'>,
  mode: fc.constantFrom('External', 'Internal') as fc.Arbitrary<'External' | 'Internal'>,
  // Azure rejects two rules with one priority and direction: the generated NSG is deployable.
  rules: fc.uniqueArray(ruleArb, { maxLength: 9, selector: (r) => `${r.direction}:${r.priority}` }),
  /** Sometimes a deny of everything at priority 100 in one direction: rows there cannot be fixed. */
  wall: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('Inbound', 'Outbound') }),
  /** With a wall: also deny everything in the other direction at this priority (fixable there). */
  otherDeny: fc.option(fc.integer({ min: 101, max: 4096 }), { freq: 2 }),
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function templateText(c: Case): string {
  const rules = c.wall
    ? [
        { direction: c.wall, access: 'Deny', protocol: '*', priority: 100, source: { sourceAddressPrefix: '*' }, destination: { destinationAddressPrefix: '*' }, ports: { destinationPortRange: '*' }, sourcePortRange: '*' },
        ...(c.otherDeny !== null
          ? [{ direction: c.wall === 'Inbound' ? 'Outbound' : 'Inbound', access: 'Deny', protocol: '*', priority: c.otherDeny, source: { sourceAddressPrefix: '*' }, destination: { destinationAddressPrefix: '*' }, ports: { destinationPortRange: '*' }, sourcePortRange: '*' }]
          : []),
        ...c.rules.filter((r) => !(r.direction === c.wall && r.priority === 100) && !(c.otherDeny !== null && r.direction !== c.wall && r.priority === c.otherDeny)),
      ]
    : c.rules;
  const securityRules = rules.map((r, i) => ({
    name: `r${i}_${r.access}_${r.direction}`,
    properties: {
      protocol: r.protocol,
      sourcePortRange: r.sourcePortRange,
      ...r.ports,
      ...r.source,
      ...r.destination,
      access: r.access,
      priority: r.priority,
      direction: r.direction,
    },
  }));
  const t: J = {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [
      { type: 'Microsoft.Network/networkSecurityGroups', apiVersion: '2023-11-01', name: 'apim-nsg', location: 'westeurope', properties: { securityRules } },
      {
        type: 'Microsoft.Network/virtualNetworks',
        apiVersion: '2023-11-01',
        name: 'apim-vnet',
        location: 'westeurope',
        dependsOn: ["[resourceId('Microsoft.Network/networkSecurityGroups', 'apim-nsg')]"],
        properties: {
          addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
          subnets: [{ name: 'apim', properties: { addressPrefix: '10.0.1.0/24', networkSecurityGroup: { id: "[resourceId('Microsoft.Network/networkSecurityGroups', 'apim-nsg')]" } } }],
        },
      },
      {
        type: 'Microsoft.ApiManagement/service',
        apiVersion: c.platform === 'stv1' ? STV1 : STV2,
        name: 'contoso-apim',
        location: 'westeurope',
        sku: { name: 'Developer', capacity: 1 },
        dependsOn: ["[resourceId('Microsoft.Network/virtualNetworks', 'apim-vnet')]"],
        properties: {
          publisherEmail: 'admin@contoso.com',
          publisherName: 'Contoso',
          virtualNetworkType: c.mode,
          virtualNetworkConfiguration: { subnetResourceId: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'apim-vnet', 'apim')]" },
        },
      },
    ],
  };
  if (c.form === 'child-resources') {
    // The rules as Microsoft.Network/networkSecurityGroups/securityRules resources.
    const [nsg, ...rest] = t.resources as J[];
    t.resources = [
      { ...nsg, properties: {} },
      ...securityRules.map((r) => ({ type: 'Microsoft.Network/networkSecurityGroups/securityRules', apiVersion: '2023-11-01', name: `apim-nsg/${r.name}`, dependsOn: [NSG_ID], properties: r.properties })),
      ...rest,
    ];
  } else if (c.form === 'nested') {
    // Everything inside a nested deployment's inline template (inner scope): edited in place.
    return (
      JSON.stringify(
        {
          $schema: t.$schema,
          contentVersion: t.contentVersion,
          resources: [{ type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'apim-network', properties: { mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' }, template: t } }],
        },
        null,
        2,
      ) + '\n'
    );
  } else if (c.form === 'symbolic') {
    // languageVersion 2.0: resources keyed by symbolic names, dependsOn by name.
    const [nsg, vnet, service] = t.resources as J[];
    return (
      JSON.stringify(
        { $schema: t.$schema, languageVersion: '2.0', contentVersion: t.contentVersion, resources: { nsg, vnet: { ...vnet, dependsOn: ['nsg'] }, apim: { ...service, dependsOn: ['vnet'] } } },
        null,
        2,
      ) + '\n'
    );
  }
  return JSON.stringify(t, null, 2) + '\n';
}

/** Findings as the CLI sees them (sorted by position: the order its fix planning follows). */
function analyzeText(text: string, file = FILE): Finding[] {
  return sortFindings(analyze({ file, text, config: { platform: 'auto' } }).findings);
}

const fixableCount = (fs0: Finding[]) => fs0.filter((f) => f.fixes.some((x) => x.isPreferred)).length;

/** The CLI's --fix loop (server/src/cli.ts fixFile), in process. */
function fixLikeCli(text: string, file = FILE): { text: string; findings: Finding[]; rounds: number } {
  let t = text;
  let findings = analyzeText(t, file);
  let rounds = 0;
  const seen = new Set<string>([t]);
  for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
    const plan = planFixRound(findings, (f) => f === file);
    if (plan.editsByFile.size === 0) break;
    const after = applyTextEdits(t, plan.editsByFile.get(file) ?? []);
    if (after === t) break;
    t = after;
    rounds++;
    findings = analyzeText(t, file);
    assert.ok(!findings.some((f) => f.ruleId === 'invalid-json'), 'a fix produced invalid JSON');
    if (seen.has(t)) break; // the files came back to a state already seen
    seen.add(t);
  }
  return { text: t, findings, rounds };
}

interface Outcome {
  allowed: number;
  impossible: number;
  rounds: number;
}

function verdictsOf(text: string, c: Case): { verdicts: RowVerdict[]; priorities: { priority: number; direction: string }[] } {
  const template = buildTemplate({ file: FILE, text });
  const nsg = template.resourcesOfType('Microsoft.Network/networkSecurityGroups')[0];
  const col = collectNsgRules(template, nsg);
  const verdicts = evaluateRows(col.rules, rowsFor(c.platform, c.mode, false, 'Developer'), {
    subnetPrefixes: ['10.0.1.0/24'],
    vnetAddressSpace: ['10.0.0.0/16'],
    region: 'westeurope',
  });
  const priorities = col.rules.filter((r) => !r.isDefault && typeof r.priority === 'number').map((r) => ({ priority: r.priority as number, direction: String(r.direction) }));
  return { verdicts, priorities };
}

function checkCase(c: Case): Outcome & { fixed: string } {
  const input = templateText(c);
  const { text, findings, rounds } = fixLikeCli(input);
  assert.deepEqual(strictJsonErrors(text), [], 'strict JSON after --fix');
  assert.deepEqual(duplicatePriorities(text), [], 'no two rules share a priority and direction');
  assert.deepEqual(duplicateResources(text), [], 'no resource declared twice');
  assert.equal(fixableCount(findings), 0, `nothing fixable left: ${findings.filter((f) => f.fixes.some((x) => x.isPreferred)).map((f) => f.message).join(' || ')}`);
  const { verdicts, priorities } = verdictsOf(text, c);
  assert.ok(verdicts.length > 0);
  let impossible = 0;
  for (const v of verdicts) {
    assert.notEqual(v.status, 'unknown', `${v.row.id} ${v.direction}: every value is literal, no verdict is unknown`);
    if (v.status === 'satisfied') continue;
    // Blocked after --fix: only when no priority is free below the deciding deny.
    const custom = v.blocked.filter((b) => !b.rule.isDefault && typeof b.rule.priority === 'number');
    assert.ok(custom.length > 0, `${v.row.id} ${v.direction}: blocked only by a default rule after --fix (${v.blocked.map((b) => b.rule.name).join(', ')})`);
    const bound = Math.min(...custom.map((b) => b.rule.priority as number));
    for (let p = 100; p < bound; p++) {
      assert.ok(
        priorities.some((x) => x.priority === p && x.direction.toLowerCase() === v.direction.toLowerCase()),
        `${v.row.id} ${v.direction}: still blocked by priority ${bound} although priority ${p} is free`,
      );
    }
    const finding = findings.find((f) => /^nsg-blocks-/.test(f.ruleId) && (f.data as { rowId?: string } | undefined)?.rowId === v.row.id);
    assert.ok(finding, `${v.row.id}: the blocked row is reported`);
    assert.match(finding.noFixReason ?? '', /no free priority/, `${v.row.id}: the finding says why no fix is offered`);
    impossible++;
  }
  return { allowed: verdicts.length - impossible, impossible, rounds, fixed: text };
}

test(`property: random NSGs on a fixed APIM template, after --fix every row is allowed or genuinely unfixable (seed ${SEED}, ${RUNS} runs)`, (t) => {
  const forms = new Map<string, number>();
  const totals = { cases: 0, allowed: 0, impossible: 0, casesWithImpossible: 0, rounds: 0, maxRounds: 0, changed: 0 };
  fc.assert(
    fc.property(caseArb, (c) => {
      const o = checkCase(c);
      totals.cases++;
      forms.set(`${c.form}/${c.platform}/${c.mode}`, (forms.get(`${c.form}/${c.platform}/${c.mode}`) ?? 0) + 1);
      totals.allowed += o.allowed;
      totals.impossible += o.impossible;
      if (o.impossible > 0) totals.casesWithImpossible++;
      totals.rounds += o.rounds;
      totals.maxRounds = Math.max(totals.maxRounds, o.rounds);
      if (o.rounds > 0) totals.changed++;
    }),
    { seed: SEED, numRuns: RUNS },
  );
  t.diagnostic(
    `${totals.cases} random NSGs: ${totals.changed} needed fixes (max ${totals.maxRounds} rounds), ` +
      `${totals.allowed} row verdicts allowed after --fix, ${totals.impossible} genuinely unfixable (in ${totals.casesWithImpossible} NSGs)`,
  );
  t.diagnostic(`by form/profile/mode: ${[...forms].sort().map(([k, n]) => `${k} ${n}`).join(', ')}`);
  assert.equal(forms.size, 16, 'every form x profile x mode is exercised');
  assert.ok(totals.changed >= RUNS / 3, 'most random NSGs need fixes (the property is not vacuous)');
  assert.ok(totals.impossible > 0, 'some generated NSGs have a deny with no free priority below it');
});

test(`property subset through the real CLI: ${CLI_SUBSET} random NSGs, --fix writes exactly the bytes of the in-process loop`, async () => {
  const cases = fc.sample(caseArb, { seed: SEED + 1, numRuns: CLI_SUBSET });
  const dir = tempDir('apim-fixes-e2e-prop-');
  try {
    const expected = new Map<string, string>();
    cases.forEach((c, i) => {
      const sub = path.join(dir, `case${i}`);
      fs.mkdirSync(sub);
      const file = path.join(sub, 'azuredeploy.json');
      const text = templateText(c);
      fs.writeFileSync(file, text);
      expected.set(file, fixLikeCli(text, file).text);
    });
    const r = await runCli(['--fix', '--format', 'json', '.'], dir);
    assert.notEqual(r.status, 2, r.stderr);
    for (const [file, text] of expected) assert.equal(fs.readFileSync(file, 'utf8'), text, `${path.relative(dir, file)}: CLI output equals the in-process loop`);
    assert.ok([...expected].some(([file, text]) => text !== templateText(cases[Number(/case(\d+)/.exec(file)![1])])), 'some case was changed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
