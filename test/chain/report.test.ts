/** explainText (CLI --explain) and networkReportMarkdown (VS Code "Show Network Report"). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { explainText, networkReportMarkdown, describeServices, requirementRowsFromVerdicts, reportOptionsFor, type RequirementRow } from '../../server/src/report';
import { nsgAnalyses } from '../../server/src/rules/nsg-analysis';
import { buildTemplate } from '../../server/src/template/builder';
import { buildChain } from '../../server/src/network/chain';
import type { RuleContext } from '../../server/src/rules/context';
import { fixture, fixtureDir, lineOf } from './helpers';

/** 1-based line:col of the first occurrence of `needle` in the fixture text (col of its first char). */
function where(text: string, needle: string): string {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `fixture contains ${needle}`);
  const line = lineOf(text, i);
  const col = i - text.lastIndexOf('\n', i - 1);
  return `${line}:${col}`;
}

const rows: RequirementRow[] = [
  { row: 2, purpose: 'Management endpoint for Azure portal and PowerShell', direction: 'Inbound', ports: '3443', verdict: 'allowed', class: 'required', decidingRule: 'AllowMgmt (110)' },
  { row: 3, purpose: 'Azure Infrastructure Load Balancer', direction: 'Inbound', ports: '6390', verdict: 'blocked', blockedPorts: '6390', class: 'required', decidingRule: 'DenyAllInBound (default, 65500)' },
  { row: 12, purpose: 'Log to Event Hubs policy', direction: 'Outbound', ports: '5671, 5672, 443', verdict: 'unknown', note: "destination depends on parameter 'x'" },
];

test('explainText: tier, mode, profile and the resolved chain with file:line:col of each definition', () => {
  const { template, services } = fixture('inline-subnet.json');
  const text = template.main.text;
  const out = explainText(template, services, { baseDir: fixtureDir, profileFor: () => ({ profile: 'stv2', why: 'apiVersion 2022-08-01' }) });
  assert.match(out, /^APIM service apim-inline {2}Microsoft\.ApiManagement\/service@2022-08-01 {2}inline-subnet\.json:\d+:\d+$/m);
  assert.match(out, /tier: +Developer, capacity 1/);
  assert.match(out, /mode: +External/);
  assert.match(out, /profile: +stv2 \(apiVersion 2022-08-01\)/);
  assert.match(out, /location 0 \(primary\): westeurope/);
  // Each link points at the `name` of the resource that defines it.
  assert.ok(out.includes(`NSG          apim-nsg  inline-subnet.json:${where(text, `"[variables('nsgName')]",\n      "location"`)}`), out);
  assert.ok(out.includes(`route table  apim-rt  inline-subnet.json:${where(text, '"apim-rt",\n')}`), out);
  assert.ok(out.includes(`VNet         apim-vnet  inline-subnet.json:${where(text, `"[parameters('vnetName')]",\n      "location"`)}`), out);
  assert.ok(out.includes(`subnet       apim-vnet/apim  inline-subnet.json:${where(text, '"apim",\n            "properties": {\n              "addressPrefix": "10.0.0.0/27"')}`), out);
  assert.match(out, /prefix 10\.0\.0\.0\/27/);
  assert.match(out, /service endpoints: Microsoft\.Storage, Microsoft\.Sql/);
  assert.ok(!out.includes(fixtureDir), 'paths are relative to baseDir');
  assert.ok(!/requirements/.test(out), 'no rows table unless rows are given');
});

test('explainText: outside the template, unknown and none', () => {
  const { template, services } = fixture('external.json');
  const out = explainText(template, services);
  assert.match(out, /subnet +outside the template: \/subscriptions\/00000000-0000-0000-0000-000000000000\/resourceGroups\/net-rg\/providers\/Microsoft\.Network\/virtualNetworks\/hub\/subnets\/apim$/m);
  assert.match(out, /VNet +outside the template: \/subscriptions\/.*\/virtualNetworks\/hub$/m);
  assert.match(out, /subnet +unknown: .*subnetId/);
  assert.match(out, /NSG +unknown: the subnet is outside the template/);
  assert.match(out, /subnet +none \(no virtualNetworkConfiguration\)/);
  assert.match(out, /mode: +None {2}\(virtualNetworkType not set\)/);
  assert.match(out, /profile: +not computed/);
  assert.ok(out.includes(path.join(fixtureDir, 'external.json')), 'absolute path without baseDir');
});

test('explainText: additional locations, shared subnet users, delegations', () => {
  const ml = fixture('multi-location.json');
  const out = explainText(ml.template, ml.services);
  assert.match(out, /location 1: northeurope/);
  assert.match(out, /location 2: eastus/);
  assert.match(out, /shared +apim apim-copy-locations/);
  const d = fixture('delegated.json');
  const out2 = explainText(d.template, d.services);
  assert.match(out2, /delegations: Microsoft\.ContainerInstance\/containerGroups/);
  assert.match(out2, /shared +aks aks/);
});

test('explainText: requirement rows appended per location', () => {
  const { template, services } = fixture('inline-subnet.json');
  const out = explainText(template, services, { profileFor: () => 'stv2', rows: () => rows });
  assert.match(out, /requirements \(stv2\):/);
  assert.match(out, /^ +2 allowed Inbound +3443 +Management endpoint .*\[required\] {2}by AllowMgmt \(110\)$/m);
  assert.match(out, /^ +3 blocked Inbound +6390 +Azure Infrastructure Load Balancer \[required\] {2}by DenyAllInBound/m);
  assert.match(out, /12 unknown Outbound +5671, 5672, 443 +Log to Event Hubs policy {2}\(destination depends on parameter 'x'\)/);
});

test('networkReportMarkdown: chain table with line links, then the rows table', () => {
  const { template, services } = fixture('inline-subnet.json');
  const text = template.main.text;
  const md = networkReportMarkdown(template, services, { profileFor: () => 'stv2', rows: () => rows });
  assert.match(md, /^# APIM network report: /m);
  assert.match(md, /^## APIM service `apim-inline`$/m);
  assert.match(md, /^\| Tier \| Developer, capacity 1 /m);
  const nsgLine = where(text, `"[variables('nsgName')]",\n      "location"`).split(':')[0];
  assert.match(md, new RegExp(`^\\| NSG \\| resolved \\| \`apim-nsg\` \\| \\[inline-subnet\\.json:${nsgLine}:\\d+\\]\\(file:///[^)]*inline-subnet\\.json#L${nsgLine}\\) \\|`, 'm'));
  assert.match(md, /^\| # \| Purpose \| Direction \| Ports \| Verdict \| Blocked ports \| Deciding rule \|$/m);
  assert.match(md, /^\| 3 \| Azure Infrastructure Load Balancer \(required\) \| Inbound \| 6390 \| ❌ blocked \| 6390 \| DenyAllInBound \(default, 65500\) \|$/m);
  // Every table row has the same number of cells as its header (no unescaped pipes).
  for (const block of md.split('\n\n')) {
    const lines = block.split('\n').filter((l) => l.startsWith('|'));
    if (lines.length < 2) continue;
    const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    for (const l of lines) assert.equal(cells(l), cells(lines[0]), l);
  }
  // A custom link builder (e.g. the VS Code client's command URIs).
  const md2 = networkReportMarkdown(template, services, { linkFor: (f, l, c) => `command:open?${encodeURIComponent(JSON.stringify([f, l, c]))}` });
  assert.match(md2, /\]\(command:open\?/);
});

test('networkReportMarkdown: unknown and external entries, and a template without APIM', () => {
  const { template, services } = fixture('external.json');
  const md = networkReportMarkdown(template, services);
  assert.match(md, /\| subnet \| external \| outside the template: \/subscriptions\//);
  assert.match(md, /\| subnet \| unknown \| unknown: .*subnetId/);
  const none = networkReportMarkdown(template, []);
  assert.match(none, /No `Microsoft\.ApiManagement\/service` resource/);
  assert.match(explainText(template, []), /no Microsoft\.ApiManagement\/service resource/);
});

test('describeServices: one structured model for both renderers', () => {
  const { template, services } = fixture('multi-location.json');
  const reps = describeServices(template, services);
  assert.equal(reps.length, 2);
  assert.deepEqual(reps[0].locations.map((l) => l.location), ['westeurope', 'northeurope', 'eastus']);
  assert.deepEqual(reps[0].locations[0].entries.map((e) => `${e.label}:${e.status}`), ['subnet:resolved', 'VNet:resolved', 'NSG:none', 'route table:none']);
  assert.equal(reps[0].locations[2].entries[0].status, 'none');
});

test('explainText marks conditional links', () => {
  const { template, services } = fixture('existing.json');
  const out = explainText(template, services);
  assert.match(out, /NSG +maybe-nsg \(maybeNsg\) \(conditional\) {2}\S*existing\.json:\d+:\d+$/m);
  assert.match(out, /subnet +outside the template: .*\/subnets\/apim-existing$/m);
  assert.match(out, /NSG +outside the template: .*networkSecurityGroups\/shared-nsg$/m);
});

test('requirementRowsFromVerdicts: real NSG verdicts become report rows with deciding rules and links', () => {
  const { template, services } = fixture('nsg-rows.json');
  const ctx: RuleContext = { template, services, platform: 'stv2', profileFor: () => 'stv2' };
  const analyses = nsgAnalyses(ctx);
  assert.equal(analyses.length, 1);
  const rows = requirementRowsFromVerdicts(analyses[0].verdicts);
  const byRow = new Map(rows.map((r) => [r.row, r]));
  // stv2 row 2: 3443 from ApiManagement, allowed by the custom rule.
  assert.equal(byRow.get(2)?.verdict, 'allowed');
  assert.match(byRow.get(2)?.decidingRule ?? '', /AllowManagement.*100/);
  // stv2 row 3: 6390 from AzureLoadBalancer: the default AllowAzureLoadBalancerInBound allows it.
  assert.equal(byRow.get(3)?.verdict, 'allowed');
  assert.match(byRow.get(3)?.decidingRule ?? '', /AllowAzureLoadBalancerInBound/);
  // stv2 row 7: 1433 to Sql, blocked by the custom deny, whose `access` is linked.
  const sql = byRow.get(7)!;
  assert.equal(sql.verdict, 'blocked');
  assert.equal(sql.blockedPorts, '1433');
  assert.match(sql.decidingRule ?? '', /DenySqlOut/);
  assert.ok(sql.decidingRuleOrigin);
  assert.equal(sql.decidingRuleOrigin!.node.value, 'Deny');
  const md = networkReportMarkdown(template, services, { rows: (s, l) => (s === analyses[0].service && l === analyses[0].loc ? rows : undefined) });
  const denyLine = lineOf(template.main.text, sql.decidingRuleOrigin!.node.offset);
  assert.match(md, new RegExp(`\\| 7 \\| Access to Azure SQL endpoints \\(required\\) \\| Outbound \\| 1433 \\| ❌ blocked \\| 1433 \\| 'DenySqlOut' \\(priority 200\\) \\[nsg-rows\\.json:${denyLine}:\\d+\\]\\([^)]*#L${denyLine}\\) \\|`));
  const txt = explainText(template, services, { rows: () => rows });
  assert.match(txt, / 7 blocked Outbound +1433 +Access to Azure SQL endpoints \[required\] {2}by 'DenySqlOut' \(priority 200\) \S+nsg-rows\.json:\d+:\d+/);
});

test('reportOptionsFor: profile and rows straight from a rule context', () => {
  const { template, services } = fixture('nsg-rows.json');
  const ctx: RuleContext = { template, services, platform: 'stv2', profileFor: () => 'stv2' };
  const out = explainText(template, services, reportOptionsFor(ctx, { baseDir: fixtureDir }));
  assert.match(out, /profile: +stv2/);
  assert.match(out, /requirements \(stv2\):/);
  assert.match(out, / 7 blocked Outbound +1433 .*DenySqlOut.* nsg-rows\.json:\d+:\d+$/m);
  // Without a context nothing is added.
  assert.deepEqual(reportOptionsFor(undefined, { baseDir: '/x' }), { baseDir: '/x' });
});

test('linked template (templateLink.relativePath): places are in the linked file, lines counted in its own text', () => {
  const { template, services } = fixture('linked-main.json');
  assert.equal(services.length, 1);
  const linkedText = fs.readFileSync(path.join(fixtureDir, 'linked', 'apim.json'), 'utf8');
  const mainText = template.main.text;
  const out = explainText(template, services, { baseDir: fixtureDir });
  assert.match(out, new RegExp(`^APIM service apim-linked .* linked/apim\\.json:${where(linkedText, '"apim-linked"')}$`, 'm'));
  assert.ok(out.includes(`VNet         vnet-linked  linked/apim.json:${where(linkedText, '"vnet-linked",\n      "location"')}`), out);
  // The NSG comes from the parent template through a parameter.
  assert.ok(out.includes(`NSG          nsg-main  linked-main.json:${where(mainText, '"nsg-main",\n')}`), out);
  const md = networkReportMarkdown(template, services);
  assert.match(md, /\[apim\.json:\d+:\d+\]\(file:\/\/\/[^)]*\/linked\/apim\.json#L\d+\)/);
});

test('Markdown tables survive names with pipes and backticks', () => {
  const text = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [
      { type: 'Microsoft.Network/virtualNetworks', apiVersion: '2023-04-01', name: 'v|1', location: 'westeurope', properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] }, subnets: [{ name: 'a`b', properties: { addressPrefix: '10.0.0.0/24' } }] } },
      { type: 'Microsoft.ApiManagement/service', apiVersion: '2022-08-01', name: 'x|y', location: 'westeurope', sku: { name: 'Developer', capacity: 1 }, properties: { virtualNetworkType: 'Internal', virtualNetworkConfiguration: { subnetResourceId: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v|1', 'a`b')]" } } },
    ],
  });
  const template = buildTemplate({ file: '/tmp/pipes.json', text });
  const md = networkReportMarkdown(template, buildChain(template));
  for (const block of md.split('\n\n')) {
    const lines = block.split('\n').filter((l) => l.startsWith('|'));
    if (lines.length < 2) continue;
    const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    for (const l of lines) assert.equal(cells(l), cells(lines[0]), l);
  }
  assert.match(md, /\| VNet \| resolved \| `v\\\|1` \|/);
  assert.match(md, /\| subnet \| resolved \| `` v\\\|1\/a`b `` \|/);
});
