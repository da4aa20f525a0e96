/**
 * buildChain / findSubnetUsers / explainText on real public templates from ../shared/corpus
 * (never copied into the project). Each expectation below was argued from the template text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { buildChain } from '../../server/src/network/chain';
import { findSubnetUsers } from '../../server/src/network/usage';
import { explainText, networkReportMarkdown } from '../../server/src/report';
import type { ApimLocation, ApimService, SubnetInfo } from '../../server/src/network/chain-model';
import { corpusDir, load, str, targetName } from './helpers';

const files = path.join(corpusDir, 'files');
const skip = !fs.existsSync(files) && 'shared corpus absent (../shared/corpus)';
const QS = 'Azure__azure-quickstart-templates/quickstarts';

function one(rel: string): { s: ApimService; loc: ApimLocation; users: () => string[] } & ReturnType<typeof load> {
  const r = load(path.join(files, rel));
  assert.equal(r.services.length, 1, `${rel}: exactly one APIM service`);
  const s = r.services[0];
  const loc = s.locations[0];
  const users = () => {
    if (loc.subnet.status !== 'resolved') return [];
    return findSubnetUsers(r.template, loc.subnet.target.resource, s.resource).map((u) => `${u.kind}:${u.detail ?? ''}`);
  };
  return { ...r, s, loc, users };
}

function subnet(loc: ApimLocation): SubnetInfo {
  assert.equal(loc.subnet.status, 'resolved', `subnet resolved (${loc.subnet.status === 'unknown' || loc.subnet.status === 'external' ? loc.subnet.reason : ''})`);
  return (loc.subnet as { target: SubnetInfo }).target;
}

test('quickstart external-vnet-publicip: inline subnet with its NSG, no route table', { skip }, () => {
  // The VNet `apimvnet` (parameter default) declares the inline subnet `apim` (10.0.0.0/24) with
  // networkSecurityGroup.id = resourceId(NSGs, variables('nsgName')) = the NSG resource
  // `apimnsg<uniqueString>` of the same template, and serviceEndpoints from a parameter whose default
  // lists Storage, Sql, EventHub. APIM: sku parameter default Premium, capacity 2, External,
  // publicIpAddressId set; variables('subnetRef') = resourceId(subnets, apimvnet, apim). No routeTable.
  const { s, loc, users } = one(`${QS}/microsoft.apimanagement/api-management-create-with-external-vnet-publicip/azuredeploy.json`);
  assert.equal(s.skuName, 'Premium');
  assert.equal(s.skuCapacity, 2);
  assert.equal(s.virtualNetworkType, 'External');
  assert.ok(s.publicIpAddressId !== undefined && /publicIPAddresses\/myPublicIP$/.test(str(s.publicIpAddressId)));
  assert.equal(s.locations.length, 1);
  const sub = subnet(loc);
  assert.equal(sub.resource.inline, true);
  assert.equal(str(sub.resource.name), 'apimvnet/apim');
  assert.deepEqual(sub.addressPrefixes, ['10.0.0.0/24']);
  assert.deepEqual(sub.serviceEndpoints.map((e) => str((e as { service: string }).service)), ['Microsoft.Storage', 'Microsoft.Sql', 'Microsoft.EventHub']);
  assert.equal(targetName(loc.vnet), 'apimvnet');
  assert.equal(loc.nsg.status, 'resolved');
  assert.match(targetName(loc.nsg), /^apimnsg\{uniqueString/);
  assert.equal(loc.routeTable.status, 'none');
  // The subnet holds APIM only.
  assert.deepEqual(users(), []);
});

test('quickstart internal-vnet-publicip: same chain in Internal mode, NSG resolved', { skip }, () => {
  // Same layout as the external template (apimvnet/apim, NSG apimnsg<uniqueString> by resourceId),
  // virtualNetworkType Internal, and a fourth service endpoint (KeyVault) in the parameter default.
  const { s, loc, users } = one(`${QS}/microsoft.apimanagement/api-management-create-with-internal-vnet-publicip/azuredeploy.json`);
  assert.equal(s.virtualNetworkType, 'Internal');
  assert.equal(s.apiVersion, '2021-08-01');
  const sub = subnet(loc);
  assert.equal(str(sub.resource.name), 'apimvnet/apim');
  assert.equal(sub.serviceEndpoints.length, 4);
  assert.equal(targetName(loc.vnet), 'apimvnet');
  assert.match(targetName(loc.nsg), /^apimnsg/);
  assert.equal(loc.routeTable.status, 'none');
  assert.deepEqual(users(), []);
});

test('quickstart internal-vnet-application-gateway: APIM subnet without NSG, App Gateway in its own subnet', { skip }, () => {
  // The VNet `<base_name>-vnet` has inline subnets appGatewaySubnet and apimSubnet, neither with a
  // networkSecurityGroup nor a routeTable; APIM (sku parameter default Developer, Internal) points at
  // resourceId(subnets, vnetName, 'apimSubnet'). The Application Gateway uses appGatewaySubnet, so
  // it is not a user of the APIM subnet.
  const { s, loc, users } = one(`${QS}/microsoft.apimanagement/api-management-create-with-internal-vnet-application-gateway/azuredeploy.json`);
  assert.equal(s.skuName, 'Developer');
  assert.equal(s.virtualNetworkType, 'Internal');
  const sub = subnet(loc);
  assert.match(str(sub.resource.name), /-vnet\/apimSubnet$/);
  assert.match(targetName(loc.vnet), /-vnet$/);
  assert.equal(loc.nsg.status, 'none');
  assert.equal(loc.routeTable.status, 'none');
  assert.equal(sub.nsgId, undefined);
  assert.deepEqual(users(), []);
});

test('AVM api-management/service (languageVersion 2.0): subnet from a parameter without value', { skip }, () => {
  // The module declares no network resources; virtualNetworkConfiguration =
  // if(not(empty(parameters('subnetResourceId'))), createObject('subnetResourceId', ...), null()) with
  // subnetResourceId a nullable parameter without default: whether and which subnet is used is
  // decided by the caller, so the subnet cannot be resolved here (unknown, or external if a future
  // resolver reads the id as pointing outside). virtualNetworkType is parameters('virtualNetworkType')
  // whose default is 'None'. additionalLocations maps a nullable parameter: not enumerable.
  const { s, loc } = one('Azure__bicep-registry-modules/avm/res/api-management/service/main.json');
  assert.equal(s.resource.symbolicName, 'service');
  assert.equal(s.virtualNetworkType, 'None');
  assert.equal(s.skuName, 'Premium');
  assert.equal(s.locations.length, 1);
  assert.ok(loc.subnet.status === 'unknown' || loc.subnet.status === 'external', loc.subnet.status);
  assert.match(loc.subnet.status === 'unknown' || loc.subnet.status === 'external' ? loc.subnet.reason : '', /subnetResourceId/);
  assert.ok(['unknown', 'external'].includes(loc.nsg.status));
});

test('apim-landing-zone-accelerator apim-arm.json: subnet id from another nested deployment output', { skip }, () => {
  // Subscription-scope template. The `networkingresources` deployment (inner scope) declares the
  // VNet vnet-apim-cs-<suffix> with seven inline subnets, each with its own NSG; the APIM subnet
  // snet-apim-<suffix>-001 (parameter default 10.2.7.0/24) has networkSecurityGroup = resourceId(NSGs,
  // variables('apimSNNSG')) = nsg-apim-<suffix>, no routeTable, and its id is the deployment output
  // apimSubnetid. The `apimDeploy` deployment passes reference(extensionResourceId(..., deployments,
  // 'networkingresources')).outputs.apimSubnetid.value as apimSubnetId, and its APIM (apiVersion
  // 2020-12-01, skuName default Developer, Internal) uses it. The App Gateway, VMs, private endpoints
  // and the serverFarms-delegated backend subnet are all in other subnets: the APIM subnet is dedicated.
  const { s, loc, users } = one('Azure__apim-landing-zone-accelerator/reference-implementations/AppGW-IAPIM-Func/azure-resource-manager/apim-arm.json');
  assert.ok(s.resource.scope.parent, 'APIM lives in the nested apimDeploy deployment');
  assert.equal(s.apiVersion, '2020-12-01');
  assert.equal(s.skuName, 'Developer');
  assert.equal(s.virtualNetworkType, 'Internal');
  const sub = subnet(loc);
  assert.match(str(sub.resource.name), /^vnet-apim-cs-.*\/snet-apim-.*-001$/);
  assert.deepEqual(sub.addressPrefixes, ['10.2.7.0/24']);
  assert.match(targetName(loc.vnet), /^vnet-apim-cs-/);
  assert.match(targetName(loc.nsg), /^nsg-apim-/);
  assert.notEqual(sub.resource.scope, s.resource.scope, 'the subnet is in the networking deployment');
  assert.equal(loc.routeTable.status, 'none');
  assert.deepEqual(users(), []);
});

test('front-door-standard-premium-api-management-external: APIM and network in two nested deployments', { skip }, () => {
  // Nested deployment `network` (inner scope) declares VNet `VNet` with inline subnet `apim`
  // (apiManagementSubnetIPPrefix default 10.0.0.0/24) whose NSG is MyNSG, and outputs
  // apiManagementSubnetResourceId = resourceId(subnets, 'VNet', 'apim'). Nested deployment
  // `api-management` gets subnetResourceId = reference('network').outputs...value, skuName from the
  // outer parameter apiManagementSku (default Developer) and virtualNetworkType = variables(...) =
  // 'External'. No route table.
  const { s, loc, users } = one(`${QS}/microsoft.cdn/front-door-standard-premium-api-management-external/azuredeploy.json`);
  assert.ok(s.resource.scope.parent, 'APIM in a nested deployment');
  assert.equal(s.skuName, 'Developer');
  assert.equal(s.virtualNetworkType, 'External');
  const sub = subnet(loc);
  assert.equal(str(sub.resource.name), 'VNet/apim');
  assert.deepEqual(sub.addressPrefixes, ['10.0.0.0/24']);
  assert.equal(targetName(loc.vnet), 'VNet');
  assert.equal(targetName(loc.nsg), 'MyNSG');
  assert.equal(loc.routeTable.status, 'none');
  assert.deepEqual(users(), []);
});

test('AI-Gateway foundry-e2e-private (languageVersion 2.0): v2 tier, delegated top-level subnet resource, NSG passed by id', { skip }, () => {
  // Symbolic resources. `apimSubnet` is a nested deployment creating the top-level resource
  // Microsoft.Network/virtualNetworks/subnets '<vnetName>/apim-subnet' (192.168.3.0/24) with the
  // delegation Microsoft.Web/serverFarms and networkSecurityGroup = createObject('id', <param>) where
  // the parameter is resourceId(NSGs, 'foundry-e2e-vnet-apim-subnet-nsg') = the root resource
  // `apimSubnetNsg`. Its output subnetId feeds `apimDependencies`, whose APIM (apimSku default
  // StandardV2) sets virtualNetworkType = if(not(empty(subnetId)), 'External', 'None') = External.
  // The VNet foundry-e2e-vnet is created two deployments deep (vnet → vnet-deployment).
  // The delegation is the only "user" of the subnet (private endpoints use the PE subnet).
  const { s, loc, users } = one('Azure-Samples__AI-Gateway/labs/foundry-e2e-private/main.json');
  assert.equal(s.skuName, 'StandardV2');
  assert.equal(s.virtualNetworkType, 'External');
  const sub = subnet(loc);
  assert.ok(!sub.resource.inline);
  assert.match(str(sub.resource.name), /\/apim-subnet$/);
  assert.deepEqual(sub.addressPrefixes, ['192.168.3.0/24']);
  assert.equal(sub.delegations.length, 1);
  assert.match(JSON.stringify(sub.delegations[0]), /Microsoft\.Web\/serverFarms/);
  assert.equal(targetName(loc.vnet), 'foundry-e2e-vnet');
  assert.equal(targetName(loc.nsg), 'foundry-e2e-vnet-apim-subnet-nsg');
  assert.equal(loc.routeTable.status, 'none');
  assert.deepEqual(users(), ['delegation:Microsoft.Web/serverFarms']);
});

test('quickstart multiregion: additionalLocations from a property copy loop, no VNet', { skip }, () => {
  // properties.copy 'additionalLocations' over parameter additionalLocations (default
  // [eastus, westeurope]); no virtualNetworkType, no virtualNetworkConfiguration anywhere.
  const { s } = one(`${QS}/microsoft.apimanagement/api-management-create-with-multiregion/azuredeploy.json`);
  assert.equal(s.virtualNetworkType, 'None');
  assert.deepEqual(s.locations.slice(1).map((l) => l.location), ['eastus', 'westeurope']);
  for (const l of s.locations) {
    assert.equal(l.subnet.status, 'none');
    assert.equal(l.vnetConfigOrigin, undefined);
  }
});

test('every JSON template of the corpus: buildChain, findSubnetUsers, explainText and the Markdown report never throw', { skip }, () => {
  const all: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) all.push(p);
    }
  };
  walk(files);
  assert.ok(all.length >= 20, `found ${all.length} JSON files`);
  let services = 0;
  for (const f of all) {
    const { template } = load(f);
    const svcs = buildChain(template);
    services += svcs.length;
    for (const s of svcs) {
      for (const l of s.locations) {
        if (l.subnet.status === 'resolved') findSubnetUsers(template, l.subnet.target.resource, s.resource);
      }
    }
    const txt = explainText(template, svcs);
    assert.ok(txt.length > 0);
    const md = networkReportMarkdown(template, svcs);
    assert.ok(md.startsWith('# APIM network report'));
  }
  assert.ok(services >= 15, `APIM services found across the corpus: ${services}`);
});
