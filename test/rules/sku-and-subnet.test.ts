/** Rule tables: unsupported-sku, missing-subnet, missing-region-subnet, vnet-region-mismatch, cross-subscription-subnet. */
import assert from 'node:assert/strict';
import { ruleTable, strictJson, type InvalidCase } from './harness';
import { apim, goodStv2, nsg, STV2_INBOUND, template, vnet } from './templates';

const basicExternal = goodStv2({ sku: 'Basic' });

ruleTable('unsupported-sku', {
  valid: [
    { name: 'Developer External', text: goodStv2() },
    { name: 'Premium Internal', text: goodStv2({ sku: 'Premium', capacity: 2, vnetType: 'Internal' }) },
    { name: 'Basic without VNet', text: template([apim({ sku: 'Basic' })]) },
    { name: 'Basic with virtualNetworkType None', text: template([apim({ sku: 'Basic', vnetType: 'None' })]) },
    { name: 'StandardV2 External (VNet integration)', text: goodStv2({ sku: 'StandardV2' }, { delegations: ['Microsoft.Web/serverFarms'], prefix: '10.0.1.0/27' }) },
    { name: 'PremiumV2 Internal (injection)', text: goodStv2({ sku: 'PremiumV2', vnetType: 'Internal' }, { delegations: ['Microsoft.Web/hostingEnvironments'], prefix: '10.0.1.0/27' }) },
    {
      name: 'parameter sku whose allowedValues are all supported',
      text: template([apim({ sku: "[parameters('sku')]", vnetType: 'External', subnetId: "[parameters('subnetId')]" })], {
        parameters: { sku: { type: 'string', defaultValue: 'Developer', allowedValues: ['Developer', 'Premium'] }, subnetId: { type: 'string' } },
      }),
    },
    { name: 'sku case-insensitive (premium)', text: goodStv2({ sku: 'premium' }) },
  ],
  invalid: [
    {
      name: 'Basic External (literal)',
      text: basicExternal,
      findings: [
        {
          message: ["uses the Basic tier with virtualNetworkType 'External'", 'Premium and Developer tiers', 'Change the sku to Developer or Premium'],
          severity: 'error',
          rangeText: '"Basic"',
          fix: { title: /Change the sku to Developer/, output: basicExternal.replace('"name": "Basic"', '"name": "Developer"') },
        },
      ],
    },
    {
      name: 'Standard Internal with capacity 2 prefers Premium',
      text: goodStv2({ sku: 'Standard', capacity: 2, vnetType: 'Internal' }),
      findings: [
        {
          message: ['Standard tier', "'Internal'"],
          severity: 'error',
          rangeText: '"Standard"',
          fix: { title: /Premium/, output: goodStv2({ sku: 'Standard', capacity: 2, vnetType: 'Internal' }).replace('"name": "Standard"', '"name": "Premium"') },
        },
      ],
    },
    { name: 'Consumption External', text: goodStv2({ sku: 'Consumption' }), findings: [{ message: ['Consumption tier'], severity: 'error', rangeText: '"Consumption"' }] },
    { name: 'BasicV2 External', text: goodStv2({ sku: 'BasicV2' }), findings: [{ message: ['BasicV2 tier'], severity: 'error', rangeText: '"BasicV2"' }] },
    { name: 'StandardV2 Internal', text: goodStv2({ sku: 'StandardV2', vnetType: 'Internal' }), findings: [{ message: ['StandardV2 tier', 'StandardV2 supports only External'], severity: 'error', rangeText: '"StandardV2"' }] },
    (() => {
      const text = template([apim({ sku: "[parameters('sku')]", vnetType: 'External', subnetId: "[parameters('subnetId')]" })], {
        parameters: { sku: { type: 'string', defaultValue: 'Basic' }, subnetId: { type: 'string' } },
      });
      return {
        name: 'parameter default Basic: error at sku.name, fix changes the default',
        text,
        findings: [
          {
            message: ["the default of parameter 'sku'"],
            severity: 'error' as const,
            rangeText: `"[parameters('sku')]"`,
            fix: { title: /default of parameter 'sku' to Developer/, output: text.replace('"defaultValue": "Basic"', '"defaultValue": "Developer"') },
          },
        ],
      };
    })(),
    (() => {
      const text = template([apim({ sku: "[parameters('sku')]", vnetType: 'Internal', subnetId: "[parameters('subnetId')]" })], {
        parameters: { sku: { type: 'string', defaultValue: 'Developer', allowedValues: ['Basic', 'Developer', 'Premium'] }, subnetId: { type: 'string' } },
      });
      return {
        name: 'allowedValues still admit Basic: warning, fix restricts allowedValues',
        text,
        findings: [
          {
            message: ["parameter 'sku' still allows Basic"],
            severity: 'warning' as const,
            rangeText: `"[parameters('sku')]"`,
            fix: {
              title: /Restrict the allowed values/,
              check: (out: string) => {
                assert.ok(strictJson(out));
                assert.ok(!/"Basic"/.test(out));
                assert.ok(/"Developer"/.test(out) && /"Premium"/.test(out));
              },
            },
          },
        ],
      };
    })(),
    (() => {
      // capacity 1 prefers Developer, but the allowedValues admit only Premium: that single
      // action is the preferred one, so applying every preferred fix leaves no fixable finding.
      const text = template([apim({ sku: "[parameters('sku')]", vnetType: 'External', subnetId: "[parameters('subnetId')]" })], {
        parameters: { sku: { type: 'string', defaultValue: 'Basic', allowedValues: ['Basic', 'Standard', 'Premium'] }, subnetId: { type: 'string' } },
      });
      return {
        name: 'parameter default Basic whose allowedValues admit only Premium: the Premium default is the preferred fix',
        text,
        findings: [
          {
            message: ["the default of parameter 'sku'", 'Basic tier'],
            severity: 'error' as const,
            rangeText: `"[parameters('sku')]"`,
            fix: { title: /default of parameter 'sku' to Premium/, output: text.replace('"defaultValue": "Basic"', '"defaultValue": "Premium"') },
          },
        ],
      };
    })(),
    {
      name: 'value from the parameter file: no fix, says where to change it',
      text: template([apim({ sku: "[parameters('sku')]", vnetType: 'External', subnetId: "[parameters('subnetId')]" })], {
        parameters: { sku: { type: 'string', defaultValue: 'Developer' }, subnetId: { type: 'string' } },
      }),
      findings: [{ message: ['in the parameter file'], severity: 'error', rangeText: `"[parameters('sku')]"`, noFix: /parameter file/ }],
      files: { '/virtual/azuredeploy.parameters.json': JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#', contentVersion: '1.0.0.0', parameters: { sku: { value: 'Basic' } } }) },
      parametersFile: '/virtual/azuredeploy.parameters.json',
    },
  ] as InvalidCase[],
});

ruleTable('missing-subnet', {
  valid: [
    { name: 'External with subnet', text: goodStv2() },
    { name: 'no VNet mode', text: template([apim({})]) },
  ],
  invalid: [
    {
      name: 'External without virtualNetworkConfiguration',
      text: template([apim({ vnetType: 'External' })]),
      findings: [{ message: ["virtualNetworkType 'External' but no properties.virtualNetworkConfiguration.subnetResourceId"], severity: 'error', rangeText: '"External"' }],
    },
    {
      name: 'Internal with an empty subnet id',
      text: template([apim({ vnetType: 'Internal', subnetId: '' })]),
      findings: [{ message: ["'Internal'"], severity: 'error', rangeText: '"Internal"' }],
    },
  ],
});

const westSubnet = "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-west', 'apim')]";
function multiRegion(second: Record<string, unknown>): string {
  return template([
    nsg('apim-nsg', STV2_INBOUND),
    nsg('apim-nsg-west', STV2_INBOUND, 'westus'),
    vnet('vnet', [{ name: 'apim', nsg: 'apim-nsg' }]),
    vnet('vnet-west', [{ name: 'apim', nsg: 'apim-nsg-west' }], { location: 'westus' }),
    apim({ sku: 'Premium', vnetType: 'External', vnet: 'vnet', additionalLocations: [second] }),
  ]);
}

ruleTable('missing-region-subnet', {
  valid: [
    {
      name: 'additional location with its own subnet',
      text: multiRegion({ location: 'westus', sku: { name: 'Premium', capacity: 1 }, virtualNetworkConfiguration: { subnetResourceId: westSubnet } }),
    },
    { name: 'additional locations without VNet mode', text: template([apim({ sku: 'Premium', additionalLocations: [{ location: 'westus', sku: { name: 'Premium', capacity: 1 } }] })]) },
  ],
  invalid: [
    {
      name: 'additional location without virtualNetworkConfiguration',
      text: multiRegion({ location: 'westus', sku: { name: 'Premium', capacity: 1 } }),
      findings: [{ message: ['Additional location westus', 'every region needs its own subnet'], severity: 'error', rangeText: '{\n            "location": "westus",\n            "sku": {\n              "name": "Premium",\n              "capacity": 1\n            }\n          }' }],
    },
  ],
});

ruleTable('vnet-region-mismatch', {
  valid: [
    { name: 'same region', text: goodStv2() },
    { name: 'same region written differently (West Europe vs westeurope)', text: goodStv2({ location: 'West Europe' }) },
    {
      name: 'APIM region from resourceGroup().location (unknowable): silent',
      text: goodStv2({ location: '[resourceGroup().location]' }),
    },
    {
      name: 'additional location in the VNet region',
      text: multiRegion({ location: 'westus', sku: { name: 'Premium', capacity: 1 }, virtualNetworkConfiguration: { subnetResourceId: westSubnet } }),
    },
  ],
  invalid: [
    {
      name: 'APIM in northeurope, VNet in westeurope',
      text: goodStv2({ location: 'northeurope' }),
      findings: [{ message: ['which is in westeurope', 'Use a subnet of a VNet in northeurope'], severity: 'error', rangeText: `"[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'apim')]"` }],
    },
    {
      name: 'additional location eastus uses the westus VNet',
      text: multiRegion({ location: 'eastus', sku: { name: 'Premium', capacity: 1 }, virtualNetworkConfiguration: { subnetResourceId: westSubnet } }),
      findings: [{ message: ['additional location eastus', 'which is in westus'], severity: 'error', rangeText: `"${westSubnet}"` }],
    },
  ],
});

ruleTable('cross-subscription-subnet', {
  valid: [
    { name: 'resourceId in the same subscription', text: goodStv2() },
    {
      name: 'literal subscription vs the deployment subscription that is only known at deploy time: not an error',
      text: template([apim({ vnetType: 'External', subnetId: '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/apim' })]),
    },
  ],
  invalid: [
    {
      name: 'nested deployment into subscription A with a subnet of subscription B',
      text: template([
        {
          type: 'Microsoft.Resources/deployments',
          apiVersion: '2022-09-01',
          name: 'apim',
          subscriptionId: '11111111-1111-1111-1111-111111111111',
          resourceGroup: 'apim-rg',
          properties: {
            mode: 'Incremental',
            expressionEvaluationOptions: { scope: 'inner' },
            template: {
              $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
              contentVersion: '1.0.0.0',
              resources: [
                apim({
                  vnetType: 'External',
                  subnetId: "[resourceId('22222222-2222-2222-2222-222222222222', 'net', 'Microsoft.Network/virtualNetworks/subnets', 'v', 'apim')]",
                }),
              ],
            },
          },
        },
      ]),
      findings: [
        {
          message: ['is in subscription 22222222-2222-2222-2222-222222222222', 'deployed to subscription 11111111-1111-1111-1111-111111111111', 'must be in the same subscription'],
          severity: 'error',
          rangeText: `"[resourceId('22222222-2222-2222-2222-222222222222', 'net', 'Microsoft.Network/virtualNetworks/subnets', 'v', 'apim')]"`,
        },
      ],
    },
  ],
});
