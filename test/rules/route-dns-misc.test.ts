/** Rule tables: forced-tunneling, expressroute-forced-tunneling, custom-dns, internal-multi-region, internal-public-ip, public-ip-requirements, private-backend-unreachable, unverifiable-network. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTable, strictJson, run } from './harness';
import { apim, goodStv2, nsg, STV2_INBOUND, template, vnet, type Obj, type SubnetSpec } from './templates';

const STV1 = '2019-12-01';

function routeTable(name: string, routes: { name: string; prefix: string; hop: string; ip?: string }[]): Obj {
  return {
    type: 'Microsoft.Network/routeTables',
    apiVersion: '2023-11-01',
    name,
    location: 'westeurope',
    properties: {
      routes: routes.map((r) => ({ name: r.name, properties: { addressPrefix: r.prefix, nextHopType: r.hop, ...(r.ip ? { nextHopIpAddress: r.ip } : {}) } })),
    },
  };
}

function tunneled(apiVersion: string | undefined, routes: { name: string; prefix: string; hop: string; ip?: string }[], subnet: Partial<SubnetSpec> = {}): string {
  return template([
    nsg('apim-nsg', STV2_INBOUND),
    routeTable('apim-rt', routes),
    vnet('vnet', [{ name: 'apim', nsg: 'apim-nsg', routeTable: 'apim-rt', ...subnet }]),
    apim({ apiVersion, vnetType: 'Internal', vnet: 'vnet', dependsOn: ["[resourceId('Microsoft.Network/virtualNetworks', 'vnet')]"] }),
  ]);
}

const nva = { name: 'default', prefix: '0.0.0.0/0', hop: 'VirtualAppliance', ip: '10.0.0.4' };
const ALL_ENDPOINTS = ['Microsoft.Sql', 'Microsoft.Storage', 'Microsoft.EventHub', 'Microsoft.KeyVault'];

ruleTable('forced-tunneling', {
  valid: [
    { name: 'no route table', text: goodStv2() },
    { name: '0.0.0.0/0 to Internet', text: tunneled(STV1, [{ name: 'default', prefix: '0.0.0.0/0', hop: 'Internet' }]) },
    { name: 'only a specific prefix to the appliance', text: tunneled(STV1, [{ name: 'onprem', prefix: '192.168.0.0/16', hop: 'VirtualAppliance', ip: '10.0.0.4' }]) },
    { name: 'stv2 with the ApiManagement route and all service endpoints (mitigated)', text: tunneled(undefined, [nva, { name: 'apim', prefix: 'ApiManagement', hop: 'Internet' }], { serviceEndpoints: ALL_ENDPOINTS }) },
  ],
  invalid: [
    (() => {
      const text = tunneled(STV1, [nva]);
      return {
        name: 'stv1: 0.0.0.0/0 to a virtual appliance, fix sets the next hop to Internet',
        text,
        findings: [
          {
            message: ["routeTables 'apim-rt'", 'sends 0.0.0.0/0 to VirtualAppliance', 'next hop type of Internet'],
            severity: 'warning' as const,
            rangeText: '"VirtualAppliance"',
            profile: 'stv1' as const,
            fix: {
              title: /Set the next hop of route 'default' to Internet/,
              check: (out: string) => {
                assert.ok(strictJson(out));
                assert.ok(out.includes('"nextHopType": "Internet"'));
                assert.ok(!out.includes('nextHopIpAddress'));
              },
            },
          },
        ],
      };
    })(),
    {
      name: 'stv2: forced tunneling without the mitigations; preferred fix adds the route and endpoints',
      text: tunneled(undefined, [nva]),
      findings: [
        {
          message: ['a route ApiManagement → Internet', 'service endpoints for Sql, Storage, EventHub, KeyVault'],
          severity: 'warning',
          rangeText: '"VirtualAppliance"',
          profile: 'stv2',
          fix: {
            title: /Add the ApiManagement → Internet route and service endpoints/,
            check: (out: string) => {
              assert.ok(strictJson(out));
              assert.ok(out.includes('"addressPrefix": "ApiManagement"'));
              assert.ok(out.includes('"service": "Microsoft.KeyVault"'));
              assert.equal(run(out).filter((f) => f.ruleId === 'forced-tunneling').length, 0);
            },
          },
        },
      ],
    },
    {
      name: 'stv2: 0.0.0.0/0 to a gateway with the route but a missing KeyVault endpoint',
      text: tunneled(undefined, [{ name: 'default', prefix: '0.0.0.0/0', hop: 'VirtualNetworkGateway' }, { name: 'apim', prefix: 'ApiManagement', hop: 'Internet' }], { serviceEndpoints: ALL_ENDPOINTS.slice(0, 3) }),
      findings: [{ message: ['sends 0.0.0.0/0 to VirtualNetworkGateway', 'service endpoints for KeyVault'], severity: 'warning', rangeText: '"VirtualNetworkGateway"' }],
    },
    {
      // The route is already there: the preferred stv2 fix adds only the endpoints, and its title says so.
      name: 'stv2: the ApiManagement route present, endpoints missing: the fix (and its title) adds only the endpoints',
      text: tunneled(undefined, [nva, { name: 'apim', prefix: 'ApiManagement', hop: 'Internet' }]),
      findings: [
        {
          message: ['sends 0.0.0.0/0 to VirtualAppliance', 'needs service endpoints for Sql, Storage, EventHub, KeyVault'],
          severity: 'warning',
          rangeText: '"VirtualAppliance"',
          profile: 'stv2',
          fix: {
            title: /^Add service endpoints for Sql, Storage, EventHub, KeyVault$/,
            check: (out: string) => {
              assert.ok(strictJson(out));
              assert.equal(out.split('"addressPrefix": "ApiManagement"').length - 1, 1, 'no second ApiManagement route');
              assert.ok(out.includes('"service": "Microsoft.Sql"'));
            },
          },
        },
      ],
    },
    {
      name: 'next hop None (drop) counts as forced tunneling',
      text: tunneled(STV1, [{ name: 'blackhole', prefix: '0.0.0.0/0', hop: 'None' }]),
      findings: [{ message: ['sends 0.0.0.0/0 to None'], severity: 'warning', rangeText: '"None"' }],
    },
  ],
});

function withExpressRoute(extraSubnet: Partial<SubnetSpec>, resources: Obj[] = []): string {
  const gw = {
    type: 'Microsoft.Network/virtualNetworkGateways',
    apiVersion: '2023-11-01',
    name: 'er-gw',
    location: 'westeurope',
    properties: {
      gatewayType: 'ExpressRoute',
      ipConfigurations: [{ name: 'gwip', properties: { subnet: { id: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'GatewaySubnet')]" } } }],
    },
  };
  return template([
    nsg('apim-nsg', STV2_INBOUND),
    ...resources,
    vnet('vnet', [{ name: 'apim', nsg: 'apim-nsg', ...extraSubnet }, { name: 'GatewaySubnet', prefix: '10.0.255.0/27' }]),
    gw,
    apim({ apiVersion: STV1, vnetType: 'Internal', vnet: 'vnet' }),
  ]);
}

ruleTable('expressroute-forced-tunneling', {
  valid: [
    { name: 'no gateway', text: goodStv2() },
    { name: 'gateway, and the APIM subnet routes 0.0.0.0/0 to Internet', text: withExpressRoute({ routeTable: 'apim-rt' }, [routeTable('apim-rt', [{ name: 'default', prefix: '0.0.0.0/0', hop: 'Internet' }])]) },
  ],
  invalid: [
    {
      name: 'ExpressRoute gateway in the APIM VNet and no route table: create one',
      text: withExpressRoute({}),
      findings: [
        {
          message: ["virtualNetworkGateways 'er-gw' is an ExpressRoute gateway", 'defines 0.0.0.0/0 with a next hop type of Internet'],
          severity: 'warning',
          rangeText: '"ExpressRoute"',
          fix: {
            title: /Create route table 'apim-routes'/,
            check: (out: string) => {
              assert.ok(strictJson(out));
              assert.equal(run(out).filter((f) => f.ruleId === 'expressroute-forced-tunneling').length, 0);
            },
          },
        },
      ],
    },
    {
      name: 'route table without a default route: add 0.0.0.0/0 → Internet',
      text: withExpressRoute({ routeTable: 'apim-rt' }, [routeTable('apim-rt', [{ name: 'onprem', prefix: '192.168.0.0/16', hop: 'VirtualNetworkGateway' }])]),
      findings: [{ message: ['ExpressRoute gateway'], severity: 'warning', rangeText: '"ExpressRoute"', fix: { title: /Add the route 0.0.0.0\/0 → Internet/ } }],
    },
  ],
});

function dns(apimDependsOn?: string[]): string {
  return template([
    nsg('apim-nsg', STV2_INBOUND),
    vnet('vnet', [{ name: 'apim', nsg: 'apim-nsg' }], { dns: ['10.0.0.4', '10.0.0.5'] }),
    apim({ vnetType: 'Internal', vnet: 'vnet', dependsOn: apimDependsOn }),
  ]);
}

ruleTable('custom-dns', {
  valid: [
    { name: 'Azure-provided DNS', text: goodStv2() },
    { name: 'custom DNS and the service depends on the VNet', text: dns(["[resourceId('Microsoft.Network/virtualNetworks', 'vnet')]"]) },
  ],
  invalid: [
    {
      name: 'custom DNS without dependsOn: fix adds it',
      text: dns(),
      findings: [
        {
          message: ["virtualNetworks 'vnet' uses custom DNS servers (10.0.0.4, 10.0.0.5)", 'set that up before deploying an API Management service'],
          severity: 'warning',
          rangeText: '[\n            "10.0.0.4",\n            "10.0.0.5"\n          ]',
          fix: {
            title: /Add virtualNetworks 'vnet' to the dependsOn/,
            check: (out: string) => {
              assert.ok(strictJson(out));
              assert.ok(out.includes(`"[resourceId('Microsoft.Network/virtualNetworks', 'vnet')]"`));
            },
          },
        },
      ],
    },
  ],
});

const multi = (vnetType: string) =>
  template([
    nsg('apim-nsg', STV2_INBOUND),
    nsg('apim-nsg-west', STV2_INBOUND, 'westus'),
    vnet('vnet', [{ name: 'apim', nsg: 'apim-nsg' }]),
    vnet('vnet-west', [{ name: 'apim', nsg: 'apim-nsg-west' }], { location: 'westus' }),
    apim({
      sku: 'Premium',
      vnetType,
      vnet: 'vnet',
      additionalLocations: [{ location: 'westus', sku: { name: 'Premium', capacity: 1 }, virtualNetworkConfiguration: { subnetResourceId: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-west', 'apim')]" } }],
    }),
  ]);

ruleTable('internal-multi-region', {
  valid: [
    { name: 'Internal in one region', text: goodStv2({ vnetType: 'Internal' }) },
    { name: 'External in two regions', text: multi('External') },
  ],
  invalid: [
    { name: 'Internal in two regions', text: multi('Internal'), findings: [{ message: ['Internal mode in 2 regions', 'responsible for managing their own load balancing'], severity: 'info', rangeText: '"Internal"' }] },
  ],
});

const pipId = "[resourceId('Microsoft.Network/publicIPAddresses', 'apim-pip')]";
function pip(sku: string, label?: string, location = 'westeurope'): Obj {
  return {
    type: 'Microsoft.Network/publicIPAddresses',
    apiVersion: '2023-11-01',
    name: 'apim-pip',
    location,
    sku: { name: sku },
    properties: { publicIPAllocationMethod: 'Static', ...(label ? { dnsSettings: { domainNameLabel: label } } : {}) },
  };
}
function withPip(p: Obj, vnetType = 'Internal'): string {
  return template([nsg('apim-nsg', STV2_INBOUND), p, vnet('vnet', [{ name: 'apim', nsg: 'apim-nsg' }]), apim({ vnetType, vnet: 'vnet', publicIpAddressId: pipId })]);
}

ruleTable('internal-public-ip', {
  valid: [
    { name: 'auto: a publicIpAddressId selects stv2', text: withPip(pip('Standard', 'apim')) },
    { name: 'stv1 External with a public IP', text: withPip(pip('Standard', 'apim'), 'External'), config: { platform: 'stv1' } },
  ],
  invalid: [
    {
      name: 'stv1 forced: Internal with a public IP, fix removes it',
      text: withPip(pip('Standard', 'apim')),
      config: { platform: 'stv1' },
      findings: [
        {
          message: ['Internal mode with a publicIpAddressId', 'a public IP address cannot be provided'],
          severity: 'error',
          rangeText: `"${pipId}"`,
          profile: 'stv1',
          fix: { title: /Remove publicIpAddressId/, check: (out: string) => assert.ok(strictJson(out) && !out.includes('publicIpAddressId')) },
        },
      ],
    },
  ],
});

ruleTable('public-ip-requirements', {
  valid: [
    { name: 'Standard with a DNS label in the same region', text: withPip(pip('Standard', 'apim')) },
    { name: 'public IP outside the template', text: template([nsg('apim-nsg', STV2_INBOUND), vnet('vnet', [{ name: 'apim', nsg: 'apim-nsg' }]), apim({ vnetType: 'External', vnet: 'vnet', publicIpAddressId: "[parameters('pip')]" })], { parameters: { pip: { type: 'string' } } }) },
  ],
  invalid: [
    { name: 'Basic SKU', text: withPip(pip('Basic', 'apim')), findings: [{ message: ['its SKU is Basic (Standard is required)'], severity: 'error', rangeText: `"${pipId}"`, profile: 'stv2' }] },
    { name: 'no DNS label', text: withPip(pip('Standard')), findings: [{ message: ['it has no DNS label'], severity: 'error', rangeText: `"${pipId}"` }] },
    { name: 'other region', text: withPip(pip('Standard', 'apim', 'northeurope')), findings: [{ message: ['it is in northeurope, not in westeurope'], severity: 'error', rangeText: `"${pipId}"` }] },
  ],
});

function api(url: string, vnetType?: string): string {
  const resources: Obj[] = [
    nsg('apim-nsg', STV2_INBOUND),
    vnet('vnet', [{ name: 'apim', nsg: 'apim-nsg' }]),
    apim(vnetType ? { vnetType, vnet: 'vnet' } : {}),
    { type: 'Microsoft.ApiManagement/service/apis', apiVersion: '2023-05-01-preview', name: 'contoso-apim/orders', properties: { displayName: 'Orders', path: 'orders', protocols: ['https'], serviceUrl: url } },
  ];
  return template(resources);
}

ruleTable('private-backend-unreachable', {
  valid: [
    { name: 'public backend without VNet', text: api('https://orders.contoso.com/api') },
    { name: 'private backend inside the VNet address space', text: api('http://10.0.2.4/api', 'Internal') },
    { name: 'host name (not an address)', text: api('http://orders.internal/api') },
  ],
  invalid: [
    { name: 'private backend, service not in a VNet', text: api('http://10.1.2.4/api'), findings: [{ message: ['is a private (RFC 1918) address', 'is not in a virtual network'], severity: 'warning', rangeText: '"http://10.1.2.4/api"' }] },
    { name: 'private backend outside the VNet and its peerings', text: api('http://192.168.5.5:8080/api', 'Internal'), findings: [{ message: ['outside the address spaces of the VNet'], severity: 'info', rangeText: '"http://192.168.5.5:8080/api"' }] },
  ],
});

ruleTable('unverifiable-network', {
  valid: [
    { name: 'everything in the template', text: goodStv2() },
    { name: 'no VNet mode', text: template([apim({ subnetId: "[parameters('subnetId')]" })], { parameters: { subnetId: { type: 'string' } } }) },
  ],
  invalid: [
    {
      name: 'subnet from a parameter without value',
      text: template([apim({ vnetType: 'Internal', subnetId: "[parameters('subnetId')]" })], { parameters: { subnetId: { type: 'string' } } }),
      findings: [{ message: ['Could not fully check the network', 'subnet', 'Check by hand'], severity: 'info', rangeText: `"[parameters('subnetId')]"` }],
    },
    {
      name: 'NSG priority from a parameter without value decides a row',
      text: template([nsg('apim-nsg', [...STV2_INBOUND, { name: 'DenyStorage', priority: 0, direction: 'Outbound', access: 'Deny', dst: 'Storage', ports: '443' }]), vnet('vnet', [{ name: 'apim', nsg: 'apim-nsg' }]), apim({ vnetType: 'Internal', vnet: 'vnet' })], { parameters: { p: { type: 'int' } } }).replace(
        '"priority": 0',
        `"priority": "[parameters('p')]"`,
      ),
      findings: [{ message: ['stv2 row 6', 'depends on', "parameter 'p'"], severity: 'info', rangeText: `"[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'apim')]"` }],
    },
    {
      name: 'a deployment linked by URI is never fetched: its content is not checked',
      text: template([
        apim({}),
        { type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'network', properties: { mode: 'Incremental', templateLink: { uri: 'https://example.com/network.json' } } },
      ]),
      findings: [{ message: ['Could not check what this deployment deploys', 'referenced by URI, which is never fetched'], severity: 'info', rangeText: '{\n          "uri": "https://example.com/network.json"\n        }' }],
    },
    {
      name: 'literal subnet id: the NSG and subscription cannot be checked',
      text: template([apim({ vnetType: 'Internal', subnetId: '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/apim' })]),
      findings: [{ message: ['outside this template', 'names subscription 11111111-1111-1111-1111-111111111111'], severity: 'info', rangeText: '"/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/apim"' }],
    },
  ],
});

// rules.md: each finding has relatedInformation "pointing at the other end".
function relatedTexts(text: string, ruleId: string, config?: Parameters<typeof run>[1]): string[] {
  const found = run(text, config).filter((f) => f.ruleId === ruleId);
  assert.equal(found.length, 1, `one ${ruleId} finding`);
  return found[0].related.map((r) => text.slice(r.location.range.offset, r.location.range.offset + r.location.range.length));
}

test('internal-multi-region: related points at each additional location', () => {
  const text = multi('Internal');
  const related = relatedTexts(text, 'internal-multi-region');
  assert.equal(related.length, 1);
  assert.ok(related[0].startsWith('{') && related[0].includes('"location": "westus"'), related[0]);
});

test('internal-public-ip: related points at virtualNetworkType Internal', () => {
  assert.deepEqual(relatedTexts(withPip(pip('Standard', 'apim')), 'internal-public-ip', { platform: 'stv1' }), ['"Internal"']);
});

test('private-backend-unreachable (info, outside the VNet): related points at the APIM subnetResourceId', () => {
  assert.deepEqual(relatedTexts(api('http://192.168.5.5:8080/api', 'Internal'), 'private-backend-unreachable'), [`"[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'apim')]"`]);
});
