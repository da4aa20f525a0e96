/**
 * fast-check arbitraries for the reliability fuzzing: ARM expressions (well-formed and broken),
 * APIM + VNet + NSG templates with random security rules, and mutations of real templates.
 */
import fc from 'fast-check';

export const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

const KNOWN_FUNCTIONS = [
  'concat', 'format', 'resourceId', 'subscriptionResourceId', 'parameters', 'variables', 'reference', 'resourceGroup', 'subscription',
  'if', 'equals', 'and', 'or', 'not', 'empty', 'length', 'toLower', 'toUpper', 'union', 'createArray', 'createObject', 'json', 'string',
  'int', 'bool', 'split', 'replace', 'substring', 'contains', 'first', 'last', 'take', 'skip', 'coalesce', 'copyIndex', 'cidrSubnet',
  'parseCidr', 'map', 'filter', 'lambda', 'lambdaVariables', 'range', 'padLeft', 'guid', 'uniqueString', 'resourceInfo', 'items', 'min', 'max',
];

/** Unicode-rich strings (astral plane, combining marks, quotes, brackets). */
export const wildString = (maxLength = 40) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.constantFrom("'", "''", '[', ']', '[[', '(', ')', '"', '\\', '\u0000', '\uD800', '😀', 'é', '\u202E', '..', '.', ','),
  );

const number = fc.oneof(
  fc.integer(),
  fc.constantFrom('0', '-1', '1e308', '-1e308', '99999999999999999999999', '4294967296', '9007199254740993', '1.5', '-0', '0x10', 'NaN', 'Infinity'),
);

const identifier = fc.oneof(fc.constantFrom(...KNOWN_FUNCTIONS), fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_.]{0,12}$/));

/** The inside of an ARM expression (without the outer brackets). */
export const expressionBody: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 20 }).map((s) => `'${s.replace(/'/g, "''")}'`),
    wildString(20).map((s) => `'${s}'`), // possibly unbalanced quotes
    number.map(String),
    fc.constantFrom('true', 'false', 'null'),
    fc.tuple(identifier, fc.array(tie('expr'), { maxLength: 4 })).map(([f, args]) => `${f}(${args.join(', ')})`),
    fc.tuple(tie('expr'), fc.stringMatching(/^[a-zA-Z]{1,8}$/)).map(([e, p]) => `${e}.${p}`),
    fc.tuple(tie('expr'), tie('expr')).map(([e, i]) => `${e}[${i}]`),
    fc.tuple(fc.constantFrom('parameters', 'variables'), fc.constantFrom('sku', 'vnetType', 'subnetId', 'cycleA', 'missing', 'rules', 'count')).map(([f, n]) => `${f}('${n}')`),
  ),
})).expr;

/** A string value that may be an expression, a broken expression or a literal. */
export const expressionString: fc.Arbitrary<string> = fc.oneof(
  expressionBody.map((b) => `[${b}]`),
  // broken: unbalanced brackets/parentheses/quotes, truncated
  fc.tuple(expressionBody, fc.nat(), fc.constantFrom('(', ')', '[', ']', "'", ',', '.', '')).map(([b, cut, extra]) => `[${b.slice(0, cut % (b.length + 1))}${extra}`),
  fc.tuple(expressionBody, fc.integer({ min: 1, max: 60 })).map(([b, depth]) => `[${'concat('.repeat(depth)}${b}${')'.repeat(depth)}]`),
  fc.tuple(expressionBody, fc.integer({ min: 1, max: 60 })).map(([b, depth]) => `[${'createArray('.repeat(depth)}${b}${')'.repeat(Math.max(0, depth - 1))}]`),
  fc.integer({ min: 1, max: 2000 }).map((n) => `[concat('${'x'.repeat(n)}', '${'é'.repeat(n % 97)}')]`),
  fc.string({ maxLength: 30 }).map((s) => `[[${s}]`),
  wildString(30),
);

const serviceTags = ['*', 'Internet', 'VirtualNetwork', 'AzureLoadBalancer', 'ApiManagement', 'Storage', 'Sql', 'AzureKeyVault', 'AzureMonitor', 'AzureCloud', 'EventHub', 'GatewayManager'];
const prefix = fc.oneof(
  fc.constantFrom(...serviceTags),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 40 })).map(([a, b, m]) => `10.${a}.${b}.0/${m}`),
  fc.constantFrom('10.0.0.0/8', '0.0.0.0/0', '10.60.0.0/27', '10.60.0.0/16', '192.168.1.1', '::/0', '10.0.0.0/33', 'not-an-ip', ''),
  expressionString,
);
const portRange = fc.oneof(
  fc.constantFrom('*', '80', '443', '3443', '6390', '6381-6383', '4290', '1433', '5671', '445', '0', '65535', '65536', '1-65535', '443-80', '-1', 'abc', ''),
  fc.tuple(fc.integer({ min: 0, max: 70000 }), fc.integer({ min: 0, max: 70000 })).map(([a, b]) => `${a}-${b}`),
  fc.integer({ min: -5, max: 70000 }).map(String),
  expressionString,
);
const anyJson = fc.jsonValue({ maxDepth: 3 });

/** One securityRules entry: mostly well-typed, sometimes with wrong types or missing keys. */
export const securityRule = fc.record(
  {
    name: fc.oneof(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), wildString(10)),
    properties: fc.record(
      {
        priority: fc.oneof(fc.integer({ min: 100, max: 4096 }), fc.integer(), fc.constantFrom('100', null, 1e9, 1.5), expressionString),
        direction: fc.oneof(fc.constantFrom('Inbound', 'Outbound', 'inbound', 'Sideways'), expressionString),
        access: fc.oneof(fc.constantFrom('Allow', 'Deny', 'deny', 'Maybe'), expressionString),
        protocol: fc.oneof(fc.constantFrom('Tcp', 'Udp', '*', 'Icmp', 'Esp', 'Ah', 'tcp', 'Carrier-Pigeon'), expressionString),
        sourceAddressPrefix: prefix,
        sourceAddressPrefixes: fc.array(prefix, { maxLength: 4 }),
        sourcePortRange: portRange,
        destinationAddressPrefix: prefix,
        destinationAddressPrefixes: fc.array(prefix, { maxLength: 4 }),
        destinationPortRange: portRange,
        destinationPortRanges: fc.oneof(fc.array(portRange, { maxLength: 5 }), anyJson),
      },
      { requiredKeys: ['priority', 'direction', 'access'] },
    ),
  },
  { requiredKeys: ['properties'] },
);

export interface NsgCase {
  sku: unknown;
  vnetType: unknown;
  stv2: boolean;
  rules: unknown[];
  childRules: unknown[];
  prefix: unknown;
  comment: boolean;
}

export const nsgCase: fc.Arbitrary<NsgCase> = fc.record({
  sku: fc.oneof(fc.constantFrom('Developer', 'Premium', 'Basic', 'Standard', 'StandardV2', 'PremiumV2', 'Consumption', 'premium'), expressionString),
  vnetType: fc.oneof(fc.constantFrom('External', 'Internal', 'None', 'external'), expressionString),
  stv2: fc.boolean(),
  rules: fc.array(securityRule, { maxLength: 8 }),
  childRules: fc.array(securityRule, { maxLength: 3 }),
  prefix: fc.oneof(fc.constantFrom('10.60.0.0/27', '10.60.0.0/29', '10.60.0.0/24'), expressionString),
  comment: fc.boolean(),
});

/** An APIM + VNet + NSG template around the generated rules (JSON, or JSONC with comments). */
export function nsgTemplate(c: NsgCase): string {
  const t = {
    $schema: SCHEMA,
    contentVersion: '1.0.0.0',
    parameters: { sku: { type: 'string', defaultValue: 'Developer', allowedValues: ['Developer', 'Premium'] } },
    variables: { cycleA: "[variables('cycleB')]", cycleB: "[variables('cycleA')]" },
    resources: [
      { type: 'Microsoft.Network/networkSecurityGroups', apiVersion: '2023-04-01', name: 'nsg', location: 'westeurope', properties: { securityRules: c.rules } },
      ...c.childRules.map((r, i) => ({
        type: 'Microsoft.Network/networkSecurityGroups/securityRules',
        apiVersion: '2023-04-01',
        name: `nsg/child${i}`,
        dependsOn: ["[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]"],
        properties: (r as { properties: unknown }).properties,
      })),
      ...(c.stv2 ? [{ type: 'Microsoft.Network/publicIPAddresses', apiVersion: '2023-04-01', name: 'pip', location: 'westeurope', sku: { name: 'Standard' }, properties: { publicIPAllocationMethod: 'Static', dnsSettings: { domainNameLabel: 'apimfuzz' } } }] : []),
      {
        type: 'Microsoft.Network/virtualNetworks',
        apiVersion: '2023-04-01',
        name: 'vnet',
        location: 'westeurope',
        properties: {
          addressSpace: { addressPrefixes: ['10.60.0.0/16'] },
          subnets: [{ name: 'apim', properties: { addressPrefix: c.prefix, networkSecurityGroup: { id: "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]" } } }],
        },
      },
      {
        type: 'Microsoft.ApiManagement/service',
        apiVersion: c.stv2 ? '2023-05-01-preview' : '2020-12-01',
        name: 'apim',
        location: 'westeurope',
        sku: { name: c.sku, capacity: 1 },
        properties: {
          publisherEmail: 'a@contoso.com',
          publisherName: 'Contoso',
          virtualNetworkType: c.vnetType,
          virtualNetworkConfiguration: { subnetResourceId: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'apim')]" },
          ...(c.stv2 ? { publicIpAddressId: "[resourceId('Microsoft.Network/publicIPAddresses', 'pip')]" } : {}),
        },
      },
    ],
  };
  const json = JSON.stringify(t, null, 2);
  return c.comment ? `// fuzz case\n${json.replace('"resources": [', '"resources": [ /* rules */')}` : json;
}

/** A template whose interesting values are random expressions (well-formed or not). */
export const expressionTemplate: fc.Arbitrary<string> = fc
  /* each slot is sometimes a sound value, so that the whole chain (VNet mode, subnet, NSG) is reached */
  .record({
    sku: fc.oneof(fc.constantFrom('Developer', 'Basic', "[parameters('sku')]"), expressionString),
    vnetType: fc.oneof(fc.constantFrom('External', 'Internal'), expressionString),
    subnet: fc.oneof(fc.constant("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'apim')]"), expressionString),
    varA: expressionString,
    count: fc.oneof(fc.constantFrom(1, 2, "[length(createArray(1, 2))]"), expressionString),
    condition: fc.oneof(fc.constant(true), expressionString),
    port: fc.oneof(fc.constantFrom('3443', '*', '6390'), expressionString),
    location: fc.oneof(fc.constantFrom('westeurope', '[resourceGroup().location]'), expressionString),
  })
  .map((e) =>
    JSON.stringify({
      $schema: SCHEMA,
      contentVersion: '1.0.0.0',
      parameters: { sku: { type: 'string', defaultValue: 'Developer' }, vnetType: { type: 'string', allowedValues: ['External', 'Internal'] } },
      variables: { subnetId: e.subnet, cycleA: e.varA, cycleB: "[variables('cycleA')]", count: e.count },
      resources: [
        {
          type: 'Microsoft.Network/networkSecurityGroups',
          apiVersion: '2023-04-01',
          name: 'nsg',
          location: e.location,
          properties: {
            securityRules: [
              { name: 'r', properties: { priority: 100, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: e.port } },
            ],
          },
        },
        {
          type: 'Microsoft.Network/virtualNetworks/subnets',
          apiVersion: '2023-04-01',
          name: "[concat('vnet/', 'apim', if(equals(copyIndex(), 0), '', string(copyIndex())))]",
          condition: e.condition,
          copy: { name: 'loop', count: e.count },
          properties: { addressPrefix: '10.0.0.0/27', networkSecurityGroup: { id: "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]" } },
        },
        {
          type: 'Microsoft.ApiManagement/service',
          apiVersion: '2022-08-01',
          name: 'apim',
          location: e.location,
          sku: { name: e.sku, capacity: 1 },
          properties: { virtualNetworkType: e.vnetType, virtualNetworkConfiguration: { subnetResourceId: e.subnet } },
        },
        { type: 'Microsoft.Network/virtualNetworks', apiVersion: '2023-04-01', name: 'vnet', location: 'westeurope', properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] } } },
      ],
    }),
  );

/** A random JSON value placed where a template's parts go (resources, properties, sku, ...). */
export const randomTemplateJson: fc.Arbitrary<string> = fc
  .record({
    resources: fc.array(
      fc.record({
        type: fc.oneof(
          fc.constantFrom('Microsoft.ApiManagement/service', 'Microsoft.Network/virtualNetworks', 'Microsoft.Network/virtualNetworks/subnets', 'Microsoft.Network/networkSecurityGroups', 'Microsoft.Network/routeTables', 'Microsoft.Resources/deployments', 'Microsoft.Network/publicIPAddresses'),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        apiVersion: fc.oneof(fc.constantFrom('2022-08-01', '2023-04-01', '2019-01-01'), fc.jsonValue({ maxDepth: 1 })),
        name: fc.oneof(fc.constantFrom('r1', 'apim', 'nsg', 'r1/apim'), fc.string({ maxLength: 10 }), expressionString, fc.jsonValue({ maxDepth: 1 })),
        sku: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ name: fc.constantFrom('Developer', 'Premium', 'Basic', 'StandardV2'), capacity: fc.oneof(fc.integer({ min: -1, max: 12 }), fc.jsonValue({ maxDepth: 1 })) })),
        properties: fc.oneof(
          fc.jsonValue({ maxDepth: 4 }),
          // shapes that reach the chain: VNet mode, subnet references, inline subnets, NSG rows
          fc.record({
            virtualNetworkType: fc.oneof(fc.constantFrom('External', 'Internal'), fc.jsonValue({ maxDepth: 1 })),
            virtualNetworkConfiguration: fc.oneof(fc.record({ subnetResourceId: fc.oneof(fc.constant("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'r1', 'apim')]"), fc.jsonValue({ maxDepth: 1 })) }), fc.jsonValue({ maxDepth: 2 })),
            subnets: fc.array(fc.record({ name: fc.constantFrom('apim', 'other'), properties: fc.jsonValue({ maxDepth: 3 }) }), { maxLength: 2 }),
            securityRules: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }),
            additionalLocations: fc.jsonValue({ maxDepth: 3 }),
          }, { requiredKeys: [] }),
        ),
        copy: fc.jsonValue({ maxDepth: 2 }),
        resources: fc.jsonValue({ maxDepth: 3 }),
      }, { requiredKeys: ['type'] }),
      { maxLength: 6 },
    ),
    parameters: fc.jsonValue({ maxDepth: 3 }),
    variables: fc.jsonValue({ maxDepth: 3 }),
    outputs: fc.jsonValue({ maxDepth: 2 }),
    languageVersion: fc.constantFrom(undefined, '2.0', '1.10-experimental'),
  })
  .map((r) => {
    const t: Record<string, unknown> = { $schema: SCHEMA, contentVersion: '1.0.0.0', ...r };
    if (r.languageVersion === '2.0') {
      // symbolic-name form: resources is an object
      t.resources = Object.fromEntries(r.resources.map((res, i) => [`r${i}`, res]));
    }
    return JSON.stringify(t, null, 1);
  });

// ---- mutations of real templates -----------------------------------------------------------------

export type Mutation = { op: 'drop' | 'swap' | 'retype' | 'mangle'; at: number; other: number; payload: unknown; cut: number; junk: string };

export const mutations: fc.Arbitrary<Mutation[]> = fc.array(
  fc.record({
    op: fc.constantFrom('drop', 'swap', 'retype', 'mangle'),
    at: fc.nat(),
    other: fc.nat(),
    payload: fc.oneof(fc.jsonValue({ maxDepth: 2 }), expressionString),
    cut: fc.nat(),
    junk: fc.constantFrom('(', ')', '[', ']', "'", ',', '.', 'unknownFn(', "parameters('nope')", '[[', ''),
  }),
  { minLength: 1, maxLength: 6 },
);

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

function slots(v: unknown, out: Slot[]): Slot[] {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push({ parent: v, key: i }), slots(x, out)));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push({ parent: v as Record<string, unknown>, key: k }), slots(x, out);
  return out;
}

function get(s: Slot): unknown {
  return (s.parent as Record<string | number, unknown>)[s.key];
}
function set(s: Slot, x: unknown): void {
  (s.parent as Record<string | number, unknown>)[s.key] = x;
}

/** Applies the mutations to a parsed template (in place) and returns it serialized. */
export function mutate(template: unknown, ms: Mutation[]): string {
  for (const m of ms) {
    const all = slots(template, []);
    if (all.length === 0) break;
    const s = all[m.at % all.length];
    switch (m.op) {
      case 'drop':
        if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
        else delete s.parent[s.key as string];
        break;
      case 'swap': {
        const o = all[m.other % all.length];
        const a = get(s);
        const b = get(o);
        // swapping a value into its own descendant would make a cycle: only swap leaves then
        if ((a && typeof a === 'object') || (b && typeof b === 'object')) set(s, b && typeof b === 'object' ? JSON.parse(JSON.stringify(b)) : b);
        else (set(s, b), set(o, a));
        break;
      }
      case 'retype':
        set(s, m.payload);
        break;
      case 'mangle': {
        const strings = all.filter((x) => typeof get(x) === 'string' && (get(x) as string).startsWith('['));
        const t = strings.length ? strings[m.at % strings.length] : s;
        const v = String(get(t) ?? '');
        const cut = m.cut % (v.length + 1);
        set(t, v.slice(0, cut) + m.junk + v.slice(cut + (m.other % 3)));
        break;
      }
    }
  }
  return JSON.stringify(template, null, 2);
}
