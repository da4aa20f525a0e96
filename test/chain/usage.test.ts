/** findSubnetUsers: which other resources use the APIM subnet. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTemplate } from '../../server/src/template/builder';
import { buildChain } from '../../server/src/network/chain';
import { findSubnetUsers } from '../../server/src/network/usage';
import type { ApimService } from '../../server/src/network/chain-model';
import type { Resource } from '../../server/src/template/model';
import { fixture, service, str } from './helpers';

function apimSubnet(s: ApimService): Resource {
  const l = s.locations[0].subnet;
  assert.equal(l.status, 'resolved');
  return l.status === 'resolved' ? l.target.resource : (undefined as never);
}

test('NIC, Application Gateway, private endpoint and a second APIM use the subnet; ACLs and other subnets do not', () => {
  const { template, services } = fixture('usage.json');
  const a = service(services, 'apim-a');
  const users = findSubnetUsers(template, apimSubnet(a), a.resource);
  const got = users.map((u) => `${u.kind}:${str(u.resource.name)}`).sort();
  assert.deepEqual(got, [
    'apim:apim-b',
    'application-gateway:appgw',
    'nic:nic-in-apim-subnet',
    'private-endpoint:pe-kv',
  ]);
  // The storage account's networkAcls.virtualNetworkRules only allows traffic from the subnet.
  assert.ok(!users.some((u) => str(u.resource.name) === 'stacl'));
  // Where the NIC references the subnet: its subnet.id value (an expression, so not literal).
  const nic = users.find((u) => u.kind === 'nic')!;
  assert.ok(nic.origin);
  const text = template.main.text.slice(nic.origin!.node.offset, nic.origin!.node.offset + nic.origin!.node.length);
  assert.match(text, /variables\('apimSubnetId'\)/);
  assert.match(nic.detail ?? '', /ipConfigurations\[0\]\.properties\.subnet\.id/);
  // Symmetric: apim-b sees apim-a as an APIM user.
  const b = service(services, 'apim-b');
  const ub = findSubnetUsers(template, apimSubnet(b), b.resource);
  assert.ok(ub.some((u) => u.kind === 'apim' && str(u.resource.name) === 'apim-a'));
  assert.ok(!ub.some((u) => u.resource === b.resource));
});

test('delegation on the subnet and an AKS agent pool (vnetSubnetID) are users', () => {
  const { template, services } = fixture('delegated.json');
  const s = service(services, 'apim-d');
  const sub = apimSubnet(s);
  const users = findSubnetUsers(template, sub, s.resource);
  const del = users.find((u) => u.kind === 'delegation');
  assert.ok(del, 'delegation reported');
  assert.equal(del!.resource, sub);
  assert.equal(del!.detail, 'Microsoft.ContainerInstance/containerGroups');
  assert.ok(del!.origin);
  assert.ok(users.some((u) => u.kind === 'aks' && str(u.resource.name) === 'aks'));
  assert.equal(users.length, 2);
});

test('a dedicated subnet has no users', () => {
  for (const f of ['inline-subnet.json', 'child-subnet.json', 'symbolic.json', 'nested-output.json']) {
    const { template, services } = fixture(f);
    const s = services[0];
    assert.deepEqual(findSubnetUsers(template, apimSubnet(s), s.resource), [], f);
  }
  // A top-level subnet resource with a serverFarms delegation: the delegation is its only "user".
  const { template, services } = fixture('toplevel-subnet.json');
  const u = findSubnetUsers(template, apimSubnet(services[0]), services[0].resource);
  assert.deepEqual(u.map((x) => `${x.kind}:${x.detail}`), ['delegation:Microsoft.Web/serverFarms']);
});

test('thousands of resources: the index is built once and every subnet is answered (times reported, speed measured by npm run bench)', () => {
  const subnets = 200;
  const nics = 3000;
  const resources: unknown[] = [
    {
      type: 'Microsoft.Network/virtualNetworks',
      apiVersion: '2023-04-01',
      name: 'big',
      location: 'westeurope',
      properties: {
        addressSpace: { addressPrefixes: ['10.0.0.0/8'] },
        subnets: Array.from({ length: subnets }, (_, i) => ({ name: `s${i}`, properties: { addressPrefix: `10.${i}.0.0/24` } })),
      },
    },
    {
      type: 'Microsoft.ApiManagement/service',
      apiVersion: '2022-08-01',
      name: 'apim-big',
      location: 'westeurope',
      sku: { name: 'Developer', capacity: 1 },
      properties: {
        virtualNetworkType: 'External',
        virtualNetworkConfiguration: { subnetResourceId: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'big', 's7')]" },
      },
    },
  ];
  for (let i = 0; i < nics; i++) {
    resources.push({
      type: 'Microsoft.Network/networkInterfaces',
      apiVersion: '2023-04-01',
      name: `nic${i}`,
      location: 'westeurope',
      properties: {
        ipConfigurations: [{ name: 'c', properties: { subnet: { id: `[resourceId('Microsoft.Network/virtualNetworks/subnets', 'big', 's${i % subnets}')]` } } }],
      },
    });
    resources.push({ type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: `st${i}`, location: 'westeurope', kind: 'StorageV2', sku: { name: 'Standard_LRS' }, properties: {} });
  }
  const text = JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0', resources }, null, 2);
  const template = buildTemplate({ file: '/tmp/big.json', text });
  const [s] = buildChain(template);
  const sub = apimSubnet(s);
  const t0 = performance.now();
  const users = findSubnetUsers(template, sub, s.resource);
  const first = performance.now() - t0;
  // Other subnets: the index is reused, each answer computed (not memoized yet).
  const others = template.resourcesOfType('Microsoft.Network/virtualNetworks/subnets').filter((r) => r !== sub).slice(0, 20);
  assert.equal(others.length, 20);
  const t1 = performance.now();
  for (const o of others) assert.equal(findSubnetUsers(template, o, s.resource).length, nics / subnets);
  const again = (performance.now() - t1) / others.length;
  assert.equal(users.length, nics / subnets);
  assert.ok(users.every((u) => u.kind === 'nic'));
  // Memoized: the same question again returns an equal, fresh array.
  const memo = findSubnetUsers(template, sub, s.resource);
  assert.notEqual(memo, users);
  assert.deepEqual(memo, users);
  // Hang detectors only (typical: first ~300-1300 ms, evaluating 3000 NICs once; then a few ms per subnet).
  assert.ok(first < 30_000, `first query took ${first.toFixed(0)} ms`);
  assert.ok(again < 10_000, `repeated query took ${again.toFixed(1)} ms`);
  console.log(`# usage index: ${(text.length / 1e6).toFixed(1)} MB, ${resources.length} resources: first query ${first.toFixed(0)} ms, repeated ${again.toFixed(2)} ms`);
});

test('a NIC whose whole properties object comes from a variable is still found', () => {
  const text = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    variables: {
      nicProps: { ipConfigurations: [{ name: 'c', properties: { ['sub' + 'net']: { id: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v', 'apim')]" } } }] },
    },
    resources: [
      { type: 'Microsoft.Network/virtualNetworks', apiVersion: '2023-04-01', name: 'v', location: 'westeurope', properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] }, subnets: [{ name: 'apim', properties: { addressPrefix: '10.0.0.0/24' } }] } },
      { type: 'Microsoft.Network/networkInterfaces', apiVersion: '2023-04-01', name: 'nic-var', location: 'westeurope', properties: "[variables('nicProps')]" },
      { type: 'Microsoft.ApiManagement/service', apiVersion: '2022-08-01', name: 'a', location: 'westeurope', sku: { name: 'Developer', capacity: 1 }, properties: { virtualNetworkType: 'Internal', virtualNetworkConfiguration: { subnetResourceId: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v', 'apim')]" } } },
    ],
  });
  const template = buildTemplate({ file: '/tmp/var.json', text });
  const [s] = buildChain(template);
  const users = findSubnetUsers(template, apimSubnet(s), s.resource);
  assert.deepEqual(users.map((u) => `${u.kind}:${str(u.resource.name)}`), ['nic:nic-var']);
});

test('VMSS, App Service integration, firewall (name in another case) and a NIC in a nested deployment are users; a Key Vault ACL and the subnet own id are not', () => {
  const { template, services } = fixture('usage-more.json');
  const s = service(services, 'apim-m');
  const users = findSubnetUsers(template, apimSubnet(s), s.resource);
  assert.deepEqual(users.map((u) => `${u.kind}:${str(u.resource.name)}`), ['vmss:vmss-m', 'app-service:app-m', 'firewall:fw-m', 'nic:nic-nested']);
  const nested = users.find((u) => u.kind === 'nic')!;
  assert.ok(nested.resource.scope.parent, 'the NIC lives in the nested deployment');
  assert.ok(nested.origin);
  assert.match(template.main.text.slice(nested.origin!.node.offset, nested.origin!.node.offset + nested.origin!.node.length), /parameters\('subnetId'\)/);
  assert.ok(users.every((u) => u.certain !== false));
});
