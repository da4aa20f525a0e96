/** Rule tables: shared-subnet, subnet-delegated, subnet-too-small, missing-nsg. */
import assert from 'node:assert/strict';
import { ruleTable, strictJson, run } from './harness';
import { apim, goodStv2, nsg, STV2_INBOUND, template, vnet } from './templates';

const STV1 = '2019-12-01';
const subnetRef = "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'apim')]";
const nic = {
  type: 'Microsoft.Network/networkInterfaces',
  apiVersion: '2023-11-01',
  name: 'vm-nic',
  location: 'westeurope',
  properties: { ipConfigurations: [{ name: 'ipconfig1', properties: { subnet: { id: subnetRef } } }] },
};
function withOther(apiVersion: string, other: Record<string, unknown>, sku = 'Developer'): string {
  return template([
    nsg('apim-nsg', STV2_INBOUND),
    vnet('vnet', [{ name: 'apim', nsg: 'apim-nsg' }]),
    other,
    apim({ apiVersion, sku, vnetType: 'Internal', vnet: 'vnet' }),
  ]);
}

ruleTable('shared-subnet', {
  valid: [
    { name: 'stv2 classic tier may share the subnet', text: withOther('2023-05-01-preview', nic) },
    { name: 'stv1, NIC in another subnet', text: withOther(STV1, { ...nic, properties: { ipConfigurations: [{ name: 'c', properties: { subnet: { id: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'other')]" } } }] } }) },
    { name: 'stv1, a second APIM instance in the same subnet', text: withOther(STV1, apim({ name: 'second', apiVersion: STV1, vnetType: 'Internal', vnet: 'vnet' })) },
  ],
  invalid: [
    {
      name: 'stv1, a NIC in the APIM subnet',
      text: withOther(STV1, nic),
      findings: [{ message: ["networkInterfaces 'vm-nic' uses the subnet", 'dedicated subnet', 'Move'], severity: 'error', rangeText: `"${subnetRef}"`, occurrence: 0, profile: 'stv1' }],
    },
    {
      name: 'StandardV2 (any profile), an Application Gateway in the APIM subnet',
      text: template([
        nsg('apim-nsg', STV2_INBOUND),
        vnet('vnet', [{ name: 'apim', nsg: 'apim-nsg', prefix: '10.0.1.0/27', delegations: ['Microsoft.Web/serverFarms'] }]),
        {
          type: 'Microsoft.Network/applicationGateways',
          apiVersion: '2023-11-01',
          name: 'agw',
          location: 'westeurope',
          properties: { gatewayIPConfigurations: [{ name: 'gw', properties: { subnet: { id: subnetRef } } }] },
        },
        apim({ sku: 'StandardV2', vnetType: 'External', vnet: 'vnet' }),
      ]),
      findings: [{ message: ["applicationGateways 'agw'", 'v2 tiers need a dedicated subnet'], severity: 'error', rangeText: `"${subnetRef}"`, occurrence: 0 }],
    },
  ],
});

const delegated = goodStv2({}, { delegations: ['Microsoft.ContainerInstance/containerGroups'] });
ruleTable('subnet-delegated', {
  valid: [
    { name: 'classic tier, no delegation', text: goodStv2() },
    { name: 'StandardV2 integration delegated to serverFarms', text: goodStv2({ sku: 'StandardV2' }, { delegations: ['Microsoft.Web/serverFarms'], prefix: '10.0.1.0/27' }) },
    { name: 'PremiumV2 injection delegated to hostingEnvironments', text: goodStv2({ sku: 'PremiumV2', vnetType: 'Internal' }, { delegations: ['Microsoft.Web/hostingEnvironments'], prefix: '10.0.1.0/27' }) },
  ],
  invalid: [
    {
      name: 'Developer with a delegated subnet: remove it',
      text: delegated,
      findings: [
        {
          message: ['is delegated to Microsoft.ContainerInstance/containerGroups', 'must have no delegation'],
          severity: 'error',
          rangeText: delegated.slice(delegated.indexOf('[', delegated.indexOf('"delegations"')), delegated.indexOf(']', delegated.indexOf('"delegations"')) + 1),
          fix: {
            title: /Remove the delegation/,
            check: (out) => {
              assert.ok(strictJson(out));
              assert.ok(!out.includes('Microsoft.ContainerInstance'));
            },
          },
        },
      ],
    },
    {
      name: 'StandardV2 without delegation: set serverFarms',
      text: goodStv2({ sku: 'StandardV2' }, { prefix: '10.0.1.0/27' }),
      findings: [
        {
          message: ['has no delegation', 'delegated to Microsoft.Web/serverFarms'],
          severity: 'error',
          rangeText: '"apim"',
          fix: {
            title: /Delegate the subnet to Microsoft.Web\/serverFarms/,
            check: (out) => {
              assert.ok(strictJson(out));
              assert.ok(out.includes('"serviceName": "Microsoft.Web/serverFarms"'));
            },
          },
        },
      ],
    },
    {
      name: 'PremiumV2 Internal delegated to serverFarms (needs hostingEnvironments)',
      text: goodStv2({ sku: 'PremiumV2', vnetType: 'Internal' }, { delegations: ['Microsoft.Web/serverFarms'], prefix: '10.0.1.0/27' }),
      findings: [{ message: ['is delegated to Microsoft.Web/serverFarms', 'Microsoft.Web/hostingEnvironments'], severity: 'error', rangeText: JSON.stringify([{ name: 'Microsoft.Web.serverFarms', properties: { serviceName: 'Microsoft.Web/serverFarms' } }], null, 2).split('\n').map((l, i) => (i === 0 ? l : '              ' + l)).join('\n') }],
    },
  ],
});

ruleTable('subnet-too-small', {
  valid: [
    { name: '/24', text: goodStv2() },
    { name: '/29 for one Developer unit, External (5 + 1 = 6 ≤ 8)', text: goodStv2({}, { prefix: '10.0.1.0/29' }) },
    { name: '/27 for a v2 tier', text: goodStv2({ sku: 'StandardV2' }, { prefix: '10.0.1.0/27', delegations: ['Microsoft.Web/serverFarms'] }) },
    { name: 'prefix from a parameter without value: silent', text: template([vnet('vnet', [{ name: 'apim', prefix: "[parameters('p')]" }]), apim({ vnetType: 'External', vnet: 'vnet' })], { parameters: { p: { type: 'string' } } }) },
  ],
  invalid: [
    {
      name: '/29 for Premium with 2 units, Internal (5 + 4 + 1 = 10 > 8)',
      text: goodStv2({ sku: 'Premium', capacity: 2, vnetType: 'Internal' }, { prefix: '10.0.1.0/29' }),
      findings: [{ message: ['has 8 addresses and needs 10', '2 per unit × 2 units', '1 for the internal load balancer'], severity: 'warning', rangeText: '"10.0.1.0/29"' }],
    },
    {
      name: '/30 is smaller than /29',
      text: goodStv2({}, { prefix: '10.0.1.0/30' }),
      findings: [{ message: ['must be at least /29'], severity: 'warning', rangeText: '"10.0.1.0/30"' }],
    },
    {
      name: '/28 for a v2 tier (needs /27)',
      text: goodStv2({ sku: 'StandardV2' }, { prefix: '10.0.1.0/28', delegations: ['Microsoft.Web/serverFarms'] }),
      findings: [{ message: ['v2 tier must be at least /27'], severity: 'warning', rangeText: '"10.0.1.0/28"' }],
    },
  ],
});

const noNsg = template([vnet('vnet', [{ name: 'apim' }]), apim({ vnetType: 'Internal', vnet: 'vnet' })]);
ruleTable('missing-nsg', {
  valid: [
    { name: 'NSG associated', text: goodStv2() },
    { name: 'stv1 (not checked)', text: template([vnet('vnet', [{ name: 'apim' }]), apim({ apiVersion: STV1, vnetType: 'Internal', vnet: 'vnet' })]) },
    { name: 'subnet outside the template (unverifiable instead)', text: template([apim({ vnetType: 'Internal', subnetId: "[parameters('subnetId')]" })], { parameters: { subnetId: { type: 'string' } } }) },
    { name: 'rule turned off', text: noNsg, config: { rules: { 'missing-nsg': 'off' } } },
  ],
  invalid: [
    {
      name: 'stv2 Internal subnet without NSG: create one with the required rules',
      text: noNsg,
      findings: [
        {
          message: ['has no network security group', 'under stv2 an NSG must be associated'],
          severity: 'error',
          rangeText: '"apim"',
          profile: 'stv2',
          fix: {
            title: /Create NSG 'apim-nsg' with the \d+ required API Management rules/,
            check: (out) => {
              assert.ok(strictJson(out));
              const after = run(out);
              assert.deepEqual(after.map((f) => `${f.ruleId}: ${f.message}`), [], 'the created NSG satisfies every row');
            },
          },
        },
      ],
    },
    {
      name: 'v2 tier under a forced stv1 profile still needs an NSG',
      text: template([vnet('vnet', [{ name: 'apim', prefix: '10.0.1.0/27', delegations: ['Microsoft.Web/serverFarms'] }]), apim({ sku: 'StandardV2', vnetType: 'External', vnet: 'vnet' })]),
      config: { platform: 'stv1' },
      findings: [{ message: ['VNet integration of the v2 tiers requires an NSG'], severity: 'error', rangeText: '"apim"' }],
    },
  ],
});
