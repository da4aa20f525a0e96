/**
 * Port interval sets (0..65535) for NSG evaluation: `*`, `443`, `11000-11999`, lists.
 * Immutable: every operation returns a set of sorted, disjoint, non-adjacent intervals (possibly
 * one of its operands, or a shared set: never mutate `intervals`).
 */
import { cachedParser } from './parse-cache';

export const MIN_PORT = 0;
export const MAX_PORT = 65535;

export type Interval = readonly [number, number];

export class PortSet {
  /** Sorted, disjoint, non-adjacent, inclusive intervals. */
  readonly intervals: readonly Interval[];

  private constructor(intervals: Interval[]) {
    this.intervals = intervals;
  }

  static readonly EMPTY = new PortSet([]);
  static readonly ALL = new PortSet([[MIN_PORT, MAX_PORT]]);

  /** Builds a normalized set from arbitrary (possibly overlapping, unordered) intervals. */
  static of(intervals: Iterable<readonly [number, number]>): PortSet {
    const list: [number, number][] = [];
    for (const [a, b] of intervals) {
      let lo = Math.max(MIN_PORT, Math.min(a, b));
      let hi = Math.min(MAX_PORT, Math.max(a, b));
      if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) continue;
      lo = Math.floor(lo);
      hi = Math.floor(hi);
      list.push([lo, hi]);
    }
    list.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const out: [number, number][] = [];
    for (const iv of list) {
      const last = out[out.length - 1];
      if (last && iv[0] <= last[1] + 1) last[1] = Math.max(last[1], iv[1]);
      else out.push([iv[0], iv[1]]);
    }
    return new PortSet(out);
  }

  static single(port: number): PortSet {
    return PortSet.range(port, port);
  }

  /** The ports a..b (same clamping as `of`), without the general normalization. */
  static range(a: number, b: number): PortSet {
    const lo = Math.floor(Math.max(MIN_PORT, Math.min(a, b)));
    const hi = Math.floor(Math.min(MAX_PORT, Math.max(a, b)));
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) return PortSet.EMPTY;
    return new PortSet([[lo, hi]]);
  }

  isEmpty(): boolean {
    return this.intervals.length === 0;
  }

  isAll(): boolean {
    return this.intervals.length === 1 && this.intervals[0][0] === MIN_PORT && this.intervals[0][1] === MAX_PORT;
  }

  /** Number of ports in the set. */
  size(): number {
    return this.intervals.reduce((n, [a, b]) => n + (b - a + 1), 0);
  }

  has(port: number): boolean {
    for (const [a, b] of this.intervals) if (port >= a && port <= b) return true;
    return false;
  }

  union(other: PortSet): PortSet {
    // Both sides are normalized: one merge pass (a set is immutable, so either side may be returned).
    if (other.intervals.length === 0) return this;
    if (this.intervals.length === 0) return other;
    const A = this.intervals;
    const B = other.intervals;
    const out: [number, number][] = [];
    let i = 0;
    let j = 0;
    while (i < A.length || j < B.length) {
      const next = j >= B.length || (i < A.length && A[i][0] <= B[j][0]) ? A[i++] : B[j++];
      const last = out.length > 0 ? out[out.length - 1] : undefined;
      if (last && next[0] <= last[1] + 1) {
        if (next[1] > last[1]) last[1] = next[1];
      } else out.push([next[0], next[1]]);
    }
    return new PortSet(out);
  }

  intersect(other: PortSet): PortSet {
    const out: [number, number][] = [];
    let i = 0;
    let j = 0;
    const A = this.intervals;
    const B = other.intervals;
    while (i < A.length && j < B.length) {
      const lo = Math.max(A[i][0], B[j][0]);
      const hi = Math.min(A[i][1], B[j][1]);
      if (lo <= hi) out.push([lo, hi]);
      if (A[i][1] < B[j][1]) i++;
      else j++;
    }
    return new PortSet(out);
  }

  subtract(other: PortSet): PortSet {
    const out: [number, number][] = [];
    for (const [a, b] of this.intervals) {
      let lo = a;
      for (const [c, d] of other.intervals) {
        if (d < lo || c > b) continue;
        if (c > lo) out.push([lo, c - 1]);
        lo = Math.max(lo, d + 1);
        if (lo > b) break;
      }
      if (lo <= b) out.push([lo, b]);
    }
    return PortSet.of(out);
  }

  /** True when every port of `other` is in this set. */
  covers(other: PortSet): boolean {
    // This set's intervals are disjoint and non-adjacent: each interval of `other` must lie in one of them.
    const A = this.intervals;
    let i = 0;
    for (const [lo, hi] of other.intervals) {
      while (i < A.length && A[i][1] < lo) i++;
      if (i === A.length || A[i][0] > lo || A[i][1] < hi) return false;
    }
    return true;
  }

  overlaps(other: PortSet): boolean {
    return !this.intersect(other).isEmpty();
  }

  equals(other: PortSet): boolean {
    return (
      this.intervals.length === other.intervals.length &&
      this.intervals.every((iv, i) => iv[0] === other.intervals[i][0] && iv[1] === other.intervals[i][1])
    );
  }

  /** Display form: "*", "443", "9350-9354, 11000-11999". */
  toString(): string {
    if (this.isAll()) return '*';
    if (this.isEmpty()) return '(none)';
    return this.intervals.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(', ');
  }

  /** ARM port range strings, one per interval ("*" for all ports). */
  toArmRanges(): string[] {
    if (this.isAll()) return ['*'];
    return this.intervals.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`));
  }
}

/**
 * Parses one NSG port range string: `*`, `Any`, `443`, `11000-11999`, `11000 - 11999`, and also a
 * comma-separated list ("80,443"), which ARM itself rejects in a single range but users write.
 * Returns undefined for text that is not a port range.
 */
export const parsePortRange: (text: string) => PortSet | undefined = cachedParser(parseUncached);

function parseUncached(text: string): PortSet | undefined {
  const s = text.trim();
  if (s === '*' || s.toLowerCase() === 'any') return PortSet.ALL;
  if (s.includes(',')) {
    let acc = PortSet.EMPTY;
    for (const part of s.split(',')) {
      if (part.trim() === '') continue;
      const p = parsePortRange(part);
      if (!p) return undefined;
      acc = acc.union(p);
    }
    return acc;
  }
  const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(s);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = m[2] !== undefined ? Number(m[2]) : a;
  if (a > MAX_PORT || b > MAX_PORT || a > b) return undefined;
  return PortSet.range(a, b);
}

/** Parses a list of range strings (`...PortRanges`); undefined when any entry is not a range. */
export function parsePortRanges(texts: readonly string[]): PortSet | undefined {
  let acc = PortSet.EMPTY;
  for (const t of texts) {
    const p = parsePortRange(t);
    if (!p) return undefined;
    acc = acc.union(p);
  }
  return acc;
}

/** Parses a list of evaluated values: range strings, or numbers as single ports. */
export function portSetFromValues(values: readonly unknown[]): PortSet | undefined {
  let acc = PortSet.EMPTY;
  for (const v of values) {
    let p: PortSet | undefined;
    if (typeof v === 'number' && Number.isInteger(v) && v >= MIN_PORT && v <= MAX_PORT) p = PortSet.single(v);
    else if (typeof v === 'string') p = parsePortRange(v);
    if (!p) return undefined;
    acc = acc.union(p);
  }
  return acc;
}
