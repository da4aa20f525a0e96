import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unknown, symbolicConcat, type Value } from '../../server/src/expressions/value';
import {
  cidrContains,
  isPublicCidr,
  parseCidr,
  parseTag,
  prefixCovers,
  prefixCoversPrefix,
  type AddressEnv,
  type AddressTarget,
} from '../../server/src/network/addresses';

const env: AddressEnv = { subnetPrefixes: ['10.0.1.0/24'], vnetAddressSpace: ['10.0.0.0/16'], region: 'West Europe' };
const SUBNET: AddressTarget = { kind: 'apimSubnet' };
const tag = (t: string): AddressTarget => ({ kind: 'tag', tag: t });

test('CIDR parsing and containment', () => {
  assert.deepEqual(parseCidr('10.0.1.7/24'), { base: (10 << 24) + 256, len: 24 });
  assert.equal(parseCidr('10.0.0.5')?.len, 32);
  assert.equal(parseCidr('10.0.0.256/24'), undefined);
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.equal(parseCidr('2001:db8::/32'), undefined);
  const c = (s: string) => parseCidr(s)!;
  assert.ok(cidrContains(c('10.0.0.0/16'), c('10.0.1.0/24')));
  assert.ok(!cidrContains(c('10.0.1.0/24'), c('10.0.0.0/16')));
  assert.ok(cidrContains(c('0.0.0.0/0'), c('168.63.129.16')));
  assert.ok(cidrContains(c('168.63.129.0/24'), c('168.63.129.16/32')));
  assert.ok(!cidrContains(c('168.63.128.0/24'), c('168.63.129.16/32')));
  assert.ok(isPublicCidr(c('203.0.113.0/24')));
  assert.ok(!isPublicCidr(c('10.1.0.0/16')));
  assert.ok(!isPublicCidr(c('192.168.1.0/24')));
});

test('tag parsing: regional and dotted non-regional tags', () => {
  assert.deepEqual(parseTag('Sql'), { base: 'sql' });
  assert.deepEqual(parseTag('Sql.WestEurope'), { base: 'sql', region: 'westeurope' });
  assert.deepEqual(parseTag('AzureFrontDoor.Backend'), { base: 'azurefrontdoor.backend' });
  assert.equal(parseTag('10.0.0.0/8'), undefined);
  assert.equal(parseTag('*'), undefined);
});

test('tag and CIDR parsing and all-address prefixes give the same answers when asked again (parsed tags and prefixes are cached)', () => {
  for (let round = 0; round < 3; round++) {
    assert.deepEqual(parseTag('Sql'), { base: 'sql' });
    assert.deepEqual(parseTag(' Sql.West Europe '), { base: 'sql', region: 'westeurope' });
    assert.deepEqual(parseTag('sql.northeurope'), { base: 'sql', region: 'northeurope' });
    assert.equal(parseTag('Any'), undefined);
    assert.equal(parseTag('10.0.0.0/8'), undefined);
    assert.equal(prefixCovers('Sql.WestEurope', tag('Sql'), env).value, true);
    assert.equal(prefixCovers('Sql.NorthEurope', tag('Sql'), env).value, false);
    assert.deepEqual(parseCidr('10.0.1.7/24'), { base: (10 << 24) + 256, len: 24 });
    assert.equal(parseCidr('10.0.0.256/24'), undefined);
    assert.equal(prefixCovers('10.0.0.0/16', SUBNET, env).value, true);
    assert.equal(prefixCovers('10.0.1.0/25', SUBNET, env).value, false);
  }
  for (const [text, all] of [['*', true], [' * ', true], ['Any', true], ['ANY', true], [' any ', true], ['0.0.0.0/0', true], ['Internet', false], ['Anyx', false], ['0.0.0.0/1', false]] as const) {
    assert.equal(prefixCovers(text, tag('VirtualNetwork'), env).value === true, all || false, text);
  }
});

// Every coverage relation of requirements.md, with its negative.
const coverageTable: [Value, AddressTarget, boolean | undefined, string][] = [
  // *, Any, 0.0.0.0/0 cover everything
  ['*', tag('Sql'), true, '* covers a service tag'],
  ['*', SUBNET, true, '* covers the APIM subnet'],
  ['*', tag('AzureLoadBalancer'), true, '* covers AzureLoadBalancer'],
  ['Any', tag('Internet'), true, 'Any covers Internet'],
  ['0.0.0.0/0', tag('Storage'), true, '0.0.0.0/0 covers Storage'],
  ['0.0.0.0/0', SUBNET, true, '0.0.0.0/0 covers the subnet'],
  ['0.0.0.0/0', tag('AzureLoadBalancer'), true, '0.0.0.0/0 contains 168.63.129.16'],
  // Internet covers every public service tag
  ['Internet', tag('Internet'), true, 'Internet covers Internet'],
  ['Internet', tag('ApiManagement'), true, 'Internet covers ApiManagement'],
  ['Internet', tag('Storage'), true, 'Internet covers Storage'],
  ['Internet', tag('Sql'), true, 'Internet covers Sql'],
  ['Internet', tag('EventHub'), true, 'Internet covers EventHub'],
  ['Internet', tag('ServiceBus'), true, 'Internet covers ServiceBus'],
  ['Internet', tag('AzureKeyVault'), true, 'Internet covers AzureKeyVault'],
  ['Internet', tag('AzureMonitor'), true, 'Internet covers AzureMonitor'],
  ['Internet', tag('AzureActiveDirectory'), true, 'Internet covers AzureActiveDirectory'],
  ['Internet', tag('AzureConnectors'), true, 'Internet covers AzureConnectors'],
  ['Internet', tag('AzureTrafficManager'), true, 'Internet covers AzureTrafficManager'],
  ['Internet', tag('AzureCloud'), true, 'Internet covers AzureCloud'],
  ['Internet', SUBNET, false, 'Internet does not cover the APIM subnet'],
  ['Internet', tag('AzureLoadBalancer'), false, 'Internet does not cover AzureLoadBalancer'],
  // AzureCloud covers every Azure service tag, not Internet
  ['AzureCloud', tag('Sql'), true, 'AzureCloud covers Sql'],
  ['AzureCloud', tag('ApiManagement'), true, 'AzureCloud covers ApiManagement'],
  ['AzureCloud', tag('AzureMonitor'), true, 'AzureCloud covers AzureMonitor'],
  ['AzureCloud', tag('Internet'), false, 'AzureCloud does not cover Internet'],
  ['AzureCloud', SUBNET, false, 'AzureCloud does not cover the APIM subnet'],
  ['AzureCloud', tag('AzureLoadBalancer'), false, 'AzureCloud does not cover AzureLoadBalancer'],
  // Tag covers itself, case-insensitively; other tags do not
  ['Sql', tag('Sql'), true, 'Sql covers Sql'],
  ['SQL', tag('Sql'), true, 'SQL = Sql'],
  ['storage', tag('Storage'), true, 'storage = Storage'],
  ['Storage', tag('Sql'), false, 'Storage does not cover Sql'],
  ['Sql', tag('Internet'), false, 'Sql does not cover Internet'],
  // Regional tags: cover the tag's traffic in the APIM region only
  ['Sql.WestEurope', tag('Sql'), true, 'Sql.WestEurope covers Sql traffic of West Europe'],
  ['Sql.westeurope', tag('Sql'), true, 'region compared case-insensitively'],
  ['Sql.NorthEurope', tag('Sql'), false, 'a regional tag of another region does not cover'],
  ['Storage.WestEurope', tag('Sql'), false, 'regional tag of another service'],
  ['AzureCloud.WestEurope', tag('Sql'), true, 'regional AzureCloud covers Sql of its region'],
  ['Sql', tag('Sql.WestEurope'), true, 'Tag covers Tag.<region>'],
  ['Sql.NorthEurope', tag('Sql.WestEurope'), false, 'regional tags of different regions'],
  // APIM subnet: VirtualNetwork, the VNet address space, any CIDR containing the subnet
  ['VirtualNetwork', SUBNET, true, 'VirtualNetwork covers the APIM subnet'],
  ['virtualnetwork', SUBNET, true, 'case-insensitive'],
  ['10.0.0.0/16', SUBNET, true, 'the VNet address space covers the subnet'],
  ['10.0.1.0/24', SUBNET, true, 'the subnet prefix itself'],
  ['10.0.0.0/8', SUBNET, true, 'a CIDR containing the subnet'],
  ['10.0.1.0/25', SUBNET, false, 'a CIDR inside the subnet does not cover all of it'],
  ['10.0.2.0/24', SUBNET, false, 'another subnet'],
  ['VirtualNetwork', tag('Sql'), false, 'VirtualNetwork does not cover Sql'],
  ['VirtualNetwork', tag('Internet'), false, 'VirtualNetwork does not cover Internet'],
  // AzureLoadBalancer: only itself, * or a CIDR containing 168.63.129.16
  ['AzureLoadBalancer', tag('AzureLoadBalancer'), true, 'AzureLoadBalancer covers itself'],
  ['168.63.129.16/32', tag('AzureLoadBalancer'), true, 'CIDR containing 168.63.129.16'],
  ['168.63.0.0/16', tag('AzureLoadBalancer'), true, 'wider CIDR containing 168.63.129.16'],
  ['168.63.130.0/24', tag('AzureLoadBalancer'), false, 'CIDR not containing 168.63.129.16'],
  ['VirtualNetwork', tag('AzureLoadBalancer'), false, 'VirtualNetwork does not cover AzureLoadBalancer'],
  ['AzureLoadBalancer', SUBNET, false, 'AzureLoadBalancer does not cover the subnet'],
  // CIDRs never cover a whole service tag
  ['13.64.0.0/11', tag('Sql'), false, 'a specific CIDR does not cover Sql'],
  ['20.0.0.0/8', tag('Internet'), false, 'a specific CIDR does not cover Internet'],
  // IPv6: tolerated, covers nothing
  ['2001:db8::/32', SUBNET, false, 'IPv6 covers nothing'],
  ['::/0', tag('Sql'), false, 'IPv6 covers nothing'],
  // Not an address at all
  ['not a prefix', SUBNET, false, 'garbage covers nothing'],
];

test('coverage relations (requirements.md) and their negatives', () => {
  for (const [prefix, target, want, why] of coverageTable) {
    assert.equal(prefixCovers(prefix, target, env).value, want, `${String(prefix)} → ${JSON.stringify(target)}: ${why}`);
  }
});

test('region compared case- and space-insensitively', () => {
  const e2 = { ...env, region: 'westeurope' };
  assert.equal(prefixCovers('Sql.West Europe', tag('Sql'), e2).value, true);
  assert.equal(prefixCovers('Sql.WESTEUROPE', tag('Sql'), { ...env, region: 'West Europe' }).value, true);
});

test('unknown prefix: undecided with reason; candidates decide; same symbolic value covers', () => {
  const p = unknown("parameters('src')", "parameter 'src' has no value");
  const c = prefixCovers(p, tag('Sql'), env);
  assert.equal(c.value, undefined);
  assert.match(c.reason!, /parameter 'src'/);
  const withCands = unknown("parameters('src')", 'x', ['Internet', 'Sql']);
  assert.equal(prefixCovers(withCands, tag('Sql'), env).value, true);
  const withCands2 = unknown("parameters('src')", 'x', ['Storage', '10.0.0.0/8']);
  assert.equal(prefixCovers(withCands2, tag('Sql'), env).value, false);
  // Symbolic subnet prefix: the same unknown covers it.
  const sp = unknown("parameters('subnetPrefix')", "parameter 'subnetPrefix' has no value");
  const e3: AddressEnv = { subnetPrefixes: [sp], vnetAddressSpace: [], region: 'westeurope' };
  assert.equal(prefixCovers(sp, SUBNET, e3).value, true);
  assert.equal(prefixCovers('VirtualNetwork', SUBNET, e3).value, true);
  const c3 = prefixCovers('10.0.0.0/24', SUBNET, e3);
  assert.equal(c3.value, undefined);
  assert.match(c3.reason!, /subnetPrefix/);
  // Unknown subnet prefix but a literal VNet space contained in the rule's CIDR.
  const e4: AddressEnv = { subnetPrefixes: [sp], vnetAddressSpace: ['10.0.0.0/16'], region: 'westeurope' };
  assert.equal(prefixCovers('10.0.0.0/8', SUBNET, e4).value, true);
});

test('regional tag against an unknown region: undecided and silent; same unknown region covers', () => {
  const rg = unknown('resourceGroup().location', 'the resource group location is not known');
  const e = { ...env, region: rg };
  const c = prefixCovers('Sql.WestEurope', tag('Sql'), e);
  assert.equal(c.value, undefined);
  assert.equal(c.silent, true);
  const built = symbolicConcat(['Sql.', rg]);
  assert.equal(prefixCovers(built, tag('Sql'), e).value, true);
  assert.equal(prefixCovers(built, tag('Storage'), e).value, false);
  const withCands = unknown("parameters('location')", 'x', ['westeurope', 'West Europe']);
  assert.equal(prefixCovers('Sql.WestEurope', tag('Sql'), { ...env, region: withCands }).value, true);
});

test('prefix covers prefix (client row denies)', () => {
  const table: [string, string, boolean][] = [
    ['*', 'AzureFrontDoor.Backend', true],
    ['Internet', 'AzureFrontDoor.Backend', true],
    ['Internet', 'GatewayManager', true],
    ['Internet', '203.0.113.0/24', true],
    ['Internet', '10.0.5.0/24', false],
    ['Internet', 'VirtualNetwork', false],
    ['VirtualNetwork', '10.0.5.0/24', true],
    ['VirtualNetwork', '172.16.0.0/24', false],
    ['VirtualNetwork', 'VirtualNetwork', true],
    ['10.0.0.0/16', '10.0.5.0/24', true],
    ['10.0.5.0/24', '10.0.0.0/16', false],
    ['203.0.113.7', 'Internet', false],
    ['AzureCloud', 'AzureFrontDoor.Backend', true],
    ['AzureFrontDoor.Backend', 'Internet', false],
    ['Sql', 'Sql.WestEurope', true],
    ['AzureLoadBalancer', 'Internet', false],
  ];
  for (const [outer, inner, want] of table) {
    assert.equal(prefixCoversPrefix(outer, inner, env).value, want, `${outer} ⊇ ${inner}`);
  }
});

test('property: CIDR containment agrees with address-range arithmetic', async () => {
  const fc = (await import('fast-check')).default;
  const cidr = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([a, l]) => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/${l}`);
  const range = (s: string) => {
    const c = parseCidr(s)!;
    return [c.base, c.base + 2 ** (32 - c.len) - 1];
  };
  fc.assert(
    fc.property(cidr, cidr, (x, y) => {
      const [a0, a1] = range(x);
      const [b0, b1] = range(y);
      assert.equal(cidrContains(parseCidr(x)!, parseCidr(y)!), a0 <= b0 && b1 <= a1, `${x} ⊇ ${y}`);
    }),
    { numRuns: 500, seed: 11 },
  );
});
