/** buildChain on fixtures written for each way a template wires APIM → subnet → VNet → NSG / route table. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTemplate } from '../../server/src/template/builder';
import { buildChain, vnetIdFromSubnetId, splitName } from '../../server/src/network/chain';
import { isUnknown, Unknown, symbolicConcat } from '../../server/src/expressions/value';
import type { SubnetInfo } from '../../server/src/network/chain-model';
import { fixture, service, targetName, str } from './helpers';

function subnetOf(link: { status: string }): SubnetInfo {
  assert.equal(link.status, 'resolved', `subnet link should be resolved: ${JSON.stringify(link, (_k, v) => (v && v.node ? '[res]' : v))}`);
  return (link as unknown as { target: SubnetInfo }).target;
}

test('inline subnet: NSG and route table by resourceId on the VNet inline subnet', () => {
  const { services, template } = fixture('inline-subnet.json');
  assert.equal(services.length, 1);
  const s = service(services, 'apim-inline');
  assert.equal(s.apiVersion, '2022-08-01');
  assert.equal(s.skuName, 'Developer');
  assert.equal(s.skuCapacity, 1);
  assert.equal(s.virtualNetworkType, 'External');
  assert.ok(s.vnetTypeOrigin, 'virtualNetworkType origin');
  assert.equal(s.vnetTypeOrigin!.node.value, 'External');
  assert.equal(s.vnetTypeOrigin!.literal, true);
  assert.equal(s.skuNameOrigin?.node.value, 'Developer');
  assert.equal(s.locations.length, 1);
  const loc = s.locations[0];
  assert.equal(loc.isPrimary, true);
  assert.equal(loc.index, 0);
  assert.equal(loc.location, 'westeurope');
  assert.match(str(loc.subnetId), /\/providers\/Microsoft\.Network\/virtualNetworks\/apim-vnet\/subnets\/apim$/);
  assert.equal(loc.subnetIdOrigin?.node.value, "[variables('subnetRef')]");
  assert.equal(loc.subnetIdOrigin?.literal, false);
  const sub = subnetOf(loc.subnet);
  assert.equal(sub.resource.inline, true);
  assert.match(str(sub.resource.name), /(^|\/)apim$/);
  assert.deepEqual(sub.addressPrefixes, ['10.0.0.0/27']);
  assert.equal(sub.serviceEndpoints.length, 2);
  assert.deepEqual(sub.delegations, []);
  assert.equal(targetName(loc.vnet), 'apim-vnet');
  assert.equal(sub.vnet, (loc.vnet as { target: unknown }).target);
  assert.equal(targetName(loc.nsg), 'apim-nsg');
  assert.equal(loc.nsg.status === 'resolved' && loc.nsg.certain, true);
  assert.equal(targetName(loc.routeTable), 'apim-rt');
  assert.equal(loc.publicIpAddressId, undefined);
  void template;
});

test('child subnet resource (nested "subnets"), NSG by reference(..., Full).id, sku from a parameter', () => {
  const { services } = fixture('child-subnet.json');
  const s = service(services, 'apim-child');
  assert.equal(s.skuName, 'Premium');
  assert.equal(s.skuCapacity, 2);
  assert.equal(s.skuNameOrigin?.node.value, "[parameters('sku')]");
  assert.equal(s.skuNameOrigin?.literal, false);
  assert.equal(s.virtualNetworkType, 'Internal');
  const loc = s.locations[0];
  assert.equal(loc.location, 'northeurope');
  const sub = subnetOf(loc.subnet);
  assert.ok(!sub.resource.inline, 'a child resource, not an inline subnet');
  assert.equal(sub.resource.type.toLowerCase(), 'microsoft.network/virtualnetworks/subnets');
  assert.deepEqual(sub.addressPrefixes, ['10.1.0.0/28']);
  assert.equal(targetName(loc.vnet), 'vnet-child');
  assert.equal(targetName(loc.nsg), 'nsg-child');
  assert.equal(loc.routeTable.status, 'none');
});

test('top-level "vnet/subnet" resource: VNet found by name, addressPrefixes array, delegations', () => {
  const { services } = fixture('toplevel-subnet.json');
  const s = service(services, 'apim-top');
  assert.equal(s.skuName, 'StandardV2');
  const loc = s.locations[0];
  const sub = subnetOf(loc.subnet);
  assert.equal(str(sub.resource.name), 'vnet-top/apim');
  assert.deepEqual(sub.addressPrefixes, ['10.2.0.0/27']);
  assert.equal(sub.delegations.length, 1);
  assert.match(JSON.stringify(sub.delegations[0]), /Microsoft\.Web\/serverFarms/);
  assert.equal(targetName(loc.vnet), 'vnet-top');
  assert.equal(loc.nsg.status, 'none');
  assert.equal(loc.routeTable.status, 'none');
});

test('languageVersion 2.0: symbolic names, NSG by resourceInfo(symbolic).id and reference(symbolic, Full).id, route table by resourceId', () => {
  const { services } = fixture('symbolic.json');
  assert.equal(services.length, 1);
  const s = services[0];
  assert.equal(s.resource.symbolicName, 'apim');
  assert.equal(s.virtualNetworkType, 'Internal');
  const loc = s.locations[0];
  const sub = subnetOf(loc.subnet);
  assert.equal(sub.resource.symbolicName, 'subnet');
  assert.equal(targetName(loc.vnet), 'vnet-sym');
  assert.equal(targetName(loc.nsg), 'nsg-sym');
  assert.equal(targetName(loc.routeTable), 'rt-sym');
  // Second location: subnet id built from resourceInfo('vnet').id, NSG by reference('nsg', ..., 'Full').id.
  assert.equal(s.locations.length, 2);
  const l2 = s.locations[1];
  assert.equal(l2.location, 'westus3');
  assert.equal(subnetOf(l2.subnet).resource.symbolicName, 'subnet2');
  assert.equal(targetName(l2.nsg), 'nsg-sym');
  assert.equal(l2.routeTable.status, 'none');
});

test('NSG id from a nested deployment output resolves to the NSG inside the inline template', () => {
  const { services } = fixture('nested-output.json');
  const s = service(services, 'apim-nested');
  const loc = s.locations[0];
  subnetOf(loc.subnet);
  assert.equal(targetName(loc.vnet), 'vnet-nested');
  assert.equal(targetName(loc.nsg), 'nsg-nested');
  assert.ok(loc.nsg.status === 'resolved' && loc.nsg.target.scope.parent, 'the NSG lives in the nested scope');
});

test('external subnet (literal id of another resource group, resourceId with a resource group) and unknown subnet (parameter without value)', () => {
  const { services } = fixture('external.json');
  assert.equal(services.length, 4);

  const lit = service(services, 'apim-literal-ext').locations[0];
  assert.equal(lit.subnet.status, 'external');
  assert.equal(
    str(lit.subnetId),
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net-rg/providers/Microsoft.Network/virtualNetworks/hub/subnets/apim',
  );
  assert.match(lit.subnet.status === 'external' ? lit.subnet.reason : '', /outside the template/);
  assert.equal(lit.vnet.status, 'external');
  assert.match(lit.vnet.status === 'external' ? str(lit.vnet.id) : '', /\/virtualNetworks\/hub$/);
  assert.equal(lit.nsg.status, 'unknown');
  assert.equal(lit.routeTable.status, 'unknown');

  const unk = service(services, 'apim-param-unknown').locations[0];
  assert.equal(unk.subnet.status, 'unknown');
  assert.match(unk.subnet.status === 'unknown' ? unk.subnet.reason : '', /subnetId/);
  assert.equal(unk.nsg.status, 'unknown');

  const rg = service(services, 'apim-other-rg').locations[0];
  assert.equal(rg.subnet.status, 'external');
  assert.match(str(rg.subnetId), /resourceGroups\/other-rg\/providers\/Microsoft\.Network\/virtualNetworks\/shared-vnet\/subnets\/apim/);

  const none = service(services, 'apim-novnet');
  assert.equal(none.virtualNetworkType, 'None');
  assert.equal(none.vnetTypeOrigin, undefined);
  assert.equal(none.locations.length, 1);
  const nl = none.locations[0];
  assert.equal(nl.vnetConfigOrigin, undefined);
  assert.equal(nl.subnetId, undefined);
  for (const l of [nl.subnet, nl.vnet, nl.nsg, nl.routeTable]) assert.equal(l.status, 'none');
});

test('additionalLocations: literal entries with and without virtualNetworkConfiguration', () => {
  const { services, template } = fixture('multi-location.json');
  assert.equal(services.length, 2);
  const s = service(services, 'apim-literal-locations');
  assert.equal(s.locations.length, 3);
  const [p, neu, eus] = s.locations;
  assert.equal(p.location, 'westeurope');
  assert.equal(targetName(p.vnet), 'vnet-weu');
  assert.equal(neu.index, 1);
  assert.equal(neu.isPrimary, false);
  assert.equal(neu.location, 'northeurope');
  assert.equal(targetName(neu.vnet), 'vnet-neu');
  assert.ok(neu.origin, 'entry origin');
  assert.equal(neu.origin!.node.type, 'object');
  assert.match(template.main.text.slice(neu.origin!.node.offset, neu.origin!.node.offset + neu.origin!.node.length), /northeurope/);
  assert.ok(neu.vnetConfigOrigin);
  assert.equal(neu.nsg.status, 'none');
  assert.equal(eus.location, 'eastus');
  assert.equal(eus.vnetConfigOrigin, undefined);
  assert.equal(eus.subnet.status, 'none');
  assert.match(JSON.stringify(eus.sku), /"capacity":2/);
});

test('additionalLocations produced by a property copy loop', () => {
  const { services } = fixture('multi-location.json');
  const s = service(services, 'apim-copy-locations');
  assert.equal(s.locations.length, 3);
  assert.deepEqual(
    s.locations.map((l) => l.location),
    ['westeurope', 'northeurope', 'eastus'],
  );
  assert.deepEqual(
    s.locations.map((l) => targetName(l.vnet)),
    ['vnet-weu', 'vnet-neu', 'vnet-eus'],
  );
  assert.ok(s.locations[2].origin, 'copy-loop entries still point somewhere in the text');
  assert.equal(s.locations[2].origin!.literal, false);
});

test('multiple APIM services are all listed, in document order', () => {
  const { services } = fixture('usage.json');
  assert.deepEqual(services.map((s) => str(s.resource.name)), ['apim-a', 'apim-b']);
  for (const s of services) assert.equal(targetName(s.locations[0].vnet), 'vnet-u');
});

test('never throws on broken or odd input', () => {
  const odd = [
    '{',
    '',
    '[]',
    '{"resources": [{"type": "Microsoft.ApiManagement/service"}]}',
    '{"resources": [{"type": "microsoft.apimanagement/SERVICE", "name": "x", "properties": {"virtualNetworkConfiguration": "[parameters(\'nope\')]", "additionalLocations": [null, 1, {"location": 3}]}}]}',
    '{"resources": [{"type": "Microsoft.ApiManagement/service", "name": "y", "sku": "[parameters(\'s\')]", "properties": "[variables(\'p\')]"}]}',
    '{"resources": [{"type": "Microsoft.ApiManagement/service", "name": "z", "properties": {"virtualNetworkType": "External", "virtualNetworkConfiguration": {"subnetResourceId": "[resourceId(\'Microsoft.Network/virtualNetworks/subnets\', \'v\', \'s\')]"}}}, {"type": "Microsoft.Network/virtualNetworks", "name": "v", "properties": {"subnets": "[variables(\'x\')]"}}]}',
  ];
  for (const text of odd) {
    const t = buildTemplate({ file: '/tmp/odd.json', text });
    const services = buildChain(t);
    for (const s of services) {
      assert.ok(s.locations.length >= 1);
      for (const l of s.locations) assert.ok(['resolved', 'external', 'unknown', 'none'].includes(l.subnet.status));
    }
  }
  // case-insensitive type; a sku that is an unknown object still yields values
  const t = buildTemplate({ file: '/tmp/odd.json', text: odd[4] });
  const [s] = buildChain(t);
  assert.equal(s.virtualNetworkType, 'None');
  assert.ok(['unknown', 'none'].includes(s.locations[0].subnet.status));
});

test('helpers: vnetIdFromSubnetId and splitName on literal and symbolic strings', () => {
  assert.equal(vnetIdFromSubnetId('/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/subnets/a'), '/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v');
  const u = new Unknown('p', "parameter 'v' has no value");
  const sym = symbolicConcat(['/subscriptions/s/providers/Microsoft.Network/virtualNetworks/', u, '/subnets/apim']);
  const v = vnetIdFromSubnetId(sym);
  assert.ok(isUnknown(v));
  assert.equal(str(v), '/subscriptions/s/providers/Microsoft.Network/virtualNetworks/{p}');
  assert.equal(vnetIdFromSubnetId('no subnet here'), undefined);
  const segs = splitName(symbolicConcat([u, '/apim']));
  assert.equal(segs.length, 2);
  assert.equal(segs[0], u);
  assert.equal(segs[1], 'apim');
  assert.deepEqual(splitName('a/b/c'), ['a', 'b', 'c']);
});

test("'existing' resources are outside the template; a conditional NSG is resolved but not certain", () => {
  const { services } = fixture('existing.json');
  // The `existing` APIM is not deployed by this template: not a service to check.
  assert.deepEqual(services.map((s) => str(s.resource.name)), ['apim-on-existing', 'apim-on-new', 'apim-on-cond']);

  const ex = service(services, 'apim-on-existing').locations[0];
  assert.equal(ex.subnet.status, 'external');
  assert.match(ex.subnet.status === 'external' ? ex.subnet.reason : '', /'existing'/);
  assert.equal(ex.vnet.status, 'external');
  assert.equal(ex.nsg.status, 'unknown');

  const nw = service(services, 'apim-on-new').locations[0];
  assert.deepEqual(subnetOf(nw.subnet).addressPrefixes, ['10.50.1.0/27']);
  assert.equal(nw.vnet.status, 'external', 'new subnet in an existing VNet');
  assert.match(nw.vnet.status === 'external' ? nw.vnet.reason : '', /hub-vnet.*'existing'/);
  assert.equal(nw.nsg.status, 'external', 'existing NSG');
  assert.equal(nw.routeTable.status, 'unknown', 'route table id from a parameter without value');
  assert.match(nw.routeTable.status === 'unknown' ? nw.routeTable.reason : '', /routeTableId/);

  const cd = service(services, 'apim-on-cond').locations[0];
  assert.equal(targetName(cd.nsg), 'maybe-nsg');
  assert.equal(cd.nsg.status === 'resolved' && cd.nsg.certain, false, 'condition depends on a parameter without value');
  assert.equal(cd.routeTable.status, 'external');
  assert.match(cd.routeTable.status === 'external' ? str(cd.routeTable.id) : '', /resourceGroups\/hub-rg\/.*routeTables\/hub-rt$/);
});

test('unknown sku object and unknown additionalLocations entries yield derived unknowns, not crashes', () => {
  const text = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { skuObj: { type: 'object' }, extra: { type: 'object' } },
    resources: [
      {
        type: 'Microsoft.ApiManagement/service',
        apiVersion: '2022-08-01',
        name: 'apim-u',
        location: 'westeurope',
        sku: "[parameters('skuObj')]",
        properties: { virtualNetworkType: 'Internal', additionalLocations: ["[parameters('extra')]"] },
      },
    ],
  });
  const [s] = buildChain(buildTemplate({ file: '/tmp/u.json', text }));
  assert.ok(isUnknown(s.skuName));
  assert.match(str(s.skuName), /skuObj.*\.name$/);
  assert.ok(isUnknown(s.skuCapacity));
  assert.equal(s.locations.length, 2);
  const extra = s.locations[1];
  assert.ok(isUnknown(extra.location));
  assert.match(str(extra.location), /extra.*\.location$/);
  assert.equal(extra.subnet.status, 'unknown', 'the entry may or may not carry a subnet');
});
