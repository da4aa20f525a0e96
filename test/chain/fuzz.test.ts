/** Property test: buildChain, findSubnetUsers and both renderers never throw on odd templates. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildTemplate } from '../../server/src/template/builder';
import { buildChain } from '../../server/src/network/chain';
import { findSubnetUsers } from '../../server/src/network/usage';
import { explainText, networkReportMarkdown } from '../../server/src/report';

const exprs = [
  "[parameters('p')]",
  "[variables('v')]",
  "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v', 's')]",
  "[resourceId('Microsoft.Network/networkSecurityGroups', 'n')]",
  "[concat(resourceId('Microsoft.Network/virtualNetworks', 'v'), '/subnets/s')]",
  "[reference('nope').id]",
  "[if(equals(parameters('p'), 'x'), null(), createObject('subnetResourceId', parameters('p')))]",
  '/subscriptions/x/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/subnets/s',
  '[[literal',
  '[',
  '',
  'External',
  'Internal',
];

const leaf = fc.oneof(fc.constantFrom(...exprs), fc.integer(), fc.boolean(), fc.constant(null));
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('id', 'name', 'subnet', 'subnetResourceId', 'properties', 'location', 'sku', 'virtualNetworkConfiguration', 'networkSecurityGroup', 'routeTable', 'delegations', 'addressPrefix', 'additionalLocations', 'copy'), tie('v'), { maxKeys: 4 })),
})).v;

const resource = fc.record({
  type: fc.constantFrom('Microsoft.ApiManagement/service', 'Microsoft.Network/virtualNetworks', 'Microsoft.Network/virtualNetworks/subnets', 'Microsoft.Network/networkSecurityGroups', 'Microsoft.Network/networkInterfaces', 'Microsoft.Resources/deployments'),
  apiVersion: fc.constant('2023-04-01'),
  name: fc.constantFrom('v', 'v/s', 's', 'n', "[parameters('p')]", 'a'),
  location: fc.constantFrom('westeurope', "[parameters('p')]"),
  sku: value,
  properties: value,
});

test('random templates: the chain, the usage index and the renderers never throw', () => {
  fc.assert(
    fc.property(fc.array(resource, { maxLength: 6 }), fc.boolean(), (resources, v2) => {
      const doc: Record<string, unknown> = {
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        parameters: { p: { type: 'string' } },
        variables: { v: "[parameters('p')]" },
        resources: v2 ? Object.fromEntries(resources.map((r, i) => [`r${i}`, r])) : resources,
      };
      if (v2) doc.languageVersion = '2.0';
      const template = buildTemplate({ file: '/tmp/fuzz.json', text: JSON.stringify(doc, null, 1) });
      const services = buildChain(template);
      for (const s of services) {
        for (const l of s.locations) {
          assert.ok(['resolved', 'external', 'unknown', 'none'].includes(l.subnet.status));
          if (l.subnet.status === 'resolved') findSubnetUsers(template, l.subnet.target.resource, s.resource);
        }
      }
      assert.equal(typeof explainText(template, services), 'string');
      assert.equal(typeof networkReportMarkdown(template, services), 'string');
    }),
    { numRuns: 150, seed: 42 },
  );
});
