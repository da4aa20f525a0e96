import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PortSet, parsePortRange, parsePortRanges, portSetFromValues } from '../../server/src/network/ports';
import { normalizeProtocol, protocolMatches } from '../../server/src/network/protocols';

test('parsePortRange table', () => {
  const table: [string, string | undefined][] = [
    ['*', '*'],
    ['Any', '*'],
    ['443', '443'],
    [' 443 ', '443'],
    ['11000-11999', '11000-11999'],
    ['11000 - 11999', '11000-11999'],
    ['0-65535', '*'],
    ['80,443', '80, 443'],
    ['9350-9354,11000-11999', '9350-9354, 11000-11999'],
    ['65536', undefined],
    ['100-90', undefined],
    ['http', undefined],
    ['', undefined],
    ['-5', undefined],
  ];
  for (const [text, want] of table) {
    const got = parsePortRange(text);
    assert.equal(got?.toString(), want, `parsePortRange(${JSON.stringify(text)})`);
  }
});

test('port set union / intersect / subtract / covers table', () => {
  const P = (s: string) => parsePortRanges(s.split(';'))!;
  const table: { a: string; b: string; union: string; inter: string; minus: string; covers: boolean }[] = [
    { a: '9350-9354', b: '9000-9351', union: '9000-9354', inter: '9350-9351', minus: '9352-9354', covers: false },
    { a: '80;443', b: '443', union: '80, 443', inter: '443', minus: '80', covers: true },
    { a: '*', b: '443', union: '*', inter: '443', minus: '0-442, 444-65535', covers: true },
    { a: '11000-11999', b: '11000-11999', union: '11000-11999', inter: '11000-11999', minus: '(none)', covers: true },
    { a: '1-10', b: '11-20', union: '1-20', inter: '(none)', minus: '1-10', covers: false },
    { a: '1-10;20-30', b: '5-25', union: '1-30', inter: '5-10, 20-25', minus: '1-4, 26-30', covers: false },
    { a: '6381-6383', b: '*', union: '*', inter: '6381-6383', minus: '(none)', covers: false },
  ];
  for (const r of table) {
    const a = P(r.a);
    const b = P(r.b);
    assert.equal(a.union(b).toString(), r.union, `${r.a} ∪ ${r.b}`);
    assert.equal(a.intersect(b).toString(), r.inter, `${r.a} ∩ ${r.b}`);
    assert.equal(a.subtract(b).toString(), r.minus, `${r.a} − ${r.b}`);
    assert.equal(a.covers(b), r.covers, `${r.a} ⊇ ${r.b}`);
  }
});

test('port set size, has, ARM ranges and values', () => {
  const s = PortSet.of([[9350, 9354], [11000, 11999]]);
  assert.equal(s.size(), 5 + 1000);
  assert.ok(s.has(9352));
  assert.ok(!s.has(9355));
  assert.deepEqual(s.toArmRanges(), ['9350-9354', '11000-11999']);
  assert.deepEqual(PortSet.ALL.toArmRanges(), ['*']);
  assert.equal(portSetFromValues([443, '80'])?.toString(), '80, 443');
  assert.equal(portSetFromValues([443, 'x']), undefined);
  assert.ok(PortSet.EMPTY.isEmpty());
  assert.ok(PortSet.of([[5, 1]]).equals(PortSet.of([[1, 5]])));
});

test('protocol matching table', () => {
  const table: [string, 'Tcp' | 'Udp', boolean][] = [
    ['*', 'Tcp', true],
    ['*', 'Udp', true],
    ['Any', 'Tcp', true],
    ['Tcp', 'Tcp', true],
    ['TCP', 'Tcp', true],
    ['tcp', 'Udp', false],
    ['Udp', 'Udp', true],
    ['Udp', 'Tcp', false],
    ['Icmp', 'Tcp', false],
    ['Icmp', 'Udp', false],
    ['Esp', 'Tcp', false],
    ['Esp', 'Udp', false],
    ['Ah', 'Tcp', false],
    ['Ah', 'Udp', false],
    ['AMQP', 'Tcp', true],
  ];
  for (const [rule, traffic, want] of table) {
    const n = normalizeProtocol(rule);
    assert.ok(n, `normalize ${rule}`);
    assert.equal(protocolMatches(n!, traffic), want, `${rule} vs ${traffic}`);
  }
  assert.equal(normalizeProtocol('Gre'), undefined);
});

test('property: port set operations agree with per-port sets', async () => {
  const fc = (await import('fast-check')).default;
  const ivs = fc.array(fc.tuple(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 15 })).map(([a, l]) => [a, a + l] as [number, number]), { maxLength: 6 });
  const bits = (s: PortSet) => [...Array(140).keys()].map((p) => s.has(p));
  fc.assert(
    fc.property(ivs, ivs, (x, y) => {
      const a = PortSet.of(x);
      const b = PortSet.of(y);
      const A = bits(a);
      const B = bits(b);
      assert.deepEqual(bits(a.union(b)), A.map((v, i) => v || B[i]));
      assert.deepEqual(bits(a.intersect(b)), A.map((v, i) => v && B[i]));
      assert.deepEqual(bits(a.subtract(b)), A.map((v, i) => v && !B[i]));
      assert.equal(a.covers(b), B.every((v, i) => !v || A[i]));
      assert.equal(a.size(), A.filter(Boolean).length);
      // normalized: sorted, disjoint, non-adjacent; display round-trips through the parser
      for (let i = 1; i < a.intervals.length; i++) assert.ok(a.intervals[i][0] > a.intervals[i - 1][1] + 1);
      if (!a.isEmpty()) assert.ok(parsePortRange(a.toString())!.equals(a));
    }),
    { numRuns: 300, seed: 7 },
  );
});

test('parsePortRange answers stay right when the same text is parsed again (results are cached and shared)', () => {
  for (let round = 0; round < 3; round++) {
    assert.equal(parsePortRange('443')?.toString(), '443');
    assert.equal(parsePortRange(' 443 ')?.toString(), '443');
    assert.equal(parsePortRange('80,443')?.toString(), '80, 443');
    assert.equal(parsePortRange('http'), undefined);
    // A union built from a cached set leaves the cached set as it was.
    const u = parsePortRange('443')!.union(parsePortRange('444')!).union(parsePortRange('1-10')!);
    assert.equal(u.toString(), '1-10, 443-444');
  }
  assert.equal(parsePortRange('443')?.toString(), '443');
  assert.equal(parsePortRange('444')?.toString(), '444');
});

test('union and covers of normalized sets (adjacent, nested, interleaved) agree with of() and subtract(); range and single clamp like of()', () => {
  const P = (s: string) => parsePortRanges(s.split(';'))!;
  const pairs: [string, string][] = [
    ['1-5', '6-9'],
    ['1-5;20-30', '3-22'],
    ['10-20', '1-100'],
    ['1;3;5', '2;4;6'],
    ['100-200', '1-2;300-400'],
    ['*', '443'],
  ];
  for (const [a, b] of pairs) {
    const want = PortSet.of([...P(a).intervals, ...P(b).intervals]);
    assert.ok(P(a).union(P(b)).equals(want), `${a} ∪ ${b}`);
    assert.ok(P(b).union(P(a)).equals(want), `${b} ∪ ${a}`);
    assert.equal(P(a).covers(P(b)), P(b).subtract(P(a)).isEmpty(), `${a} ⊇ ${b}`);
    assert.equal(P(b).covers(P(a)), P(a).subtract(P(b)).isEmpty(), `${b} ⊇ ${a}`);
  }
  assert.ok(PortSet.EMPTY.union(PortSet.EMPTY).isEmpty());
  for (const [a, b] of [[5, 1], [-3, 4], [65530, 70000], [70000, 80000], [2.5, 7.9], [NaN, 3]]) {
    assert.ok(PortSet.range(a, b).equals(PortSet.of([[a, b]])), `range(${a}, ${b})`);
  }
  assert.ok(PortSet.single(70000).isEmpty());
  assert.equal(PortSet.single(443).toString(), '443');
});
