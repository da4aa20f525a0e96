import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { buildTemplate } from '../../server/src/template/builder';
import type { Template } from '../../server/src/template/model';
import type { Value } from '../../server/src/expressions/value';
import { fixtureDir } from './helpers';

const SEED = 20261126;

const exprs = [
  "[parameters('p')]",
  "[parameters('arr')]",
  "[variables('v')]",
  "[variables('a')]",
  "[variables('missing')]",
  "[reference('vnet')]",
  "[reference('dep').outputs.x.value]",
  "[resourceInfo('vnet').id]",
  '[copyIndex()]',
  "[copyIndex('loop')]",
  "[resourceId('Microsoft.Network/virtualNetworks', 'vnet')]",
  "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('p'), 'apim')]",
  "[concat(parameters('p'), '/x')]",
  "[format('{0}-{1}', variables('v'), copyIndex())]",
  "[length(parameters('arr'))]",
  "[if(parameters('b'), 1, 2)]",
  "[json('{}')]",
  '[concat(',
  '[[escaped]',
  "[apim.fn('x')]",
  '[subscription().subscriptionId]',
  '[resourceGroup().location]',
  '',
  'plain',
];

const types = [
  'Microsoft.Network/virtualNetworks',
  'Microsoft.Network/virtualNetworks/subnets',
  'Microsoft.Network/networkSecurityGroups',
  'Microsoft.ApiManagement/service',
  'Microsoft.Resources/deployments',
  'subnets',
  '',
  'A',
];

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...exprs),
  fc.string({ maxLength: 6 }),
  fc.integer({ min: -3, max: 5 }),
  fc.boolean(),
  fc.constant(null),
);

const { value: anyValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('name', 'id', 'copy', 'count', 'input', 'subnets', 'properties', 'value', 'template', 'x'), tie('value'), { maxKeys: 4 }),
  ),
}));

const copySpec = fc.record(
  { name: fc.constantFrom('loop', 'securityRules', 'subnets'), count: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.constantFrom(...exprs)), input: anyValue },
  { requiredKeys: [] },
);

const { resource } = fc.letrec<{ resource: unknown }>((tie) => ({
  resource: fc.record(
    {
      type: fc.constantFrom(...types),
      name: fc.oneof(fc.constantFrom(...exprs), fc.constantFrom('vnet', 'vnet/apim', 'dep', 'nsg')),
      apiVersion: fc.constant('2023-04-01'),
      condition: fc.oneof(fc.boolean(), fc.constantFrom(...exprs)),
      existing: fc.boolean(),
      copy: fc.oneof(copySpec, anyValue),
      dependsOn: fc.array(fc.oneof(fc.constantFrom(...exprs), fc.constantFrom('vnet', 'loop', 'dep')), { maxLength: 3 }),
      properties: fc.oneof(
        anyValue,
        fc.record({ copy: fc.array(copySpec, { maxLength: 2 }) }),
        fc.record({ subnets: fc.array(fc.record({ name: leaf, properties: anyValue }), { maxLength: 2 }) }),
        fc.record({
          expressionEvaluationOptions: fc.record({ scope: fc.constantFrom('inner', 'outer', 'x') }),
          parameters: fc.dictionary(fc.constantFrom('p', 'q'), fc.record({ value: anyValue })),
          template: fc.record({ parameters: fc.constant({ p: { type: 'string' } }), resources: fc.array(tie('resource'), { maxLength: 2 }), outputs: fc.constant({ x: { type: 'string', value: "[parameters('p')]" } }) }),
          templateLink: fc.record({ relativePath: fc.constantFrom('self.json', 'other.json', '../x.json'), uri: fc.constant('https://x') }, { requiredKeys: [] }),
        }, { requiredKeys: [] }),
      ),
      resources: fc.array(tie('resource'), { maxLength: 2 }),
    },
    { requiredKeys: ['type'] },
  ),
}));

const template = fc.record(
  {
    $schema: fc.constantFrom('https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', 'x'),
    languageVersion: fc.constantFrom('2.0', '1.0'),
    parameters: fc.dictionary(fc.constantFrom('p', 'arr', 'b'), fc.record({ type: fc.constantFrom('string', 'array', 'bool'), defaultValue: anyValue, allowedValues: fc.array(leaf, { maxLength: 3 }) }, { requiredKeys: [] })),
    variables: fc.dictionary(fc.constantFrom('v', 'a', 'copy'), anyValue),
    functions: fc.constant([{ namespace: 'apim', members: { fn: { parameters: [{ name: 'a' }], output: { value: "[concat(parameters('a'), variables('v'))]" } } } }]),
    resources: fc.oneof(fc.array(resource, { maxLength: 4 }), fc.dictionary(fc.constantFrom('vnet', 'dep', 'nsg', 'sub'), resource, { maxKeys: 4 })),
    outputs: fc.dictionary(fc.constantFrom('x', 'y'), fc.record({ type: fc.constant('string'), value: anyValue, copy: anyValue }, { requiredKeys: [] })),
  },
  { requiredKeys: [] },
);

/** Reads everything the other layers may read; any exception fails the property. */
function exercise(t: Template, probes: Value[]): void {
  for (const r of t.resources) {
    void r.name;
    void r.id;
    void r.condition;
    void r.parent;
    r.properties();
    r.location();
    r.sku();
    r.member('zones');
    r.dependsOn();
    t.originOf(r.properties());
    t.propertyOrigin(r.properties(), 'subnets');
    t.resolveId(r.id);
    t.resolveId(r.name);
  }
  for (const p of probes) t.resolveId(p);
  t.root.variableValue('v');
  t.root.parameterValue('p');
  t.root.evaluateString("[reference('dep').outputs.x.value]");
  // internal errors are caught and turned into diagnostics; they must not happen at all
  const internal = t.diagnostics.filter((d) => /could not be modelled|model is incomplete/.test(d.message));
  assert.deepEqual(internal, []);
}

function build(text: string): Template {
  const files: Record<string, string> = { '/p/self.json': text, '/p/other.json': '{"resources": [{"type": "Microsoft.Resources/deployments", "name": "o", "properties": {"templateLink": {"relativePath": "self.json"}}}]}' };
  return buildTemplate({ file: '/p/self.json', text, readFile: (p) => files[p], copyLimit: 20 });
}

test('random templates never make the builder throw', () => {
  let runs = 0;
  fc.assert(
    fc.property(template, fc.array(anyValue as fc.Arbitrary<Value>, { maxLength: 3 }), (tpl, probes) => {
      runs++;
      exercise(build(JSON.stringify(tpl)), probes);
    }),
    { seed: SEED, numRuns: 300 },
  );
  console.log(`fast-check: ${runs} random templates (seed ${SEED})`);
  assert.ok(runs >= 300);
});

test('mutated fixture texts never make the builder throw', () => {
  const texts = ['array-forms.jsonc', 'symbolic.json', 'copy-loops.json', 'nested.json', 'variables-functions.json', 'quickstart-nsg.json'].map((f) =>
    fs.readFileSync(path.join(fixtureDir, f), 'utf8'),
  );
  const edit = fc.record({
    at: fc.nat(),
    del: fc.integer({ min: 0, max: 40 }),
    ins: fc.oneof(fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '[[', "[variables('a')]", '"copy": {"name": "l", "count": 3}', '//', '/*', '\\'), fc.string({ maxLength: 4 })),
  });
  let runs = 0;
  fc.assert(
    fc.property(fc.nat({ max: texts.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 5 }), (i, edits) => {
      runs++;
      let s = texts[i];
      for (const e of edits) {
        const at = e.at % (s.length + 1);
        s = s.slice(0, at) + e.ins + s.slice(at + e.del);
      }
      exercise(build(s), []);
    }),
    { seed: SEED + 1, numRuns: 300 },
  );
  console.log(`fast-check: ${runs} mutated fixtures (seed ${SEED + 1})`);
  assert.ok(runs >= 300);
});
