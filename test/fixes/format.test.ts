import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyTextEdits,
  armLiteral,
  childResourceName,
  detectFormatting,
  diffEdit,
  expressionOf,
  insertArrayElement,
  resourceIdExpression,
  scopeResourcesPath,
  serializeCompact,
  serializeValue,
  subnetOwnerPath,
  symbolicNameFor,
} from '../../server/src/fixes';
import { FILE } from './style';

describe('detectFormatting', () => {
  const table: [string, string, { insertSpaces: boolean; tabSize?: number; eol: string }][] = [
    ['2 spaces', '{\n  "a": {\n    "b": 1\n  }\n}\n', { insertSpaces: true, tabSize: 2, eol: '\n' }],
    ['4 spaces', '{\n    "a": {\n        "b": 1\n    }\n}\n', { insertSpaces: true, tabSize: 4, eol: '\n' }],
    ['3 spaces', '{\n   "a": {\n      "b": 1\n   }\n}\n', { insertSpaces: true, tabSize: 3, eol: '\n' }],
    ['tabs', '{\n\t"a": {\n\t\t"b": 1\n\t}\n}\n', { insertSpaces: false, eol: '\n' }],
    ['CRLF', '{\r\n  "a": 1\r\n}\r\n', { insertSpaces: true, tabSize: 2, eol: '\r\n' }],
    ['tabs CRLF', '{\r\n\t"a": 1\r\n}', { insertSpaces: false, eol: '\r\n' }],
    ['one line', '{"a": 1}', { insertSpaces: true, tabSize: 2, eol: '\n' }],
    ['empty', '', { insertSpaces: true, tabSize: 2, eol: '\n' }],
    ['mostly 2 with a 4-space jump', '{\n  "a": [\n    1,\n    {\n      "x": "y",\n          "z": 1\n    }\n  ]\n}', { insertSpaces: true, tabSize: 2, eol: '\n' }],
  ];
  for (const [name, text, expected] of table) {
    test(name, () => {
      const f = detectFormatting(text);
      assert.equal(f.insertSpaces, expected.insertSpaces);
      assert.equal(f.eol, expected.eol);
      if (expected.tabSize !== undefined) assert.equal(f.tabSize, expected.tabSize);
    });
  }
});

describe('indentation is taken from the edited object first', () => {
  test('a 4-space nested template inside a 2-space file', () => {
    const text = '{\n  "outer": {\n    "inner": {\n        "list": [\n            1\n        ]\n    }\n  }\n}\n';
    const out = applyTextEdits(text, insertArrayElement(text, FILE, ['outer', 'inner', 'list'], { a: 1 })!);
    assert.equal(out, '{\n  "outer": {\n    "inner": {\n        "list": [\n            1,\n            {\n                "a": 1\n            }\n        ]\n    }\n  }\n}\n');
  });
  test('an empty object borrows the unit of its nearest indented ancestor', () => {
    const text = '{\n\t"a": {\n\t\t"b": {}\n\t}\n}';
    const out = applyTextEdits(text, insertArrayElement(text, FILE, ['a', 'b', 'c'], 1)!);
    assert.equal(out, '{\n\t"a": {\n\t\t"b": {\n\t\t\t"c": [\n\t\t\t\t1\n\t\t\t]\n\t\t}\n\t}\n}');
  });
  test('a minified document stays on one line', () => {
    const text = '{"resources":[{"name":"a"}]}';
    const out = applyTextEdits(text, insertArrayElement(text, FILE, ['resources'], { name: 'b' })!);
    assert.equal(out, '{"resources":[{"name":"a"}, { "name": "b" }]}');
    assert.deepEqual(JSON.parse(out), { resources: [{ name: 'a' }, { name: 'b' }] });
  });
});

describe('serialization and ARM helpers', () => {
  test('serializeValue in the given style', () => {
    assert.equal(serializeValue({ a: [1, {}], b: [], c: null }, '\t', '\t', '\r\n'), '{\r\n\t\t"a": [\r\n\t\t\t1,\r\n\t\t\t{}\r\n\t\t],\r\n\t\t"b": [],\r\n\t\t"c": null\r\n\t}');
    assert.equal(serializeValue({ skip: undefined, s: 'é"' }, '', '  ', '\n'), '{\n  "s": "é\\""\n}');
    assert.equal(serializeCompact({ a: [1, 'x'], b: {} }), '{ "a": [1, "x"], "b": {} }');
  });
  test('template-language literals and ids', () => {
    assert.equal(armLiteral("it's"), "'it''s'");
    assert.equal(expressionOf("[parameters('n')]"), "parameters('n')");
    assert.equal(expressionOf('[[not an expression]'), "'[not an expression]'");
    assert.equal(resourceIdExpression('Microsoft.Network/networkSecurityGroups', 'nsg'), "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]");
    assert.equal(
      resourceIdExpression('Microsoft.Network/virtualNetworks/subnets', "[variables('vnet')]", 'apim'),
      "[resourceId('Microsoft.Network/virtualNetworks/subnets', variables('vnet'), 'apim')]",
    );
    assert.equal(childResourceName('nsg', 'rule'), 'nsg/rule');
    assert.equal(childResourceName("[variables('nsg')]", 'rule'), "[format('{0}/{1}', variables('nsg'), 'rule')]");
    assert.equal(symbolicNameFor('apim-subnet-nsg', 'nsg'), 'apimSubnetNsg');
    assert.equal(symbolicNameFor("[parameters('n')]", 'nsg'), 'nsg');
    assert.equal(symbolicNameFor('1nsg', 'nsg'), 'nsg1nsg');
  });
  test('paths: subnet owner and scope resources', () => {
    assert.deepEqual(subnetOwnerPath(['resources', 2, 'properties', 'subnets', 1]), ['resources', 2]);
    assert.deepEqual(subnetOwnerPath(['resources', 'subnet']), ['resources', 'subnet']);
    assert.deepEqual(scopeResourcesPath(['resources', 0, 'resources', 1]), ['resources']);
    assert.deepEqual(scopeResourcesPath(['resources', 3, 'properties', 'template', 'resources', 0]), ['resources', 3, 'properties', 'template', 'resources']);
  });
  test('diffEdit', () => {
    assert.equal(diffEdit('abc', 'abc'), undefined);
    const d = diffEdit('a[1]b', 'a[1, 2]b')!;
    assert.equal(applyTextEdits('a[1]b', [d]), 'a[1, 2]b');
    assert.deepEqual(d, { offset: 3, length: 0, content: ', 2' });
  });
});

describe('byte-order mark', () => {
  test('a template saved with a BOM is edited at the right offsets', () => {
    const text = '\uFEFF{\r\n  "a": []\r\n}\r\n';
    const out = applyTextEdits(text, insertArrayElement(text, FILE, ['a'], 1)!);
    assert.equal(out, '\uFEFF{\r\n  "a": [\r\n    1\r\n  ]\r\n}\r\n');
  });
});

describe('empty containers on one line', () => {
  test('a minified document gets compact members in an empty array and object', () => {
    const text = '{"resources":[],"p":{}}';
    assert.equal(applyTextEdits(text, insertArrayElement(text, FILE, ['resources'], { name: 'b', x: [1] })!), '{"resources":[{ "name": "b", "x": [1] }],"p":{}}');
    assert.equal(applyTextEdits(text, insertArrayElement(text, FILE, ['p', 'l'], 1)!), '{"resources":[],"p":{ "l": [1] }}');
  });
  test('an empty array inside a multi-line object still expands', () => {
    const text = '{\n  "a": []\n}';
    assert.equal(applyTextEdits(text, insertArrayElement(text, FILE, ['a'], 1)!), '{\n  "a": [\n    1\n  ]\n}');
  });
});
