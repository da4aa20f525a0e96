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

/** NSG, a route table with these routes on the APIM subnet, the VNet with an ExpressRoute gateway, stv2 Internal APIM. */
function erTemplate(routes: J[]): J {
  const v = vnet({ networkSecurityGroup: { id: NSG_ID }, routeTable: { id: RT_ID } });
  v.properties.subnets.push({ name: 'GatewaySubnet', properties: { addressPrefix: '10.0.255.0/27' } });
  const rt = routeTable();
  rt.properties.routes = routes;
  return tpl([
    nsg(),
    rt,
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
}

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
    name: 'expressroute-forced-tunneling: a route table without a default route gets 0.0.0.0/0 → Internet',
    ruleId: 'expressroute-forced-tunneling',
    fixId: 'add-default-internet-route',
    input: erTemplate([{ name: 'onprem', properties: { addressPrefix: '192.168.0.0/16', nextHopType: 'VirtualNetworkGateway' } }]),
    expect: (t) => {
      t.resources[1].properties.routes.push({ name: 'Default_To_Internet', properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'Internet' } });
    },
  },
  {
    name: 'expressroute-forced-tunneling: a default route to the gateway gets the next hop Internet',
    ruleId: 'expressroute-forced-tunneling',
    fixId: 'set-next-hop-internet',
    input: erTemplate([{ name: 'default', properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualNetworkGateway' } }]),
    expect: (t) => {
      t.resources[1].properties.routes[0].properties.nextHopType = 'Internet';
    },
  },
  {
    name: 'forced-tunneling stv2, routes kept as child resources: the ApiManagement route is a new routes child resource',
    ruleId: 'forced-tunneling',
    fixId: 'add-apim-route-and-endpoints',
    input: (() => {
      const t = tunneled(STV2);
      delete t.resources[1].properties.routes;
      t.resources[2].properties.subnets[0].properties.serviceEndpoints = ['Microsoft.Sql', 'Microsoft.Storage', 'Microsoft.EventHub', 'Microsoft.KeyVault'].map((service) => ({ service }));
      t.resources.splice(2, 0, {
        type: 'Microsoft.Network/routeTables/routes',
        apiVersion: '2023-11-01',
        name: 'apim-rt/default',
        dependsOn: [RT_ID],
        properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.0.4' },
      });
      return t;
    })(),
    expect: (t) => {
      t.resources.push({
        type: 'Microsoft.Network/routeTables/routes',
        apiVersion: '2023-11-01',
        name: 'apim-rt/ApiManagement_To_Internet',
        properties: { addressPrefix: 'ApiManagement', nextHopType: 'Internet' },
        dependsOn: [RT_ID],
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

// ---- Part 2: CRLF + comments, hand-written texts ----------------------------------------------

const crlf = (lines: string[]) => lines.join('\r\n') + '\r\n';

/** VNet (2 spaces, at resource depth) whose subnet lines are given, and the stv1/stv2 APIM after it. */
function vnetAndApim(subnetProps: string[], apiVersion: string, apimTail: string[] = []): string[] {
  return [
    '    {',
    '      "type": "Microsoft.Network/virtualNetworks",',
    '      "apiVersion": "2023-11-01",',
    '      "name": "apim-vnet",',
    '      "location": "westeurope",',
    '      "properties": {',
    '        "addressSpace": { "addressPrefixes": [ "10.0.0.0/16" ] }, // one /16',
    '        "subnets": [',
    '          {',
    '            "name": "apim",',
    '            "properties": {',
    ...subnetProps,
    '            }',
    '          }',
    '        ]',
    '      }',
    '    },',
    '    {',
    '      "type": "Microsoft.ApiManagement/service",',
    `      "apiVersion": "${apiVersion}",`,
    '      "name": "contoso-apim",',
    '      "location": "westeurope",',
    '      "sku": { "name": "Developer", "capacity": 1 },',
    '      "dependsOn": [ "[resourceId(\'Microsoft.Network/virtualNetworks\', \'apim-vnet\')]" ],',
    '      "properties": {',
    '        "publisherEmail": "admin@contoso.com",',
    '        "publisherName": "Contoso",',
    '        "virtualNetworkType": "Internal", // no public endpoint',
    '        "virtualNetworkConfiguration": {',
    '          "subnetResourceId": "[resourceId(\'Microsoft.Network/virtualNetworks/subnets\', \'apim-vnet\', \'apim\')]"',
    ...(apimTail.length ? ['        },', ...apimTail] : ['        }']),
    '      }',
    '    }',
    '  ]',
    '}',
  ];
}

const HEAD = ['{', '  // hand-written fixture: CRLF, comments', '  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",', '  "contentVersion": "1.0.0.0",'];

function routeTableLines(hopLines: string[]): string[] {
  return [
    '  "resources": [',
    '    /* the firewall route table */',
    '    {',
    '      "type": "Microsoft.Network/routeTables",',
    '      "apiVersion": "2023-11-01",',
    '      "name": "apim-rt",',
    '      "location": "westeurope",',
    '      "properties": {',
    '        "routes": [',
    '          // everything to the firewall',
    '          {',
    '            "name": "default",',
    '            "properties": {',
    '              "addressPrefix": "0.0.0.0/0", /* all traffic */',
    ...hopLines,
    '            }',
    '          }',
    '        ]',
    '      }',
    '    },',
  ];
}

const RT_SUBNET = ['              "addressPrefix": "10.0.1.0/24",', '              "routeTable": { "id": "[resourceId(\'Microsoft.Network/routeTables\', \'apim-rt\')]" }'];

interface TextCase {
  name: string;
  ruleId: string;
  fixId: string;
  config?: ApimVnetConfig;
  input: string;
  expected: string;
}

const TEXT_CASES: TextCase[] = [
  {
    name: 'forced-tunneling stv1, set next hop: CRLF and comments kept, nextHopIpAddress removed',
    ruleId: 'forced-tunneling',
    fixId: 'set-next-hop-internet',
    input: crlf([
      ...HEAD,
      ...routeTableLines(['              "nextHopType": "VirtualAppliance",', '              "nextHopIpAddress": "10.0.0.4"']),
      ...vnetAndApim(RT_SUBNET, STV1),
    ]),
    expected: crlf([...HEAD, ...routeTableLines(['              "nextHopType": "Internet"']), ...vnetAndApim(RT_SUBNET, STV1)]),
  },
  {
    name: 'forced-tunneling stv2, ApiManagement route and endpoints: appended after the commented route, in CRLF',
    ruleId: 'forced-tunneling',
    fixId: 'add-apim-route-and-endpoints',
    input: crlf([
      ...HEAD,
      ...routeTableLines(['              "nextHopType": "VirtualAppliance",', '              "nextHopIpAddress": "10.0.0.4"']),
      ...vnetAndApim(RT_SUBNET, STV2),
    ]),
    expected: crlf([
      ...HEAD,
      ...routeTableLines(['              "nextHopType": "VirtualAppliance",', '              "nextHopIpAddress": "10.0.0.4"']).slice(0, -5),
      '            }',
      '          },',
      '          {',
      '            "name": "ApiManagement_To_Internet",',
      '            "properties": {',
      '              "addressPrefix": "ApiManagement",',
      '              "nextHopType": "Internet"',
      '            }',
      '          }',
      '        ]',
      '      }',
      '    },',
      ...vnetAndApim(
        [
          '              "addressPrefix": "10.0.1.0/24",',
          '              "routeTable": { "id": "[resourceId(\'Microsoft.Network/routeTables\', \'apim-rt\')]" },',
          '              "serviceEndpoints": [',
          '                {',
          '                  "service": "Microsoft.Sql"',
          '                },',
          '                {',
          '                  "service": "Microsoft.Storage"',
          '                },',
          '                {',
          '                  "service": "Microsoft.EventHub"',
          '                },',
          '                {',
          '                  "service": "Microsoft.KeyVault"',
          '                }',
          '              ]',
        ],
        STV2,
      ),
    ]),
  },
  {
    name: 'internal-public-ip (stv1 forced): the property and its comma go, the comments around stay',
    ruleId: 'internal-public-ip',
    fixId: 'remove-public-ip',
    config: { platform: 'stv1' },
    input: crlf([
      ...HEAD,
      '  "resources": [',
      ...vnetAndApim(['              "addressPrefix": "10.0.1.0/24" // dedicated'], STV1, [
        '        "publicIpAddressId": "[resourceId(\'Microsoft.Network/publicIPAddresses\', \'apim-pip\')]"',
      ]),
    ]),
    expected: crlf([...HEAD, '  "resources": [', ...vnetAndApim(['              "addressPrefix": "10.0.1.0/24" // dedicated'], STV1)]),
  },
  {
    name: 'subnet-delegated: remove the delegation (4 spaces, CRLF, a comment before the key stays)',
    ruleId: 'subnet-delegated',
    fixId: 'remove-delegation',
    input: crlf([
      '{',
      '    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",',
      '    "contentVersion": "1.0.0.0",',
      '    "resources": [',
      '        {',
      '            "type": "Microsoft.Network/virtualNetworks",',
      '            "apiVersion": "2023-11-01",',
      '            "name": "apim-vnet",',
      '            "location": "westeurope",',
      '            "properties": {',
      '                "addressSpace": { "addressPrefixes": [ "10.0.0.0/16" ] },',
      '                "subnets": [',
      '                    {',
      '                        "name": "apim",',
      '                        "properties": {',
      '                            "addressPrefix": "10.0.1.0/24",',
      '                            // left over from a container group',
      '                            "delegations": [',
      '                                {',
      '                                    "name": "aci",',
      '                                    "properties": { "serviceName": "Microsoft.ContainerInstance/containerGroups" }',
      '                                }',
      '                            ]',
      '                        }',
      '                    }',
      '                ]',
      '            }',
      '        },',
      '        {',
      '            "type": "Microsoft.ApiManagement/service",',
      '            "apiVersion": "2023-05-01-preview",',
      '            "name": "contoso-apim",',
      '            "location": "westeurope",',
      '            "sku": { "name": "Developer", "capacity": 1 },',
      '            "properties": {',
      '                "publisherEmail": "admin@contoso.com",',
      '                "publisherName": "Contoso",',
      '                "virtualNetworkType": "External",',
      '                "virtualNetworkConfiguration": { "subnetResourceId": "[resourceId(\'Microsoft.Network/virtualNetworks/subnets\', \'apim-vnet\', \'apim\')]" }',
      '            }',
      '        }',
      '    ]',
      '}',
    ]),
    expected: crlf([
      '{',
      '    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",',
      '    "contentVersion": "1.0.0.0",',
      '    "resources": [',
      '        {',
      '            "type": "Microsoft.Network/virtualNetworks",',
      '            "apiVersion": "2023-11-01",',
      '            "name": "apim-vnet",',
      '            "location": "westeurope",',
      '            "properties": {',
      '                "addressSpace": { "addressPrefixes": [ "10.0.0.0/16" ] },',
      '                "subnets": [',
      '                    {',
      '                        "name": "apim",',
      '                        "properties": {',
      '                            "addressPrefix": "10.0.1.0/24",',
      '                            // left over from a container group',
      '                            "delegations": []',
      '                        }',
      '                    }',
      '                ]',
      '            }',
      '        },',
      '        {',
      '            "type": "Microsoft.ApiManagement/service",',
      '            "apiVersion": "2023-05-01-preview",',
      '            "name": "contoso-apim",',
      '            "location": "westeurope",',
      '            "sku": { "name": "Developer", "capacity": 1 },',
      '            "properties": {',
      '                "publisherEmail": "admin@contoso.com",',
      '                "publisherName": "Contoso",',
      '                "virtualNetworkType": "External",',
      '                "virtualNetworkConfiguration": { "subnetResourceId": "[resourceId(\'Microsoft.Network/virtualNetworks/subnets\', \'apim-vnet\', \'apim\')]" }',
      '            }',
      '        }',
      '    ]',
      '}',
    ]),
  },
  {
    name: 'unsupported-sku: restrict allowedValues (CRLF, comments on the kept lines stay)',
    ruleId: 'unsupported-sku',
    fixId: 'restrict-allowed-values',
    input: crlf([
      '{',
      '  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",',
      '  "contentVersion": "1.0.0.0",',
      '  "parameters": {',
      '    "sku": {',
      '      "type": "string",',
      '      "defaultValue": "Developer", // one unit',
      '      "allowedValues": [',
      '        "Basic",',
      '        "Developer", // no SLA',
      '        "Premium"',
      '      ]',
      '    }',
      '  },',
      '  "resources": [',
      '    {',
      '      "type": "Microsoft.ApiManagement/service",',
      '      "apiVersion": "2023-05-01-preview",',
      '      "name": "contoso-apim",',
      '      "location": "westeurope",',
      '      "sku": { "name": "[parameters(\'sku\')]", "capacity": 1 },',
      '      "properties": {',
      '        "publisherEmail": "admin@contoso.com",',
      '        "publisherName": "Contoso",',
      '        "virtualNetworkType": "Internal",',
      '        "virtualNetworkConfiguration": { "subnetResourceId": "[parameters(\'subnetId\')]" }',
      '      }',
      '    }',
      '  ]',
      '}',
    ]).replace('"parameters": {\r\n', '"parameters": {\r\n    "subnetId": { "type": "string" },\r\n'),
    expected: crlf([
      '{',
      '  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",',
      '  "contentVersion": "1.0.0.0",',
      '  "parameters": {',
      '    "subnetId": { "type": "string" },',
      '    "sku": {',
      '      "type": "string",',
      '      "defaultValue": "Developer", // one unit',
      '      "allowedValues": [',
      '        "Developer", // no SLA',
      '        "Premium"',
      '      ]',
      '    }',
      '  },',
      '  "resources": [',
      '    {',
      '      "type": "Microsoft.ApiManagement/service",',
      '      "apiVersion": "2023-05-01-preview",',
      '      "name": "contoso-apim",',
      '      "location": "westeurope",',
      '      "sku": { "name": "[parameters(\'sku\')]", "capacity": 1 },',
      '      "properties": {',
      '        "publisherEmail": "admin@contoso.com",',
      '        "publisherName": "Contoso",',
      '        "virtualNetworkType": "Internal",',
      '        "virtualNetworkConfiguration": { "subnetResourceId": "[parameters(\'subnetId\')]" }',
      '      }',
      '    }',
      '  ]',
      '}',
    ]),
  },
];

for (const c of TEXT_CASES) {
  test(`${c.name} [CRLF + comments]`, () => {
    assert.ok(!/[^\r]\n/.test(c.input) && !/[^\r]\n/.test(c.expected), 'the fixture is CRLF throughout');
    assert.equal(applyFix(c.input, c.ruleId, c.fixId, c.config), c.expected);
  });
}

/** Tabs + CRLF + comments, written out line by line (indentation: one tab per level). */
const T = (depth: number, s: string) => '\t'.repeat(depth) + s;

function dnsTemplate(dependsOn: string[]): string {
  return crlf([
    '{',
    T(1, '/* custom DNS: the service must be deployed after the VNet */'),
    T(1, '"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",'),
    T(1, '"contentVersion": "1.0.0.0",'),
    T(1, '"resources": ['),
    T(2, '{'),
    T(3, '"type": "Microsoft.Network/networkSecurityGroups",'),
    T(3, '"apiVersion": "2023-11-01",'),
    T(3, '"name": "apim-nsg",'),
    T(3, '"location": "westeurope",'),
    T(3, '"properties": { "securityRules": [] }'),
    T(2, '},'),
    T(2, '{'),
    T(3, '"type": "Microsoft.Network/virtualNetworks",'),
    T(3, '"apiVersion": "2023-11-01",'),
    T(3, '"name": "apim-vnet",'),
    T(3, '"location": "westeurope",'),
    T(3, '"properties": {'),
    T(4, '"addressSpace": { "addressPrefixes": [ "10.0.0.0/16" ] },'),
    T(4, '"dhcpOptions": { "dnsServers": [ "10.0.0.4" ] }, // the domain controllers'),
    T(4, '"subnets": [ { "name": "apim", "properties": { "addressPrefix": "10.0.1.0/24", "networkSecurityGroup": { "id": "[resourceId(\'Microsoft.Network/networkSecurityGroups\', \'apim-nsg\')]" } } } ]'),
    T(3, '}'),
    T(2, '},'),
    T(2, '{'),
    T(3, '"type": "Microsoft.ApiManagement/service",'),
    T(3, '"apiVersion": "2023-05-01-preview",'),
    T(3, '"name": "contoso-apim",'),
    T(3, '"location": "westeurope",'),
    T(3, '"sku": { "name": "Developer", "capacity": 1 },'),
    T(3, '"properties": {'),
    T(4, '"publisherEmail": "admin@contoso.com",'),
    T(4, '"publisherName": "Contoso",'),
    T(4, '"virtualNetworkType": "Internal",'),
    T(4, '"virtualNetworkConfiguration": { "subnetResourceId": "[resourceId(\'Microsoft.Network/virtualNetworks/subnets\', \'apim-vnet\', \'apim\')]" }'),
    T(3, dependsOn.length ? '},' : '}'),
    ...dependsOn,
    T(2, '}'),
    T(1, ']'),
    '}',
  ]);
}

const VNET_DEP = `"[resourceId('Microsoft.Network/virtualNetworks', 'apim-vnet')]"`;
const NSG_DEP = `"[resourceId('Microsoft.Network/networkSecurityGroups', 'apim-nsg')]"`;

const TAB_CASES: TextCase[] = [
  {
    name: 'custom-dns: dependsOn created after the last property (tabs)',
    ruleId: 'custom-dns',
    fixId: 'add-vnet-dependency',
    input: dnsTemplate([]),
    expected: dnsTemplate([T(3, '"dependsOn": ['), T(4, VNET_DEP), T(3, ']')]),
  },
  {
    name: 'custom-dns: appended to a dependsOn whose last element carries a line comment (the comment stays with its element)',
    ruleId: 'custom-dns',
    fixId: 'add-vnet-dependency',
    input: dnsTemplate([T(3, '"dependsOn": ['), T(4, `${NSG_DEP} // rules first`), T(3, ']')]),
    expected: dnsTemplate([T(3, '"dependsOn": ['), T(4, `${NSG_DEP}, // rules first`), T(4, VNET_DEP), T(3, ']')]),
  },
  {
    name: 'missing-nsg, languageVersion 2.0 symbolic template (tabs, CRLF, comments): NSG resource under a symbolic name, associated, dependsOn by name',
    ruleId: 'missing-nsg',
    fixId: 'create-nsg',
    input: crlf([
      '{',
      T(1, '// Bicep-style symbolic names'),
      T(1, '"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",'),
      T(1, '"languageVersion": "2.0",'),
      T(1, '"contentVersion": "1.0.0.0",'),
      T(1, '"resources": {'),
      T(2, '"vnet": {'),
      T(3, '"type": "Microsoft.Network/virtualNetworks",'),
      T(3, '"apiVersion": "2023-11-01",'),
      T(3, '"name": "apim-vnet",'),
      T(3, '"location": "westeurope",'),
      T(3, '"properties": { "addressSpace": { "addressPrefixes": [ "10.0.0.0/16" ] } }'),
      T(2, '},'),
      T(2, '"subnet": {'),
      T(3, '"type": "Microsoft.Network/virtualNetworks/subnets",'),
      T(3, '"apiVersion": "2023-11-01",'),
      T(3, '"name": "[format(\'{0}/{1}\', \'apim-vnet\', \'apim\')]",'),
      T(3, '"properties": {'),
      T(4, '"addressPrefix": "10.0.1.0/27", // /27 for a v2 tier'),
      T(4, '"delegations": [ { "name": "ase", "properties": { "serviceName": "Microsoft.Web/hostingEnvironments" } } ]'),
      T(3, '},'),
      T(3, '"dependsOn": ['),
      T(4, '"vnet"'),
      T(3, ']'),
      T(2, '},'),
      T(2, '"apim": {'),
      T(3, '"type": "Microsoft.ApiManagement/service",'),
      T(3, '"apiVersion": "2024-05-01",'),
      T(3, '"name": "contoso-apim",'),
      T(3, '"location": "westeurope",'),
      T(3, '"sku": { "name": "PremiumV2", "capacity": 1 },'),
      T(3, '"properties": {'),
      T(4, '"publisherEmail": "admin@contoso.com",'),
      T(4, '"publisherName": "Contoso",'),
      T(4, '"virtualNetworkType": "Internal",'),
      T(4, '"virtualNetworkConfiguration": { "subnetResourceId": "[resourceId(\'Microsoft.Network/virtualNetworks/subnets\', \'apim-vnet\', \'apim\')]" }'),
      T(3, '},'),
      T(3, '"dependsOn": [ "subnet" ]'),
      T(2, '}'),
      T(1, '}'),
      '}',
    ]),
    expected: crlf([
      '{',
      T(1, '// Bicep-style symbolic names'),
      T(1, '"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",'),
      T(1, '"languageVersion": "2.0",'),
      T(1, '"contentVersion": "1.0.0.0",'),
      T(1, '"resources": {'),
      T(2, '"vnet": {'),
      T(3, '"type": "Microsoft.Network/virtualNetworks",'),
      T(3, '"apiVersion": "2023-11-01",'),
      T(3, '"name": "apim-vnet",'),
      T(3, '"location": "westeurope",'),
      T(3, '"properties": { "addressSpace": { "addressPrefixes": [ "10.0.0.0/16" ] } }'),
      T(2, '},'),
      T(2, '"subnet": {'),
      T(3, '"type": "Microsoft.Network/virtualNetworks/subnets",'),
      T(3, '"apiVersion": "2023-11-01",'),
      T(3, '"name": "[format(\'{0}/{1}\', \'apim-vnet\', \'apim\')]",'),
      T(3, '"properties": {'),
      T(4, '"addressPrefix": "10.0.1.0/27", // /27 for a v2 tier'),
      T(4, '"delegations": [ { "name": "ase", "properties": { "serviceName": "Microsoft.Web/hostingEnvironments" } } ],'),
      T(4, '"networkSecurityGroup": {'),
      T(5, '"id": "[resourceId(\'Microsoft.Network/networkSecurityGroups\', \'apim-nsg\')]"'),
      T(4, '}'),
      T(3, '},'),
      T(3, '"dependsOn": ['),
      T(4, '"vnet",'),
      T(4, '"apimNsg"'),
      T(3, ']'),
      T(2, '},'),
      T(2, '"apim": {'),
      T(3, '"type": "Microsoft.ApiManagement/service",'),
      T(3, '"apiVersion": "2024-05-01",'),
      T(3, '"name": "contoso-apim",'),
      T(3, '"location": "westeurope",'),
      T(3, '"sku": { "name": "PremiumV2", "capacity": 1 },'),
      T(3, '"properties": {'),
      T(4, '"publisherEmail": "admin@contoso.com",'),
      T(4, '"publisherName": "Contoso",'),
      T(4, '"virtualNetworkType": "Internal",'),
      T(4, '"virtualNetworkConfiguration": { "subnetResourceId": "[resourceId(\'Microsoft.Network/virtualNetworks/subnets\', \'apim-vnet\', \'apim\')]" }'),
      T(3, '},'),
      T(3, '"dependsOn": [ "subnet" ]'),
      T(2, '},'),
      T(2, '"apimNsg": {'),
      T(3, '"type": "Microsoft.Network/networkSecurityGroups",'),
      T(3, '"apiVersion": "2023-11-01",'),
      T(3, '"name": "apim-nsg",'),
      T(3, '"location": "westeurope",'),
      T(3, '"properties": {'),
      T(4, '"securityRules": ['),
      T(5, '{'),
      T(6, '"name": "Allow_VNet_Injection_Dependency_Azure_Storage_Outbound",'),
      T(6, '"properties": {'),
      T(7, '"description": "API Management (v2 row 1): VNet injection: dependency on Azure Storage",'),
      T(7, '"protocol": "Tcp",'),
      T(7, '"sourcePortRange": "*",'),
      T(7, '"destinationPortRange": "443",'),
      T(7, '"sourceAddressPrefix": "VirtualNetwork",'),
      T(7, '"destinationAddressPrefix": "Storage",'),
      T(7, '"access": "Allow",'),
      T(7, '"priority": 100,'),
      T(7, '"direction": "Outbound"'),
      T(6, '}'),
      T(5, '}'),
      T(4, ']'),
      T(3, '}'),
      T(2, '}'),
      T(1, '}'),
      '}',
    ]),
  },
];

for (const c of TAB_CASES) {
  test(`${c.name} [tabs, CRLF + comments]`, () => {
    assert.ok(!/[^\r]\n/.test(c.input) && !/[^\r]\n/.test(c.expected), 'the fixture is CRLF throughout');
    assert.equal(applyFix(c.input, c.ruleId, c.fixId, c.config), c.expected);
  });
}
