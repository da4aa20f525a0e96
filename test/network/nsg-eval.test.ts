import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unknown, type Value, type ValueObject } from '../../server/src/expressions/value';
import { defaultRules, describeBlocked, evaluateRow, evaluateRows, ruleFromArmProperties, type NsgRuleView, type RowVerdict } from '../../server/src/network/nsg';
import { STV1_ROWS, STV2_ROWS, rowsFor, type RequirementRow } from '../../server/src/requirements';
import type { AddressEnv } from '../../server/src/network/addresses';

const env: AddressEnv = { subnetPrefixes: ['10.0.1.0/24'], vnetAddressSpace: ['10.0.0.0/16'], region: 'westeurope' };

interface R {
  name?: string;
  priority: Value;
  dir?: Value;
  access?: Value;
  proto?: Value;
  src?: Value;
  dst?: Value;
  srcs?: Value;
  dsts?: Value;
  sp?: Value;
  dp?: Value;
  dps?: Value;
  srcAsg?: Value;
  dstAsg?: Value;
}
let n = 0;
function rule(r: R): NsgRuleView {
  const p: ValueObject = {
    priority: r.priority,
    direction: r.dir ?? 'Outbound',
    access: r.access ?? 'Allow',
    protocol: r.proto ?? 'Tcp',
    sourcePortRange: r.sp ?? '*',
  };
  if (r.src !== undefined) p.sourceAddressPrefix = r.src;
  if (r.dst !== undefined) p.destinationAddressPrefix = r.dst;
  if (r.srcs !== undefined) p.sourceAddressPrefixes = r.srcs;
  if (r.dsts !== undefined) p.destinationAddressPrefixes = r.dsts;
  if (r.dp !== undefined) p.destinationPortRange = r.dp;
  if (r.dps !== undefined) p.destinationPortRanges = r.dps;
  if (r.srcAsg !== undefined) p.sourceApplicationSecurityGroups = r.srcAsg;
  if (r.dstAsg !== undefined) p.destinationApplicationSecurityGroups = r.dstAsg;
  return ruleFromArmProperties(r.name ?? `rule${++n}`, p);
}
const row = (t: readonly RequirementRow[], i: number) => t.find((r) => r.row === i)!;
const S1 = (i: number) => row(STV1_ROWS, i);
const S2 = (i: number) => row(STV2_ROWS, i);
const DENY_ALL_OUT = (priority = 4096, name = 'Deny_All_Outbound') => rule({ name, priority, access: 'Deny', proto: '*', src: '*', dst: '*', dp: '*' });
const DENY_ALL_IN = (priority = 4096, name = 'Deny_All_Inbound') => rule({ name, priority, dir: 'Inbound', access: 'Deny', proto: '*', src: '*', dst: '*', dp: '*' });

function summary(v: RowVerdict): string {
  if (v.status === 'satisfied') return 'ok';
  const parts = [
    ...v.blocked.map((b) => `blocked ${b.portsText} by ${b.rule.name}`),
    ...v.unknown.map((u) => `unknown ${u.portsText}: ${u.reason}`),
  ];
  return parts.join('; ');
}

interface Case {
  name: string;
  rules: NsgRuleView[];
  row: RequirementRow;
  dir?: 'Inbound' | 'Outbound';
  want: string | RegExp;
  env?: AddressEnv;
}

const cases: Case[] = [
  // --- defaults
  { name: 'no custom rules: outbound Sql allowed by AllowInternetOutBound', rules: [], row: S1(4), want: 'ok' },
  { name: 'no custom rules: inbound management blocked by DenyAllInBound', rules: [], row: S1(2), want: 'blocked 3443 by DenyAllInBound' },
  { name: 'no custom rules: AzureLoadBalancer allowed by default', rules: [], row: S1(11), want: 'ok' },
  { name: 'no custom rules: Redis VNet→VNet allowed inbound by AllowVnetInBound', rules: [], row: S1(9), dir: 'Inbound', want: 'ok' },
  { name: 'no custom rules: Redis VNet→VNet allowed outbound by AllowVnetOutBound', rules: [], row: S1(9), dir: 'Outbound', want: 'ok' },
  { name: 'no custom rules: client row blocked (defaults alone never satisfy it)', rules: [], row: S1(1), dir: 'Inbound', want: 'blocked 80, 443 by DenyAllInBound' },
  { name: 'deny all outbound: blocked by the custom deny', rules: [DENY_ALL_OUT()], row: S1(4), want: 'blocked 1433 by Deny_All_Outbound' },
  { name: 'deny all outbound overrides AllowVnetOutBound for Redis', rules: [DENY_ALL_OUT()], row: S1(9), dir: 'Outbound', want: 'blocked 6381-6383 by Deny_All_Outbound' },
  // --- priority order
  {
    name: 'allow before deny wins',
    rules: [DENY_ALL_OUT(200), rule({ name: 'AllowSql', priority: 100, src: 'VirtualNetwork', dst: 'Sql', dp: '1433' })],
    row: S1(4),
    want: 'ok',
  },
  {
    name: 'deny before allow wins (order in the array does not matter)',
    rules: [rule({ name: 'AllowSql', priority: 300, src: 'VirtualNetwork', dst: 'Sql', dp: '1433' }), DENY_ALL_OUT(200)],
    row: S1(4),
    want: 'blocked 1433 by Deny_All_Outbound',
  },
  {
    name: 'priority given as a numeric string',
    rules: [DENY_ALL_OUT(200), rule({ name: 'AllowSql', priority: '100', src: 'VirtualNetwork', dst: 'Sql', dp: '1433' })],
    row: S1(4),
    want: 'ok',
  },
  // --- partial port overlap
  {
    name: 'a deny 9000-9351 blocks only 9350-9351 of 9350-9354',
    rules: [rule({ name: 'DenySome', priority: 100, access: 'Deny', src: '*', dst: '*', dp: '9000-9351' }), DENY_ALL_OUT(4000)],
    row: S1(7),
    want: /blocked 9350-9351 by DenySome; blocked 9352-9354 by Deny_All_Outbound/,
  },
  {
    name: 'allow of part of the range: the rest blocked by the deny',
    rules: [rule({ name: 'AllowPart', priority: 100, src: 'VirtualNetwork', dst: 'Internet', dp: '9350-9352' }), DENY_ALL_OUT(4000)],
    row: S1(7),
    want: 'blocked 9353-9354 by Deny_All_Outbound',
  },
  {
    name: 'deny of 443 only blocks 443 of 80, 443 (stv1 row 3)',
    rules: [rule({ name: 'Deny443', priority: 100, access: 'Deny', src: '*', dst: 'Internet', dp: '443' })],
    row: S1(3),
    want: 'blocked 443 by Deny443',
  },
  {
    name: 'plural destination port ranges allow both ports',
    rules: [rule({ name: 'AllowWeb', priority: 100, src: 'VirtualNetwork', dst: 'Internet', dps: ['80', '443'] }), DENY_ALL_OUT(4000)],
    row: S1(3),
    want: 'ok',
  },
  {
    name: 'port lists with several ranges: stv2 EventHub 5671, 5672, 443',
    rules: [rule({ name: 'AllowEH', priority: 100, src: 'VirtualNetwork', dst: 'EventHub', dps: ['5671-5672'] }), DENY_ALL_OUT(4000)],
    row: S2(12),
    want: 'blocked 443 by Deny_All_Outbound',
  },
  // --- protocols
  {
    name: 'protocol * allow covers a Tcp row',
    rules: [rule({ name: 'AllowAny', priority: 100, proto: '*', src: 'VirtualNetwork', dst: 'Sql', dp: '1433' }), DENY_ALL_OUT(4000)],
    row: S1(4),
    want: 'ok',
  },
  {
    name: 'a Udp allow does not satisfy a Tcp row',
    rules: [rule({ name: 'AllowUdp', priority: 100, proto: 'Udp', src: 'VirtualNetwork', dst: 'Sql', dp: '1433' }), DENY_ALL_OUT(4000)],
    row: S1(4),
    want: 'blocked 1433 by Deny_All_Outbound',
  },
  {
    name: 'a Tcp deny does not block a Udp row (stv1 Redis)',
    rules: [rule({ name: 'DenyTcp', priority: 100, proto: 'Tcp', src: '*', dst: '*', dp: '*' })],
    row: S1(9),
    dir: 'Outbound',
    want: 'ok',
  },
  {
    name: 'an Icmp deny blocks neither Tcp nor Udp',
    rules: [rule({ name: 'DenyIcmp', priority: 100, proto: 'Icmp', access: 'Deny', src: '*', dst: '*', dp: '*' })],
    row: S1(4),
    want: 'ok',
  },
  {
    name: 'a Udp deny blocks the Udp row (stv2 rate-limit sync, inbound)',
    rules: [rule({ name: 'DenyUdp', priority: 100, dir: 'Inbound', proto: 'Udp', access: 'Deny', src: '*', dst: '*', dp: '*' })],
    row: S2(15),
    dir: 'Inbound',
    want: 'blocked 4290 by DenyUdp',
  },
  {
    name: 'a * deny blocks the Udp row',
    rules: [rule({ name: 'DenyAll', priority: 100, dir: 'Inbound', proto: '*', access: 'Deny', src: '*', dst: '*', dp: '*' })],
    row: S1(9),
    dir: 'Inbound',
    want: 'blocked 6381-6383 by DenyAll',
  },
  {
    name: 'source port range: an allow with source 6381-6383 covers the Redis class (source 6381-6383)',
    rules: [rule({ name: 'AllowRedis', priority: 100, proto: 'Udp', sp: '6381-6383', src: 'VirtualNetwork', dst: 'VirtualNetwork', dp: '6381-6383' }), DENY_ALL_OUT(4000)],
    row: S1(9),
    dir: 'Outbound',
    want: 'ok',
  },
  {
    name: 'source port range: an allow with source port 1000 does not cover a * source-port class',
    rules: [rule({ name: 'AllowSp', priority: 100, sp: '1000', src: 'VirtualNetwork', dst: 'Sql', dp: '1433' }), DENY_ALL_OUT(4000)],
    row: S1(4),
    want: 'blocked 1433 by Deny_All_Outbound',
  },
  // --- direction
  {
    name: 'an inbound deny does not affect an outbound row',
    rules: [DENY_ALL_IN(100)],
    row: S1(4),
    want: 'ok',
  },
  {
    name: 'direction compared case-insensitively',
    rules: [rule({ name: 'Deny', priority: 100, dir: 'outbound', access: 'Deny', proto: '*', src: '*', dst: '*', dp: '*' })],
    row: S1(4),
    want: 'blocked 1433 by Deny',
  },
  // --- coverage in the evaluator
  {
    name: 'a deny of one specific CIDR does not block a whole service tag',
    rules: [rule({ name: 'DenyCidr', priority: 100, access: 'Deny', src: '*', dst: '13.64.0.0/11', dp: '*' })],
    row: S1(4),
    want: 'ok',
  },
  {
    name: 'a deny of Internet blocks Sql traffic',
    rules: [rule({ name: 'DenyInternet', priority: 100, access: 'Deny', src: '*', dst: 'Internet', dp: '*' })],
    row: S1(4),
    want: 'blocked 1433 by DenyInternet',
  },
  {
    name: 'a deny of AzureCloud blocks Sql traffic',
    rules: [rule({ name: 'DenyCloud', priority: 100, access: 'Deny', src: '*', dst: 'AzureCloud', dp: '*' })],
    row: S2(7),
    want: 'blocked 1433 by DenyCloud',
  },
  {
    name: 'a deny of AzureCloud does not block Internet (stv2 row 5)',
    rules: [rule({ name: 'DenyCloud', priority: 100, access: 'Deny', src: '*', dst: 'AzureCloud', dp: '*' })],
    row: S2(5),
    want: 'ok',
  },
  {
    name: 'an allow to Sql satisfies stv1 row 4 (seed INTERNET class is Sql)',
    rules: [rule({ name: 'AllowSql', priority: 100, src: 'VirtualNetwork', dst: 'SQL', dp: '1433' }), DENY_ALL_OUT(4000)],
    row: S1(4),
    want: 'ok',
  },
  {
    name: 'an allow to Storage does not satisfy Sql',
    rules: [rule({ name: 'AllowStorage', priority: 100, src: 'VirtualNetwork', dst: 'Storage', dp: '1433' }), DENY_ALL_OUT(4000)],
    row: S1(4),
    want: 'blocked 1433 by Deny_All_Outbound',
  },
  {
    name: 'an allow of the regional tag of the APIM region satisfies',
    rules: [rule({ name: 'AllowSqlWE', priority: 100, src: 'VirtualNetwork', dst: 'Sql.WestEurope', dp: '1433' }), DENY_ALL_OUT(4000)],
    row: S1(4),
    want: 'ok',
  },
  {
    name: 'an allow of the regional tag of another region does not satisfy',
    rules: [rule({ name: 'AllowSqlNE', priority: 100, src: 'VirtualNetwork', dst: 'Sql.NorthEurope', dp: '1433' }), DENY_ALL_OUT(4000)],
    row: S1(4),
    want: 'blocked 1433 by Deny_All_Outbound',
  },
  {
    name: 'a deny of a regional tag of another region does not block',
    rules: [rule({ name: 'DenySqlNE', priority: 100, access: 'Deny', src: '*', dst: 'Sql.NorthEurope', dp: '*' })],
    row: S1(4),
    want: 'ok',
  },
  {
    name: 'source: the VNet address space covers the APIM subnet',
    rules: [rule({ name: 'AllowSql', priority: 100, src: '10.0.0.0/16', dst: 'Sql', dp: '1433' }), DENY_ALL_OUT(4000)],
    row: S1(4),
    want: 'ok',
  },
  {
    name: 'source: a CIDR of another subnet does not cover the APIM subnet',
    rules: [rule({ name: 'AllowSql', priority: 100, src: '10.0.2.0/24', dst: 'Sql', dp: '1433' }), DENY_ALL_OUT(4000)],
    row: S1(4),
    want: 'blocked 1433 by Deny_All_Outbound',
  },
  {
    name: 'plural source prefixes: one entry containing the subnet covers it',
    rules: [rule({ name: 'AllowSql', priority: 100, srcs: ['192.168.0.0/16', '10.0.1.0/24'], dst: 'Sql', dp: '1433' }), DENY_ALL_OUT(4000)],
    row: S1(4),
    want: 'ok',
  },
  {
    name: 'plural source prefixes: two halves of the APIM subnet cover it together',
    rules: [rule({ name: 'AllowSql', priority: 100, srcs: ['10.0.1.128/25', '10.0.1.0/25'], dst: 'Sql', dp: '1433' }), DENY_ALL_OUT(4000)],
    row: S1(4),
    want: 'ok',
  },
  {
    name: 'plural source prefixes: two disjoint parts do not cover the subnet',
    rules: [rule({ name: 'AllowSql', priority: 100, srcs: ['10.0.1.0/26', '10.0.1.128/25'], dst: 'Sql', dp: '1433' }), DENY_ALL_OUT(4000)],
    row: S1(4),
    want: 'blocked 1433 by Deny_All_Outbound',
  },
  {
    name: 'plural destination prefixes: Sql among them',
    rules: [rule({ name: 'AllowDeps', priority: 100, src: 'VirtualNetwork', dsts: ['Storage', 'Sql'], dp: '1433' }), DENY_ALL_OUT(4000)],
    row: S1(4),
    want: 'ok',
  },
  {
    name: 'AzureLoadBalancer row: Internet allow does not cover it, DenyAll blocks',
    rules: [rule({ name: 'AllowInet', priority: 100, dir: 'Inbound', src: 'Internet', dst: '*', dp: '*' }), DENY_ALL_IN(4000)],
    row: S1(11),
    want: 'blocked * by Deny_All_Inbound',
  },
  {
    name: 'AzureLoadBalancer row: a CIDR containing 168.63.129.16 satisfies',
    rules: [rule({ name: 'AllowLB', priority: 100, dir: 'Inbound', src: '168.63.129.16/32', dst: 'VirtualNetwork', dp: '*' }), DENY_ALL_IN(4000)],
    row: S1(11),
    want: 'ok',
  },
  {
    name: 'AzureLoadBalancer row: a deny of VirtualNetwork sources does not block the load balancer',
    rules: [rule({ name: 'DenyVnet', priority: 100, dir: 'Inbound', access: 'Deny', proto: '*', src: 'VirtualNetwork', dst: '*', dp: '*' })],
    row: S2(3),
    want: 'ok',
  },
  // --- ASGs
  {
    name: 'an allow whose destination is an ASG does not satisfy',
    rules: [rule({ name: 'AllowAsg', priority: 100, dir: 'Inbound', src: 'ApiManagement', dstAsg: [{ id: '/subscriptions/x/asg' }], dp: '3443' })],
    row: S1(2),
    want: 'blocked 3443 by DenyAllInBound',
  },
  {
    name: 'a deny whose source is an ASG does not block',
    rules: [rule({ name: 'DenyAsg', priority: 100, access: 'Deny', srcAsg: [{ id: '/subscriptions/x/asg' }], dst: '*', dp: '*' })],
    row: S1(4),
    want: 'ok',
  },
  // --- stv2 management row with ApiManagement tag
  {
    name: 'stv2 management: ApiManagement → VirtualNetwork 3443 allowed',
    rules: [rule({ name: 'Mgmt', priority: 100, dir: 'Inbound', src: 'ApiManagement', dst: 'VirtualNetwork', dp: '3443' }), DENY_ALL_IN(4000)],
    row: S2(2),
    want: 'ok',
  },
  {
    name: 'stv1 management: an Internet source also covers ApiManagement',
    rules: [rule({ name: 'Mgmt', priority: 100, dir: 'Inbound', src: 'Internet', dst: 'VirtualNetwork', dp: '3443' }), DENY_ALL_IN(4000)],
    row: S1(2),
    want: 'ok',
  },
  // --- client row
  {
    name: 'client row: Internet allowed',
    rules: [rule({ name: 'Client', priority: 100, dir: 'Inbound', src: 'Internet', dst: 'VirtualNetwork', dps: ['80', '443'] })],
    row: S1(1),
    want: 'ok',
  },
  {
    name: 'client row: only Front Door may call (narrower source)',
    rules: [rule({ name: 'FrontDoor', priority: 100, dir: 'Inbound', src: 'AzureFrontDoor.Backend', dst: 'VirtualNetwork', dps: ['80', '443'] }), DENY_ALL_IN(4000)],
    row: S2(1),
    want: 'ok',
  },
  {
    name: 'client row: only an App Gateway subnet CIDR may call 443; 80 blocked',
    rules: [rule({ name: 'AppGw', priority: 100, dir: 'Inbound', src: '10.0.5.0/24', dst: '10.0.1.0/24', dp: '443' }), DENY_ALL_IN(4000)],
    row: S2(1),
    want: 'blocked 80 by Deny_All_Inbound',
  },
  {
    name: 'client row: the narrower allow comes after a deny covering its source',
    rules: [
      rule({ name: 'DenyVnet', priority: 100, dir: 'Inbound', access: 'Deny', src: 'VirtualNetwork', dst: '*', dp: '*' }),
      rule({ name: 'AppGw', priority: 200, dir: 'Inbound', src: '10.0.5.0/24', dst: 'VirtualNetwork', dps: ['80', '443'] }),
    ],
    row: S2(1),
    want: 'blocked 80, 443 by DenyAllInBound',
  },
  {
    name: 'client row: an earlier deny of another CIDR does not stop the narrower allow',
    rules: [
      rule({ name: 'DenyBad', priority: 100, dir: 'Inbound', access: 'Deny', src: '198.51.100.0/24', dst: '*', dp: '*' }),
      rule({ name: 'Partner', priority: 200, dir: 'Inbound', src: '203.0.113.0/24', dst: 'VirtualNetwork', dps: ['80', '443'] }),
      DENY_ALL_IN(4000),
    ],
    row: S1(1),
    want: 'ok',
  },
  {
    name: 'client row: deny Internet before a public partner CIDR allow blocks it',
    rules: [
      rule({ name: 'DenyInternet', priority: 100, dir: 'Inbound', access: 'Deny', src: 'Internet', dst: '*', dp: '*' }),
      rule({ name: 'Partner', priority: 200, dir: 'Inbound', src: '203.0.113.0/24', dst: 'VirtualNetwork', dps: ['80', '443'] }),
    ],
    row: S1(1),
    want: 'blocked 80, 443 by DenyInternet',
  },
  {
    name: 'client row: AllowVnetInBound (default) alone does not satisfy it',
    rules: [],
    row: S2(1),
    want: 'blocked 80, 443 by DenyAllInBound',
  },
  // --- unknown values
  {
    name: 'priority from a parameter without value: unknown with the reason',
    rules: [DENY_ALL_OUT(4000), rule({ name: 'x', priority: unknown("parameters('p')", "parameter 'p' has no value"), src: 'VirtualNetwork', dst: 'Sql', dp: '1433' })],
    row: S1(4),
    want: /^unknown 1433: priority of rule 'x' is not known \(parameter 'p' has no value\)$/,
  },
  {
    name: 'unknown priority that cannot change the verdict: decided',
    rules: [rule({ name: 'x', priority: unknown("parameters('p')", "parameter 'p' has no value"), src: 'VirtualNetwork', dst: 'Sql', dp: '1433' })],
    row: S1(4),
    want: 'ok',
  },
  {
    name: 'access from a parameter without value: unknown',
    rules: [rule({ name: 'a', priority: 100, access: unknown("parameters('acc')", "parameter 'acc' has no value"), src: '*', dst: '*', dp: '*' })],
    row: S1(4),
    want: /^unknown 1433: access of rule 'a' is not known \(parameter 'acc' has no value\)$/,
  },
  {
    name: 'access with allowedValues [Deny]: decided',
    rules: [rule({ name: 'a', priority: 100, access: unknown("parameters('acc')", 'x', ['Deny']), src: '*', dst: '*', dp: '*' })],
    row: S1(4),
    want: 'blocked 1433 by a',
  },
  {
    name: 'destination prefix from a parameter without value on a deny: unknown',
    rules: [rule({ name: 'd', priority: 100, access: 'Deny', src: '*', dst: unknown("parameters('dst')", "parameter 'dst' has no value"), dp: '*' })],
    row: S1(4),
    want: /^unknown 1433: destination address prefix of rule 'd' is not known \(parameter 'dst' has no value\)$/,
  },
  {
    name: 'an unknown prefix on a rule after a deciding rule does not matter',
    rules: [DENY_ALL_OUT(100), rule({ name: 'late', priority: 200, src: '*', dst: unknown("parameters('dst')", 'no value'), dp: '*' })],
    row: S1(4),
    want: 'blocked 1433 by Deny_All_Outbound',
  },
  {
    name: 'destination port from a parameter: unknown',
    rules: [rule({ name: 'd', priority: 100, access: 'Deny', src: '*', dst: '*', dp: unknown("parameters('port')", "parameter 'port' has no value") })],
    row: S1(4),
    want: /^unknown 1433: destination port range of rule 'd' is not known/,
  },
  {
    name: 'direction from a parameter without value on a deny: unknown',
    rules: [rule({ name: 'd', priority: 100, dir: unknown("parameters('dir')", "parameter 'dir' has no value"), access: 'Deny', src: '*', dst: '*', dp: '*' })],
    row: S1(4),
    want: /^unknown 1433: direction of rule 'd' is not known \(parameter 'dir' has no value\)$/,
  },
  {
    name: 'direction with allowedValues [Inbound]: not an outbound rule',
    rules: [rule({ name: 'd', priority: 100, dir: unknown("parameters('dir')", 'x', ['Inbound']), access: 'Deny', src: '*', dst: '*', dp: '*' })],
    row: S1(4),
    want: 'ok',
  },
  {
    name: 'direction with an empty candidate list stays unknown',
    rules: [rule({ name: 'd', priority: 100, dir: unknown("parameters('dir')", "parameter 'dir' has no value", []), access: 'Deny', src: '*', dst: '*', dp: '*' })],
    row: S1(4),
    want: /^unknown 1433: direction of rule 'd'/,
  },
  {
    name: 'protocol from a parameter without value on a deny: unknown',
    rules: [rule({ name: 'd', priority: 100, proto: unknown("parameters('proto')", "parameter 'proto' has no value"), access: 'Deny', src: '*', dst: '*', dp: '*' })],
    row: S1(4),
    want: /^unknown 1433: protocol of rule 'd' is not known/,
  },
  {
    name: 'protocol with allowedValues [Udp, Icmp] never matches Tcp',
    rules: [rule({ name: 'd', priority: 100, proto: unknown("parameters('proto')", 'x', ['Udp', 'Icmp']), access: 'Deny', src: '*', dst: '*', dp: '*' })],
    row: S1(4),
    want: 'ok',
  },
  {
    name: 'an unknown deny that does not overlap the ports does not matter',
    rules: [rule({ name: 'd', priority: 100, access: 'Deny', src: unknown("parameters('src')", 'no value'), dst: '*', dp: '22' })],
    row: S1(4),
    want: 'ok',
  },
  {
    name: 'an unknown deny before a known deny changes nothing: blocked',
    rules: [rule({ name: 'd', priority: 100, access: 'Deny', src: unknown("parameters('src')", 'no value'), dst: '*', dp: '*' }), DENY_ALL_OUT(4000)],
    row: S1(7),
    want: 'blocked 9350-9354 by Deny_All_Outbound',
  },
  {
    name: 'unknown only on part of the ports: the rest decided',
    rules: [rule({ name: 'd', priority: 100, access: 'Allow', src: unknown("parameters('src')", "parameter 'src' has no value"), dst: '*', dp: '9352-9360' }), DENY_ALL_OUT(4000)],
    row: S1(7),
    want: /^blocked 9350-9351 by Deny_All_Outbound; unknown 9352-9354: source address prefix of rule 'd' is not known/,
  },
  {
    name: 'regional allow against an unknown region: unknown and silent',
    rules: [rule({ name: 'AllowSqlWE', priority: 100, src: 'VirtualNetwork', dst: 'Sql.WestEurope', dp: '1433' }), DENY_ALL_OUT(4000)],
    row: S1(4),
    env: { ...env, region: unknown('resourceGroup().location', 'resource group location') },
    want: /^unknown 1433: /,
  },
];

for (const c of cases) {
  test(`NSG evaluator: ${c.name}`, () => {
    const dir = c.dir ?? c.row.directions[0];
    const v = evaluateRow(c.rules, c.row, dir, c.env ?? env);
    const got = summary(v);
    if (typeof c.want === 'string') assert.equal(got, c.want);
    else assert.match(got, c.want);
  });
}

test('blocked groups carry the deciding rule and a message-ready description', () => {
  const deny = rule({ name: 'Deny_All_Internet_Outbound', priority: 999, access: 'Deny', src: '*', dst: 'Internet', dp: '*' });
  const v = evaluateRow([deny], S1(7), 'Outbound', env);
  assert.equal(v.status, 'blocked');
  assert.equal(v.blocked[0].rule, deny);
  assert.deepEqual(describeBlocked(v), ["ports 9350-9354 blocked by 'Deny_All_Internet_Outbound' (priority 999)"]);
  const v2 = evaluateRow([], S1(2), 'Inbound', env);
  assert.deepEqual(describeBlocked(v2), ["port 3443 blocked by default rule 'DenyAllInBound' (priority 65500)"]);
  assert.equal(v2.blocked[0].rule.isDefault, true);
});

test('allowedBy names the allowing rule and the narrower client source', () => {
  const fd = rule({ name: 'FrontDoor', priority: 100, dir: 'Inbound', src: 'AzureFrontDoor.Backend', dst: 'VirtualNetwork', dp: '443' });
  const web = rule({ name: 'Web', priority: 110, dir: 'Inbound', src: 'Internet', dst: 'VirtualNetwork', dp: '80' });
  const v = evaluateRow([fd, web], S2(1), 'Inbound', env);
  assert.equal(v.status, 'satisfied');
  const byName = Object.fromEntries(v.allowedBy.map((a) => [a.rule.name, `${a.ports} ${a.viaSource ?? ''}`.trim()]));
  assert.deepEqual(byName, { FrontDoor: '443 AzureFrontDoor.Backend', Web: '80' });
});

test('default rules table', () => {
  const show = (d: 'Inbound' | 'Outbound') =>
    defaultRules(d).map((r) => `${r.priority} ${r.name} ${r.sourcePrefixes[0]}→${r.destinationPrefixes[0]} ${r.access}`);
  assert.deepEqual(show('Inbound'), [
    '65000 AllowVnetInBound VirtualNetwork→VirtualNetwork Allow',
    '65001 AllowAzureLoadBalancerInBound AzureLoadBalancer→* Allow',
    '65500 DenyAllInBound *→* Deny',
  ]);
  assert.deepEqual(show('Outbound'), [
    '65000 AllowVnetOutBound VirtualNetwork→VirtualNetwork Allow',
    '65001 AllowInternetOutBound *→Internet Allow',
    '65500 DenyAllOutBound *→* Deny',
  ]);
  assert.ok(defaultRules('Inbound').every((r) => r.isDefault));
});

test('every row fix rule satisfies its row against a deny-all NSG (convergence of the fixes)', () => {
  for (const table of [STV1_ROWS, STV2_ROWS]) {
    for (const r of table) {
      const fixes = r.fixRules.map((f, i) => ruleFromArmProperties(f.name, { ...(f as unknown as ValueObject), priority: 100 + i }));
      for (const d of r.directions) {
        const v = evaluateRow([...fixes, DENY_ALL_IN(4000), DENY_ALL_OUT(4000)], r, d, env);
        assert.equal(v.status, 'satisfied', `${r.id} ${d}: ${summary(v)}`);
      }
    }
  }
});

test('a typical locked-down stv2 NSG satisfies every row; evaluateRows covers both directions', () => {
  const rules = STV2_ROWS.flatMap((r, i) => r.fixRules.map((f, j) => ruleFromArmProperties(f.name, { ...(f as unknown as ValueObject), priority: 100 + i * 2 + j })));
  rules.push(DENY_ALL_IN(4000), DENY_ALL_OUT(4000));
  const rows = rowsFor('stv2', 'External', true, 'Premium');
  const verdicts = evaluateRows(rules, rows, env);
  assert.equal(verdicts.length, rows.reduce((n, r) => n + r.directions.length, 0));
  assert.ok(verdicts.every((v) => v.status === 'satisfied'));
});

test('500 rules × every stv2 row evaluate without a hang (speed is measured by npm run bench)', () => {
  const rules: NsgRuleView[] = [];
  for (let i = 0; i < 500; i++) rules.push(rule({ name: `r${i}`, priority: 100 + i, access: i % 2 ? 'Allow' : 'Deny', src: `10.${i % 250}.0.0/16`, dst: '*', dp: `${1000 + i}-${1010 + i}` }));
  const t0 = Date.now();
  for (const r of STV2_ROWS) for (const d of r.directions) evaluateRow(rules, r, d, env);
  assert.ok(Date.now() - t0 < 30_000, `hang detector: took ${Date.now() - t0} ms`);
});

test('unknown groups: silent for regions nobody can know, not silent for parameters', () => {
  const allowWE = rule({ name: 'AllowSqlWE', priority: 100, src: 'VirtualNetwork', dst: 'Sql.WestEurope', dp: '1433' });
  const v = evaluateRow([allowWE, DENY_ALL_OUT(4000)], S1(4), 'Outbound', { ...env, region: unknown('resourceGroup().location', 'rg location') });
  assert.equal(v.status, 'unknown');
  assert.equal(v.unknown[0].silent, true);
  assert.equal(v.unknown[0].rule, allowWE);
  const p = rule({ name: 'x', priority: unknown("parameters('p')", "parameter 'p' has no value"), access: 'Deny', src: '*', dst: '*', dp: '*' });
  const v2 = evaluateRow([p], S1(4), 'Outbound', env);
  assert.equal(v2.unknown[0].silent, false);
  assert.equal(v2.unknown[0].rule, p);
});

test('opaque rules (the whole list unknown) make every port unknown', () => {
  const u = unknown("parameters('rules')", "parameter 'rules' has no value");
  const opaque: NsgRuleView = { ...ruleFromArmProperties('securityRules', {}), kind: 'opaque', opaqueReason: "the NSG's security rules are not known (parameter 'rules' has no value)", priority: u, access: u, direction: u, protocol: u, sourcePrefixes: [u], destinationPrefixes: [u], sourcePorts: [u], destinationPorts: [u] };
  const v = evaluateRow([opaque], S1(4), 'Outbound', env);
  assert.equal(v.status, 'unknown');
  assert.match(v.unknown[0].reason, /security rules are not known/);
});

test('evaluateRows prepares each rule once: every row still gets the verdict it gets alone (per-class and per-protocol answers do not leak between rows)', () => {
  // Rules whose answer differs by destination tag (Sql vs Storage vs the APIM subnet), by protocol
  // (a Udp deny) and by direction, so a coverage remembered for one row would be wrong for another.
  const sets: NsgRuleView[][] = [
    [
      rule({ name: 'DenySql', priority: 100, access: 'Deny', src: 'VirtualNetwork', dst: 'Sql', dp: '*' }),
      rule({ name: 'DenyUdpVnet', priority: 110, dir: 'Inbound', access: 'Deny', proto: 'Udp', src: '*', dst: 'VirtualNetwork', dp: '*' }),
      rule({ name: 'AllowStorageWE', priority: 120, src: 'VirtualNetwork', dst: 'Storage.WestEurope', dp: '*' }),
      rule({ name: 'DenyInternetIn', priority: 130, dir: 'Inbound', access: 'Deny', src: 'Internet', dst: '*', dp: '443' }),
      DENY_ALL_OUT(4000),
    ],
    [
      rule({ name: 'AllowSubnetAll', priority: 100, dir: 'Inbound', proto: '*', src: '10.0.1.0/24', dst: '10.0.1.0/24', dp: '*' }),
      rule({ name: 'DenyMonitor', priority: 200, access: 'Deny', src: '*', dst: 'AzureMonitor', dps: ['1886', '443'] }),
      rule({ name: 'AllowUnknownDst', priority: 300, src: '*', dst: unknown("parameters('dst')", 'a parameter'), dp: '443' }),
      DENY_ALL_IN(4000),
    ],
  ];
  for (const rules of sets) {
    for (const table of [STV1_ROWS, STV2_ROWS]) {
      const together = evaluateRows(rules, table, env);
      const alone = table.flatMap((r) => r.directions.map((d) => evaluateRow(rules, r, d, env)));
      assert.deepEqual(together.map(summary), alone.map(summary));
      // The sets do tell the rows apart: some satisfied, some not.
      assert.ok(together.some((v) => v.status === 'satisfied') && together.some((v) => v.status !== 'satisfied'));
    }
  }
  // The same rule objects evaluated again (a new call) give the same answers.
  assert.deepEqual(evaluateRows(sets[0], STV1_ROWS, env).map(summary), evaluateRows(sets[0], STV1_ROWS, env).map(summary));
  const sqlRow = evaluateRow(sets[0], S1(4), 'Outbound', env);
  assert.equal(summary(sqlRow), 'blocked 1433 by DenySql');
  assert.equal(evaluateRow(sets[0], S1(10), 'Outbound', env).status, 'satisfied', 'Storage.WestEurope covers Storage in the APIM region');
  const north = { ...env, region: 'northeurope' };
  assert.equal(summary(evaluateRows(sets[0], [S1(10)], north)[0]), 'blocked 445 by Deny_All_Outbound', 'another environment, another answer');
});
