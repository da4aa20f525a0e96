/**
 * Issue 4 acceptance, byte-for-byte fix tables at the rule level, for the fixes that
 * test/rules/*.test.ts only checks loosely: the real analyzer runs on a fixture text, the named
 * fix of the named rule is applied, and the result is compared with the expected text byte for
 * byte.
 *
 * Part 1 (styles): each case states its input template and, as a hand-written mutation, the
 * expected template; both are rendered with 2 spaces, 4 spaces and tabs, so the edit must
 * reproduce the file's own layout exactly (placement, commas, indentation, line breaks).
 * Part 2 (CRLF + comments): hand-written texts, expected texts written out in full.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/analyzer';
import { applyTextEdits } from '../../server/src/fixes';
import type { ApimVnetConfig } from '../../server/src/config/types';

const FILE = '/virtual/fixes-e2e/azuredeploy.json';
const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const STV1 = '2020-12-01';
const STV2 = '2023-05-01-preview';
type J = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function applyFix(text: string, ruleId: string, fixId: string, config?: ApimVnetConfig): string {
  const findings = analyze({ file: FILE, text, config }).findings.filter((f) => f.ruleId === ruleId);
  assert.ok(findings.length > 0, `${ruleId} fires`);
  const fix = findings.flatMap((f) => f.fixes).find((x) => x.id === fixId);
  assert.ok(fix, `${ruleId} offers ${fixId} (offered: ${findings.flatMap((f) => f.fixes.map((x) => x.id)).join(', ') || 'none'}; ${findings.map((f) => f.noFixReason ?? '').join(' ')})`);
  for (const e of fix.edits) assert.equal(e.file, FILE);
  const out = applyTextEdits(text, fix.edits);
  const again = analyze({ file: FILE, text: out, config }).findings.filter((f) => f.ruleId === ruleId && f.fixes.some((x) => x.id === fixId));
  assert.equal(again.length, 0, `${fixId} is not offered again once applied`);
  return out;
}

// ---- fixture builders (plain objects; every case spells out what differs) -----------------------

const rid = (type: string, ...names: string[]) => `[resourceId('${type}', ${names.map((n) => `'${n}'`).join(', ')})]`;
const NSG_ID = rid('Microsoft.Network/networkSecurityGroups', 'apim-nsg');
const VNET_ID = rid('Microsoft.Network/virtualNetworks', 'apim-vnet');
const SUBNET_ID = rid('Microsoft.Network/virtualNetworks/subnets', 'apim-vnet', 'apim');

function nsg(): J {
  const allow = (name: string, priority: number, src: string, port: string) => ({
    name,
    properties: { protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: port, sourceAddressPrefix: src, destinationAddressPrefix: 'VirtualNetwork', access: 'Allow', priority, direction: 'Inbound' },
  });
  return {
    type: 'Microsoft.Network/networkSecurityGroups',
    apiVersion: '2023-11-01',
    name: 'apim-nsg',
    location: 'westeurope',
    properties: { securityRules: [allow('Management', 100, 'ApiManagement', '3443'), allow('LoadBalancer', 110, 'AzureLoadBalancer', '6390')] },
  };
}

function vnet(subnetProps: J, more: J = {}): J {
  return {
    type: 'Microsoft.Network/virtualNetworks',
    apiVersion: '2023-11-01',
    name: 'apim-vnet',
    location: 'westeurope',
    properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] }, ...more, subnets: [{ name: 'apim', properties: { addressPrefix: '10.0.1.0/24', ...subnetProps } }] },
  };
}

function apim(o: { apiVersion?: string; sku?: string; vnetType?: string; dependsOn?: string[]; extra?: J } = {}): J {
  return {
    type: 'Microsoft.ApiManagement/service',
    apiVersion: o.apiVersion ?? STV2,
    name: 'contoso-apim',
    location: 'westeurope',
    sku: { name: o.sku ?? 'Developer', capacity: 1 },
    ...(o.dependsOn ? { dependsOn: o.dependsOn } : {}),
    properties: { publisherEmail: 'admin@contoso.com', publisherName: 'Contoso', virtualNetworkType: o.vnetType ?? 'Internal', virtualNetworkConfiguration: { subnetResourceId: SUBNET_ID }, ...(o.extra ?? {}) },
  };
}

const tpl = (resources: J, extra: J = {}): J => ({ $schema: SCHEMA, contentVersion: '1.0.0.0', ...extra, resources });

function routeTable(): J {
  return {
    type: 'Microsoft.Network/routeTables',
    apiVersion: '2023-11-01',
    name: 'apim-rt',
    location: 'westeurope',
    properties: { routes: [{ name: 'default', properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.0.4' } }] },
  };
}
const RT_ID = rid('Microsoft.Network/routeTables', 'apim-rt');

const tunneled = (apiVersion: string) =>
  tpl([nsg(), routeTable(), vnet({ networkSecurityGroup: { id: NSG_ID }, routeTable: { id: RT_ID } }), apim({ apiVersion, dependsOn: [VNET_ID] })]);

const stv2Rule = (name: string, priority: number, direction: string, ports: string | string[], src: string, dst: string, row: number, purpose: string): J => ({
  name,
  properties: {
    description: `API Management (stv2 row ${row}): ${purpose}`,
    protocol: 'Tcp',
    sourcePortRange: '*',
    ...(Array.isArray(ports) ? { destinationPortRanges: ports } : { destinationPortRange: ports }),
    sourceAddressPrefix: src,
    destinationAddressPrefix: dst,
    access: 'Allow',
    priority,
    direction,
  },
});

/** The required rules of stv2 Internal, as the missing-nsg fix must write them (requirements.md stv2 rows 2, 3, 5-9). */
const STV2_INTERNAL_REQUIRED: J[] = [
  stv2Rule('Allow_Management_Endpoint_Azure_Portal_PowerShell_Inbound', 100, 'Inbound', '3443', 'ApiManagement', 'VirtualNetwork', 2, 'Management endpoint for Azure portal and PowerShell'),
  stv2Rule('Allow_Azure_Infrastructure_Load_Balancer_Inbound', 110, 'Inbound', '6390', 'AzureLoadBalancer', 'VirtualNetwork', 3, 'Azure Infrastructure Load Balancer'),
  stv2Rule('Allow_Validation_Management_Certificates_Outbound', 100, 'Outbound', '80', 'VirtualNetwork', 'Internet', 5, 'Validation and management of certificates'),
  stv2Rule('Allow_Dependency_Azure_Storage_Outbound', 110, 'Outbound', '443', 'VirtualNetwork', 'Storage', 6, 'Dependency on Azure Storage'),
  stv2Rule('Allow_Access_Azure_SQL_Endpoints_Outbound', 120, 'Outbound', '1433', 'VirtualNetwork', 'Sql', 7, 'Access to Azure SQL endpoints'),
  stv2Rule('Allow_Access_Azure_Key_Vault_Outbound', 130, 'Outbound', '443', 'VirtualNetwork', 'AzureKeyVault', 8, 'Access to Azure Key Vault'),
  stv2Rule('Allow_Diagnostics_Logs_Metrics_Resource_Health_Application_Insights_Outbound', 140, 'Outbound', ['1886', '443'], 'VirtualNetwork', 'AzureMonitor', 9, 'Diagnostics logs and metrics, Resource Health, Application Insights'),
];

interface StyleCase {
  name: string;
  ruleId: string;
  fixId: string;
  config?: ApimVnetConfig;
  input: J;
  /** Hand-written: what the fix must change in the input (applied to a deep copy). */
  expect: (t: J) => void;
}

const clone = (v: J): J => JSON.parse(JSON.stringify(v));

const STYLE_CASES: StyleCase[] = [
  {
    name: 'forced-tunneling stv1: set the next hop of the default route to Internet (nextHopIpAddress removed)',
    ruleId: 'forced-tunneling',
    fixId: 'set-next-hop-internet',
    input: tunneled(STV1),
    expect: (t) => {
      t.resources[1].properties.routes[0].properties = { addressPrefix: '0.0.0.0/0', nextHopType: 'Internet' };
    },
  },
  {
    name: 'forced-tunneling stv2: add the ApiManagement → Internet route and the four service endpoints',
    ruleId: 'forced-tunneling',
    fixId: 'add-apim-route-and-endpoints',
    input: tunneled(STV2),
    expect: (t) => {
      t.resources[1].properties.routes.push({ name: 'ApiManagement_To_Internet', properties: { addressPrefix: 'ApiManagement', nextHopType: 'Internet' } });
      t.resources[2].properties.subnets[0].properties.serviceEndpoints = [
        { service: 'Microsoft.Sql' },
        { service: 'Microsoft.Storage' },
        { service: 'Microsoft.EventHub' },
        { service: 'Microsoft.KeyVault' },
      ];
    },
  },
  {
    name: 'forced-tunneling stv2, second action: set the next hop instead',
    ruleId: 'forced-tunneling',
    fixId: 'set-next-hop-internet',
    input: tunneled(STV2),
    expect: (t) => {
      t.resources[1].properties.routes[0].properties = { addressPrefix: '0.0.0.0/0', nextHopType: 'Internet' };
    },
  },
  {
    name: 'expressroute-forced-tunneling: create route table apim-routes with 0.0.0.0/0 → Internet, associate it, VNet depends on it',
    ruleId: 'expressroute-forced-tunneling',
    fixId: 'create-route-table',
    input: (() => {
      const v = vnet({ networkSecurityGroup: { id: NSG_ID } });
      v.properties.subnets.push({ name: 'GatewaySubnet', properties: { addressPrefix: '10.0.255.0/27' } });
      return tpl([
        nsg(),
        v,
        {
          type: 'Microsoft.Network/virtualNetworkGateways',
          apiVersion: '2023-11-01',
          name: 'er-gw',
          location: 'westeurope',
          properties: { gatewayType: 'ExpressRoute', ipConfigurations: [{ name: 'gwip', properties: { subnet: { id: rid('Microsoft.Network/virtualNetworks/subnets', 'apim-vnet', 'GatewaySubnet') } } }] },
        },
        apim({ dependsOn: [VNET_ID] }),
      ]);
    })(),
    expect: (t) => {
      t.resources[1].properties.subnets[0].properties.routeTable = { id: "[resourceId('Microsoft.Network/routeTables', 'apim-routes')]" };
      t.resources[1].dependsOn = ["[resourceId('Microsoft.Network/routeTables', 'apim-routes')]"];
      t.resources.push({
        type: 'Microsoft.Network/routeTables',
        apiVersion: '2023-11-01',
        name: 'apim-routes',
        location: 'westeurope',
        properties: { routes: [{ name: 'Default_To_Internet', properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'Internet' } }] },
      });
    },
  },
  {
    name: 'custom-dns: add the VNet to the dependsOn of the service (property created)',
    ruleId: 'custom-dns',
    fixId: 'add-vnet-dependency',
    input: tpl([nsg(), vnet({ networkSecurityGroup: { id: NSG_ID } }, { dhcpOptions: { dnsServers: ['10.0.0.4'] } }), apim()]),
    expect: (t) => {
      t.resources[2].dependsOn = [VNET_ID];
    },
  },
  {
    name: 'custom-dns: add the VNet to an existing dependsOn',
    ruleId: 'custom-dns',
    fixId: 'add-vnet-dependency',
    input: tpl([nsg(), vnet({ networkSecurityGroup: { id: NSG_ID } }, { dhcpOptions: { dnsServers: ['10.0.0.4'] } }), apim({ dependsOn: [NSG_ID] })]),
    expect: (t) => {
      t.resources[2].dependsOn.push(VNET_ID);
    },
  },
  {
    name: 'missing-nsg, inline subnet (stv2 Internal): create apim-nsg with the 7 required rules, associate it, VNet depends on it',
    ruleId: 'missing-nsg',
    fixId: 'create-nsg',
    input: tpl([vnet({}), apim({ dependsOn: [VNET_ID] })]),
    expect: (t) => {
      t.resources[0].properties.subnets[0].properties.networkSecurityGroup = { id: NSG_ID };
      t.resources[0].dependsOn = [NSG_ID];
      t.resources.push({
        type: 'Microsoft.Network/networkSecurityGroups',
        apiVersion: '2023-11-01',
        name: 'apim-nsg',
        location: 'westeurope',
        properties: { securityRules: STV2_INTERNAL_REQUIRED },
      });
    },
  },
  {
    name: 'missing-nsg, child subnet resource (stv2 Internal): the subnet resource gets the NSG and the dependsOn',
    ruleId: 'missing-nsg',
    fixId: 'create-nsg',
    input: tpl([
      { type: 'Microsoft.Network/virtualNetworks', apiVersion: '2023-11-01', name: 'apim-vnet', location: 'westeurope', properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] } } },
      { type: 'Microsoft.Network/virtualNetworks/subnets', apiVersion: '2023-11-01', name: 'apim-vnet/apim', dependsOn: [VNET_ID], properties: { addressPrefix: '10.0.1.0/24' } },
      apim({ dependsOn: [SUBNET_ID] }),
    ]),
    expect: (t) => {
      t.resources[1].dependsOn.push(NSG_ID);
      t.resources[1].properties.networkSecurityGroup = { id: NSG_ID };
      // the VNet's region: an NSG must be in the region of the VNet it protects
      t.resources.push({
        type: 'Microsoft.Network/networkSecurityGroups',
        apiVersion: '2023-11-01',
        name: 'apim-nsg',
        location: 'westeurope',
        properties: { securityRules: STV2_INTERNAL_REQUIRED },
      });
    },
  },
  {
    name: 'missing-nsg, languageVersion 2.0 (symbolic names, PremiumV2 injection): NSG added under a symbolic name, the subnet depends on it by that name',
    ruleId: 'missing-nsg',
    fixId: 'create-nsg',
    input: {
      $schema: SCHEMA,
      languageVersion: '2.0',
      contentVersion: '1.0.0.0',
      resources: {
        vnet: { type: 'Microsoft.Network/virtualNetworks', apiVersion: '2023-11-01', name: 'apim-vnet', location: 'westeurope', properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] } } },
        subnet: {
          type: 'Microsoft.Network/virtualNetworks/subnets',
          apiVersion: '2023-11-01',
          name: "[format('{0}/{1}', 'apim-vnet', 'apim')]",
          properties: { addressPrefix: '10.0.1.0/27', delegations: [{ name: 'ase', properties: { serviceName: 'Microsoft.Web/hostingEnvironments' } }] },
          dependsOn: ['vnet'],
        },
        apim: { ...apim({ sku: 'PremiumV2', dependsOn: ['subnet'] }) },
      },
    },
    expect: (t) => {
      t.resources.subnet.properties.networkSecurityGroup = { id: NSG_ID };
      t.resources.subnet.dependsOn.push('apimNsg');
      t.resources.apimNsg = {
        type: 'Microsoft.Network/networkSecurityGroups',
        apiVersion: '2023-11-01',
        name: 'apim-nsg',
        location: 'westeurope',
        properties: {
          securityRules: [
            {
              name: 'Allow_VNet_Injection_Dependency_Azure_Storage_Outbound',
              properties: {
                description: 'API Management (v2 row 1): VNet injection: dependency on Azure Storage',
                protocol: 'Tcp',
                sourcePortRange: '*',
                destinationPortRange: '443',
                sourceAddressPrefix: 'VirtualNetwork',
                destinationAddressPrefix: 'Storage',
                access: 'Allow',
                priority: 100,
                direction: 'Outbound',
              },
            },
          ],
        },
      };
    },
  },
  {
    name: 'subnet-delegated (Developer): remove the delegation (the list becomes empty)',
    ruleId: 'subnet-delegated',
    fixId: 'remove-delegation',
    input: tpl([nsg(), vnet({ networkSecurityGroup: { id: NSG_ID }, delegations: [{ name: 'aci', properties: { serviceName: 'Microsoft.ContainerInstance/containerGroups' } }] }), apim({ dependsOn: [VNET_ID] })]),
    expect: (t) => {
      t.resources[1].properties.subnets[0].properties.delegations = [];
    },
  },
  {
    name: 'subnet-delegated (StandardV2 External): set the delegation to Microsoft.Web/serverFarms',
    ruleId: 'subnet-delegated',
    fixId: 'set-delegation',
    input: tpl([nsg(), vnet({ networkSecurityGroup: { id: NSG_ID } }), apim({ sku: 'StandardV2', vnetType: 'External', dependsOn: [VNET_ID] })]),
    expect: (t) => {
      t.resources[1].properties.subnets[0].properties.delegations = [{ name: 'Microsoft.Web.serverFarms', properties: { serviceName: 'Microsoft.Web/serverFarms' } }];
    },
  },
  {
    name: 'internal-public-ip (stv1 forced): remove publicIpAddressId',
    ruleId: 'internal-public-ip',
    fixId: 'remove-public-ip',
    config: { platform: 'stv1' },
    input: tpl([nsg(), vnet({ networkSecurityGroup: { id: NSG_ID } }), apim({ apiVersion: STV1, dependsOn: [VNET_ID], extra: { publicIpAddressId: rid('Microsoft.Network/publicIPAddresses', 'apim-pip') } })]),
    expect: (t) => {
      delete t.resources[2].properties.publicIpAddressId;
    },
  },
  {
    name: 'unsupported-sku: restrict allowedValues to the tiers that support the mode',
    ruleId: 'unsupported-sku',
    fixId: 'restrict-allowed-values',
    input: (() => {
      const a = apim({ dependsOn: [VNET_ID] });
      a.sku.name = "[parameters('sku')]";
      return tpl([nsg(), vnet({ networkSecurityGroup: { id: NSG_ID } }), a], {
        parameters: { sku: { type: 'string', defaultValue: 'Developer', allowedValues: ['Basic', 'Standard', 'Developer', 'Premium', 'Consumption'] } },
      });
    })(),
    expect: (t) => {
      t.parameters.sku.allowedValues = ['Developer', 'Premium'];
    },
  },
  {
    name: 'unsupported-sku: default Basic, allowedValues [Basic, Premium]: the default becomes Premium (Developer is not allowed)',
    ruleId: 'unsupported-sku',
    fixId: 'set-sku:Premium',
    input: (() => {
      const a = apim({ dependsOn: [VNET_ID] });
      a.sku.name = "[parameters('sku')]";
      return tpl([nsg(), vnet({ networkSecurityGroup: { id: NSG_ID } }), a], {
        parameters: { sku: { type: 'string', defaultValue: 'Basic', allowedValues: ['Basic', 'Premium'] } },
      });
    })(),
    expect: (t) => {
      t.parameters.sku.defaultValue = 'Premium';
    },
  },
];

const STYLES: [string, string | number][] = [
  ['2 spaces', 2],
  ['4 spaces', 4],
  ['tabs', '\t'],
];

for (const c of STYLE_CASES) {
  for (const [label, unit] of STYLES) {
    test(`${c.name} [${label}]`, () => {
      const input = JSON.stringify(c.input, null, unit) + '\n';
      const expectedValue = clone(c.input);
      c.expect(expectedValue);
      const expected = JSON.stringify(expectedValue, null, unit) + '\n';
      assert.notEqual(expected, input, 'the case changes something');
      assert.equal(applyFix(input, c.ruleId, c.fixId, c.config), expected);
    });
  }
}
