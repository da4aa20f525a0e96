import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isUnknown, Unknown, type Value } from '../../server/src/expressions/value';
import type { Template } from '../../server/src/template/model';
import { fixture, byName, show, at, inline } from './helpers';

const SUB = '{subscription().subscriptionId}';
const RG = '{resourceGroup().name}';
const prefix = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/`;

describe('array-form template (JSONC, parameter file)', () => {
  const t = fixture('array-forms.jsonc', 'array-forms.parameters.json');

  test('parses comments and trailing commas without errors', () => {
    assert.equal(t.main.parseErrors.length, 0);
    assert.ok(t.main.root);
    assert.equal(t.files.size, 2, 'main + parameter file');
  });

  const rows: [string, string, string][] = [
    // type, name, id suffix
    ['Microsoft.Network/networkSecurityGroups', 'apim-nsg', 'Microsoft.Network/networkSecurityGroups/apim-nsg'],
    ['Microsoft.Network/networkSecurityGroups/securityRules', 'apim-nsg/lb', 'Microsoft.Network/networkSecurityGroups/apim-nsg/securityRules/lb'],
    ['Microsoft.Network/virtualNetworks', 'prd-vnet', 'Microsoft.Network/virtualNetworks/prd-vnet'],
    ['Microsoft.Network/virtualNetworks/subnets', 'prd-vnet/apim', 'Microsoft.Network/virtualNetworks/prd-vnet/subnets/apim'],
    ['Microsoft.Network/virtualNetworks/subnets', 'prd-vnet/other', 'Microsoft.Network/virtualNetworks/prd-vnet/subnets/other'],
    ['Microsoft.Network/virtualNetworks/subnets', 'prd-vnet/extra', 'Microsoft.Network/virtualNetworks/prd-vnet/subnets/extra'],
    ['Microsoft.Network/virtualNetworks', 'hub', 'Microsoft.Network/virtualNetworks/hub'],
    ['Microsoft.ApiManagement/service', 'apim', 'Microsoft.ApiManagement/service/apim'],
  ];
  test('resources in document order with composed types, names and ids', () => {
    assert.deepEqual(
      t.resources.map((r) => [r.type, show(r.name), show(r.id)]),
      rows.map(([ty, n, id]) => [ty, n, prefix + id]),
    );
  });

  test('nested child resource: type and name composed from the parent, parent set', () => {
    const rule = byName(t, 'apim-nsg/lb');
    assert.equal(rule.parent, byName(t, 'apim-nsg'));
    assert.deepEqual(rule.dependsOn(), [byName(t, 'apim-nsg')]);
    assert.equal(at(rule.properties(), 'destinationPortRange'), '6390');
  });

  test('inline subnets are pseudo-resources of their VNet', () => {
    const s = byName(t, 'prd-vnet/apim');
    assert.equal(s.inline, true);
    assert.equal(s.parent, byName(t, 'prd-vnet'));
    assert.equal(at(s.properties(), 'addressPrefix'), '10.0.1.0/24');
    assert.equal(show(s.location()), 'resourceGroup().location', 'the VNet location');
    // node is the subnet element in the text
    const text = t.main.text.slice(s.node.offset, s.node.offset + s.node.length);
    assert.match(text, /"name": "\[variables\('subnetName'\)\]"/);
  });

  test('top-level child "vnet/subnet" finds its parent; condition evaluated', () => {
    const extra = byName(t, 'prd-vnet/extra');
    assert.equal(extra.inline, undefined);
    assert.equal(extra.parent, byName(t, 'prd-vnet'));
    assert.equal(extra.condition, false);
    assert.deepEqual(extra.dependsOn(), [byName(t, 'prd-vnet')]);
    assert.equal(byName(t, 'apim').condition, true);
  });

  test('existing resources are flagged', () => {
    assert.equal(byName(t, 'hub').existing, true);
    assert.equal(byName(t, 'apim').existing, false);
  });

  test('parameter file values (case-insensitive names) override defaults; expression defaults evaluate', () => {
    assert.equal(t.root.parameterValue('prefix'), 'prd');
    assert.equal(t.root.parameterValue('sku'), 'Premium');
    assert.equal(t.root.parameterValue('vnetName'), 'prd-vnet');
    const loc = t.root.parameterValue('location');
    assert.ok(isUnknown(loc));
    assert.equal((loc as Unknown).key, 'resourceGroup().location');
    const decl = t.root.parameters.get('sku')!;
    assert.deepEqual(decl.allowedValues, ['Developer', 'Premium', 'Basic']);
    assert.equal(decl.supplied?.value, 'Premium');
    assert.equal(decl.supplied?.origin?.literal, true);
  });

  test('a Key Vault reference in the parameter file is Unknown', () => {
    const pw = t.root.parameterValue('adminPassword');
    assert.ok(isUnknown(pw));
    assert.match((pw as Unknown).reason, /Key Vault/);
    assert.ok(isUnknown(at(byName(t, 'apim').properties(), 'password')));
  });

  test('dependsOn by resourceId, by name and by type/name', () => {
    assert.deepEqual(byName(t, 'prd-vnet').dependsOn(), [byName(t, 'apim-nsg')]);
    assert.deepEqual(byName(t, 'apim').dependsOn(), [byName(t, 'prd-vnet'), byName(t, 'apim-nsg')]);
  });

  test('sku, location, member and escaped "[[" strings', () => {
    const apim = byName(t, 'apim');
    assert.deepEqual(apim.sku(), { name: 'Premium', capacity: 1 });
    assert.equal(at(apim.properties(), 'note'), '[not an expression]');
    assert.equal(apim.member('apiVersion'), '2021-08-01');
    assert.equal(apim.apiVersion, '2021-08-01');
    assert.equal(apim.member('nope'), null);
  });

  test('origins: literal objects map to their node; expression results are not literal', () => {
    const apim = byName(t, 'apim');
    const props = apim.properties();
    const o = t.originOf(props)!;
    assert.equal(o.literal, true);
    assert.equal(o.node.type, 'object');
    const sku = apim.sku() as Record<string, Value>;
    const nameOrigin = t.propertyOrigin(sku, 'name')!;
    assert.equal(nameOrigin.literal, false, 'sku.name is an expression');
    assert.equal(nameOrigin.via, "from parameter 'sku'");
    const capOrigin = t.propertyOrigin(sku, 'capacity')!;
    assert.equal(capOrigin.literal, true);
    assert.equal(t.main.text.slice(capOrigin.node.offset, capOrigin.node.offset + capOrigin.node.length), '1');
    assert.equal(t.originOf('x'), undefined);
  });

  test('outputs evaluate in the root scope', () => {
    assert.equal(show(t.root.evaluateString("[resourceId('Microsoft.ApiManagement/service', 'apim')]")), show(byName(t, 'apim').id));
  });
});

describe('languageVersion 2.0 symbolic resources', () => {
  const t = fixture('symbolic.json');

  test('symbolic names, names, ids', () => {
    assert.deepEqual(
      t.resources.map((r) => [r.symbolicName, show(r.name)]),
      [
        ['nsg', 'nsg-apim'],
        ['vnet', 'vnet-apim'],
        ['subnet', 'vnet-apim/snet-apim'],
        ['sharedVnet', 'shared-vnet'],
        ['apim', 'apim-sym'],
      ],
    );
  });

  test('dependsOn by symbolic name; parent of a top-level child', () => {
    const sub = byName(t, 'vnet-apim/snet-apim');
    assert.deepEqual(sub.dependsOn(), [byName(t, 'vnet-apim'), byName(t, 'nsg-apim')]);
    assert.equal(sub.parent, byName(t, 'vnet-apim'));
  });

  test('resourceInfo().id and reference(symbolicName) read back', () => {
    const p = byName(t, 'apim-sym').properties();
    const r = t.resolveId(at(p, 'virtualNetworkConfiguration', 'subnetResourceId'));
    assert.equal(r.kind, 'resource');
    assert.equal(r.kind === 'resource' && r.resource, byName(t, 'vnet-apim/snet-apim'));
    assert.equal(r.kind === 'resource' && r.certain, true);
    assert.equal(at(p, 'subnetPrefixSeen'), '10.1.0.0/27');
  });

  test('existing resource in another resource group: id uses its own resourceGroup', () => {
    const shared = byName(t, 'shared-vnet');
    assert.equal(shared.existing, true);
    assert.equal(show(shared.id), `/subscriptions/${SUB}/resourceGroups/network-rg/providers/Microsoft.Network/virtualNetworks/shared-vnet`);
    const p = byName(t, 'apim-sym').properties();
    assert.equal(show(at(p, 'sharedId')), show(shared.id));
    assert.ok(isUnknown(at(p, 'sharedState')), 'the state of an existing resource is not in the template');
    assert.equal(show(at(p, 'sharedFullId')), show(shared.id));
  });

  test('symbolic name resolves through resolveId', () => {
    const r = t.resolveId('nsg');
    assert.equal(r.kind === 'resource' && r.resource, byName(t, 'nsg-apim'));
  });
});

describe('copy loops', () => {
  const t = fixture('copy-loops.json');

  test('resource copy loop expands with copyIndex bound', () => {
    const vnets = t.resourcesOfType('microsoft.network/virtualnetworks');
    assert.deepEqual(vnets.map((r) => show(r.name)), ['vnet-0', 'vnet-1', 'vnet-2']);
    assert.deepEqual(vnets.map((r) => r.copyIndex), [0, 1, 2]);
    assert.deepEqual(vnets.map((r) => at(r.properties(), 'addressSpace', 'addressPrefixes', 0)), ['10.0.0.0/16', '10.1.0.0/16', '10.2.0.0/16']);
    const subs = t.resourcesOfType('Microsoft.Network/virtualNetworks/subnets');
    assert.deepEqual(subs.map((r) => [show(r.name), at(r.properties(), 'addressPrefix')]), [
      ['vnet-0/apim', '10.0.1.0/24'],
      ['vnet-1/apim', '10.1.1.0/24'],
      ['vnet-2/apim', '10.2.1.0/24'],
    ]);
  });

  test('unknown count → one representative instance flagged copyCountUnknown; dependsOn a loop name', () => {
    const pips = t.resourcesOfType('Microsoft.Network/publicIPAddresses');
    assert.equal(pips.length, 1);
    assert.equal(pips[0].copyCountUnknown, true);
    assert.equal(pips[0].copyIndex, undefined);
    assert.ok(isUnknown(pips[0].name));
    assert.deepEqual(pips[0].dependsOn().map((r) => show(r.name)), ['vnet-0', 'vnet-1', 'vnet-2']);
  });

  test('copy count above copyLimit is capped with a diagnostic', () => {
    assert.equal(t.resourcesOfType('Microsoft.Network/routeTables').length, 800);
    assert.ok(t.diagnostics.some((d) => /bigLoop.*5000/.test(d.message)));
    const small = inline({ resources: [{ type: 'Microsoft.Network/routeTables', name: 'rt', copy: { name: 'l', count: 10 } }] }, { copyLimit: 3 });
    assert.equal(small.resources.length, 3);
  });

  test('property copy builds securityRules from a parameter array; origins are not literal', () => {
    const nsg = byName(t, 'nsg-loop');
    const rules = at(nsg.properties(), 'securityRules') as Value[];
    assert.deepEqual(
      rules.map((r) => [at(r, 'name'), at(r, 'properties', 'priority'), at(r, 'properties', 'destinationPortRange')]),
      [
        ['allow-3443', 100, '3443'],
        ['allow-6390', 110, '6390'],
      ],
    );
    const o = t.originOf(rules)!;
    assert.equal(o.literal, false);
    assert.match(o.via!, /copy loop 'securityRules'.*parameter 'rules'/);
    assert.equal(t.originOf(rules[0])!.literal, false);
    const ko = t.propertyOrigin(nsg.properties(), 'securityRules')!;
    assert.equal(ko.literal, false);
  });

  test('copy variables and property copy inside a variable', () => {
    assert.deepEqual(t.root.variableValue('subnetNames'), ['snet-0', 'snet-1']);
    assert.deepEqual(t.root.variableValue('objWithCopy'), { prefixes: ['10.0.0.0/16', '10.1.0.0/16'] });
  });
});

describe('variables and user functions', () => {
  const t = fixture('variables-functions.json');
  const cases: [string, (v: Value) => void][] = [
    ['a', (v) => assert.ok(isUnknown(v) && /depends on itself/.test(v.reason))],
    ['b', (v) => assert.ok(isUnknown(v))],
    ['self', (v) => assert.ok(isUnknown(v) && /depends on itself/.test(v.reason))],
    ['fine', (v) => assert.equal(v, 'contoso-vnet')],
    ['leak', (v) => assert.ok(isUnknown(v), 'a user function sees only its own parameters')],
    ['obj', (v) => assert.equal(at(v, 'name'), 'contoso-vnet')],
    ['missing', (v) => assert.ok(isUnknown(v) && /not declared/.test(v.reason))],
  ];
  for (const [name, check] of cases) {
    test(`variable ${name}`, () => check(t.root.variableValue(name)));
  }
  test('a cycle reached from a resource is Unknown, not a hang', () => {
    assert.equal(show(byName(t, 'contoso-vnet').name), 'contoso-vnet');
    assert.ok(isUnknown(at(byName(t, 'contoso-vnet').properties(), 'cyc')));
  });
  test('a long variable chain stays finite (no stack overflow)', () => {
    const vars: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) vars[`v${i}`] = `[variables('v${i + 1}')]`;
    vars.v3000 = 'end';
    const long = inline({ variables: vars, resources: [] });
    const v = long.root.variableValue('v0');
    assert.ok(v === 'end' || isUnknown(v));
  });
});

describe('nested deployments', () => {
  const t = fixture('nested.json');

  test('inner scope: parameters passed from the parent, evaluated in the parent', () => {
    const vnet = byName(t, 'outer-vnet-inner');
    assert.equal(vnet.scope.parent, t.root);
    assert.equal(vnet.scope.deployment, byName(t, 'network'));
    assert.equal(at(vnet.properties(), 'subnets', 0, 'properties', 'nsgSeen'), 'outer-nsg');
    assert.equal(at(vnet.properties(), 'subnets', 0, 'properties', 'varSeen'), 'inner-nsg-var', 'inner variables are its own');
  });

  test('outer scope: inner expressions see the parent parameters and variables', () => {
    const nsg = byName(t, 'outer-nsg');
    assert.equal(at(nsg.properties(), 'seen'), 'outer-vnet');
  });

  test('outputs read back through reference(name) and reference(resourceId)', () => {
    const p = byName(t, 'apim-nested').properties();
    const sid = at(p, 'virtualNetworkConfiguration', 'subnetResourceId');
    const r = t.resolveId(sid);
    assert.equal(r.kind === 'resource' && r.resource, byName(t, 'outer-vnet-inner/apim'));
    const n = t.resolveId(at(p, 'nsgFromOuter'));
    assert.equal(n.kind === 'resource' && n.resource, byName(t, 'outer-nsg'));
    assert.equal(at(p, 'shadowSeen'), 'shadowed', 'an inner parameter default');
    assert.equal(show(at(p, 'fullRef')), show(sid));
  });

  test('subscriptionId/resourceGroup on the deployment set the inner subscription() and resourceGroup()', () => {
    const remote = byName(t, 'remote-vnet');
    assert.equal(at(remote.properties(), 'sub'), '11111111-2222-3333-4444-555555555555');
    assert.equal(at(remote.properties(), 'rg'), 'net-rg');
    assert.equal(remote.id, '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/net-rg/providers/Microsoft.Network/virtualNetworks/remote-vnet');
    const p = byName(t, 'apim-nested').properties();
    assert.equal(at(p, 'remoteVnetId'), remote.id);
    const r = t.resolveId(at(p, 'remoteVnetId'));
    assert.equal(r.kind === 'resource' && r.resource, remote);
  });

  test('names flowing through module outputs resolve without false cycles', () => {
    const dep = (name: string, extra: object) => ({ type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name, ...extra });
    const t2 = inline({
      resources: [
        dep("[format('vnet-{0}-deployment', uniqueString(resourceGroup().id))]", {
          properties: {
            expressionEvaluationOptions: { scope: 'inner' },
            template: {
              resources: [
                dep('vnet-deployment', { properties: { expressionEvaluationOptions: { scope: 'inner' }, template: { resources: [], outputs: { x: { type: 'string', value: 'myvnet' } } } } }),
                { type: 'Microsoft.Network/virtualNetworks', name: "[reference(resourceId('Microsoft.Resources/deployments', 'vnet-deployment')).outputs.x.value]", properties: {} },
              ],
              outputs: { virtualNetworkName: { type: 'string', value: "[reference(resourceId('Microsoft.Resources/deployments', 'vnet-deployment')).outputs.x.value]" } },
            },
          },
        }),
        dep('subnet-deployment', {
          properties: {
            expressionEvaluationOptions: { scope: 'inner' },
            parameters: { vnetName: { value: "[reference(resourceId('Microsoft.Resources/deployments', format('vnet-{0}-deployment', uniqueString(resourceGroup().id)))).outputs.virtualNetworkName.value]" } },
            template: {
              parameters: { vnetName: { type: 'string' } },
              resources: [{ type: 'Microsoft.Network/virtualNetworks/subnets', name: "[format('{0}/{1}', parameters('vnetName'), 'apim')]", properties: {} }],
            },
          },
        }),
      ],
    });
    const subnet = t2.resourcesOfType('Microsoft.Network/virtualNetworks/subnets')[0];
    assert.equal(subnet.name, 'myvnet/apim');
    assert.equal(subnet.parent?.name, 'myvnet');
  });

  test('a nullable (languageVersion 2.0) parameter not passed to a module is null; at the root it is unknown', () => {
    const t2 = inline({
      languageVersion: '2.0',
      parameters: { rootOpt: { type: 'array', nullable: true } },
      resources: {
        mod: {
          type: 'Microsoft.Resources/deployments',
          name: 'mod',
          properties: {
            expressionEvaluationOptions: { scope: 'inner' },
            template: {
              languageVersion: '2.0',
              parameters: { opt: { type: 'array', nullable: true } },
              resources: { rt: { type: 'Microsoft.Network/routeTables', name: "[format('rt{0}', copyIndex())]", copy: { name: 'l', count: "[length(coalesce(parameters('opt'), createArray()))]" } } },
            },
          },
        },
      },
    });
    assert.equal(t2.resourcesOfType('Microsoft.Network/routeTables').length, 0);
    assert.ok(isUnknown(t2.root.parameterValue('rootOpt')));
  });

  test('dependsOn names and resourceIds of deployments', () => {
    assert.deepEqual(byName(t, 'apim-nested').dependsOn(), [byName(t, 'network'), byName(t, 'outerScoped')]);
  });
});

describe('linked templates by relativePath', () => {
  const t = fixture('linked/main.json');

  test('linked file read relative to the deploying file; its resources join the model', () => {
    const vnet = byName(t, 'linked-vnet');
    assert.match(vnet.scope.file.file, /modules[\\/]network\.json$/);
    assert.equal(t.files.size, 2);
    const apim = byName(t, 'apim-linked');
    const r = t.resolveId(at(apim.properties(), 'virtualNetworkConfiguration', 'subnetResourceId'));
    assert.equal(r.kind === 'resource' && r.resource, byName(t, 'linked-vnet/apim'));
  });

  test('self-link and back-link cycles are cut with a diagnostic', () => {
    void t.resources;
    const cyc = t.diagnostics.filter((d) => /cycle/.test(d.message));
    assert.equal(cyc.length, 2);
    assert.equal(t.resourcesOfType('Microsoft.ApiManagement/service').length, 1);
  });

  test('templateLink.uri is never fetched: outputs are Unknown with a reason', () => {
    const v = at(byName(t, 'apim-linked').properties(), 'remoteSubnet');
    assert.ok(isUnknown(v));
    assert.ok(t.diagnostics.some((d) => /URI/.test(d.message)));
    assert.ok(t.diagnostics.some((d) => /does-not-exist\.json' could not be read/.test(d.message)));
  });
});

describe('documents that are not well-formed', () => {
  const bad: [string, string][] = [
    ['empty', ''],
    ['not json', 'hello world'],
    ['array root', '[1,2,3]'],
    ['half typed', '{"resources": [ {"type": "Microsoft.Network/virtualNetworks", "name": "v", "properties": {"subnets": [ {"name": '],
    ['wrong types', '{"parameters": [], "variables": 3, "resources": {"a": 1, "b": {"type": 5}}, "functions": {"x": 1}, "outputs": []}'],
    ['resources as string', '{"resources": "[variables(\'x\')]"}'],
    ['null everywhere', '{"parameters": null, "resources": [null, {"type": null, "name": null}, {"type": "A.B/c", "name": null, "copy": null, "properties": null}]}'],
    ['deep', '['.repeat(100000) + ']'.repeat(100000)],
    ['deep unclosed', '{"a":'.repeat(100000)],
  ];
  for (const [name, text] of bad) {
    test(`never throws: ${name}`, () => {
      const t = inline(text);
      for (const r of t.resources) {
        void r.name;
        void r.id;
        void r.condition;
        r.properties();
        r.dependsOn();
      }
      assert.ok(Array.isArray(t.diagnostics));
    });
  }

  test('half-typed text is still modelled from what the parser recovers', () => {
    const t = inline(bad[3][1]);
    assert.ok(t.main.parseErrors.length > 0);
    assert.equal(t.resources.length >= 1, true);
    assert.equal(show(t.resources[0].name), 'v');
  });

  test('too-deep nesting is refused with a diagnostic', () => {
    const t = inline(bad[7][1]);
    assert.ok(t.diagnostics.some((d) => /deeper than/.test(d.message)));
    assert.equal(t.main.root, undefined);
  });
});

/** Quick sanity: building the same fixture twice yields independent but equal models. */
test('building is repeatable', () => {
  const a: Template = fixture('quickstart-nsg.json');
  const b: Template = fixture('quickstart-nsg.json');
  assert.deepEqual(a.resources.map((r) => show(r.id)), b.resources.map((r) => show(r.id)));
});

test('a capped property copy loop is reported once however often it is evaluated', () => {
  const t = inline(
    { resources: [{ type: 'Microsoft.Network/networkSecurityGroups', name: 'n', properties: { copy: [{ name: 'securityRules', count: 50, input: { name: "[string(copyIndex('securityRules'))]" } }] } }] },
    { copyLimit: 10 },
  );
  const nsg = t.resources[0];
  assert.equal((nsg.properties().securityRules as Value[]).length, 10);
  t.root.evaluate(nsg.node);
  t.root.evaluate(nsg.node);
  assert.equal(t.diagnostics.filter((d) => /securityRules/.test(d.message)).length, 1);
});

describe("a VNet's inline subnets: their properties are evaluated when read", () => {
  const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
  const vnet = (properties: unknown, name = 'vnet') => ({ type: 'Microsoft.Network/virtualNetworks', apiVersion: '2023-04-01', name, location: 'westeurope', properties });
  const doc = (resources: unknown[], extra: Record<string, unknown> = {}) => ({ $schema: SCHEMA, contentVersion: '1.0.0.0', ...extra, resources });
  const nsgId = (n: string) => `[resourceId('Microsoft.Network/networkSecurityGroups', '${n}')]`;

  /** The VNet's properties as evalNode gives them (everything at once), as plain JSON. */
  function eager(t: Template, name = 'vnet'): string {
    const r = byName(t, name, 'Microsoft.Network/virtualNetworks');
    const pn = r.node.children!.find((p) => String(p.children?.[0]?.value).toLowerCase() === 'properties')!.children![1];
    return JSON.stringify(r.scope.evaluate(pn), (_k, v) => (v instanceof Unknown ? `{${v.key}}` : v));
  }
  const json = (v: Value) => JSON.stringify(v, (_k, x) => (x instanceof Unknown ? `{${x.key}}` : x));

  const cases: [string, unknown][] = [
    ['literal subnets', doc([vnet({ addressSpace: { addressPrefixes: ['10.0.0.0/16'] }, subnets: [{ name: 'a', properties: { addressPrefix: '10.0.1.0/24', networkSecurityGroup: { id: nsgId('n1') } } }, { name: 'b', properties: { addressPrefix: '10.0.2.0/24' } }] })])],
    ['expressions in properties, names from parameters', doc([vnet({ subnets: [{ name: "[parameters('s')]", properties: "[variables('p')]" }, { name: 'x', properties: { addressPrefix: "[parameters('prefix')]" } }] })], { parameters: { s: { type: 'string', defaultValue: 'apim' }, prefix: { type: 'string' } }, variables: { p: { addressPrefix: '10.0.3.0/24', delegations: [] } } })],
    ['a property copy loop for the subnets (evaluated at once)', doc([vnet({ copy: [{ name: 'subnets', count: 2, input: { name: "[concat('s', copyIndex('subnets'))]", properties: { addressPrefix: "[concat('10.0.', copyIndex('subnets'), '.0/24')]" } } }] })])],
    ['a subnets expression, a subnet without properties, duplicate keys', doc([vnet({ subnets: [{ name: 'a' }, { name: 'b', properties: { addressPrefix: '1' }, Properties: { addressPrefix: '2' } }, "[variables('one')]"] }), vnet({ subnets: "[variables('list')]" }, 'v2')], { variables: { one: { name: 'c', properties: {} }, list: [{ name: 'd', properties: {} }] } })],
  ];
  for (const [label, d] of cases) {
    test(`same value as evaluating everything at once: ${label}`, () => {
      const t = inline(d);
      for (const name of ['vnet', 'v2']) {
        if (!t.resources.some((r) => show(r.name) === name)) continue;
        const r = byName(t, name, 'Microsoft.Network/virtualNetworks');
        const props = r.properties();
        assert.equal(json(props), eager(t, name));
        assert.equal(r.properties(), props, 'the same object on every read');
        const subnets = props.subnets as Value[] | undefined;
        if (Array.isArray(subnets)) for (const s of subnets) if (s && typeof s === 'object' && !Array.isArray(s) && !isUnknown(s)) assert.equal((s as Record<string, Value>).properties, (s as Record<string, Value>).properties, 'a subnet gives the same properties object on every read');
      }
    });
  }

  test('the inline subnet resources read the same properties objects; the other subnets are not evaluated', () => {
    const t = inline(doc([vnet({ subnets: [{ name: 'apim', properties: { addressPrefix: '10.0.1.0/24' } }, { name: 'other', properties: { addressPrefix: "[parameters('never')]" } }] })], { parameters: { never: { type: 'string' } } }));
    const apim = byName(t, 'vnet/apim', 'Microsoft.Network/virtualNetworks/subnets');
    const other = byName(t, 'vnet/other', 'Microsoft.Network/virtualNetworks/subnets');
    const list = byName(t, 'vnet', 'Microsoft.Network/virtualNetworks').properties().subnets as Record<string, Value>[];
    const desc = Object.getOwnPropertyDescriptor(list[1], 'properties');
    assert.ok(desc?.get, "the other subnet's properties are still a getter (not evaluated)");
    assert.equal(apim.properties(), list[0].properties);
    assert.equal(json(other.properties()), '{"addressPrefix":"{parameters(\'never\')}"}');
    assert.equal(other.properties(), list[1].properties);
  });

  test('a subnet whose properties read themselves through reference() gets a cycle value, not a stack overflow', () => {
    const t = inline(doc([vnet({ subnets: [{ name: 'a', properties: { addressPrefix: "[reference(resourceId('Microsoft.Network/virtualNetworks', 'vnet')).subnets[0].properties.addressPrefix]" } }] })]));
    const s = byName(t, 'vnet/a', 'Microsoft.Network/virtualNetworks/subnets');
    const v = (s.properties() as Record<string, Value>).addressPrefix;
    assert.ok(isUnknown(v), show(v));
  });
});
