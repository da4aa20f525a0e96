/** Rule tables: nsg-blocks-required-port and nsg-blocks-optional-port. */
import assert from 'node:assert/strict';
import { ruleTable, strictJson, type InvalidCase } from './harness';
import { apim, nsg, securityRule, STV2_INBOUND, template, vnet, type RuleSpec, type Obj } from './templates';

const STV1 = '2019-12-01';

function deployment(rules: RuleSpec[], opts: { apiVersion?: string; vnetType?: string; extra?: Obj } = {}): string {
  return template([
    nsg('apim-nsg', rules),
    vnet('vnet', [{ name: 'apim', nsg: 'apim-nsg' }]),
    apim({ apiVersion: opts.apiVersion, vnetType: opts.vnetType ?? 'Internal', vnet: 'vnet' }),
  ]);
}

/** The seed's own inbound rules, with an outbound deny-all-Internet like the 2019 quickstart. */
const STV1_INBOUND: RuleSpec[] = [
  { name: 'Client', priority: 100, direction: 'Inbound', src: 'Internet', dst: 'VirtualNetwork', ports: ['80', '443'] },
  { name: 'Management', priority: 110, direction: 'Inbound', src: 'ApiManagement', dst: 'VirtualNetwork', ports: '3443' },
  { name: 'Redis_In', priority: 120, direction: 'Inbound', protocol: 'Udp', src: 'VirtualNetwork', dst: 'VirtualNetwork', ports: '6381-6383' },
  { name: 'LB', priority: 130, direction: 'Inbound', protocol: '*', src: 'AzureLoadBalancer', dst: 'VirtualNetwork', ports: '*' },
];
const STV1_OUT_OK: RuleSpec[] = [
  { name: 'Sql_1433', priority: 100, direction: 'Outbound', src: 'VirtualNetwork', dst: 'Sql', ports: '1433' },
  { name: 'Storage_443', priority: 110, direction: 'Outbound', src: 'VirtualNetwork', dst: 'Internet', ports: ['80', '443'] },
];
const DENY_INTERNET_OUT: RuleSpec = { name: 'Deny_All_Internet_Outbound', priority: 999, direction: 'Outbound', access: 'Deny', protocol: '*', src: 'VirtualNetwork', dst: 'Internet', ports: '*' };

function withRule(text: string, nsgIndex: number, rule: Obj): string {
  const obj = JSON.parse(text);
  obj.resources[nsgIndex].properties.securityRules.push(rule);
  return JSON.stringify(obj, null, 2) + '\n';
}

const denyStorage = deployment([...STV2_INBOUND, { name: 'DenyStorage', priority: 200, direction: 'Outbound', access: 'Deny', dst: 'Storage', ports: '443' }]);
const denyStorageFixed = withRule(denyStorage, 0, {
  name: 'Allow_Dependency_Azure_Storage_Outbound',
  properties: {
    description: 'API Management (stv2 row 6): Dependency on Azure Storage',
    protocol: 'Tcp',
    sourcePortRange: '*',
    destinationPortRange: '443',
    sourceAddressPrefix: 'VirtualNetwork',
    destinationAddressPrefix: 'Storage',
    access: 'Allow',
    priority: 100,
    direction: 'Outbound',
  },
});

const stv1Deny = deployment([...STV1_INBOUND, ...STV1_OUT_OK, DENY_INTERNET_OUT], { apiVersion: STV1, vnetType: 'External' });
const noManagement = deployment(STV2_INBOUND.filter((r) => r.name !== 'Management'));
const copyLoop = template(
  [
    {
      type: 'Microsoft.Network/networkSecurityGroups',
      apiVersion: '2023-11-01',
      name: 'apim-nsg',
      location: 'westeurope',
      properties: {
        copy: [{ name: 'securityRules', count: "[length(parameters('rules'))]", input: "[parameters('rules')[copyIndex('securityRules')]]" }],
      },
    },
    vnet('vnet', [{ name: 'apim', nsg: 'apim-nsg' }]),
    apim({ vnetType: 'Internal', vnet: 'vnet' }),
  ],
  {
    parameters: {
      rules: {
        type: 'array',
        defaultValue: [
          securityRule({ name: 'LB', priority: 120, direction: 'Inbound', src: 'AzureLoadBalancer', dst: 'VirtualNetwork', ports: '6390' }),
          securityRule({ name: 'DenyAllIn', priority: 4000, direction: 'Inbound', access: 'Deny', protocol: '*' }),
        ],
      },
    },
  },
);
const childRules = template([
  { type: 'Microsoft.Network/networkSecurityGroups', apiVersion: '2023-11-01', name: 'apim-nsg', location: 'westeurope', properties: {} },
  ...STV2_INBOUND.filter((r) => r.name !== 'Management').map((r) => ({
    type: 'Microsoft.Network/networkSecurityGroups/securityRules',
    apiVersion: '2023-11-01',
    name: `apim-nsg/${r.name}`,
    dependsOn: ["[resourceId('Microsoft.Network/networkSecurityGroups', 'apim-nsg')]"],
    properties: securityRule(r).properties,
  })),
  vnet('vnet', [{ name: 'apim', nsg: 'apim-nsg' }]),
  apim({ vnetType: 'Internal', vnet: 'vnet' }),
]);

ruleTable('nsg-blocks-required-port', {
  valid: [
    { name: 'stv2 with the inbound rules (outbound open by default)', text: deployment(STV2_INBOUND) },
    { name: 'a deny of one CIDR does not block the Storage tag', text: deployment([...STV2_INBOUND, { name: 'DenyOne', priority: 200, direction: 'Outbound', access: 'Deny', dst: '203.0.113.0/24', ports: '443' }]) },
    { name: 'a deny of Storage after an Allow of Storage', text: deployment([...STV2_INBOUND, { name: 'AllowSt', priority: 150, direction: 'Outbound', dst: 'Storage', ports: '443' }, { name: 'DenySt', priority: 200, direction: 'Outbound', access: 'Deny', dst: 'Storage', ports: '443' }]) },
    { name: 'Allow to Storage.WestEurope (the APIM region) covers Storage', text: deployment([...STV2_INBOUND, { name: 'AllowSt', priority: 150, direction: 'Outbound', dst: 'Storage.WestEurope', ports: '443' }, { name: 'DenySt', priority: 200, direction: 'Outbound', access: 'Deny', dst: 'Storage', ports: '443' }]) },
    { name: 'service tags compare case-insensitively (SQL = Sql)', text: deployment([...STV2_INBOUND, { name: 'AllowAll', priority: 140, direction: 'Outbound', dst: 'Internet', ports: ['80', '443', '1886'] }, { name: 'AllowSql', priority: 150, direction: 'Outbound', dst: 'SQL', ports: '1433' }, { name: 'DenyInternet', priority: 200, direction: 'Outbound', access: 'Deny', protocol: '*', dst: 'Internet' }]) },
    { name: 'client row reachable only from Front Door (narrower source)', text: deployment([{ ...STV2_INBOUND[0], src: 'AzureFrontDoor.Backend' }, ...STV2_INBOUND.slice(1), { name: 'DenyInternetIn', priority: 4000, direction: 'Inbound', access: 'Deny', protocol: '*', src: 'Internet' }], { vnetType: 'External' }) },
    { name: 'stv1 with every row allowed', text: deployment([...STV1_INBOUND, ...STV1_OUT_OK, { name: 'Sql_V12', priority: 120, direction: 'Outbound', dst: 'Sql', ports: ['11000-11999', '14000-14999'] }, { name: 'SB', priority: 130, direction: 'Outbound', dst: 'ServiceBus', ports: '9350-9354' }, { name: 'EH', priority: 140, direction: 'Outbound', dst: 'EventHub', ports: '5671' }, { name: 'Files', priority: 150, direction: 'Outbound', dst: 'Storage', ports: '445' }, { name: 'Redis_Out', priority: 160, direction: 'Outbound', protocol: 'Udp', src: 'VirtualNetwork', dst: 'VirtualNetwork', ports: '6381-6383' }, DENY_INTERNET_OUT], { apiVersion: STV1, vnetType: 'External' }) },
    { name: 'priority from a parameter without value: unknown, not an error', text: template([nsg('apim-nsg', [...STV2_INBOUND.slice(0, 1), { ...STV2_INBOUND[1] }, STV2_INBOUND[2], { name: 'DenyStorage', priority: 0, direction: 'Outbound', access: 'Deny', dst: 'Storage', ports: '443' }]), vnet('vnet', [{ name: 'apim', nsg: 'apim-nsg' }]), apim({ vnetType: 'Internal', vnet: 'vnet' })], { parameters: { p: { type: 'int' } } }).replace('"priority": 0', `"priority": "[parameters('p')]"`) },
  ],
  invalid: [
    {
      name: 'stv2: a custom deny of Storage 443 (fix inserted byte for byte)',
      text: denyStorage,
      findings: [
        {
          message: ['"Dependency on Azure Storage" (stv2 row 6, required)', "port 443 blocked by 'DenyStorage' (priority 200)", 'priority below 200'],
          severity: 'error',
          profile: 'stv2',
          rangeText: '"Deny"',
          fix: { title: /Add an Allow rule for "Dependency on Azure Storage" \(stv2 row 6\)/, output: denyStorageFixed },
        },
      ],
    },
    {
      name: 'the default DenyAllInBound blocks 3443 when nothing allows it: finding on the securityRules key',
      text: noManagement,
      findings: [{ message: ['stv2 row 2', "port 3443 blocked by default rule 'DenyAllInBound' (priority 65500)"], severity: 'error', rangeText: '"securityRules"', fix: { title: /Management endpoint/, check: (out: string) => assert.ok(strictJson(out)) } }],
    },
    {
      name: 'partial overlap: a deny of 9000-9351 blocks only 9350-9351 of the Service Bus row',
      text: deployment([...STV1_INBOUND, ...STV1_OUT_OK, { name: 'Sql_V12', priority: 120, direction: 'Outbound', dst: 'Sql', ports: ['11000-11999', '14000-14999'] }, { name: 'Partial', priority: 130, direction: 'Outbound', access: 'Deny', dst: 'Internet', ports: '9000-9351' }], { apiVersion: STV1 }),
      findings: [{ message: ['stv1 row 7', 'ports 9350-9351 blocked by'], severity: 'error', rangeText: '"Deny"' }],
    },
    {
      name: 'protocol * deny of VirtualNetwork traffic blocks the UDP Redis row in both directions (one finding)',
      text: deployment([...STV1_INBOUND.filter((r) => r.name !== 'Redis_In'), ...STV1_OUT_OK, { name: 'Sql_V12', priority: 120, direction: 'Outbound', dst: 'Sql', ports: ['11000-11999', '14000-14999'] }, { name: 'SB', priority: 130, direction: 'Outbound', dst: 'ServiceBus', ports: '9350-9354' }, { name: 'NoVnetIn', priority: 4000, direction: 'Inbound', access: 'Deny', protocol: '*', src: 'VirtualNetwork', dst: 'VirtualNetwork' }, { name: 'NoVnetOut', priority: 4000, direction: 'Outbound', access: 'Deny', protocol: '*', src: 'VirtualNetwork', dst: 'VirtualNetwork' }], { apiVersion: STV1 }),
      findings: [{ message: ['stv1 row 9', 'inbound UDP', 'outbound UDP', 'ports 6381-6383 blocked'], severity: 'error', rangeText: '"Deny"' }],
    },
    {
      name: 'rules built by a copy loop over a parameter: no fix, says why',
      text: copyLoop,
      findings: [
        { message: ['stv2 row 2', "blocked by 'DenyAllIn' (priority 4000)"], severity: 'error', rangeText: '"[parameters(\'rules\')[copyIndex(\'securityRules\')]]"', noFix: /not written literally|built by/ },
      ],
    },
    {
      name: 'a deny at priority 100 leaves no free priority: no fix, says why',
      text: deployment([{ name: 'DenyFirst', priority: 100, direction: 'Inbound', access: 'Deny', protocol: '*', src: '*', dst: '*' }, ...STV2_INBOUND.map((r) => ({ ...r, priority: r.priority + 100 }))]),
      findings: [
        { message: ['stv2 row 2', "'DenyFirst' (priority 100)"], severity: 'error', rangeText: '"Deny"', noFix: /no free priority exists below 100/ },
        { message: ['stv2 row 3', "'DenyFirst' (priority 100)"], severity: 'error', rangeText: '"Deny"', noFix: /no free priority/ },
      ],
    },
    {
      name: 'rules kept as child resources: the fix adds a securityRules child resource',
      text: childRules,
      findings: [
        {
          message: ['stv2 row 2'],
          severity: 'error',
          rangeText: '"apim-nsg"',
          occurrence: 0,
          fix: {
            title: /Management endpoint/,
            check: (out: string) => {
              assert.ok(strictJson(out));
              assert.ok(out.includes('"name": "apim-nsg/Allow_'), 'a child rule resource named <nsg>/<rule>');
              assert.ok(out.includes('"type": "Microsoft.Network/networkSecurityGroups/securityRules"'));
            },
          },
        },
      ],
    },
  ] as InvalidCase[],
});

// stv1 (the seed's table): the 2019 quickstart pattern. Rows 1, 2, 4, 9, 11 are allowed by the
// explicit rules and row 3 (80, 443 outbound) by 'Storage_443'; Deny_All_Internet_Outbound at 999
// then blocks Azure SQL V12 (rows 5, 6) and Service Bus (row 7), as the example says.
ruleTable('nsg-blocks-required-port', {
  valid: [],
  invalid: [
    {
      name: 'stv1 (seed table): Internet outbound denied at 999 blocks rows 5, 6 and 7',
      text: stv1Deny,
      findings: [
        { message: ['stv1 row 5', 'ports 11000-11999 blocked'], severity: 'error', rangeText: '"Deny"', profile: 'stv1' },
        { message: ['stv1 row 6', 'ports 14000-14999 blocked'], severity: 'error', rangeText: '"Deny"' },
        {
          message: ['stv1 row 7', 'ports 9350-9354 blocked', "'Deny_All_Internet_Outbound' (priority 999)", 'may become inaccessible'],
          severity: 'error',
          rangeText: '"Deny"',
          fix: { title: /Service Bus/, check: (out: string) => assert.ok(strictJson(out)) },
        },
      ],
    },
  ],
});

ruleTable('nsg-blocks-optional-port', {
  valid: [
    { name: 'stv2 defaults allow every optional row', text: deployment(STV2_INBOUND) },
    { name: 'turned off in the config', text: deployment([...STV2_INBOUND, { name: 'NoEH', priority: 300, direction: 'Outbound', access: 'Deny', dst: 'EventHub', ports: '5671-5672' }]), config: { rules: { 'nsg-blocks-optional-port': 'off' } } },
  ],
  invalid: [
    {
      name: 'stv2: Event Hubs 5671-5672 denied',
      text: deployment([...STV2_INBOUND, { name: 'NoEH', priority: 300, direction: 'Outbound', access: 'Deny', dst: 'EventHub', ports: '5671-5672' }]),
      findings: [{ message: ['"Log to Event Hubs policy" (stv2 row 12, optional)', 'ports 5671-5672 blocked'], severity: 'warning', rangeText: '"Deny"', fix: { title: /Event Hubs/, check: (out: string) => assert.ok(strictJson(out)) } }],
    },
    {
      name: 'severity overridden to error by the config',
      text: deployment([...STV2_INBOUND, { name: 'NoEH', priority: 300, direction: 'Outbound', access: 'Deny', dst: 'EventHub', ports: '5671-5672' }]),
      config: { rules: { 'nsg-blocks-optional-port': 'error' } },
      findings: [{ message: ['stv2 row 12'], severity: 'error', rangeText: '"Deny"' }],
    },
  ],
});


// Spec audit (requirements.md "How a requirement is evaluated", rules.md nsg-blocks-*).
const v2Injection = (rules: RuleSpec[], apiVersion?: string): string =>
  template([
    nsg('apim-nsg', rules),
    vnet('vnet', [{ name: 'apim', nsg: 'apim-nsg', prefix: '10.0.1.0/27', delegations: ['Microsoft.Web/hostingEnvironments'] }]),
    apim({ apiVersion, sku: 'PremiumV2', vnetType: 'Internal', vnet: 'vnet' }),
  ]);
const DENY_STORAGE_OUT: RuleSpec = { name: 'DenyStorage', priority: 200, direction: 'Outbound', access: 'Deny', dst: 'Storage', ports: '443' };
/** A rule of the NSG written with a number where ARM usually has a string. */
function withNumericPort(text: string, ruleName: string, port: number): string {
  const obj = JSON.parse(text);
  for (const r of obj.resources[0].properties.securityRules) if (r.name === ruleName) r.properties.destinationPortRange = port;
  return JSON.stringify(obj, null, 2) + '\n';
}
/** Replaces a rule's address prefix by an application security group (which covers nothing). */
function withAsg(text: string, ruleName: string, side: 'source' | 'destination'): string {
  const obj = JSON.parse(text);
  for (const r of obj.resources[0].properties.securityRules) {
    if (r.name !== ruleName) continue;
    delete r.properties[`${side}AddressPrefix`];
    r.properties[`${side}ApplicationSecurityGroups`] = [{ id: "[resourceId('Microsoft.Network/applicationSecurityGroups', 'asg')]" }];
  }
  return JSON.stringify(obj, null, 2) + '\n';
}

ruleTable('nsg-blocks-required-port', {
  valid: [
    { name: 'PremiumV2 injection: Storage 443 open by the defaults', text: v2Injection([]) },
    {
      name: 'an Allow whose destinationPortRange is the number 3443 opens 3443 before a deny of everything from Internet',
      text: withNumericPort(deployment([...STV2_INBOUND, { name: 'DenyInternetIn', priority: 4000, direction: 'Inbound', access: 'Deny', protocol: '*', src: 'Internet' }]), 'Management', 3443),
    },
    { name: 'a deny from an application security group blocks nothing', text: withAsg(deployment([{ name: 'DenyAsg', priority: 90, direction: 'Inbound', access: 'Deny', ports: '3443' }, ...STV2_INBOUND]), 'DenyAsg', 'source') },
    { name: 'a deny of half of the APIM subnet does not cover the subnet', text: deployment([{ name: 'DenyHalf', priority: 90, direction: 'Inbound', access: 'Deny', dst: '10.0.1.0/25', ports: '3443' }, ...STV2_INBOUND]) },
    { name: 'a deny of another region\'s ApiManagement tag does not block the APIM region', text: deployment([{ name: 'DenyOther', priority: 90, direction: 'Inbound', access: 'Deny', src: 'ApiManagement.EastUS', ports: '3443' }, ...STV2_INBOUND]) },
    { name: 'a UDP deny does not block a TCP row', text: deployment([{ name: 'DenyUdp', priority: 90, direction: 'Inbound', access: 'Deny', protocol: 'Udp', ports: '3443' }, ...STV2_INBOUND]) },
  ],
  invalid: [
    {
      name: 'PremiumV2 injection: a deny of Storage 443 is reported as the v2 row, not as a row of the stv2 table',
      text: v2Injection([DENY_STORAGE_OUT]),
      findings: [
        {
          message: ['"VNet injection: dependency on Azure Storage" (v2 row 1, required)', "port 443 blocked by 'DenyStorage' (priority 200)", /^(?![\s\S]*stv2 row)/],
          severity: 'error',
          rangeText: '"Deny"',
          fix: { title: /Add an Allow rule for "VNet injection: dependency on Azure Storage" \(v2 row 1\)/, check: (out: string) => assert.ok(strictJson(out)) },
        },
      ],
    },
    {
      name: 'PremiumV2 injection with a pre-2021-08-01 apiVersion: the v2 row gets no stv1 seed sentence',
      text: v2Injection([DENY_STORAGE_OUT], STV1),
      findings: [{ message: ['(v2 row 1, required)', /^(?![\s\S]*\(seed\))/], severity: 'error', rangeText: '"Deny"' }],
    },
    {
      name: 'an Allow of 3443 only through a destination application security group does not satisfy the management row',
      text: withAsg(deployment([...STV2_INBOUND, { name: 'DenyInternetIn', priority: 4000, direction: 'Inbound', access: 'Deny', protocol: '*', src: 'Internet' }]), 'Management', 'destination'),
      findings: [{ message: ['stv2 row 2', "port 3443 blocked by 'DenyInternetIn' (priority 4000)"], severity: 'error', rangeText: '"Deny"' }],
    },
  ] as InvalidCase[],
});
