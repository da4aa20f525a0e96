import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { buildTemplate } from '../../server/src/template/builder';
import type { Template } from '../../server/src/template/model';
import { isUnknown } from '../../server/src/expressions/value';
import { corpusDir, fixtureDir, inline, readFile, show } from './helpers';

/** Everything a consumer reads, as text, visiting resources in the given order. */
function snapshot(t: Template, reverse: boolean): string[] {
  const rs = t.resources.slice();
  const order = reverse ? rs.slice().reverse() : rs;
  const seen = new Map<number, string>();
  for (const r of order) {
    const i = rs.indexOf(r);
    seen.set(i, [r.type, show(r.name), show(r.id), show(r.condition), show(r.properties()), show(r.location()), r.dependsOn().length].join(' | '));
  }
  return rs.map((_r, i) => seen.get(i)!);
}

const fixtures = ['array-forms.jsonc', 'symbolic.json', 'copy-loops.json', 'nested.json', 'variables-functions.json', 'quickstart-nsg.json', 'linked/main.json'];
const corpusFiles = [
  'Azure-Samples__AI-Gateway/labs/foundry-e2e-private/main.json',
  'Azure__azure-quickstart-templates/quickstarts/microsoft.cdn/front-door-standard-premium-api-management-external/azuredeploy.json',
  'Azure__apim-landing-zone-accelerator/reference-implementations/AppGW-IAPIM-Func/azure-resource-manager/apim-arm.json',
].map((f) => path.join(corpusDir, 'files', f));

function build(file: string): Template {
  return buildTemplate({ file, text: fs.readFileSync(file, 'utf8'), readFile });
}

test('results do not depend on the order in which resources are evaluated (fixtures)', () => {
  for (const f of fixtures) {
    const file = path.join(fixtureDir, f);
    assert.deepEqual(snapshot(build(file), true), snapshot(build(file), false), f);
  }
});

test('results do not depend on the order of evaluation (corpus templates with modules)', { skip: !fs.existsSync(corpusDir) && 'shared corpus absent (../shared/corpus)' }, () => {
  for (const f of corpusFiles) {
    if (!fs.existsSync(f)) continue;
    const a = snapshot(build(f), true);
    const b = snapshot(build(f), false);
    assert.deepEqual(a, b, f);
    assert.ok(!a.some((l) => /depends on itself/.test(l)), `no false cycle in ${f}`);
  }
});

test('a copy count that refers to a resource declared later is evaluated (on-demand declaration), in document order', () => {
  const t = inline({
    variables: { x: "[reference('later').outputs.arr.value]" },
    resources: [
      { type: 'Microsoft.Network/virtualNetworks', name: "[concat('v', copyIndex())]", copy: { name: 'l', count: "[length(variables('x'))]" }, properties: {} },
      {
        type: 'Microsoft.Resources/deployments',
        name: 'later',
        properties: { expressionEvaluationOptions: { scope: 'inner' }, template: { resources: [], outputs: { arr: { type: 'array', value: [1, 2] } } } },
      },
    ],
  });
  const vnets = t.resourcesOfType('Microsoft.Network/virtualNetworks');
  assert.deepEqual(vnets.map((r) => show(r.name)), ['v0', 'v1'], 'the later deployment was declared on demand');
  assert.deepEqual(t.root.variableValue('x'), [1, 2]);
  assert.deepEqual(t.resources.map((r) => r.type), ['Microsoft.Network/virtualNetworks', 'Microsoft.Network/virtualNetworks', 'Microsoft.Resources/deployments'], 'document order');
});

test('values computed while a cycle is cut are recomputed once the cycle root completes', () => {
  const t = inline({
    variables: { a: "[variables('b')]", b: "[concat(variables('a'), variables('c'))]", c: 'c-value' },
    resources: [],
  });
  const a = t.root.variableValue('a');
  assert.ok(isUnknown(a));
  assert.equal(t.root.variableValue('c'), 'c-value');
  // b evaluated on its own: the cycle now closes at b
  assert.ok(isUnknown(t.root.variableValue('b')));
});

test('a lookup that fails for good while building does not poison later results', () => {
  const t = inline({
    variables: { x: "[reference('nowhere').outputs.arr.value]", y: 'fine' },
    resources: [{ type: 'Microsoft.Network/virtualNetworks', name: "[concat('v', copyIndex())]", copy: { name: 'l', count: "[length(variables('x'))]" }, properties: {} }],
  });
  const vnets = t.resourcesOfType('Microsoft.Network/virtualNetworks');
  assert.equal(vnets.length, 1);
  assert.equal(vnets[0].copyCountUnknown, true);
  assert.ok(isUnknown(t.root.variableValue('x')));
  assert.equal(t.root.variableValue('y'), 'fine');
});

test('a value read while it is still provisional makes its reader provisional (no stale copy survives the cycle)', () => {
  // a → b → a is cut while a is computed; d reads b during that time (b is provisional then).
  // Once a completes, b is recomputed; d (= b) must follow it instead of keeping the cut value.
  const t = inline({
    variables: { a: "[concat(variables('b'), variables('d'))]", b: "[concat('b-', variables('a'))]", d: "[variables('b')]" },
    resources: [],
  });
  const a = t.root.variableValue('a');
  assert.ok(isUnknown(a), 'a depends on itself');
  const d = t.root.variableValue('d');
  const b = t.root.variableValue('b');
  assert.equal(show(d), show(b), 'd = variables(b) whatever the order of reading');
});

/** Reads id, name, properties and location of every resource in a seeded random order. */
function shuffledSnapshot(file: string, seed: number): Map<string, string> {
  const t = build(file);
  const ops: [string, Template['resources'][number], number][] = [];
  t.resources.forEach((r, i) => ops.push(['id', r, i], ['name', r, i], ['properties', r, i], ['location', r, i]));
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = ops.length - 1; i > 0 && seed > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [ops[i], ops[j]] = [ops[j], ops[i]];
  }
  const m = new Map<string, string>();
  for (const [k, r, i] of ops) {
    const v = k === 'id' ? r.id : k === 'name' ? r.name : k === 'location' ? r.location() : r.properties();
    m.set(`${i} ${k}`, show(v));
  }
  return m;
}

const shuffledCorpus = path.join(corpusDir, 'files', 'Azure__bicep-registry-modules/avm/ptn/aca-lza/hosting-environment/main.json');
test(
  'every member read in a shuffled order gives the document-order value (the 3.3 MB AVM module with modules; seeds 1-4)',
  { skip: !fs.existsSync(shuffledCorpus) && 'shared corpus absent (../shared/corpus)' },
  () => {
    const ref = shuffledSnapshot(shuffledCorpus, 0);
    assert.ok(ref.size > 1000, `${ref.size} values compared`);
    for (let seed = 1; seed <= 4; seed++) {
      const got = shuffledSnapshot(shuffledCorpus, seed);
      for (const [k, v] of ref) assert.equal(got.get(k), v, `seed ${seed}: ${k}`);
    }
  },
);

test('every member read in a shuffled order gives the document-order value (fixtures; seeds 1-6)', () => {
  for (const f of fixtures) {
    const file = path.join(fixtureDir, f);
    const ref = shuffledSnapshot(file, 0);
    for (let seed = 1; seed <= 6; seed++) assert.deepEqual(shuffledSnapshot(file, seed), ref, `${f}, seed ${seed}`);
  }
});
