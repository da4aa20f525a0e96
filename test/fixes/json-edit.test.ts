import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  addDependsOn,
  addResource,
  addResources,
  applyTextEdits,
  insertArrayElement,
  insertArrayElements,
  removeArrayElement,
  removeArrayElements,
  removeProperty,
  setProperty,
} from '../../server/src/fixes';
import { parseTree, findNodeAtLocation } from 'jsonc-parser';
import { checkCase, restyle, STYLES, FILE, applyChecked, type EditCase } from './style';

const RULES = ['resources', 0, 'properties', 'securityRules'];
const NEW_RULE = { name: 'b', properties: { priority: 110, access: 'Allow' } };

const NSG_HEAD = `{
  "resources": [
    {
      "type": "Microsoft.Network/networkSecurityGroups",
      "name": "nsg",
      "properties": {`;
const NSG_TAIL = `
      }
    }
  ]
}
`;
const nsg = (body: string): string => NSG_HEAD + body + NSG_TAIL;

const B_RULE = `          {
            "name": "b",
            "properties": {
              "priority": 110,
              "access": "Allow"
            }
          }`;

const cases: EditCase[] = [
  {
    name: 'insertArrayElement: append to a non-empty array',
    input: nsg(`
        "securityRules": [
          {
            "name": "a"
          }
        ]`),
    run: (t, f) => insertArrayElement(t, f, RULES, NEW_RULE),
    expected: nsg(`
        "securityRules": [
          {
            "name": "a"
          },
${B_RULE}
        ]`),
  },
  {
    name: 'insertArrayElement: comments before, inside and after the array kept',
    input: nsg(`
        // rules of the APIM subnet
        "securityRules": [
          // first rule
          {
            "name": "a" /* inline */
          } // end of a
          // nothing after
        ] // after the array`),
    run: (t, f) => insertArrayElement(t, f, RULES, NEW_RULE),
    expected: nsg(`
        // rules of the APIM subnet
        "securityRules": [
          // first rule
          {
            "name": "a" /* inline */
          }, // end of a
${B_RULE}
          // nothing after
        ] // after the array`),
  },
  {
    name: 'insertArrayElement: trailing comma tolerated (new element becomes last)',
    input: nsg(`
        "securityRules": [
          {
            "name": "a"
          },
        ],`),
    run: (t, f) => insertArrayElement(t, f, RULES, NEW_RULE),
    expected: nsg(`
        "securityRules": [
          {
            "name": "a"
          },
${B_RULE}
        ],`),
  },
  {
    name: 'insertArrayElement: empty array',
    input: nsg(`
        "securityRules": []`),
    run: (t, f) => insertArrayElement(t, f, RULES, NEW_RULE),
    expected: nsg(`
        "securityRules": [
${B_RULE}
        ]`),
  },
  {
    name: 'insertArrayElement: empty array spread over lines with a comment',
    input: nsg(`
        "securityRules": [
          // none yet
        ]`),
    run: (t, f) => insertArrayElement(t, f, RULES, NEW_RULE),
    expected: nsg(`
        "securityRules": [
          // none yet
${B_RULE}
        ]`),
  },
  {
    name: 'insertArrayElement: absent array is created in properties',
    input: nsg(`
        "flushConnection": false`),
    run: (t, f) => insertArrayElement(t, f, RULES, NEW_RULE),
    expected: nsg(`
        "flushConnection": false,
        "securityRules": [
${B_RULE}
        ]`),
  },
  {
    name: 'insertArrayElement: absent array in empty properties',
    input: `{
  "resources": [
    {
      "name": "nsg",
      "properties": {}
    }
  ]
}
`,
    run: (t, f) => insertArrayElement(t, f, RULES, NEW_RULE),
    expected: `{
  "resources": [
    {
      "name": "nsg",
      "properties": {
        "securityRules": [
${B_RULE}
        ]
      }
    }
  ]
}
`,
  },
  {
    name: 'insertArrayElement: array that is an expression is never edited',
    input: nsg(`
        "securityRules": "[variables('rules')]"`),
    run: (t, f) => insertArrayElement(t, f, RULES, NEW_RULE),
    expected: undefined,
  },
  {
    name: 'insertArrayElement: properties that is an expression is never edited',
    input: `{
  "resources": [
    {
      "name": "nsg",
      "properties": "[variables('nsgProperties')]"
    }
  ]
}
`,
    run: (t, f) => insertArrayElement(t, f, RULES, NEW_RULE),
    expected: undefined,
  },
  {
    name: 'insertArrayElement: key produced by a property copy loop is never written',
    input: nsg(`
        "copy": [
          {
            "name": "securityRules",
            "count": 2,
            "input": {}
          }
        ]`),
    run: (t, f) => insertArrayElement(t, f, RULES, NEW_RULE),
    expected: undefined,
  },
  {
    name: 'insertArrayElement: single-line array keeps its layout',
    input: `{
  "dependsOn": ["a", "b"]
}
`,
    run: (t, f) => insertArrayElement(t, f, ['dependsOn'], 'c'),
    expected: `{
  "dependsOn": ["a", "b", "c"]
}
`,
  },
  {
    name: 'insertArrayElements: several elements at once',
    input: `{
  "list": [
    1
  ]
}
`,
    run: (t, f) => insertArrayElements(t, f, ['list'], [2, { x: [] }]),
    expected: `{
  "list": [
    1,
    2,
    {
      "x": []
    }
  ]
}
`,
  },
  {
    name: 'insertArrayElement: last element followed by the bracket on the same line',
    input: `{
  "list": [
    1 ]
}
`,
    run: (t, f) => insertArrayElement(t, f, ['list'], 2),
    expected: `{
  "list": [
    1,
    2 ]
}
`,
  },
  {
    name: 'insertArrayElement: missing index in the path declines',
    input: `{ "resources": [] }`,
    run: (t, f) => insertArrayElement(t, f, RULES, NEW_RULE),
    expected: undefined,
  },
  {
    name: 'insertArrayElement: document that is not JSON declines',
    input: `{ "resources": [ `,
    run: (t, f) => insertArrayElement(t, f, ['resources'], 1),
    expected: undefined,
  },
  {
    name: 'addResource: array form',
    input: `{
  "resources": [
    {
      "name": "vnet"
    }
  ]
}
`,
    run: (t, f) => addResource(t, f, ['resources'], { type: 'Microsoft.Network/networkSecurityGroups', name: 'nsg' }),
    expected: `{
  "resources": [
    {
      "name": "vnet"
    },
    {
      "type": "Microsoft.Network/networkSecurityGroups",
      "name": "nsg"
    }
  ]
}
`,
  },
  {
    name: 'addResource: languageVersion 2.0 symbolic-name object',
    input: `{
  "languageVersion": "2.0",
  "resources": {
    "vnet": {
      "name": "vnet"
    }
  }
}
`,
    run: (t, f) => addResource(t, f, ['resources'], { type: 'Microsoft.Network/networkSecurityGroups', name: 'nsg' }, 'nsg'),
    expected: `{
  "languageVersion": "2.0",
  "resources": {
    "vnet": {
      "name": "vnet"
    },
    "nsg": {
      "type": "Microsoft.Network/networkSecurityGroups",
      "name": "nsg"
    }
  }
}
`,
  },
  {
    name: 'addResource: symbolic name already taken declines',
    input: `{
  "resources": {
    "nsg": {}
  }
}
`,
    run: (t, f) => addResource(t, f, ['resources'], { name: 'x' }, 'NSG'),
    expected: undefined,
  },
  {
    name: 'addResource: absent resources array is created',
    input: `{
  "$schema": "x"
}
`,
    run: (t, f) => addResource(t, f, ['resources'], { name: 'x' }),
    expected: `{
  "$schema": "x",
  "resources": [
    {
      "name": "x"
    }
  ]
}
`,
  },
  {
    name: 'addResources: derived unique symbolic names',
    input: `{
  "resources": {
    "rule": {}
  }
}
`,
    run: (t, f) =>
      addResources(t, f, ['resources'], [
        { resource: { name: 'a' }, symbolicBase: 'rule' },
        { resource: { name: 'b' }, symbolicBase: 'rule' },
      ]),
    expected: `{
  "resources": {
    "rule": {},
    "rule2": {
      "name": "a"
    },
    "rule3": {
      "name": "b"
    }
  }
}
`,
  },
  {
    name: 'setProperty: replace a literal value',
    input: `{
  "sku": {
    "name": "Basic", // was Basic
    "capacity": 1
  }
}
`,
    run: (t, f) => setProperty(t, f, ['sku', 'name'], 'Developer'),
    expected: `{
  "sku": {
    "name": "Developer", // was Basic
    "capacity": 1
  }
}
`,
  },
  {
    name: 'setProperty: add a missing property with missing parents',
    input: `{
  "properties": {
    "addressPrefix": "10.0.0.0/24"
  }
}
`,
    run: (t, f) => setProperty(t, f, ['properties', 'networkSecurityGroup', 'id'], "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]"),
    expected: `{
  "properties": {
    "addressPrefix": "10.0.0.0/24",
    "networkSecurityGroup": {
      "id": "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]"
    }
  }
}
`,
  },
  {
    name: 'setProperty: replace an object value in multi-line layout',
    input: `{
  "a": {
    "b": 1
  },
  "c": 2
}
`,
    run: (t, f) => setProperty(t, f, ['a'], { x: ['y'] }),
    expected: `{
  "a": {
    "x": [
      "y"
    ]
  },
  "c": 2
}
`,
  },
  {
    name: 'setProperty: an expression value is not replaced',
    input: `{
  "sku": {
    "name": "[parameters('sku')]"
  }
}
`,
    run: (t, f) => setProperty(t, f, ['sku', 'name'], 'Developer'),
    expected: undefined,
  },
  {
    name: 'setProperty: an expression value is replaced when asked',
    input: `{
  "sku": {
    "name": "[parameters('sku')]"
  }
}
`,
    run: (t, f) => setProperty(t, f, ['sku', 'name'], 'Developer', { replaceExpression: true }),
    expected: `{
  "sku": {
    "name": "Developer"
  }
}
`,
  },
  {
    name: 'setProperty: escaped "[[" literal is a plain string',
    input: `{
  "a": "[[literal]"
}
`,
    run: (t, f) => setProperty(t, f, ['a'], 'b'),
    expected: `{
  "a": "b"
}
`,
  },
  {
    name: 'setProperty: property names match case-insensitively',
    input: `{
  "Properties": {
    "A": 1
  }
}
`,
    run: (t, f) => setProperty(t, f, ['properties', 'a'], 2),
    expected: `{
  "Properties": {
    "A": 2
  }
}
`,
  },
  {
    name: 'removeProperty: middle property',
    input: `{
  "a": 1,
  "b": 2, // about b
  "c": 3
}
`,
    run: (t, f) => removeProperty(t, f, ['b']),
    expected: `{
  "a": 1,
  "c": 3
}
`,
  },
  {
    name: 'removeProperty: last property removes the comma before it',
    input: `{
  "properties": {
    "virtualNetworkType": "Internal",
    "publicIpAddressId": "[resourceId('Microsoft.Network/publicIPAddresses', 'pip')]"
  }
}
`,
    run: (t, f) => removeProperty(t, f, ['properties', 'publicIpAddressId']),
    expected: `{
  "properties": {
    "virtualNetworkType": "Internal"
  }
}
`,
  },
  {
    name: 'removeProperty: last property with comment on the previous line kept',
    input: `{
  "a": 1, // keep me
  "b": 2
}
`,
    run: (t, f) => removeProperty(t, f, ['b']),
    expected: `{
  "a": 1 // keep me
}
`,
  },
  {
    name: 'removeProperty: only property',
    input: `{
  "a": {
    "b": 2
  }
}
`,
    run: (t, f) => removeProperty(t, f, ['a', 'b']),
    expected: `{
  "a": {}
}
`,
  },
  {
    name: 'removeProperty: single-line object',
    input: `{ "a": 1, "b": 2, "c": 3 }`,
    run: (t, f) => removeProperty(t, f, ['b']),
    expected: `{ "a": 1, "c": 3 }`,
  },
  {
    name: 'removeProperty: absent property is nothing to do',
    input: `{ "a": 1 }`,
    run: (t, f) => removeProperty(t, f, ['b']),
    expected: `{ "a": 1 }`,
  },
  {
    name: 'removeArrayElement: first of several',
    input: `{
  "l": [
    "a",
    "b"
  ]
}
`,
    run: (t, f) => removeArrayElement(t, f, ['l'], 0),
    expected: `{
  "l": [
    "b"
  ]
}
`,
  },
  {
    name: 'removeArrayElement: last of several',
    input: `{
  "l": [
    "a",
    "b"
  ]
}
`,
    run: (t, f) => removeArrayElement(t, f, ['l'], 1),
    expected: `{
  "l": [
    "a"
  ]
}
`,
  },
  {
    name: 'removeArrayElement: only element, comment inside kept',
    input: `{
  "l": [
    // the only one
    "a"
  ]
}
`,
    run: (t, f) => removeArrayElement(t, f, ['l'], 0),
    expected: `{
  "l": [
    // the only one
  ]
}
`,
  },
  {
    name: 'removeArrayElement: index out of range declines',
    input: `{ "l": [] }`,
    run: (t, f) => removeArrayElement(t, f, ['l'], 0),
    expected: undefined,
  },
  {
    name: 'removeArrayElements: adjacent elements including the last',
    input: `{
  "allowedValues": [
    "Developer",
    "Basic",
    "Standard"
  ]
}
`,
    run: (t, f) => removeArrayElements(t, f, ['allowedValues'], [1, 2]),
    expected: `{
  "allowedValues": [
    "Developer"
  ]
}
`,
  },
  {
    name: 'addDependsOn: creates dependsOn',
    input: `{
  "resources": [
    {
      "name": "apim",
      "properties": {}
    }
  ]
}
`,
    run: (t, f) => addDependsOn(t, f, ['resources', 0], "[resourceId('Microsoft.Network/virtualNetworks', 'vnet')]"),
    expected: `{
  "resources": [
    {
      "name": "apim",
      "properties": {},
      "dependsOn": [
        "[resourceId('Microsoft.Network/virtualNetworks', 'vnet')]"
      ]
    }
  ]
}
`,
  },
  {
    name: 'addDependsOn: appends to an existing list',
    input: `{
  "resources": [
    {
      "name": "apim",
      "dependsOn": [
        "[resourceId('Microsoft.Network/publicIPAddresses', 'pip')]"
      ]
    }
  ]
}
`,
    run: (t, f) => addDependsOn(t, f, ['resources', 0], 'vnet'),
    expected: `{
  "resources": [
    {
      "name": "apim",
      "dependsOn": [
        "[resourceId('Microsoft.Network/publicIPAddresses', 'pip')]",
        "vnet"
      ]
    }
  ]
}
`,
  },
  {
    name: 'addDependsOn: an equal entry (case and blanks ignored) is not duplicated',
    input: `{
  "resources": [
    {
      "dependsOn": [
        "[resourceId('Microsoft.Network/virtualNetworks', 'VNET')]"
      ]
    }
  ]
}
`,
    run: (t, f) => addDependsOn(t, f, ['resources', 0], "[resourceId('Microsoft.Network/virtualNetworks','vnet')]"),
    expected: `{
  "resources": [
    {
      "dependsOn": [
        "[resourceId('Microsoft.Network/virtualNetworks', 'VNET')]"
      ]
    }
  ]
}
`,
  },
  {
    name: 'addDependsOn: dependsOn that is an expression declines',
    input: `{
  "resources": [
    {
      "dependsOn": "[variables('deps')]"
    }
  ]
}
`,
    run: (t, f) => addDependsOn(t, f, ['resources', 0], 'vnet'),
    expected: undefined,
  },
  {
    name: 'setProperty: add to an object with a trailing comma and comments',
    input: `{
  /* subnet */
  "properties": {
    "addressPrefix": "10.0.0.0/24", // APIM only
    // more later
  },
}
`,
    run: (t, f) => setProperty(t, f, ['properties', 'routeTable'], { id: 'x' }),
    expected: `{
  /* subnet */
  "properties": {
    "addressPrefix": "10.0.0.0/24", // APIM only
    "routeTable": {
      "id": "x"
    }
    // more later
  },
}
`,
  },
  {
    name: 'addDependsOn: dependsOn with a trailing comma',
    input: `{
  "resources": [
    {
      "dependsOn": [
        "a",
      ],
    },
  ],
}
`,
    run: (t, f) => addDependsOn(t, f, ['resources', 0], 'b'),
    expected: `{
  "resources": [
    {
      "dependsOn": [
        "a",
        "b"
      ],
    },
  ],
}
`,
  },
  {
    name: 'removeArrayElement: last element with a trailing comma',
    input: `{
  "l": [
    "a",
    "b", // bee
  ]
}
`,
    run: (t, f) => removeArrayElement(t, f, ['l'], 1),
    expected: `{
  "l": [
    "a",
  ]
}
`,
  },
  {
    name: 'removeProperty: property spanning lines, comment above kept',
    input: `{
  "properties": {
    "virtualNetworkType": "Internal",
    // a public IP is not allowed in Internal mode on stv1
    "publicIpAddressId": {
      "nested": true
    },
    "other": 1
  }
}
`,
    run: (t, f) => removeProperty(t, f, ['properties', 'publicIpAddressId']),
    expected: `{
  "properties": {
    "virtualNetworkType": "Internal",
    // a public IP is not allowed in Internal mode on stv1
    "other": 1
  }
}
`,
  },
  {
    name: 'insertArrayElement: block comment spanning lines after the last element',
    input: `{
  "l": [
    1 /* one
    more */
  ]
}
`,
    run: (t, f) => insertArrayElement(t, f, ['l'], 2),
    expected: `{
  "l": [
    1,
    2 /* one
    more */
  ]
}
`,
  },
];

describe('json edit builders (byte for byte, every style)', () => {
  for (const c of cases) {
    for (const style of STYLES) {
      test(`${c.name} [${style.name}]`, () => checkCase(c, style));
    }
  }
});

describe('json edit builders: behaviour', () => {
  test('inserting twice yields two elements (duplicates are the rules layer’s business)', () => {
    const text = restyle(nsg(`\n        "securityRules": []`), STYLES[0]);
    const once = applyChecked(text, insertArrayElement(text, FILE, RULES, NEW_RULE)!);
    const twice = applyChecked(once, insertArrayElement(once, FILE, RULES, NEW_RULE)!);
    const rules = JSON.parse(twice).resources[0].properties.securityRules;
    assert.equal(rules.length, 2);
    assert.deepEqual(rules[0], NEW_RULE);
    assert.deepEqual(rules[1], NEW_RULE);
  });

  test('accepts a node of a jsonc-parser tree of the same text instead of a path', () => {
    const text = nsg(`\n        "securityRules": []`);
    const node = findNodeAtLocation(parseTree(text)!, RULES)!;
    const byNode = insertArrayElement(text, FILE, node, NEW_RULE);
    const byPath = insertArrayElement(text, FILE, RULES, NEW_RULE);
    assert.deepEqual(byNode, byPath);
    // a property node stands for its value
    const propNode = node.parent!;
    assert.deepEqual(insertArrayElement(text, FILE, propNode, NEW_RULE), byPath);
  });

  test('never throws on hostile input', () => {
    const inputs = ['', '   ', 'null', '[]', '"x"', '{', '{"a":', '/* */', '{"a": [1,,2]}'];
    for (const t of inputs) {
      assert.doesNotThrow(() => {
        insertArrayElement(t, FILE, ['a'], 1);
        setProperty(t, FILE, ['a', 'b'], 1);
        removeProperty(t, FILE, ['a']);
        removeArrayElement(t, FILE, ['a'], 0);
        addResource(t, FILE, ['resources'], {});
        addDependsOn(t, FILE, ['resources', 0], 'x');
      });
    }
    assert.equal(insertArrayElement(undefined as unknown as string, FILE, ['a'], 1), undefined);
    assert.equal(setProperty('{}', FILE, [], 1), undefined);
  });

  test('applyTextEdits sorts edits and skips overlapping ones', () => {
    assert.equal(
      applyTextEdits('abcdef', [
        { offset: 4, length: 1, content: 'E' },
        { offset: 0, length: 0, content: '>' },
        { offset: 1, length: 2, content: 'BC' },
        { offset: 2, length: 1, content: 'X' },
      ]),
      '>aBCdEf',
    );
    assert.equal(applyTextEdits('ab', [{ offset: 2, length: 0, content: '1' }, { offset: 2, length: 0, content: '2' }]), 'ab12');
    assert.equal(applyTextEdits('ab', []), 'ab');
  });
});
