import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  addRoute,
  addRouteResource,
  apiManagementInternetRoute,
  createRouteTableAndAssociate,
  defaultInternetRoute,
  removeDelegations,
  restrictAllowedValues,
  serviceEndpointName,
  setDelegation,
  setRouteNextHop,
  setServiceEndpoints,
  setSkuName,
} from '../../server/src/fixes';
import { checkCase, STYLES, type EditCase } from './style';

const ROUTE_TABLE = (routes: string): string => `{
  "resources": [
    {
      "type": "Microsoft.Network/routeTables",
      "apiVersion": "2023-04-01",
      "name": "rt",
      "location": "westeurope",
      "properties": {${routes}
      }
    }
  ]
}
`;

const SUBNET = (props: string): string => `{
  "resources": [
    {
      "type": "Microsoft.Network/virtualNetworks/subnets",
      "apiVersion": "2023-04-01",
      "name": "vnet/apim",
      "properties": {
        "addressPrefix": "10.0.0.0/24"${props}
      }
    }
  ]
}
`;

const APIM = (sku: string): string => `{
  "resources": [
    {
      "type": "Microsoft.ApiManagement/service",
      "apiVersion": "2023-05-01-preview",
      "name": "apim",
      "sku": {
        "name": ${sku},
        "capacity": 2
      }
    }
  ]
}
`;

const cases: EditCase[] = [
  {
    name: 'setRouteNextHop: VirtualAppliance → Internet drops nextHopIpAddress',
    input: ROUTE_TABLE(`
        "routes": [
          {
            "name": "default",
            "properties": {
              "addressPrefix": "0.0.0.0/0",
              "nextHopType": "VirtualAppliance", // firewall
              "nextHopIpAddress": "10.0.100.4"
            }
          }
        ]`),
    run: (t, f) => setRouteNextHop(t, f, ['resources', 0, 'properties', 'routes', 0]),
    expected: ROUTE_TABLE(`
        "routes": [
          {
            "name": "default",
            "properties": {
              "addressPrefix": "0.0.0.0/0",
              "nextHopType": "Internet" // firewall
            }
          }
        ]`),
  },
  {
    name: 'setRouteNextHop: next hop given by a parameter declines',
    input: ROUTE_TABLE(`
        "routes": [
          {
            "name": "default",
            "properties": {
              "addressPrefix": "0.0.0.0/0",
              "nextHopType": "[parameters('nextHop')]"
            }
          }
        ]`),
    run: (t, f) => setRouteNextHop(t, f, ['resources', 0, 'properties', 'routes', 0]),
    expected: undefined,
  },
  {
    name: 'addRoute: ApiManagement → Internet appended to inline routes',
    input: ROUTE_TABLE(`
        "routes": [
          {
            "name": "default",
            "properties": {
              "addressPrefix": "0.0.0.0/0",
              "nextHopType": "VirtualNetworkGateway"
            }
          }
        ]`),
    run: (t, f) => addRoute(t, f, ['resources', 0], apiManagementInternetRoute(['default'])),
    expected: ROUTE_TABLE(`
        "routes": [
          {
            "name": "default",
            "properties": {
              "addressPrefix": "0.0.0.0/0",
              "nextHopType": "VirtualNetworkGateway"
            }
          },
          {
            "name": "ApiManagement_To_Internet",
            "properties": {
              "addressPrefix": "ApiManagement",
              "nextHopType": "Internet"
            }
          }
        ]`),
  },
  {
    name: 'addRoute: routes absent',
    input: ROUTE_TABLE(`
        "disableBgpRoutePropagation": true`),
    run: (t, f) => addRoute(t, f, ['resources', 0], { name: 'r', addressPrefix: '10.1.0.0/16', nextHopType: 'virtualappliance', nextHopIpAddress: '10.0.0.4' }),
    expected: ROUTE_TABLE(`
        "disableBgpRoutePropagation": true,
        "routes": [
          {
            "name": "r",
            "properties": {
              "addressPrefix": "10.1.0.0/16",
              "nextHopType": "VirtualAppliance",
              "nextHopIpAddress": "10.0.0.4"
            }
          }
        ]`),
  },
  {
    name: 'addRouteResource: child route resource',
    input: `{
  "resources": []
}
`,
    run: (t, f) => addRouteResource(t, f, ['resources'], 'rt', apiManagementInternetRoute(), { dependsOn: ["[resourceId('Microsoft.Network/routeTables', 'rt')]"] }),
    expected: `{
  "resources": [
    {
      "type": "Microsoft.Network/routeTables/routes",
      "apiVersion": "2023-11-01",
      "name": "rt/ApiManagement_To_Internet",
      "properties": {
        "addressPrefix": "ApiManagement",
        "nextHopType": "Internet"
      },
      "dependsOn": [
        "[resourceId('Microsoft.Network/routeTables', 'rt')]"
      ]
    }
  ]
}
`,
  },
  {
    name: 'createRouteTableAndAssociate: default route to Internet on a child subnet',
    input: `{
  "resources": [
    {
      "type": "Microsoft.Network/virtualNetworks/subnets",
      "apiVersion": "2023-04-01",
      "name": "vnet/apim",
      "properties": {
        "addressPrefix": "10.0.0.0/24"
      }
    }
  ]
}
`,
    run: (t, f) =>
      createRouteTableAndAssociate(t, f, { name: 'apim-rt', subnetPath: ['resources', 0], location: "[parameters('location')]", routes: [defaultInternetRoute()] }),
    expected: `{
  "resources": [
    {
      "type": "Microsoft.Network/virtualNetworks/subnets",
      "apiVersion": "2023-04-01",
      "name": "vnet/apim",
      "properties": {
        "addressPrefix": "10.0.0.0/24",
        "routeTable": {
          "id": "[resourceId('Microsoft.Network/routeTables', 'apim-rt')]"
        }
      },
      "dependsOn": [
        "[resourceId('Microsoft.Network/routeTables', 'apim-rt')]"
      ]
    },
    {
      "type": "Microsoft.Network/routeTables",
      "apiVersion": "2023-04-01",
      "name": "apim-rt",
      "location": "[parameters('location')]",
      "properties": {
        "routes": [
          {
            "name": "Default_To_Internet",
            "properties": {
              "addressPrefix": "0.0.0.0/0",
              "nextHopType": "Internet"
            }
          }
        ]
      }
    }
  ]
}
`,
  },
  {
    name: 'setServiceEndpoints: absent list created',
    input: SUBNET(''),
    run: (t, f) => setServiceEndpoints(t, f, ['resources', 0], ['Sql', 'Microsoft.Storage']),
    expected: SUBNET(`,
        "serviceEndpoints": [
          {
            "service": "Microsoft.Sql"
          },
          {
            "service": "Microsoft.Storage"
          }
        ]`),
  },
  {
    name: 'setServiceEndpoints: only the missing ones added (case-insensitive)',
    input: SUBNET(`,
        "serviceEndpoints": [
          {
            "service": "microsoft.sql",
            "locations": [
              "*"
            ]
          }
        ]`),
    run: (t, f) => setServiceEndpoints(t, f, ['resources', 0], ['Sql', 'Storage', 'EventHub', 'KeyVault']),
    expected: SUBNET(`,
        "serviceEndpoints": [
          {
            "service": "microsoft.sql",
            "locations": [
              "*"
            ]
          },
          {
            "service": "Microsoft.Storage"
          },
          {
            "service": "Microsoft.EventHub"
          },
          {
            "service": "Microsoft.KeyVault"
          }
        ]`),
  },
  {
    name: 'setServiceEndpoints: nothing missing is no edit',
    input: SUBNET(`,
        "serviceEndpoints": [{ "service": "Microsoft.Sql" }]`),
    run: (t, f) => setServiceEndpoints(t, f, ['resources', 0], ['Sql']),
    expected: SUBNET(`,
        "serviceEndpoints": [{ "service": "Microsoft.Sql" }]`),
  },
  {
    name: 'setServiceEndpoints: list with an expression entry declines',
    input: SUBNET(`,
        "serviceEndpoints": [
          "[variables('endpoint')]"
        ]`),
    run: (t, f) => setServiceEndpoints(t, f, ['resources', 0], ['Sql']),
    expected: undefined,
  },
  {
    name: 'setSkuName: literal sku',
    input: APIM('"Basic"'),
    run: (t, f) => setSkuName(t, f, ['resources', 0], 'Premium'),
    expected: APIM('"Premium"'),
  },
  {
    name: 'setSkuName: with capacity',
    input: APIM('"Standard"'),
    run: (t, f) => setSkuName(t, f, ['resources', 0], 'Developer', 1),
    expected: APIM('"Developer"').replace('"capacity": 2', '"capacity": 1'),
  },
  {
    name: 'setSkuName: sku from a parameter declines',
    input: APIM(`"[parameters('sku')]"`),
    run: (t, f) => setSkuName(t, f, ['resources', 0], 'Premium'),
    expected: undefined,
  },
  {
    name: 'restrictAllowedValues: by parameter path, default moved to a kept value',
    input: `{
  "parameters": {
    "sku": {
      "type": "string",
      "defaultValue": "Basic",
      "allowedValues": [
        "Developer",
        "Basic", // cheap
        "Standard",
        "Premium"
      ]
    }
  }
}
`,
    run: (t, f) => restrictAllowedValues(t, f, ['parameters', 'sku'], ['Developer', 'Premium']),
    expected: `{
  "parameters": {
    "sku": {
      "type": "string",
      "defaultValue": "Developer",
      "allowedValues": [
        "Developer",
        "Premium"
      ]
    }
  }
}
`,
  },
  {
    name: 'restrictAllowedValues: by allowedValues path, single-line list',
    input: `{
  "parameters": {
    "sku": {
      "type": "string",
      "defaultValue": "Premium",
      "allowedValues": ["Basic", "Developer", "Premium", "Consumption"]
    }
  }
}
`,
    run: (t, f) => restrictAllowedValues(t, f, ['parameters', 'sku', 'allowedValues'], ['developer', 'premium']),
    expected: `{
  "parameters": {
    "sku": {
      "type": "string",
      "defaultValue": "Premium",
      "allowedValues": ["Developer", "Premium"]
    }
  }
}
`,
  },
  {
    name: 'restrictAllowedValues: nothing would remain declines',
    input: `{
  "parameters": {
    "sku": {
      "allowedValues": ["Basic"]
    }
  }
}
`,
    run: (t, f) => restrictAllowedValues(t, f, ['parameters', 'sku'], ['Developer']),
    expected: undefined,
  },
  {
    name: 'removeDelegations: delegations emptied',
    input: SUBNET(`,
        "delegations": [
          {
            "name": "web",
            "properties": {
              "serviceName": "Microsoft.Web/serverFarms"
            }
          }
        ]`),
    run: (t, f) => removeDelegations(t, f, ['resources', 0]),
    expected: SUBNET(`,
        "delegations": []`),
  },
  {
    name: 'removeDelegations: none is no edit',
    input: SUBNET(''),
    run: (t, f) => removeDelegations(t, f, ['resources', 0]),
    expected: SUBNET(''),
  },
  {
    name: 'setDelegation: Microsoft.Web/serverFarms for a v2 tier',
    input: SUBNET(''),
    run: (t, f) => setDelegation(t, f, ['resources', 0], 'Microsoft.Web/serverFarms'),
    expected: SUBNET(`,
        "delegations": [
          {
            "name": "Microsoft.Web.serverFarms",
            "properties": {
              "serviceName": "Microsoft.Web/serverFarms"
            }
          }
        ]`),
  },
  {
    name: 'setDelegation: replaces another service',
    input: SUBNET(`,
        "delegations": [
          {
            "name": "aci",
            "properties": {
              "serviceName": "Microsoft.ContainerInstance/containerGroups"
            }
          }
        ]`),
    run: (t, f) => setDelegation(t, f, ['resources', 0], 'Microsoft.Web/serverFarms', 'web'),
    expected: SUBNET(`,
        "delegations": [
          {
            "name": "web",
            "properties": {
              "serviceName": "Microsoft.Web/serverFarms"
            }
          }
        ]`),
  },
  {
    name: 'setDelegation: already delegated is no edit',
    input: SUBNET(`,
        "delegations": [
          {
            "name": "web",
            "properties": {
              "serviceName": "microsoft.web/serverfarms"
            }
          }
        ]`),
    run: (t, f) => setDelegation(t, f, ['resources', 0], 'Microsoft.Web/serverFarms'),
    expected: SUBNET(`,
        "delegations": [
          {
            "name": "web",
            "properties": {
              "serviceName": "microsoft.web/serverfarms"
            }
          }
        ]`),
  },
];

describe('network edit builders (byte for byte, every style)', () => {
  for (const c of cases) {
    for (const style of STYLES) {
      test(`${c.name} [${style.name}]`, () => checkCase(c, style));
    }
  }
});

describe('network builder helpers', () => {
  test('service endpoint names', () => {
    assert.equal(serviceEndpointName('Sql'), 'Microsoft.Sql');
    assert.equal(serviceEndpointName('microsoft.keyvault'), 'Microsoft.KeyVault');
    assert.equal(serviceEndpointName('EventHub'), 'Microsoft.EventHub');
    assert.equal(serviceEndpointName('Microsoft.Custom'), 'Microsoft.Custom');
  });
  test('route names unique', () => {
    assert.equal(apiManagementInternetRoute([]).name, 'ApiManagement_To_Internet');
    assert.equal(apiManagementInternetRoute(['apimanagement_to_internet']).name, 'ApiManagement_To_Internet_2');
    assert.deepEqual(defaultInternetRoute(), { name: 'Default_To_Internet', addressPrefix: '0.0.0.0/0', nextHopType: 'Internet' });
  });
});
