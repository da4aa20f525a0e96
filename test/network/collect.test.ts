import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { buildTemplate } from '../../server/src/template/builder';
import type { Template } from '../../server/src/template/model';
import { isUnknown, displayValue } from '../../server/src/expressions/value';
import { collectNsgRules, collectSecurityRules, evaluateRow, type NsgRuleView } from '../../server/src/network/nsg';
import { collectRoutes, evaluateRouteTable } from '../../server/src/network/routes';
import { STV1_ROWS } from '../../server/src/requirements';
import type { AddressEnv } from '../../server/src/network/addresses';

const fixtures = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'network');
function load(name: string): Template {
  const file = path.join(fixtures, name);
  return buildTemplate({ file, text: fs.readFileSync(file, 'utf8') });
}
function nsgNamed(t: Template, name: string) {
  const r = t.resourcesOfType('Microsoft.Network/networkSecurityGroups').find((x) => displayValue(x.name) === name);
  assert.ok(r, `NSG ${name} in fixture`);
  return r!;
}
function rtNamed(t: Template, name: string) {
  const r = t.resourcesOfType('Microsoft.Network/routeTables').find((x) => displayValue(x.name) === name);
  assert.ok(r, `route table ${name} in fixture`);
  return r!;
}
const env: AddressEnv = { subnetPrefixes: ['10.0.1.0/24'], vnetAddressSpace: ['10.0.0.0/16'], region: 'westeurope' };
const S1 = (i: number) => STV1_ROWS[i - 1];
const textAt = (t: Template, r: NsgRuleView, key: 'origin' | 'accessOrigin') => {
  const o = r[key]!;
  return t.main.text.slice(o.node.offset, o.node.offset + o.node.length);
};

test('collect: inline literal rules, rules from variables, child resources (nested and top-level), not other NSGs', () => {
  const t = load('nsg-collect.json');
  const col = collectNsgRules(t, nsgNamed(t, 'apim-nsg'));
  const rules = col.rules;
  assert.deepEqual(
    rules.map((r) => `${r.name}:${r.kind}`),
    ['Allow_Client:inline', 'Mgmt_From_Variable:inline', 'Allow_Deps:inline', 'Deny_Outbound:inline', 'Nested_Child_Asg:child', 'Top_Level_Child:child'],
  );
  assert.equal(col.securityRulesLiteral, true);
  assert.equal(col.usesChildResources, true);
  const [client, mgmt, deps, deny, asg, top] = rules;
  // literal rule: origin literal, access origin at the literal "Allow"
  assert.equal(client.literal, true);
  assert.equal(textAt(t, client, 'accessOrigin'), '"Allow"');
  assert.deepEqual(client.destinationPorts, ['80', '443']);
  // rule from a variable: not literal at the use site
  assert.equal(mgmt.priority, 110);
  assert.equal(mgmt.access, 'Allow');
  // plural properties
  assert.deepEqual(deps.sourcePrefixes, ['10.0.1.0/24']);
  assert.deepEqual(deps.destinationPrefixes, ['Storage', 'Sql']);
  assert.deepEqual(deps.destinationPorts, ['443', '1433']);
  assert.deepEqual(deps.sourcePorts, ['*']);
  // priority from a parameter without value is an Unknown
  assert.ok(isUnknown(deny.priority));
  // ASG child rule
  assert.equal(asg.sourceAsgs.length, 1);
  assert.deepEqual(asg.sourcePrefixes, []);
  assert.equal(asg.priority, 130);
  assert.equal(top.protocol, 'Udp');
  assert.equal(textAt(t, top, 'accessOrigin'), '"Deny"');
  assert.equal(top.literal, true);
  // the other NSG only has its own child rule
  assert.deepEqual(collectSecurityRules(t, nsgNamed(t, 'other-nsg')).map((r) => r.name), ['Not_Mine']);
});

test('collected rules evaluate: unknown priority says which parameter; ASG deny does not block', () => {
  const t = load('nsg-collect.json');
  const rules = collectSecurityRules(t, nsgNamed(t, 'apim-nsg'));
  // Row 4 (Sql 1433): Allow_Deps (120) allows before the deny whose priority is unknown → but the
  // deny might come first: unknown, naming the parameter.
  const v4 = evaluateRow(rules, S1(4), 'Outbound', env);
  assert.equal(v4.status, 'unknown');
  assert.match(v4.unknown[0].reason, /priority of rule 'Deny_Outbound' is not known/);
  assert.match(v4.unknown[0].reason, /denyPriority/);
  // Row 2 (3443 inbound): the variable rule allows it; the ASG deny (130) covers nothing.
  assert.equal(evaluateRow(rules, S1(2), 'Inbound', env).status, 'satisfied');
  // Client row allowed by the literal rule.
  assert.equal(evaluateRow(rules, S1(1), 'Inbound', env).status, 'satisfied');
});

test('collect: property copy loop over a parameter and a resource copy loop of child rules', () => {
  const t = load('nsg-copy.json');
  const col = collectNsgRules(t, nsgNamed(t, 'copy-nsg'));
  assert.equal(col.securityRulesLiteral, false, 'a property copy loop is not an array a fix can insert into');
  const rules = col.rules;
  assert.deepEqual(
    rules.map((r) => `${r.name}:${r.kind}:${displayValue(r.priority)}:${displayValue(r.destinationPorts[0])}`),
    ['Allow_Sql:inline:100:1433', 'Deny_Internet:inline:200:*', 'Allow_Extra_0:child:150:9350-9354', 'Allow_Extra_1:child:151:5671'],
  );
  for (const r of rules) {
    assert.equal(r.literal, false, `${r.name} is built by a copy loop`);
    assert.match(r.via ?? '', /copy/, `${r.name} keeps the reason: ${r.via}`);
  }
  // Sql allowed (100); Service Bus 9350-9354 blocked by Deny_Internet (200) before the extra allow (150)? No: 150 < 200.
  assert.equal(evaluateRow(rules, S1(4), 'Outbound', env).status, 'satisfied');
  assert.equal(evaluateRow(rules, S1(7), 'Outbound', env).status, 'satisfied');
  const v = evaluateRow(rules, S1(5), 'Outbound', env);
  assert.equal(v.status, 'blocked');
  assert.equal(v.blocked[0].rule.name, 'Deny_Internet');
  assert.equal(v.blocked[0].portsText, '11000-11999');
});

test('collect: securityRules from a parameter without value → one opaque rule, every verdict unknown', () => {
  const t = load('nsg-param.json');
  const col = collectNsgRules(t, nsgNamed(t, 'param-nsg'));
  assert.equal(col.rules.length, 1);
  assert.equal(col.rules[0].kind, 'opaque');
  assert.equal(col.securityRulesLiteral, false);
  const v = evaluateRow(col.rules, S1(4), 'Outbound', env);
  assert.equal(v.status, 'unknown');
  assert.match(v.unknown[0].reason, /security rules are not known.*securityRules/);
});

test('collect: securityRules from a parameter default: evaluated, not an array literal of the NSG', () => {
  const t = load('nsg-param.json');
  const col = collectNsgRules(t, nsgNamed(t, 'param-default-nsg'));
  assert.deepEqual(col.rules.map((r) => `${r.name}:${r.kind}:${r.access}`), ['Deny_Sql_From_Param:inline:Deny']);
  assert.equal(col.securityRulesLiteral, false, 'the NSG holds an expression, not an array: fixes must not insert into it');
  const v = evaluateRow(col.rules, S1(4), 'Outbound', env);
  assert.equal(v.status, 'blocked');
  assert.equal(v.blocked[0].rule.name, 'Deny_Sql_From_Param');
  assert.ok(v.blocked[0].rule.accessOrigin, 'the access value still has an origin (in the parameter default)');
});

test('collect: NSG in a nested deployment (inner scope), priority passed in by the parent, child rule in the same scope', () => {
  const t = load('nsg-nested.json');
  const rules = collectSecurityRules(t, nsgNamed(t, 'nested-nsg'));
  assert.deepEqual(rules.map((r) => `${r.name}:${r.kind}:${displayValue(r.priority)}`), ['Deny_ServiceBus_Nested:inline:150', 'Allow_ServiceBus_Child:child:100']);
  const v = evaluateRow(rules, S1(7), 'Outbound', env);
  assert.deepEqual(v.blocked.map((b) => `${b.portsText} ${b.rule.name}`), ['9353-9354 Deny_ServiceBus_Nested']);
  const o = v.blocked[0].rule.accessOrigin!;
  assert.equal(t.main.text.slice(o.node.offset, o.node.offset + o.node.length), '"Deny"', 'the finding goes to the nested text');
});

test('collect: languageVersion 2.0 child rule with parent', () => {
  const t = load('nsg-symbolic.json');
  const rules = collectSecurityRules(t, nsgNamed(t, 'sym-nsg'));
  assert.deepEqual(rules.map((r) => r.name), ['Deny_ServiceBus']);
  const v = evaluateRow(rules, S1(7), 'Outbound', env);
  assert.equal(v.status, 'blocked');
  assert.equal(v.blocked[0].portsText, '9350-9351');
});

test('routes: forced tunneling, ApiManagement → Internet route, BGP, child routes, unknown next hops', () => {
  const t = load('routes.json');
  const forced = evaluateRouteTable(t, rtNamed(t, 'rt-forced'));
  assert.equal(forced.forcedTunneling, true);
  assert.equal(forced.defaultRoutes.length, 1);
  assert.equal(forced.defaultRoutes[0].nextHop, 'VirtualAppliance');
  const o = forced.defaultRoutes[0].route.nextHopTypeOrigin!;
  assert.equal(t.main.text.slice(o.node.offset, o.node.offset + o.node.length), '"VirtualAppliance"');
  assert.equal(forced.apimToInternet?.name, 'apim');
  assert.equal(forced.disableBgpRoutePropagation, true);
  assert.equal(forced.routesLiteral, true);

  const inet = evaluateRouteTable(t, rtNamed(t, 'rt-internet'));
  assert.equal(inet.forcedTunneling, false);
  assert.equal(inet.defaultRoutes[0].nextHop, 'Internet');
  assert.equal(inet.apimToInternet, undefined);

  const child = evaluateRouteTable(t, rtNamed(t, 'rt-child'));
  assert.deepEqual(collectRoutes(t, rtNamed(t, 'rt-child')).map((r) => `${r.name}:${r.kind}`), ['to-onprem:child']);
  assert.equal(child.forcedTunneling, true);
  assert.equal(child.usesChildResources, true);
  assert.equal(child.defaultRoutes[0].nextHop, 'VirtualNetworkGateway');

  const param = evaluateRouteTable(t, rtNamed(t, 'rt-param'));
  assert.equal(param.forcedTunneling, undefined);
  assert.match(param.defaultRoutes[0].reason!, /next hop type of route 'p1' is not known.*nextHop/);

  const regional = evaluateRouteTable(t, rtNamed(t, 'rt-regional'));
  assert.equal(regional.apimToInternet?.name, 'apim-we', 'regional tag, any case, next hop compared case-insensitively');
  assert.equal(regional.forcedTunneling, false, 'no 0.0.0.0/0 route');
  assert.ok(isUnknown(regional.disableBgpRoutePropagation));

  const cands = evaluateRouteTable(t, rtNamed(t, 'rt-cands'));
  assert.equal(cands.forcedTunneling, true, 'every allowed value force-tunnels');
  assert.equal(cands.defaultRoutes.length, 1, 'only the 0.0.0.0/0 route counts');
});

test('collect: malformed shapes never throw and yield nothing or opaque rules', () => {
  const shapes = [
    '"securityRules": {}',
    '"securityRules": "text"',
    '"securityRules": 42',
    '"securityRules": null',
    '"securityRules": [1, "x", null, [], {"name": "n"}, {"name": "p", "properties": []}, {"properties": {"priority": "abc", "access": 7}}]',
    '"securityRules": ["[parameters(\'nope\')]"]',
  ];
  for (const shape of shapes) {
    const text = `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
      "resources": [ {"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01", "name": "n1", "properties": { ${shape} } },
                     {"type": "Microsoft.Network/networkSecurityGroups/securityRules", "apiVersion": "2023-04-01", "name": "n1/c", "properties": "[parameters('nope')]"},
                     {"type": "Microsoft.Network/routeTables", "apiVersion": "2023-04-01", "name": "rt", "properties": { ${shape.replace('securityRules', 'routes')} } } ] }`;
    const t = buildTemplate({ file: '/x/malformed.json', text });
    const nsg = t.resourcesOfType('Microsoft.Network/networkSecurityGroups')[0];
    const rules = collectSecurityRules(t, nsg);
    for (const r of rules) assert.ok(['inline', 'child', 'opaque'].includes(r.kind), shape);
    for (const row of STV1_ROWS) for (const d of row.directions) evaluateRow(rules, row, d, env);
    const rv = evaluateRouteTable(t, t.resourcesOfType('Microsoft.Network/routeTables')[0]);
    assert.ok(rv.forcedTunneling !== true, shape);
  }
});
