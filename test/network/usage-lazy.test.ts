/**
 * The subnet-usage search evaluates only what can hold a subnet id (Resource.partialProperties
 * and the builder's mention analysis). These tests check that it finds what evaluating every
 * `properties` object finds (same users, kinds, details, origins), through the paths where a
 * subnet id does not sit literally under a key that names a subnet.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTemplate } from '../../server/src/template/builder';
import { buildChain } from '../../server/src/network/chain';
import { findSubnetUsers, type SubnetUser } from '../../server/src/network/usage';
import type { Resource, Template } from '../../server/src/template/model';
import { displayValue, isObject, type ValueObject } from '../../server/src/expressions/value';

const SUBNET_ID = "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'apim')]";
const OTHER_ID = "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'other')]";
/** The search only looks at resources whose text mentions "subnet" (usage.ts): these do, here only. */
const TAGS = { role: 'subnet user' };

/** A VNet with subnets 'apim' and 'other', an APIM service in 'apim', plus `resources`. */
function template(resources: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      ...extra,
      resources: [
        {
          type: 'Microsoft.Network/virtualNetworks',
          apiVersion: '2023-04-01',
          name: 'vnet',
          location: 'westeurope',
          properties: {
            addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
            subnets: [
              { name: 'apim', properties: { addressPrefix: '10.0.1.0/24' } },
              { name: 'other', properties: { addressPrefix: '10.0.2.0/24' } },
            ],
          },
        },
        {
          type: 'Microsoft.ApiManagement/service',
          apiVersion: '2022-08-01',
          name: 'apim',
          location: 'westeurope',
          sku: { name: 'Developer', capacity: 1 },
          properties: {
            publisherEmail: 'a@b.c',
            publisherName: 'x',
            virtualNetworkType: 'Internal',
            virtualNetworkConfiguration: { subnetResourceId: SUBNET_ID },
          },
        },
        ...resources,
      ],
    },
    null,
    2,
  );
}

function describeUsers(users: SubnetUser[]): string[] {
  return users.map((u) => {
    const o = u.origin;
    return [u.kind, displayValue(u.resource.name), u.detail, u.certain, o ? `${o.node.offset}+${o.node.length}:${o.literal}:${o.via ?? ''}` : '-'].join(' | ');
  });
}

/** The users of the APIM subnet, through the lazy path or with every `properties` evaluated. */
function users(text: string, lazy: boolean): string[] {
  const t = buildTemplate({ file: '/virtual/main.json', text });
  const proto = Object.getPrototypeOf(t.resources[0]) as { partialProperties?: unknown };
  const saved = proto.partialProperties;
  if (!lazy) proto.partialProperties = undefined;
  try {
    const s = buildChain(t)[0];
    const loc = s.locations[0].subnet;
    assert.equal(loc.status, 'resolved');
    if (loc.status !== 'resolved') return [];
    return describeUsers(findSubnetUsers(t, loc.target.resource, s.resource));
  } finally {
    proto.partialProperties = saved;
  }
}

function check(text: string, expected: string[]): void {
  const lazy = users(text, true);
  const eager = users(text, false);
  assert.deepEqual(lazy, eager, 'the lazy search finds what evaluating every properties object finds');
  assert.deepEqual(
    lazy.map((u) => u.split(' | ').slice(0, 3).join(' | ')),
    expected,
  );
}

test('ipConfigurations from a variable (the key names no subnet)', () => {
  check(
    template(
      [
        {
          type: 'Microsoft.Network/networkInterfaces',
          apiVersion: '2023-04-01',
          name: 'nic',
          tags: TAGS,
          location: 'westeurope',
          properties: { ipConfigurations: "[variables('ipConfigs')]" },
        },
      ],
      { variables: { ipConfigs: [{ name: 'c1', properties: { privateIPAllocationMethod: 'Dynamic', subnet: { id: SUBNET_ID } } }] } },
    ),
    ['nic | nic | properties.ipConfigurations[0].properties.subnet.id'],
  );
});

test('a copy variable and a copied property (copy loops)', () => {
  check(
    template(
      [
        {
          type: 'Microsoft.Network/networkInterfaces',
          apiVersion: '2023-04-01',
          name: 'nic-copyvar',
          tags: TAGS,
          location: 'westeurope',
          properties: { ipConfigurations: "[variables('cfgs')]" },
        },
        {
          type: 'Microsoft.Network/applicationGateways',
          apiVersion: '2023-04-01',
          name: 'appgw',
          tags: TAGS,
          location: 'westeurope',
          properties: {
            copy: [
              {
                name: 'gatewayIPConfigurations',
                count: 2,
                input: { name: "[format('gw{0}', copyIndex('gatewayIPConfigurations'))]", properties: { subnet: { id: "[if(equals(copyIndex('gatewayIPConfigurations'), 1), variables('apimSnet'), variables('otherSnet'))]" } } },
              },
            ],
          },
        },
      ],
      {
        variables: {
          apimSnet: SUBNET_ID,
          otherSnet: OTHER_ID,
          copy: [{ name: 'cfgs', count: 2, input: { name: "[format('c{0}', copyIndex('cfgs'))]", properties: { subnet: { id: "[if(equals(copyIndex('cfgs'), 0), variables('otherSnet'), variables('apimSnet'))]" } } } }],
        },
      },
    ),
    [
      'nic | nic-copyvar | properties.ipConfigurations[1].properties.subnet.id',
      'application-gateway | appgw | properties.gatewayIPConfigurations[1].properties.subnet.id',
    ],
  );
});

test('a whole-properties expression, a parameter default and a literal id under keys that name no subnet', () => {
  check(
    template(
      [
        {
          type: 'Microsoft.Compute/virtualMachineScaleSets',
          apiVersion: '2023-03-01',
          name: 'vmss',
          tags: TAGS,
          location: 'westeurope',
          properties: "[variables('vmssProps')]",
        },
        {
          type: 'Contoso.Widgets/widgets',
          apiVersion: '2023-01-01',
          name: 'widget',
          tags: TAGS,
          properties: { target: "[parameters('target')]", mentionsSubnet: 'no id here' },
        },
        {
          type: 'Contoso.Widgets/gadgets',
          apiVersion: '2023-01-01',
          name: 'gadget',
          properties: { settings: { link: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/apim' } },
        },
      ],
      {
        parameters: { target: { type: 'string', defaultValue: SUBNET_ID } },
        variables: {
          vmssProps: {
            virtualMachineProfile: {
              networkProfile: { networkInterfaceConfigurations: [{ name: 'n', properties: { ipConfigurations: [{ name: 'i', properties: { subnet: { id: SUBNET_ID } } }] } }] },
            },
          },
        },
      },
    ),
    [
      'vmss | vmss | properties.virtualMachineProfile.networkProfile.networkInterfaceConfigurations[0].properties.ipConfigurations[0].properties.subnet.id',
      'Contoso.Widgets/widgets | widget | properties.target',
      'Contoso.Widgets/gadgets | gadget | properties.settings.link',
    ],
  );
});

test('a nested deployment: ids passed as parameters and read from outputs', () => {
  const inner = (outputsValue: string) => ({
    type: 'Microsoft.Resources/deployments',
    apiVersion: '2022-09-01',
    name: 'inner',
    properties: {
      mode: 'Incremental',
      expressionEvaluationOptions: { scope: 'inner' },
      parameters: { target: { value: "[variables('apimSnet')]" } },
      template: {
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        parameters: { target: { type: 'string' } },
        variables: { renamed: "[parameters('target')]" },
        resources: [
          {
            type: 'Contoso.Widgets/widgets',
            apiVersion: '2023-01-01',
            name: 'inner-widget',
            tags: TAGS,
            properties: { link: "[variables('renamed')]" },
          },
        ],
        outputs: { result: { type: 'string', value: outputsValue } },
      },
    },
  });
  check(
    template(
      [
        inner("[variables('renamed')]"),
        {
          type: 'Contoso.Widgets/gadgets',
          apiVersion: '2023-01-01',
          name: 'outer-gadget',
          tags: TAGS,
          properties: { config: { target: "[reference('inner').outputs.result.value]" }, other: "[reference('inner').outputs.result.type]" },
        },
      ],
      { variables: { apimSnet: SUBNET_ID } },
    ),
    ['Contoso.Widgets/widgets | inner-widget | properties.link', 'Contoso.Widgets/gadgets | outer-gadget | properties.config.target'],
  );
});

test("another resource's state through reference(), and object keys that name a subnet", () => {
  check(
    template(
      [
        {
          type: 'Microsoft.Network/networkInterfaces',
          apiVersion: '2023-04-01',
          name: 'nic-other',
          location: 'westeurope',
          properties: { ipConfigurations: [{ name: 'c', properties: { subnet: { id: OTHER_ID } } }], extra: { ref: SUBNET_ID } },
        },
        {
          type: 'Contoso.Widgets/widgets',
          apiVersion: '2023-01-01',
          name: 'mirror',
          tags: TAGS,
          properties: { copied: "[reference(resourceId('Microsoft.Network/networkInterfaces', 'nic-other')).extra]", unrelated: "[reference(resourceId('Microsoft.Network/networkInterfaces', 'nic-other')).ipConfigurations[0].name]" },
        },
        {
          type: 'Contoso.Widgets/gadgets',
          apiVersion: '2023-01-01',
          name: 'keyed',
          tags: TAGS,
          properties: { settings: "[variables('keyed')]" },
        },
      ],
      { variables: { keyed: { mySubnetRef: SUBNET_ID, other: 'x' } } },
    ),
    [
      'nic | nic-other | properties.extra.ref',
      'Contoso.Widgets/widgets | mirror | properties.copied.ref',
      'Contoso.Widgets/gadgets | keyed | properties.settings.mySubnetRef',
    ],
  );
});

test('partialProperties: what is left out is undefined, what is kept has the origins of properties()', () => {
  const text = template([
    {
      type: 'Microsoft.Network/networkInterfaces',
      apiVersion: '2023-04-01',
      name: 'nic',
      location: 'westeurope',
      properties: {
        enableIPForwarding: false,
        dnsSettings: { dnsServers: ['10.0.0.4'] },
        ipConfigurations: [{ name: 'c1', properties: { privateIPAllocationMethod: 'Dynamic', subnet: { id: SUBNET_ID } } }],
        networkSecurityGroup: { id: "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]" },
      },
    },
  ]);
  const lazyT = buildTemplate({ file: '/virtual/main.json', text });
  const eagerT = buildTemplate({ file: '/virtual/main.json', text });
  const pick = (t: Template): Resource => t.resources.find((r) => displayValue(r.name) === 'nic')!;
  const choose = (k: string): 'skip' | 'whole' | 'filter' => (k.toLowerCase().includes('subnet') ? 'whole' : 'filter');
  const lazy = pick(lazyT).partialProperties!('subnet', choose);
  const eager = pick(eagerT).properties();
  assert.deepEqual(Object.keys(lazy), Object.keys(eager));
  assert.equal(lazy.enableIPForwarding, undefined);
  assert.equal(lazy.dnsSettings, undefined);
  assert.equal(lazy.networkSecurityGroup, undefined);
  const cfgL = (lazy.ipConfigurations as ValueObject[])[0];
  const cfgE = (eager.ipConfigurations as ValueObject[])[0];
  assert.equal(cfgL.name, undefined);
  assert.deepEqual((cfgL.properties as ValueObject).subnet, (cfgE.properties as ValueObject).subnet);
  const origin = (t: Template, o: ValueObject) => {
    const x = t.originOf(o)!;
    return [x.node.offset, x.node.length, x.literal, x.via];
  };
  assert.deepEqual(origin(lazyT, lazy), origin(eagerT, eager));
  assert.deepEqual(origin(lazyT, cfgL.properties as ValueObject), origin(eagerT, cfgE.properties as ValueObject));
  const po = (t: Template, o: ValueObject) => {
    const x = t.propertyOrigin(o, 'id')!;
    return [x.node.offset, x.node.length, x.literal, x.via];
  };
  assert.deepEqual(po(lazyT, (cfgL.properties as ValueObject).subnet as ValueObject), po(eagerT, (cfgE.properties as ValueObject).subnet as ValueObject));
  // once properties() is evaluated, it is what partialProperties returns
  const full = pick(lazyT).properties();
  assert.equal(pick(lazyT).partialProperties!('subnet', choose), full);
  assert.ok(isObject(full.dnsSettings));
});

test("a resourceId whose name holds '/' (the id names a subnet although the type says VNet)", () => {
  check(
    template([
      {
        type: 'Contoso.Widgets/widgets',
        apiVersion: '2023-01-01',
        name: 'slashed',
        tags: TAGS,
        properties: { target: "[reference(resourceId('Microsoft.Network/virtualNetworks', 'vnet/subnets/apim')).addressPrefix]", self: "[reference(resourceId('Microsoft.Network/virtualNetworks', 'vnet/subnets/apim'), '2023-04-01', 'Full').id]" },
      },
    ]),
    ['Contoso.Widgets/widgets | slashed | properties.self'],
  );
});

test('a value that depends on itself: what the cycle leaves is still kept', () => {
  const text = template(
    [
      {
        type: 'Contoso.Widgets/widgets',
        apiVersion: '2023-01-01',
        name: 'cyclic',
        tags: TAGS,
        properties: { first: "[variables('a')]", second: "[variables('b')]", third: "[variables('d')]" },
      },
    ],
    { variables: { a: "[concat(variables('b'), variables('c'))]", b: "[variables('a')]", c: SUBNET_ID, d: "[variables('e')]", e: "[variables('d')]" } },
  );
  const lazyT = buildTemplate({ file: '/virtual/main.json', text });
  const eagerT = buildTemplate({ file: '/virtual/main.json', text });
  const pick = (t: Template): Resource => t.resources.find((r) => displayValue(r.name) === 'cyclic')!;
  const lazy = pick(lazyT).partialProperties!('subnet', () => 'filter');
  const eager = pick(eagerT).properties();
  // a and b end with the subnet id; d and e are only a cycle (an Unknown without text)
  assert.deepEqual(Object.keys(lazy), ['first', 'second', 'third']);
  assert.equal(displayValue(lazy.first, 1000), displayValue(eager.first, 1000));
  assert.equal(displayValue(lazy.second, 1000), displayValue(eager.second, 1000));
  assert.match(displayValue(lazy.second, 1000), /subnets/);
  assert.equal(lazy.third, undefined);
  assert.doesNotMatch(displayValue(eager.third), /subnet/i);
  assert.deepEqual(users(text, true), users(text, false));
});

test("reference().outputs with and without inline subnets (any inline resource's outputs may mention anything)", () => {
  const inner = {
    type: 'Microsoft.Resources/deployments',
    apiVersion: '2022-09-01',
    name: 'inner',
    properties: {
      mode: 'Incremental',
      expressionEvaluationOptions: { scope: 'inner' },
      parameters: { target: { value: "[variables('apimSnet')]" } },
      template: {
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        parameters: { target: { type: 'string' } },
        resources: [],
        outputs: { result: { type: 'string', value: "[parameters('target')]" }, plain: { type: 'string', value: 'nothing' } },
      },
    },
  };
  const gadget = {
    type: 'Contoso.Widgets/gadgets',
    apiVersion: '2023-01-01',
    name: 'outer-gadget',
    tags: TAGS,
    properties: {
      config: { target: "[reference('inner').outputs.result.value]" },
      label: "[reference(resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'apim')).outputs.plain.value]",
    },
  };
  const inline = template([inner, gadget], { variables: { apimSnet: SUBNET_ID } });
  // the same with the subnets as child resources: no inline data
  const doc = JSON.parse(inline) as { resources: Record<string, unknown>[] };
  const vnet = doc.resources[0] as { properties: { subnets?: { name: string; properties: unknown }[] } };
  const subnets = vnet.properties.subnets!;
  delete vnet.properties.subnets;
  doc.resources.splice(
    1,
    0,
    ...subnets.map((s) => ({
      type: 'Microsoft.Network/virtualNetworks/subnets',
      apiVersion: '2023-04-01',
      name: `vnet/${s.name}`,
      dependsOn: ["[resourceId('Microsoft.Network/virtualNetworks', 'vnet')]"],
      properties: s.properties,
    })),
  );
  const children = JSON.stringify(doc, null, 2);
  // one template after the other, in both orders: the answer is each template's own
  for (const text of [inline, children, inline]) {
    check(text, ['Contoso.Widgets/gadgets | outer-gadget | properties.config.target']);
  }
  const label = (text: string) => {
    const t = buildTemplate({ file: '/virtual/main.json', text });
    const g = t.resources.find((r) => displayValue(r.name) === 'outer-gadget')!;
    return g.partialProperties!('subnet', () => 'filter').label;
  };
  // without inline data, the outputs named 'plain' are followed: none mentions "subnet"; an
  // inline subnet's outputs may be anything: evaluated
  assert.equal(label(children), undefined);
  assert.notEqual(label(inline), undefined);
  assert.equal(label(children), undefined);
});

test('members that never hold a use of a subnet are not read: a private endpoint target, gateway certificates and listeners, public IPs, NSGs', () => {
  // A subnet id written under these keys (literally or through a parameter) is not a use of the
  // subnet; the same resource is one when its IP configuration sits in the subnet.
  check(
    template(
      [
        {
          type: 'Microsoft.Network/privateEndpoints',
          apiVersion: '2023-04-01',
          name: 'pe',
          location: 'westeurope',
          properties: {
            subnet: { id: OTHER_ID },
            privateLinkServiceConnections: [{ name: 'c', properties: { privateLinkServiceId: SUBNET_ID, groupIds: [SUBNET_ID] } }],
            manualPrivateLinkServiceConnections: "[parameters('target')]",
          },
        },
        {
          type: 'Microsoft.Network/applicationGateways',
          apiVersion: '2023-04-01',
          name: 'agw-elsewhere',
          location: 'westeurope',
          properties: {
            gatewayIPConfigurations: [{ name: 'g', properties: { subnet: { id: OTHER_ID } } }],
            sslCertificates: [{ name: 's', properties: { keyVaultSecretId: "[parameters('target')]" } }],
            httpListeners: [{ name: 'l', properties: { hostName: SUBNET_ID } }],
            backendAddressPools: [{ name: 'b', properties: { backendAddresses: [{ fqdn: "[parameters('target')]" }] } }],
          },
        },
        {
          type: 'Microsoft.Network/networkInterfaces',
          apiVersion: '2023-04-01',
          name: 'nic-elsewhere',
          location: 'westeurope',
          properties: {
            networkSecurityGroup: { id: SUBNET_ID },
            ipConfigurations: [{ name: 'i', properties: { subnet: { id: OTHER_ID }, publicIPAddress: { id: "[parameters('target')]" } } }],
          },
        },
        {
          type: 'Microsoft.Network/applicationGateways',
          apiVersion: '2023-04-01',
          name: 'agw-internal',
          location: 'westeurope',
          properties: {
            gatewayIPConfigurations: [{ name: 'g', properties: { subnet: { id: OTHER_ID } } }],
            frontendIPConfigurations: [{ name: 'f', properties: { privateIPAllocationMethod: 'Dynamic', subnet: { id: SUBNET_ID } } }],
          },
        },
      ],
      { parameters: { target: { type: 'string', defaultValue: SUBNET_ID } } },
    ),
    ['application-gateway | agw-internal | properties.frontendIPConfigurations[0].properties.subnet.id'],
  );
});
