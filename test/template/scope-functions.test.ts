/**
 * subscription(), resourceGroup() and resourceId() by deployment scope, as ARM resolves them:
 * - nested templates: "Set the property to `inner` to resolve to the scope for the nested
 *   template. Set the property to `outer` to resolve to the scope of the parent template"; table:
 *   nested/outer (default) → parent resource group, nested/inner → sub resource group, linked →
 *   sub resource group (https://learn.microsoft.com/azure/azure-resource-manager/templates/cross-scope-deployment#how-functions-resolve-in-scopes).
 *   The resources an outer nested template declares are still deployed to its target.
 * - resourceId() without subscription / resource group: "The format of the returned identifier
 *   varies based on whether the deployment happens at the scope of a resource group,
 *   subscription, management group, or tenant" (subscription: /subscriptions/{id}/providers/...;
 *   management group or tenant: /providers/...)
 *   (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-resource#resourceid).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Template } from '../../server/src/template/model';
import { byName, show, at, inline } from './helpers';

const SUB = '{subscription().subscriptionId}';
const RG = '{resourceGroup().name}';
const RG_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const SUB_SCHEMA = 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#';
const MG_SCHEMA = 'https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#';
const TENANT_SCHEMA = 'https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#';

const probes = {
  rg: '[resourceGroup().name]',
  rgId: '[resourceGroup().id]',
  sub: '[subscription().subscriptionId]',
  vnetId: "[resourceId('Microsoft.Network/virtualNetworks', 'v')]",
};

/** A resource-group template deploying VNet 'v' to sub2/rg2 through a nested template. */
function crossRg(evaluation: 'inner' | 'outer' | undefined): Template {
  const properties: Record<string, unknown> = {
    mode: 'Incremental',
    template: {
      $schema: RG_SCHEMA,
      contentVersion: '1.0.0.0',
      resources: [{ type: 'Microsoft.Network/virtualNetworks', apiVersion: '2023-04-01', name: 'v', location: 'westeurope', properties: { probes } }],
    },
  };
  if (evaluation) properties.expressionEvaluationOptions = { scope: evaluation };
  return inline({
    $schema: RG_SCHEMA,
    contentVersion: '1.0.0.0',
    resources: [
      { type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'nested', subscriptionId: 'sub2', resourceGroup: 'rg2', properties },
    ],
  });
}

describe('nested template into another subscription and resource group', () => {
  const cases: [string, 'inner' | 'outer' | undefined, Record<string, string>][] = [
    ['outer scope (explicit): the parent deployment', 'outer', {
      rg: 'resourceGroup().name',
      rgId: `/subscriptions/${SUB}/resourceGroups/${RG}`,
      sub: 'subscription().subscriptionId',
      vnetId: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/v`,
    }],
    ['outer scope (the default): the parent deployment', undefined, {
      rg: 'resourceGroup().name',
      rgId: `/subscriptions/${SUB}/resourceGroups/${RG}`,
      sub: 'subscription().subscriptionId',
      vnetId: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/v`,
    }],
    ['inner scope: the target of the nested deployment', 'inner', {
      rg: 'rg2',
      rgId: '/subscriptions/sub2/resourceGroups/rg2',
      sub: 'sub2',
      vnetId: '/subscriptions/sub2/resourceGroups/rg2/providers/Microsoft.Network/virtualNetworks/v',
    }],
  ];
  for (const [title, evaluation, expected] of cases) {
    test(`${title}: resourceGroup(), subscription() and resourceId()`, () => {
      const t = crossRg(evaluation);
      const v = byName(t, 'v');
      const got: Record<string, string> = {};
      for (const k of Object.keys(probes)) got[k] = show(at(v.properties(), 'probes', k));
      assert.deepEqual(got, expected);
    });
    test(`${title}: the VNet itself is deployed to sub2/rg2`, () => {
      const t = crossRg(evaluation);
      assert.equal(show(byName(t, 'v').id), '/subscriptions/sub2/resourceGroups/rg2/providers/Microsoft.Network/virtualNetworks/v');
    });
  }

  test('outer scope nested in an inner-scope nested template: the inner template is the parent', () => {
    const t = inline({
      $schema: RG_SCHEMA,
      resources: [
        {
          type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'mid', resourceGroup: 'rg2',
          properties: {
            mode: 'Incremental',
            expressionEvaluationOptions: { scope: 'inner' },
            template: {
              $schema: RG_SCHEMA,
              resources: [
                {
                  type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'leaf', resourceGroup: 'rg3',
                  properties: {
                    mode: 'Incremental',
                    template: { $schema: RG_SCHEMA, resources: [{ type: 'Microsoft.Network/virtualNetworks', apiVersion: '2023-04-01', name: 'v', properties: { probes } }] },
                  },
                },
              ],
            },
          },
        },
      ],
    });
    const v = byName(t, 'v');
    assert.equal(at(v.properties(), 'probes', 'rg'), 'rg2');
    assert.equal(show(at(v.properties(), 'probes', 'vnetId')), `/subscriptions/${SUB}/resourceGroups/rg2/providers/Microsoft.Network/virtualNetworks/v`);
    assert.equal(show(v.id), `/subscriptions/${SUB}/resourceGroups/rg3/providers/Microsoft.Network/virtualNetworks/v`);
  });
});

describe('resourceId() by the scope of the deployment', () => {
  test('subscription scope: no resource group segment; with a resource group argument: that group', () => {
    const t = inline({
      $schema: SUB_SCHEMA,
      contentVersion: '1.0.0.0',
      resources: [
        { type: 'Microsoft.Resources/resourceGroups', apiVersion: '2021-04-01', name: 'rg1', location: 'westeurope' },
        {
          type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'subLevel', location: 'westeurope',
          properties: {
            mode: 'Incremental',
            expressionEvaluationOptions: { scope: 'inner' },
            template: { $schema: SUB_SCHEMA, resources: [], outputs: { o: { type: 'string', value: 'from-sub-level' } } },
          },
        },
        {
          type: 'Microsoft.Authorization/locks', apiVersion: '2020-05-01', name: 'probe',
          dependsOn: ["[resourceId('Microsoft.Resources/resourceGroups', 'rg1')]"],
          properties: {
            rgRes: "[resourceId('Microsoft.Resources/resourceGroups', 'rg1')]",
            subRes: "[subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg1')]",
            inRg: "[resourceId('rg1', 'Microsoft.Network/virtualNetworks', 'v')]",
            out: "[reference(resourceId('Microsoft.Resources/deployments', 'subLevel')).outputs.o.value]",
          },
        },
      ],
    });
    const p = byName(t, 'probe').properties();
    assert.equal(show(at(p, 'rgRes')), `/subscriptions/${SUB}/providers/Microsoft.Resources/resourceGroups/rg1`);
    assert.equal(show(at(p, 'rgRes')), show(at(p, 'subRes')));
    assert.equal(show(at(p, 'rgRes')), show(byName(t, 'rg1').id));
    assert.equal(show(at(p, 'inRg')), `/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/v`);
    assert.equal(at(p, 'out'), 'from-sub-level');
    assert.deepEqual(byName(t, 'probe').dependsOn(), [byName(t, 'rg1')]);
  });

  test('a resource-group deployment nested in a subscription template: resource group ids again', () => {
    const t = inline({
      $schema: SUB_SCHEMA,
      resources: [
        {
          type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'toRg', resourceGroup: 'rg1',
          properties: {
            mode: 'Incremental',
            expressionEvaluationOptions: { scope: 'inner' },
            template: { $schema: RG_SCHEMA, resources: [{ type: 'Microsoft.Network/virtualNetworks', apiVersion: '2023-04-01', name: 'v', properties: { probes } }] },
          },
        },
      ],
    });
    const v = byName(t, 'v');
    assert.equal(show(at(v.properties(), 'probes', 'vnetId')), `/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/v`);
    assert.equal(show(at(v.properties(), 'probes', 'vnetId')), show(v.id));
  });

  for (const [level, schema] of [['management group', MG_SCHEMA], ['tenant', TENANT_SCHEMA]] as const) {
    test(`${level} scope: /providers/... only`, () => {
      const t = inline({
        $schema: schema,
        resources: [
          {
            type: 'Microsoft.Authorization/policyDefinitions', apiVersion: '2021-06-01', name: 'probe',
            properties: { id: "[resourceId('Microsoft.Authorization/policyDefinitions', 'p1')]" },
          },
        ],
      });
      assert.equal(at(byName(t, 'probe').properties(), 'id'), '/providers/Microsoft.Authorization/policyDefinitions/p1');
    });
  }

  test('resource group scope (unchanged): subscription and resource group of the deployment', () => {
    const t = inline({ $schema: RG_SCHEMA, resources: [{ type: 'Microsoft.Web/sites', apiVersion: '2022-09-01', name: 'probe', properties: { probes } }] });
    assert.equal(show(at(byName(t, 'probe').properties(), 'probes', 'vnetId')), `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/v`);
  });
});
