import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isUnknown, type Value } from '../../server/src/expressions/value';
import type { ResolveResult, Template } from '../../server/src/template/model';
import { fixture, inline, byName, show, at } from './helpers';

/** A template with the usual network resources plus one property per id form under test. */
const ids: Record<string, string> = {
  literalId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/apim',
  otherSubLiteral: '/subscriptions/99999999-0000-0000-0000-000000000000/resourceGroups/far/providers/Microsoft.Network/virtualNetworks/remote/subnets/apim',
  resourceIdFn: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet1', 'apim')]",
  upperCase: "[resourceId('MICROSOFT.NETWORK/virtualnetworks/SUBNETS', 'VNET1', 'APIM')]",
  concatForm: "[concat(resourceId('Microsoft.Network/virtualNetworks', 'vnet1'), '/subnets/', 'apim')]",
  referenceId: "[reference(resourceId('Microsoft.Network/networkSecurityGroups', 'nsg1'), '2023-04-01', 'Full').id]",
  referenceShortId: "[reference(resourceId('Microsoft.Network/networkSecurityGroups', 'nsg1')).id]",
  paramNoValue: "[parameters('subnetId')]",
  paramPrefix: "[concat(parameters('vnetId'), '/subnets/apim')]",
  unknownNameOne: "[resourceId('Microsoft.Network/networkSecurityGroups', parameters('nsgName'))]",
  unknownNameMany: "[resourceId('Microsoft.Network/virtualNetworks', parameters('vnetName'))]",
  subscriptionLevel: "[subscriptionResourceId('Microsoft.Network/virtualNetworks', 'vnet1')]",
  otherRg: "[resourceId('other-rg', 'Microsoft.Network/virtualNetworks', 'vnet1')]",
  notInTemplate: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet9', 'apim')]",
  garbage: 'not an id at all',
  childRule: "[resourceId('Microsoft.Network/networkSecurityGroups/securityRules', 'nsg1', 'r1')]",
};

const tpl = {
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  parameters: {
    subnetId: { type: 'string' },
    vnetId: { type: 'string' },
    nsgName: { type: 'string' },
    vnetName: { type: 'string' },
  },
  resources: [
    { type: 'Microsoft.Network/networkSecurityGroups', apiVersion: '2023-04-01', name: 'nsg1', location: 'eastus', properties: { securityRules: [] },
      resources: [{ type: 'securityRules', apiVersion: '2023-04-01', name: 'r1', properties: { priority: 100 } }] },
    { type: 'Microsoft.Network/virtualNetworks', apiVersion: '2023-04-01', name: 'vnet1', location: 'eastus',
      properties: { subnets: [{ name: 'apim', properties: { addressPrefix: '10.0.0.0/24' } }] } },
    { type: 'Microsoft.Network/virtualNetworks', apiVersion: '2023-04-01', name: 'vnet2', location: 'eastus', properties: {} },
    { type: 'Microsoft.Web/sites', apiVersion: '2022-01-01', name: 'probe', properties: ids },
  ],
};

describe('resolveId for every id form', () => {
  const t = inline(tpl);
  const probe = byName(t, 'probe').properties();
  const resolve = (k: string): ResolveResult => t.resolveId(at(probe, k));
  const nameOf = (r: ResolveResult) => (r.kind === 'resource' ? show(r.resource.name) : r.kind);

  const table: [string, string, boolean | undefined, RegExp?][] = [
    // form, expected resource name or kind, certain (for resources), reason pattern
    ['resourceIdFn', 'vnet1/apim', true],
    ['upperCase', 'vnet1/apim', true],
    ['concatForm', 'vnet1/apim', true],
    ['referenceId', 'nsg1', true],
    ['referenceShortId', 'nsg1', true],
    ['childRule', 'nsg1/r1', true],
    ['literalId', 'vnet1/apim', false],
    ['unknownNameOne', 'nsg1', false],
    ['unknownNameMany', 'unknown', undefined, /any of 2/],
    ['otherRg', 'vnet1', false],
    ['otherSubLiteral', 'external', undefined, /not declared/],
    ['notInTemplate', 'external', undefined, /not declared/],
    ['subscriptionLevel', 'external', undefined],
    ['paramNoValue', 'external', undefined, /subnetId/],
    ['paramPrefix', 'external', undefined, /vnetId/],
    ['garbage', 'unknown', undefined, /name|id/],
  ];
  for (const [form, expected, certain, reason] of table) {
    test(`${form} → ${expected}${certain === undefined ? '' : certain ? ' (certain)' : ' (uncertain)'}`, () => {
      const r = resolve(form);
      assert.equal(nameOf(r), expected, r.kind === 'resource' ? `certain=${r.certain}` : r.reason);
      if (r.kind === 'resource' && certain !== undefined) assert.equal(r.certain, certain);
      if (reason && r.kind !== 'resource') assert.match(r.reason, reason);
    });
  }

  test('external results carry the known parts of the id', () => {
    const r = resolve('otherSubLiteral');
    assert.equal(r.kind, 'external');
    if (r.kind !== 'external') return;
    assert.equal(r.subscriptionId, '99999999-0000-0000-0000-000000000000');
    assert.equal(r.resourceGroup, 'far');
    assert.equal(r.type, 'Microsoft.Network/virtualNetworks/subnets');
    assert.equal(r.name, 'remote/apim');
  });

  test('symbolic and plain names, objects with an id, non-ids', () => {
    assert.equal(nameOf(t.resolveId('vnet2')), 'vnet2');
    assert.equal(nameOf(t.resolveId('Microsoft.Network/virtualNetworks/vnet2')), 'vnet2');
    assert.equal(nameOf(t.resolveId({ id: at(probe, 'resourceIdFn') } as Value)), 'vnet1/apim');
    assert.equal(t.resolveId(42).kind, 'unknown');
    assert.equal(t.resolveId(null).kind, 'unknown');
    assert.equal(t.resolveId('').kind, 'unknown');
  });

  test('expectedType disambiguates a bare name', () => {
    const r = t.resolveId('vnet1/apim', 'Microsoft.Network/virtualNetworks/subnets');
    assert.equal(nameOf(r), 'vnet1/apim');
  });

  test('the id value of each resource resolves back to the resource itself', () => {
    for (const r of t.resources) {
      const back = t.resolveId(r.id);
      assert.equal(back.kind, 'resource', show(r.id));
      assert.equal(back.kind === 'resource' && back.resource, r, show(r.id));
    }
  });
});

describe('quickstart cases', () => {
  const t: Template = fixture('quickstart-nsg.json');

  test("NSG named format('apimnsg{0}', uniqueString(resourceGroup().id)) resolves from resourceId(…, variables('nsgName'))", () => {
    const subnet = byName(t, "{parameters('base_name')}-vnet/apimSubnet");
    const nsgId = at(subnet.properties(), 'networkSecurityGroup', 'id');
    const r = t.resolveId(nsgId);
    assert.equal(r.kind, 'resource');
    assert.equal(r.kind === 'resource' && r.resource.type, 'Microsoft.Network/networkSecurityGroups');
    assert.equal(r.kind === 'resource' && r.certain, true);
    assert.equal(t.equal(nsgId, r.kind === 'resource' ? r.resource.id : null, true), true);
  });

  test("VNet named format('{0}-vnet', parameters('base_name')) with no value links to the subnet reference", () => {
    const apim = t.resourcesOfType('Microsoft.ApiManagement/service')[0];
    const sid = at(apim.properties(), 'virtualNetworkConfiguration', 'subnetResourceId');
    const r = t.resolveId(sid);
    assert.equal(r.kind, 'resource');
    assert.equal(r.kind === 'resource' && r.resource.inline, true);
    assert.equal(r.kind === 'resource' && r.certain, true);
    assert.equal(r.kind === 'resource' && r.resource.parent?.type, 'Microsoft.Network/virtualNetworks');
    assert.deepEqual(apim.dependsOn().map((d) => d.type), ['Microsoft.Network/virtualNetworks']);
  });

  test('subscription() and resourceGroup() keys are the canonical ones', () => {
    const sub = t.root.evaluateString('[subscription().subscriptionId]');
    const rg = t.root.evaluateString('[resourceGroup().name]');
    assert.ok(isUnknown(sub) && sub.key === 'subscription().subscriptionId');
    assert.ok(isUnknown(rg) && rg.key === 'resourceGroup().name');
    assert.equal(t.equal(t.root.evaluateString('[resourceGroup().id]'), t.root.evaluateString("[concat('/subscriptions/', subscription().subscriptionId, '/resourceGroups/', resourceGroup().name)]")), true);
  });
});

describe('candidates in another resource group', () => {
  const dep = (name: string, resourceGroup: string) => ({
    type: 'Microsoft.Resources/deployments',
    apiVersion: '2022-09-01',
    name,
    resourceGroup,
    properties: { mode: 'Incremental', template: { $schema: tpl.$schema, contentVersion: '1.0.0.0', resources: [] } },
  });
  const doc = {
    $schema: tpl.$schema,
    contentVersion: '1.0.0.0',
    parameters: { same: { type: 'string', defaultValue: 'net' }, other: { type: 'string' } },
    resources: [dep('net', 'rg-net'), dep("[parameters('same')]", 'rg-app'), dep("[parameters('other')]", 'rg-app'), dep("[parameters('other')]", 'rg-net')],
  };

  test('are ruled out by their resource group before their names are evaluated; the answer does not change', () => {
    const t = inline(doc);
    const named = (i: number) => t.resources.filter((r) => r.type === 'Microsoft.Resources/deployments')[i];
    // count the name evaluations of each candidate during the resolution
    const proto = Object.getPrototypeOf(named(0)) as { nameSegments(this: unknown): Value[] };
    const saved = proto.nameSegments;
    const calls = new Map<unknown, number>();
    proto.nameSegments = function (this: unknown) {
      calls.set(this, (calls.get(this) ?? 0) + 1);
      return saved.call(this);
    };
    let r: ResolveResult;
    try {
      r = t.resolveId(t.root.evaluateString("[resourceId('rg-net', 'Microsoft.Resources/deployments', 'net')]"));
    } finally {
      proto.nameSegments = saved;
    }
    assert.equal(r.kind, 'resource');
    assert.ok(r.kind === 'resource' && r.resource === named(0));
    // the 'other' deployment in rg-net has an unknown name: possible, but the certain match wins
    assert.equal(r.kind === 'resource' && r.certain, true);
    assert.equal(calls.get(named(1)) ?? 0, 0, 'a deployment in rg-app is not asked for its name');
    assert.equal(calls.get(named(2)) ?? 0, 0, 'a deployment in rg-app is not asked for its name');
    assert.ok((calls.get(named(3)) ?? 0) > 0, 'the other deployment in rg-net is compared by name');
    // the same name in the other resource group (a parameter's default): that deployment, certain
    const inApp = t.resolveId(t.root.evaluateString("[resourceId('rg-app', 'Microsoft.Resources/deployments', 'net')]"));
    assert.ok(inApp.kind === 'resource' && inApp.resource === named(1) && inApp.certain === true);
  });
});

describe('candidates whose name starts with other literal text', () => {
  const dep = (name: string) => ({
    type: 'Microsoft.Resources/deployments',
    apiVersion: '2022-09-01',
    name,
    properties: { mode: 'Incremental', template: { $schema: tpl.$schema, contentVersion: '1.0.0.0', resources: [] } },
  });
  const names = [
    "[format('vnet-{0}-deployment', parameters('suffix'))]", // 0: other head
    "[format('apim-{0}-deployment', parameters('suffix'))]", // 1: the one
    "[concat('APIM-', parameters('suffix'), '-other')]", // 2: same head (any case), other tail
    'vnet-literal', // 3: a literal with another head
    "[parameters('anyName')]", // 4: no head: compared
    "[format('{{apim}}-{0}', parameters('suffix'))]", // 5: starts with an escaped brace: no head known
    "[format('vnet-{0}', parameters('missing'))]", // 6: other head, and its argument fails
  ];
  const doc = {
    $schema: tpl.$schema,
    contentVersion: '1.0.0.0',
    parameters: { suffix: { type: 'string' }, anyName: { type: 'string' } },
    resources: names.map(dep),
  };

  const desc = (r: ResolveResult): string => (r.kind === 'resource' ? `resource ${String(r.resource.name)} certain=${r.certain}` : `${r.kind}: ${r.reason}`);

  const countNames = (t: Template, run: () => ResolveResult): { r: ResolveResult; calls: Map<unknown, number> } => {
    const first = t.resources.find((r) => r.type === 'Microsoft.Resources/deployments')!;
    const proto = Object.getPrototypeOf(first) as { nameSegments(this: unknown): Value[] };
    const saved = proto.nameSegments;
    const calls = new Map<unknown, number>();
    proto.nameSegments = function (this: unknown) {
      calls.set(this, (calls.get(this) ?? 0) + 1);
      return saved.call(this);
    };
    try {
      return { r: run(), calls };
    } finally {
      proto.nameSegments = saved;
    }
  };

  test('are ruled out without evaluating their names; the answer is the one evaluation gives', () => {
    const t = inline(doc);
    const deps = t.resources.filter((r) => r.type === 'Microsoft.Resources/deployments');
    const { r, calls } = countNames(t, () => t.resolveId(t.root.evaluateString("[resourceId('Microsoft.Resources/deployments', format('apim-{0}-deployment', parameters('suffix')))]")));
    // 1 is certain (same parts); 2 and 4 are possible; a certain match wins
    assert.ok(r.kind === 'resource' && r.resource === deps[1] && r.certain, desc(r));
    for (const i of [0, 3, 6]) assert.equal(calls.get(deps[i]) ?? 0, 0, `candidate ${i} (${names[i]}) is not asked for its name`);
    for (const i of [1, 2, 4, 5]) assert.ok((calls.get(deps[i]) ?? 0) > 0, `candidate ${i} (${names[i]}) is compared by name`);
  });

  test('a name whose head differs cannot be the id, even when its arguments fail to evaluate', () => {
    const t = inline({ ...doc, resources: [dep(names[6])] });
    const r = t.resolveId(t.root.evaluateString("[resourceId('Microsoft.Resources/deployments', 'apim-x')]"));
    assert.equal(r.kind, 'external', desc(r));
    // the same deployment is found by a name that agrees with its head
    const same = t.resolveId(t.root.evaluateString("[resourceId('Microsoft.Resources/deployments', 'vnet-x')]"));
    assert.ok(same.kind === 'resource' && same.resource === t.resources[0] && !same.certain, desc(same));
  });

  test('a literal name is compared as a whole head: a longer or shorter literal id does not match', () => {
    const t = inline({ ...doc, resources: [dep('vnet-literal')] });
    assert.equal(t.resolveId(t.root.evaluateString("[resourceId('Microsoft.Resources/deployments', 'vnet-literal-2')]")).kind, 'external');
    assert.equal(t.resolveId(t.root.evaluateString("[resourceId('Microsoft.Resources/deployments', 'VNET-LITERAL')]")).kind, 'resource');
  });
});
