import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { unknown, type Value, type ValueObject } from '../../server/src/expressions/value';
import { defaultRules, describeBlocked, evaluateRow, ruleFromArmProperties, type NsgRuleView } from '../../server/src/network/nsg';
import { prefixCovers, type AddressEnv } from '../../server/src/network/addresses';
import { PortSet, parsePortRange } from '../../server/src/network/ports';
import { normalizeProtocol, protocolMatches } from '../../server/src/network/protocols';
import { STV1_ROWS, STV2_ROWS, type RequirementRow } from '../../server/src/requirements';

const env: AddressEnv = { subnetPrefixes: ['10.0.1.0/24'], vnetAddressSpace: ['10.0.0.0/16'], region: 'westeurope' };
const ROW: RequirementRow = { ...STV1_ROWS[3], destinationPorts: ['5-20', '30', '40-45'] };
const ADDRS = ['*', 'VirtualNetwork', 'Internet', '10.0.1.0/24', '10.0.2.0/24', 'Sql', 'Storage', 'AzureCloud', '0.0.0.0/0'];

const ruleArb = fc.record({
  priority: fc.integer({ min: 100, max: 130 }),
  access: fc.constantFrom('Allow', 'Deny'),
  protocol: fc.constantFrom('*', 'Tcp', 'Udp', 'Icmp'),
  dir: fc.constantFrom('Outbound', 'Outbound', 'Inbound'),
  src: fc.constantFrom(...ADDRS),
  dst: fc.constantFrom(...ADDRS),
  lo: fc.integer({ min: 0, max: 50 }),
  len: fc.integer({ min: 0, max: 20 }),
  star: fc.boolean(),
});

/** Brute force: for each port, the first rule in priority order that applies decides. */
function reference(rules: NsgRuleView[], port: number): NsgRuleView {
  const sorted = rules.map((r, i) => ({ r, i })).sort((a, b) => (a.r.priority as number) - (b.r.priority as number) || a.i - b.i);
  for (const { r } of [...sorted, ...defaultRules('Outbound').map((r) => ({ r }))]) {
    if ((r.direction as string) !== 'Outbound') continue;
    if (!protocolMatches(normalizeProtocol(r.protocol as string)!, 'Tcp')) continue;
    if (!(r.destinationPorts as string[]).some((p) => parsePortRange(p)!.has(port))) continue;
    if (!(r.sourcePrefixes as string[]).some((p) => prefixCovers(p, ROW.source, env).value === true)) continue;
    if (!(r.destinationPrefixes as string[]).some((p) => prefixCovers(p, ROW.destination, env).value === true)) continue;
    return r;
  }
  throw new Error('defaults always decide');
}

test('property: the segmented evaluator agrees with a per-port brute force on random literal NSGs', () => {
  fc.assert(
    fc.property(fc.array(ruleArb, { maxLength: 12 }), (specs) => {
      const rules = specs.map((s, i) =>
        ruleFromArmProperties(`r${i}`, {
          priority: s.priority,
          access: s.access,
          protocol: s.protocol,
          direction: s.dir,
          sourceAddressPrefix: s.src,
          destinationAddressPrefix: s.dst,
          sourcePortRange: '*',
          destinationPortRange: s.star ? '*' : s.len === 0 ? String(s.lo) : `${s.lo}-${s.lo + s.len}`,
        } as ValueObject),
      );
      const v = evaluateRow(rules, ROW, 'Outbound', env);
      for (const port of [...Array(60).keys()].filter((p) => v.ports.has(p))) {
        const want = reference(rules, port);
        if (want.access === 'Allow') {
          assert.ok(v.allowed.has(port), `port ${port} allowed by ${want.name}`);
          assert.ok(v.allowedBy.some((a) => a.rule === want && a.ports.has(port)));
        } else {
          const g = v.blocked.find((b) => b.ports.has(port));
          assert.ok(g, `port ${port} blocked by ${want.name}`);
          assert.equal(g!.rule, want);
        }
      }
      assert.equal(v.unknown.length, 0);
      assert.equal(v.status, v.blocked.length ? 'blocked' : 'satisfied');
    }),
    { numRuns: 200, seed: 4242 },
  );
});

test('describeBlocked says "all ports" for a whole-range block', () => {
  const deny = ruleFromArmProperties('Deny_All_Inbound', { priority: 4000, direction: 'Inbound', access: 'Deny', protocol: '*', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '*' });
  const v = evaluateRow([deny], STV1_ROWS[10], 'Inbound', env);
  assert.deepEqual(describeBlocked(v), ["all ports blocked by 'Deny_All_Inbound' (priority 4000)"]);
});

test('property: arbitrary property values never make collection-free evaluation throw', () => {
  const u = unknown("parameters('x')", "parameter 'x' has no value");
  const anyValue = fc.oneof(
    fc.jsonValue(),
    fc.constant(u),
    fc.constantFrom('*', 'Tcp', 'Udp', 'Allow', 'Deny', 'Inbound', 'Outbound', 'Internet', 'VirtualNetwork', '10.0.0.0/8', '443', '1-65535', 'Sql.WestEurope', '::/0'),
    fc.array(fc.oneof(fc.jsonValue(), fc.constant(u), fc.constantFrom('443', '10.0.1.0/24', 'Sql')), { maxLength: 3 }),
  );
  const keys = ['priority', 'direction', 'access', 'protocol', 'sourceAddressPrefix', 'sourceAddressPrefixes', 'destinationAddressPrefix', 'destinationAddressPrefixes', 'sourcePortRange', 'sourcePortRanges', 'destinationPortRange', 'destinationPortRanges', 'sourceApplicationSecurityGroups', 'destinationApplicationSecurityGroups'];
  const propsArb = fc.dictionary(fc.constantFrom(...keys), anyValue as fc.Arbitrary<Value>);
  const envArb = fc.record({
    subnetPrefixes: fc.array(anyValue as fc.Arbitrary<Value>, { maxLength: 2 }),
    vnetAddressSpace: fc.array(anyValue as fc.Arbitrary<Value>, { maxLength: 2 }),
    region: anyValue as fc.Arbitrary<Value>,
  });
  fc.assert(
    fc.property(fc.array(propsArb, { maxLength: 6 }), envArb, fc.integer({ min: 0, max: STV2_ROWS.length - 1 }), (list, e, i) => {
      const rules = list.map((p, k) => ruleFromArmProperties(`r${k}`, p as ValueObject));
      const row = STV2_ROWS[i];
      for (const d of row.directions) {
        const v = evaluateRow(rules, row, d, e);
        assert.ok(['satisfied', 'blocked', 'unknown'].includes(v.status));
        // every port of the row has exactly one verdict
        const covered = v.allowed.union(v.blocked.reduce((a, b) => a.union(b.ports), PortSet.EMPTY)).union(v.unknown.reduce((a, b) => a.union(b.ports), PortSet.EMPTY));
        assert.ok(covered.equals(v.ports));
      }
    }),
    { numRuns: 300, seed: 99 },
  );
});
