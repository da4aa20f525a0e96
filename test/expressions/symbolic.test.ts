/** Symbolic strings: strings built from literal and unknown parts compare by structure. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { fakeContext } from './fake-context';
import { evaluateString } from '../../server/src/expressions/evaluator';
import { Unknown, valuesEqual, type Value } from '../../server/src/expressions/value';

const ev = (s: string): Value => evaluateString(s, fakeContext());

/** [a, b, expected valuesEqual, ignoreCase?] */
const cases: [string, string, boolean | undefined, boolean?][] = [
  ["[format('apimnsg{0}', parameters('x'))]", "[concat('apimnsg', parameters('x'))]", true],
  ["[format('{0}-{1}', parameters('x'), parameters('y'))]", "[concat(parameters('x'), '-', parameters('y'))]", true],
  ["[format('{0}{1}', 'apim', parameters('x'))]", "[concat('ap', 'im', parameters('x'))]", true],
  ["[concat('apimnsg', parameters('x'))]", "[concat('apimnsg', parameters('y'))]", undefined],
  ["[concat('apimnsg', parameters('x'))]", "[concat('other', parameters('x'))]", false],
  ["[concat(parameters('x'), '-nsg')]", "[concat(parameters('x'), '-rt')]", false],
  ["[concat('APIMNSG', parameters('x'))]", "[concat('apimnsg', parameters('x'))]", false],
  ["[concat('APIMNSG', parameters('x'))]", "[concat('apimnsg', parameters('x'))]", true, true],
  ["[concat('a', parameters('x'))]", 'a-literal', undefined],
  ["[concat('a', parameters('x'))]", 'b-literal', false],
  // resource ids built three ways
  [
    "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('v'), 'apim')]",
    "[concat(resourceId('Microsoft.Network/virtualNetworks', parameters('v')), '/subnets/apim')]",
    true,
  ],
  [
    "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('v'), 'apim')]",
    "[format('{0}/subnets/{1}', resourceId('Microsoft.Network/virtualNetworks', parameters('v')), 'apim')]",
    true,
  ],
  [
    "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('v'), 'apim')]",
    "[format('/subscriptions/{0}/resourceGroups/{1}/providers/Microsoft.Network/virtualNetworks/{2}/subnets/apim', subscription().subscriptionId, resourceGroup().name, parameters('v'))]",
    true,
  ],
  [
    "[resourceId('Microsoft.Network/virtualNetworks/subnets', concat(parameters('p'), '-vnet'), 'apim')]",
    "[resourceId('Microsoft.Network/virtualNetworks/subnets', format('{0}-vnet', parameters('p')), 'apim')]",
    true,
  ],
  [
    "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('v'), 'apim')]",
    "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('v'), 'other')]",
    false,
  ],
  [
    "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('v'), 'apim')]",
    "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('w'), 'apim')]",
    undefined,
  ],
  [
    "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]",
    "[resourceId('Microsoft.Network/routeTables', 'nsg')]",
    false, // the literal tails differ (networkSecurityGroups/nsg vs routeTables/nsg)
  ],
  // uniqueString keys are canonical
  ["[concat('apim', uniqueString(resourceGroup().id))]", "[format('apim{0}', uniqueString(resourceGroup().id))]", true],
  ["[uniqueString(resourceGroup().id)]", "[uniqueString(resourceGroup().id, 'x')]", undefined],
  // join builds the same symbolic string
  ["[join(createArray('a', parameters('x'), 'b'), '/')]", "[concat('a/', parameters('x'), '/b')]", true],
  // toLower on a symbolic string keeps it symbolic
  ["[toLower(concat('ABC-', parameters('x')))]", "[concat('abc-', toLower(parameters('x')))]", true],
  // candidate-carrying strings decide against literals
  ["[concat('sku-', parameters('sku'))]", 'sku-Basic', false],
];

for (const [a, b, want, ic] of cases) {
  test(`${a} ${want === true ? '==' : want === false ? '!=' : '=?'} ${b}${ic ? ' (ignoreCase)' : ''}`, () => {
    const va = ev(a);
    const vb = ev(b);
    assert.equal(valuesEqual(va, vb, { ignoreCase: ic }), want);
    assert.equal(valuesEqual(vb, va, { ignoreCase: ic }), want, 'symmetric');
  });
}

test('resourceId with only unknown scope parts is symbolic and keeps the literal tail', () => {
  const v = ev("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'apim')]");
  assert.ok(v instanceof Unknown && v.parts);
  const last = v.parts[v.parts.length - 1];
  assert.equal(last, '/providers/Microsoft.Network/virtualNetworks/vnet/subnets/apim');
});

test('equals() over symbolic strings uses the same three-valued logic', () => {
  assert.equal(ev("[equals(format('apimnsg{0}', parameters('x')), concat('apimnsg', parameters('x')))]"), true);
  assert.equal(ev("[equals(concat('a', parameters('x')), concat('b', parameters('x')))]"), false);
  const u = ev("[equals(concat('a', parameters('x')), concat('a', parameters('y')))]");
  assert.ok(u instanceof Unknown);
  assert.deepEqual(u.candidates, [true, false]);
});

test('symbolic strings carry candidates when every unknown part has them', () => {
  const v = ev("[concat('sku-', parameters('sku'))]");
  assert.ok(v instanceof Unknown);
  assert.deepEqual(v.candidates, ['sku-Premium', 'sku-Developer']);
  assert.ok(v.parts);
});

test('splitSymbolic splits literal parts and keeps unknown parts whole', async () => {
  const { splitSymbolic } = await import('../../server/src/expressions/util');
  const v = ev("[concat('vnet-', parameters('x'), '/subnet-', parameters('y'))]");
  assert.ok(v instanceof Unknown);
  const pieces = splitSymbolic(v, '/');
  assert.equal(pieces.length, 2);
  assert.equal(valuesEqual(pieces[0], ev("[concat('vnet-', parameters('x'))]")), true);
  assert.equal(valuesEqual(pieces[1], ev("[concat('subnet-', parameters('y'))]")), true);
  assert.deepEqual(splitSymbolic('a/b', '/'), ['a', 'b']);
});
