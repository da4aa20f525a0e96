import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  addNsgRuleResources,
  buildNsgRule,
  buildNsgRuleResource,
  choosePriorities,
  choosePriority,
  createNsgWithRulesAndAssociate,
  insertNsgRule,
  ruleNameFromPurpose,
  type NsgRuleSpec,
} from '../../server/src/fixes';
import { checkCase, STYLES, type EditCase } from './style';

const MGMT: NsgRuleSpec = {
  name: 'Allow_APIM_Management_Endpoint_Inbound',
  priority: 120,
  direction: 'Inbound',
  protocol: 'TCP',
  sourcePortRange: '*',
  destinationPortRange: 3443,
  sourceAddressPrefix: 'ApiManagement',
  destinationAddressPrefix: 'VirtualNetwork',
  description: 'Management endpoint for Azure portal and PowerShell',
};

describe('choosePriority', () => {
  const In = 'Inbound';
  const Out = 'Outbound';
  const table: [string, { priority: number; direction: string }[], string, number, number | undefined, number | undefined][] = [
    // name, existing, direction, below, preferred, expected
    ['empty NSG, default deny', [], In, 65500, undefined, 100],
    ['after the last rule before the deny', [{ priority: 100, direction: In }, { priority: 110, direction: In }], In, 65500, undefined, 120],
    ['after the last rule, odd numbers', [{ priority: 105, direction: In }], In, 4096, undefined, 110],
    ['deny at 4096 with rules before it', [{ priority: 100, direction: In }, { priority: 4096, direction: In }], In, 4096, undefined, 110],
    ['deny at 100: none', [{ priority: 100, direction: In }], In, 100, undefined, undefined],
    ['deny at 101: 100 is free', [{ priority: 101, direction: In }], In, 101, undefined, 100],
    ['deny at 105 with 100 taken: 104', [{ priority: 100, direction: In }, { priority: 105, direction: In }], In, 105, undefined, 104],
    ['next multiple of 10 is the deny: highest free multiple of 10', [{ priority: 100, direction: In }, { priority: 150, direction: In }, { priority: 190, direction: In }], In, 200, undefined, 180],
    ['every multiple of 10 taken: highest free value', [{ priority: 100, direction: In }, { priority: 110, direction: In }, { priority: 120, direction: In }], In, 130, undefined, 129],
    ['rules after the deny do not matter', [{ priority: 100, direction: In }, { priority: 300, direction: In }], In, 200, undefined, 110],
    ['other direction does not collide', [{ priority: 100, direction: Out }, { priority: 110, direction: Out }], In, 200, undefined, 100],
    ['direction compared case-insensitively', [{ priority: 100, direction: 'inbound' }], In, 200, undefined, 110],
    ['outbound', [{ priority: 100, direction: In }, { priority: 100, direction: Out }], Out, 65500, undefined, 110],
    ['preferred when free and below', [], In, 300, 250, 250],
    ['preferred taken: fallback', [{ priority: 250, direction: In }], In, 300, 250, 260],
    ['preferred not below the deny: fallback', [], In, 300, 300, 100],
    ['preferred under 100: fallback', [], In, 300, 50, 100],
    ['all 100..199 taken, deny at 200: none', Array.from({ length: 100 }, (_, i) => ({ priority: 100 + i, direction: In })), In, 200, undefined, undefined],
    ['100..4096 all taken, default deny: none', Array.from({ length: 3997 }, (_, i) => ({ priority: 100 + i, direction: In })), In, 65500, undefined, undefined],
    ['last free slot is 4096', Array.from({ length: 3996 }, (_, i) => ({ priority: 100 + i, direction: In })), In, 65000, undefined, 4096],
  ];
  for (const [name, existing, dir, below, preferred, expected] of table) {
    test(name, () => assert.equal(choosePriority(existing, dir, below, preferred), expected));
  }

  test('choosePriorities: each request sees the previous choices', () => {
    assert.deepEqual(
      choosePriorities([{ priority: 100, direction: 'Inbound' }], [
        { direction: 'Inbound', below: 65500 },
        { direction: 'Outbound', below: 65500 },
        { direction: 'Inbound', below: 65500 },
        { direction: 'Inbound', below: 100 },
      ]),
      [110, 100, 120, undefined],
    );
  });
});

describe('ruleNameFromPurpose', () => {
  const table: [string, string, string[], string][] = [
    ['APIM management endpoint', 'Inbound', [], 'Allow_APIM_Management_Endpoint_Inbound'],
    ['Management endpoint for Azure portal and PowerShell', 'Inbound', [], 'Allow_Management_Endpoint_Azure_Portal_PowerShell_Inbound'],
    ['Dependency on Azure SQL V12', 'Outbound', [], 'Allow_Dependency_Azure_SQL_V12_Outbound'],
    ['Allow client communication', 'inbound', [], 'Allow_Client_Communication_Inbound'],
    ['Azure Infrastructure Load Balancer', 'Inbound', ['Allow_Azure_Infrastructure_Load_Balancer_Inbound'], 'Allow_Azure_Infrastructure_Load_Balancer_Inbound_2'],
    ['APIM management endpoint', 'Inbound', ['allow_apim_management_endpoint_inbound', 'Allow_APIM_Management_Endpoint_Inbound_2'], 'Allow_APIM_Management_Endpoint_Inbound_3'],
    ['Dependency on Storage (and OCSP/CRL for SSL)', 'Out', [], 'Allow_Dependency_Storage_OCSP_CRL_SSL_Outbound'],
    ['', 'Inbound', [], 'Allow_Inbound'],
  ];
  for (const [purpose, dir, existing, expected] of table) {
    test(`${purpose || '(empty)'} ${dir}`, () => assert.equal(ruleNameFromPurpose(purpose, dir, existing), expected));
  }
  test('long purposes stay within Azure’s 80 characters and valid characters', () => {
    const n = ruleNameFromPurpose('word '.repeat(60) + 'last', 'Outbound', []);
    assert.ok(n.length <= 80, n);
    assert.match(n, /^Allow(_Word)+_Outbound$/);
    const m = ruleNameFromPurpose('word '.repeat(60), 'Outbound', [n]);
    assert.ok(m.length <= 80 && m.endsWith('_Outbound_2'), m);
  });
});

describe('buildNsgRule', () => {
  test('inline shape, ARM property order, single port and prefix forms', () => {
    const r = buildNsgRule(MGMT);
    assert.deepEqual(r, {
      name: 'Allow_APIM_Management_Endpoint_Inbound',
      properties: {
        description: 'Management endpoint for Azure portal and PowerShell',
        protocol: 'Tcp',
        sourcePortRange: '*',
        destinationPortRange: '3443',
        sourceAddressPrefix: 'ApiManagement',
        destinationAddressPrefix: 'VirtualNetwork',
        access: 'Allow',
        priority: 120,
        direction: 'Inbound',
      },
    });
    assert.deepEqual(Object.keys(r.properties), [
      'description', 'protocol', 'sourcePortRange', 'destinationPortRange', 'sourceAddressPrefix', 'destinationAddressPrefix', 'access', 'priority', 'direction',
    ]);
  });

  test('plural forms for several ports/prefixes, one-element lists collapse, defaults to *', () => {
    const r = buildNsgRule({
      name: 'x', priority: 100, direction: 'outbound', protocol: 'udp',
      destinationPortRanges: ['6381-6383', 6390], sourcePortRanges: ['6381-6383'],
      sourceAddressPrefixes: ['VirtualNetwork'], destinationAddressPrefixes: ['10.0.0.0/24', '10.0.1.0/24'],
    });
    assert.deepEqual(r.properties, {
      description: undefined,
      protocol: 'Udp',
      sourcePortRange: '6381-6383',
      destinationPortRanges: ['6381-6383', '6390'],
      sourceAddressPrefix: 'VirtualNetwork',
      destinationAddressPrefixes: ['10.0.0.0/24', '10.0.1.0/24'],
      access: 'Allow',
      priority: 100,
      direction: 'Outbound',
    });
    assert.equal(buildNsgRule({ name: 'y', priority: 100, direction: 'Inbound', protocol: 'Any' }).properties.protocol, '*');
    assert.equal(buildNsgRule({ name: 'y', priority: 100, direction: 'Inbound', protocol: '*' }).properties.destinationPortRange, '*');
  });

  test('child resource shape', () => {
    assert.deepEqual(buildNsgRuleResource('apim-nsg', MGMT, { apiVersion: '2023-04-01', dependsOn: ["[resourceId('Microsoft.Network/networkSecurityGroups', 'apim-nsg')]"] }), {
      type: 'Microsoft.Network/networkSecurityGroups/securityRules',
      apiVersion: '2023-04-01',
      name: 'apim-nsg/Allow_APIM_Management_Endpoint_Inbound',
      properties: buildNsgRule(MGMT).properties,
      dependsOn: ["[resourceId('Microsoft.Network/networkSecurityGroups', 'apim-nsg')]"],
    });
    const r = buildNsgRuleResource("[parameters('nsgName')]", MGMT);
    assert.equal(r.name, "[format('{0}/{1}', parameters('nsgName'), 'Allow_APIM_Management_Endpoint_Inbound')]");
    assert.equal(r.dependsOn, undefined);
    assert.equal(r.apiVersion, '2023-11-01');
  });
});

const MGMT_RULE_INLINE = (indent: string): string =>
  `{
  "name": "Allow_APIM_Management_Endpoint_Inbound",
  "properties": {
    "description": "Management endpoint for Azure portal and PowerShell",
    "protocol": "Tcp",
    "sourcePortRange": "*",
    "destinationPortRange": "3443",
    "sourceAddressPrefix": "ApiManagement",
    "destinationAddressPrefix": "VirtualNetwork",
    "access": "Allow",
    "priority": 120,
    "direction": "Inbound"
  }
}`
    .split('\n')
    .map((l) => indent + l)
    .join('\n');

const VNET_INLINE = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "resources": [
    {
      "type": "Microsoft.Network/virtualNetworks",
      "apiVersion": "2022-07-01",
      "name": "vnet",
      "location": "[parameters('location')]",
      "properties": {
        "addressSpace": {
          "addressPrefixes": [
            "10.0.0.0/16"
          ]
        },
        "subnets": [
          {
            "name": "apim",
            "properties": {
              "addressPrefix": "10.0.0.0/24"
            }
          }
        ]
      }
    }
  ]
}
`;

const cases: EditCase[] = [
  {
    name: 'insertNsgRule: into an inline securityRules array with a deny',
    input: `{
  "resources": [
    {
      "type": "Microsoft.Network/networkSecurityGroups",
      "name": "nsg",
      "properties": {
        "securityRules": [
          {
            "name": "Deny_All_Inbound",
            "properties": {
              "access": "Deny",
              "priority": 4000,
              "direction": "Inbound"
            }
          }
        ]
      }
    }
  ]
}
`,
    run: (t, f) => insertNsgRule(t, f, ['resources', 0, 'properties', 'securityRules'], MGMT),
    expected: `{
  "resources": [
    {
      "type": "Microsoft.Network/networkSecurityGroups",
      "name": "nsg",
      "properties": {
        "securityRules": [
          {
            "name": "Deny_All_Inbound",
            "properties": {
              "access": "Deny",
              "priority": 4000,
              "direction": "Inbound"
            }
          },
${MGMT_RULE_INLINE('          ')}
        ]
      }
    }
  ]
}
`,
  },
  {
    name: 'insertNsgRule: securityRules built by an expression is never edited',
    input: `{
  "resources": [
    {
      "properties": {
        "securityRules": "[concat(variables('baseRules'), variables('apimRules'))]"
      }
    }
  ]
}
`,
    run: (t, f) => insertNsgRule(t, f, ['resources', 0, 'properties', 'securityRules'], MGMT),
    expected: undefined,
  },
  {
    name: 'addNsgRuleResources: child resource form in an array-form template',
    input: `{
  "resources": [
    {
      "type": "Microsoft.Network/networkSecurityGroups",
      "apiVersion": "2023-04-01",
      "name": "nsg",
      "location": "westeurope"
    }
  ]
}
`,
    run: (t, f) =>
      addNsgRuleResources(t, f, ['resources'], 'nsg', [MGMT], {
        apiVersion: '2023-04-01',
        dependsOn: ["[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]"],
      }),
    expected: `{
  "resources": [
    {
      "type": "Microsoft.Network/networkSecurityGroups",
      "apiVersion": "2023-04-01",
      "name": "nsg",
      "location": "westeurope"
    },
    {
      "type": "Microsoft.Network/networkSecurityGroups/securityRules",
      "apiVersion": "2023-04-01",
      "name": "nsg/Allow_APIM_Management_Endpoint_Inbound",
      "properties": {
        "description": "Management endpoint for Azure portal and PowerShell",
        "protocol": "Tcp",
        "sourcePortRange": "*",
        "destinationPortRange": "3443",
        "sourceAddressPrefix": "ApiManagement",
        "destinationAddressPrefix": "VirtualNetwork",
        "access": "Allow",
        "priority": 120,
        "direction": "Inbound"
      },
      "dependsOn": [
        "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]"
      ]
    }
  ]
}
`,
  },
  {
    name: 'createNsgWithRulesAndAssociate: inline subnet of a VNet (array form)',
    input: VNET_INLINE,
    run: (t, f) => createNsgWithRulesAndAssociate(t, f, { name: 'apim-nsg', subnetPath: ['resources', 0, 'properties', 'subnets', 0], rules: [MGMT] }),
    expected: `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "resources": [
    {
      "type": "Microsoft.Network/virtualNetworks",
      "apiVersion": "2022-07-01",
      "name": "vnet",
      "location": "[parameters('location')]",
      "properties": {
        "addressSpace": {
          "addressPrefixes": [
            "10.0.0.0/16"
          ]
        },
        "subnets": [
          {
            "name": "apim",
            "properties": {
              "addressPrefix": "10.0.0.0/24",
              "networkSecurityGroup": {
                "id": "[resourceId('Microsoft.Network/networkSecurityGroups', 'apim-nsg')]"
              }
            }
          }
        ]
      },
      "dependsOn": [
        "[resourceId('Microsoft.Network/networkSecurityGroups', 'apim-nsg')]"
      ]
    },
    {
      "type": "Microsoft.Network/networkSecurityGroups",
      "apiVersion": "2022-07-01",
      "name": "apim-nsg",
      "location": "[parameters('location')]",
      "properties": {
        "securityRules": [
${MGMT_RULE_INLINE('          ')}
        ]
      }
    }
  ]
}
`,
  },
  {
    name: 'createNsgWithRulesAndAssociate: child subnet resource (array form), location from the VNet it depends on',
    input: `{
  "resources": [
    {
      "type": "Microsoft.Network/virtualNetworks",
      "apiVersion": "2023-04-01",
      "name": "vnet",
      "location": "westeurope",
      "properties": {}
    },
    {
      "type": "Microsoft.Network/virtualNetworks/subnets",
      "apiVersion": "2023-04-01",
      "name": "vnet/apim",
      "properties": {
        "addressPrefix": "10.0.1.0/24"
      },
      "dependsOn": [
        "[resourceId('Microsoft.Network/virtualNetworks', 'vnet')]"
      ]
    }
  ]
}
`,
    run: (t, f) => createNsgWithRulesAndAssociate(t, f, { name: "[format('{0}-nsg', 'apim')]", subnetPath: ['resources', 1], rules: [] }),
    expected: `{
  "resources": [
    {
      "type": "Microsoft.Network/virtualNetworks",
      "apiVersion": "2023-04-01",
      "name": "vnet",
      "location": "westeurope",
      "properties": {}
    },
    {
      "type": "Microsoft.Network/virtualNetworks/subnets",
      "apiVersion": "2023-04-01",
      "name": "vnet/apim",
      "properties": {
        "addressPrefix": "10.0.1.0/24",
        "networkSecurityGroup": {
          "id": "[resourceId('Microsoft.Network/networkSecurityGroups', format('{0}-nsg', 'apim'))]"
        }
      },
      "dependsOn": [
        "[resourceId('Microsoft.Network/virtualNetworks', 'vnet')]",
        "[resourceId('Microsoft.Network/networkSecurityGroups', format('{0}-nsg', 'apim'))]"
      ]
    },
    {
      "type": "Microsoft.Network/networkSecurityGroups",
      "apiVersion": "2023-04-01",
      "name": "[format('{0}-nsg', 'apim')]",
      "location": "westeurope",
      "properties": {
        "securityRules": []
      }
    }
  ]
}
`,
  },
  {
    name: 'createNsgWithRulesAndAssociate: languageVersion 2.0 symbolic names (dependsOn gets the symbolic name)',
    input: `{
  "languageVersion": "2.0",
  "resources": {
    "vnet": {
      "type": "Microsoft.Network/virtualNetworks",
      "apiVersion": "2023-05-01",
      "name": "vnet",
      "location": "[parameters('location')]",
      "properties": {
        "subnets": [
          {
            "name": "apim",
            "properties": {
              "addressPrefix": "10.0.0.0/24"
            }
          }
        ]
      }
    },
    "apimNsg": {
      "type": "Microsoft.Network/networkSecurityGroups",
      "apiVersion": "2023-05-01",
      "name": "other-nsg",
      "location": "[parameters('location')]"
    }
  }
}
`,
    run: (t, f) => createNsgWithRulesAndAssociate(t, f, { name: 'apim-nsg', subnetPath: ['resources', 'vnet', 'properties', 'subnets', 0], rules: [MGMT] }),
    expected: `{
  "languageVersion": "2.0",
  "resources": {
    "vnet": {
      "type": "Microsoft.Network/virtualNetworks",
      "apiVersion": "2023-05-01",
      "name": "vnet",
      "location": "[parameters('location')]",
      "properties": {
        "subnets": [
          {
            "name": "apim",
            "properties": {
              "addressPrefix": "10.0.0.0/24",
              "networkSecurityGroup": {
                "id": "[resourceId('Microsoft.Network/networkSecurityGroups', 'apim-nsg')]"
              }
            }
          }
        ]
      },
      "dependsOn": [
        "apimNsg2"
      ]
    },
    "apimNsg": {
      "type": "Microsoft.Network/networkSecurityGroups",
      "apiVersion": "2023-05-01",
      "name": "other-nsg",
      "location": "[parameters('location')]"
    },
    "apimNsg2": {
      "type": "Microsoft.Network/networkSecurityGroups",
      "apiVersion": "2023-05-01",
      "name": "apim-nsg",
      "location": "[parameters('location')]",
      "properties": {
        "securityRules": [
${MGMT_RULE_INLINE('          ')}
        ]
      }
    }
  }
}
`,
  },
  {
    name: 'createNsgWithRulesAndAssociate: VNet inside a nested deployment’s inline template',
    input: `{
  "resources": [
    {
      "type": "Microsoft.Resources/deployments",
      "apiVersion": "2022-09-01",
      "name": "network",
      "properties": {
        "mode": "Incremental",
        "template": {
          "resources": [
            {
              "type": "Microsoft.Network/virtualNetworks",
              "apiVersion": "2022-07-01",
              "name": "vnet",
              "location": "eastus",
              "properties": {
                "subnets": [
                  {
                    "name": "apim",
                    "properties": {
                      "addressPrefix": "10.0.0.0/24"
                    }
                  }
                ]
              }
            }
          ]
        }
      }
    }
  ]
}
`,
    run: (t, f) =>
      createNsgWithRulesAndAssociate(t, f, { name: 'nsg', subnetPath: ['resources', 0, 'properties', 'template', 'resources', 0, 'properties', 'subnets', 0], rules: [] }),
    expected: `{
  "resources": [
    {
      "type": "Microsoft.Resources/deployments",
      "apiVersion": "2022-09-01",
      "name": "network",
      "properties": {
        "mode": "Incremental",
        "template": {
          "resources": [
            {
              "type": "Microsoft.Network/virtualNetworks",
              "apiVersion": "2022-07-01",
              "name": "vnet",
              "location": "eastus",
              "properties": {
                "subnets": [
                  {
                    "name": "apim",
                    "properties": {
                      "addressPrefix": "10.0.0.0/24",
                      "networkSecurityGroup": {
                        "id": "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]"
                      }
                    }
                  }
                ]
              },
              "dependsOn": [
                "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]"
              ]
            },
            {
              "type": "Microsoft.Network/networkSecurityGroups",
              "apiVersion": "2022-07-01",
              "name": "nsg",
              "location": "eastus",
              "properties": {
                "securityRules": []
              }
            }
          ]
        }
      }
    }
  ]
}
`,
  },
  {
    name: 'createNsgWithRulesAndAssociate: nested child subnet (NSG goes to the top-level resources)',
    input: `{
  "resources": [
    {
      "type": "Microsoft.Network/virtualNetworks",
      "apiVersion": "2023-04-01",
      "name": "vnet",
      "location": "northeurope",
      "properties": {},
      "resources": [
        {
          "type": "subnets",
          "apiVersion": "2023-04-01",
          "name": "apim",
          "properties": {
            "addressPrefix": "10.0.0.0/24"
          },
          "dependsOn": [
            "vnet"
          ]
        }
      ]
    }
  ]
}
`,
    run: (t, f) => createNsgWithRulesAndAssociate(t, f, { name: 'nsg', subnetPath: ['resources', 0, 'resources', 0], rules: [] }),
    expected: `{
  "resources": [
    {
      "type": "Microsoft.Network/virtualNetworks",
      "apiVersion": "2023-04-01",
      "name": "vnet",
      "location": "northeurope",
      "properties": {},
      "resources": [
        {
          "type": "subnets",
          "apiVersion": "2023-04-01",
          "name": "apim",
          "properties": {
            "addressPrefix": "10.0.0.0/24",
            "networkSecurityGroup": {
              "id": "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]"
            }
          },
          "dependsOn": [
            "vnet",
            "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]"
          ]
        }
      ]
    },
    {
      "type": "Microsoft.Network/networkSecurityGroups",
      "apiVersion": "2023-04-01",
      "name": "nsg",
      "location": "northeurope",
      "properties": {
        "securityRules": []
      }
    }
  ]
}
`,
  },
  {
    name: 'createNsgWithRulesAndAssociate: subnet that is not an object declines',
    input: `{
  "resources": [
    {
      "properties": {
        "subnets": "[variables('subnets')]"
      }
    }
  ]
}
`,
    run: (t, f) => createNsgWithRulesAndAssociate(t, f, { name: 'nsg', subnetPath: ['resources', 0, 'properties', 'subnets', 0], rules: [] }),
    expected: undefined,
  },
];

describe('NSG edit builders (byte for byte, every style)', () => {
  for (const c of cases) {
    for (const style of STYLES) {
      test(`${c.name} [${style.name}]`, () => checkCase(c, style));
    }
  }
});
