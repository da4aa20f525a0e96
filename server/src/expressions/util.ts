/**
 * Helpers shared by the evaluator and the built-in functions: canonical keys, conversions,
 * property/index access over values that may be Unknown, candidate lifting.
 */
import { Unknown, containsUnknown, isObject, symbolicConcat, valuesEqual, type StringPart, type Value, type ValueObject } from './value';
import { quoteArmString } from './ast';

/** Thrown when one evaluation does too much work (hostile templates); reported as an Unknown. */
export class BudgetError extends Error {}

/** Work units (calls, produced elements, characters/64) one top-level evaluation may spend. */
export const WORK_BUDGET = 5_000_000;
let budget = WORK_BUDGET;

export function resetBudget(): void {
  budget = WORK_BUDGET;
}

/** Spends `n` work units; throws BudgetError when the evaluation's budget is exhausted. */
export function charge(n: number): void {
  budget -= n;
  if (budget < 0) throw new BudgetError('evaluation exceeded its work budget (too many calls or too large values)');
}

/** Maximum number of candidate combinations tried when lifting a function over candidates. */
export const MAX_COMBINATIONS = 64;

const MAX_KEY = 2000;

function hashString(s: string): string {
  // Two independent FNV-1a 32-bit hashes: collisions are negligible for our purposes.
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 13);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/** Bounds a canonical key's length: long keys are replaced by a hash (same text, same key). */
export function boundKey(k: string): string {
  return k.length > MAX_KEY ? `${k.slice(0, 64)}…#${hashString(k)}:${k.length}` : k;
}

/**
 * Canonical text of a value for Unknown keys: Unknowns by key, strings ARM-quoted, other
 * literals as JSON (unknowns inside containers written as {key}).
 */
export function keyOf(v: Value): string {
  if (v instanceof Unknown) return v.key;
  if (typeof v === 'string') return boundKey(quoteArmString(v));
  if (v === null || typeof v !== 'object') return String(v);
  let s: string;
  try {
    s = JSON.stringify(v, (_k, x) => (x instanceof Unknown ? `{${x.key}}` : x)) ?? 'undefined';
  } catch {
    s = '<unserializable>';
  }
  return boundKey(s);
}

/** Canonical call text `name(arg1, arg2)` used as the key of an Unknown call result. */
export function callKey(name: string, args: Value[]): string {
  return boundKey(`${name}(${args.map(keyOf).join(', ')})`);
}

/** The first Unknown found in a value (depth-first), for reasons. */
export function firstUnknown(v: Value, depth = 0): Unknown | undefined {
  if (v instanceof Unknown) return v;
  if (depth > 64) return undefined;
  if (Array.isArray(v)) {
    for (const x of v) {
      const u = firstUnknown(x, depth + 1);
      if (u) return u;
    }
  } else if (isObject(v)) {
    for (const k of Object.keys(v)) {
      const u = firstUnknown(v[k], depth + 1);
      if (u) return u;
    }
  }
  return undefined;
}

/** Sets an own property safely (a "__proto__" key stays a plain data property). */
export function setProp(o: ValueObject, k: string, v: Value): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** ARM's string conversion used by concat/format/string(): True/False, JSON for containers. */
export function toText(v: Exclude<Value, Unknown>): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (v === null) return '';
  try {
    return JSON.stringify(v, (_k, x) => (x instanceof Unknown ? `{${x.key}}` : x)) ?? '';
  } catch {
    return '';
  }
}

export function typeName(v: Value): string {
  if (v instanceof Unknown) return 'unknown';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'number';
  return typeof v;
}

/** Looks up an object key: exact match first, then case-insensitive (ARM objects are case-insensitive). */
export function lookupKey(o: ValueObject, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(o, name)) return name;
  const lower = name.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return k;
  return undefined;
}

/**
 * Builds an object whose keys are unique case-insensitively (ARM objects are case-insensitive):
 * setting a key that differs only in case replaces the earlier entry (the later spelling wins).
 */
export class CiObject {
  readonly obj: ValueObject = {};
  private readonly index = new Map<string, string>();

  set(k: string, v: Value): void {
    const lower = k.toLowerCase();
    const existing = this.index.get(lower);
    if (existing !== undefined && existing !== k) delete this.obj[existing];
    this.index.set(lower, k);
    setProp(this.obj, k, v);
  }

  get(k: string): Value | undefined {
    const existing = this.index.get(k.toLowerCase());
    return existing === undefined ? undefined : this.obj[existing];
  }
}

/** Distinct values (by three-valued equality === true), in order. */
export function distinct(values: Value[]): Value[] {
  const out: Value[] = [];
  for (const v of values) if (!out.some((o) => valuesEqual(o, v) === true)) out.push(v);
  return out;
}

/**
 * Maps an Unknown with candidates through `f`: when every mapped candidate is known the result
 * is the single value (when all agree) or an Unknown keyed `key` with the mapped candidates.
 * Returns undefined when lifting is not possible.
 */
export function mapCandidates(u: Unknown, key: string, f: (v: Value) => Value): Value | undefined {
  if (!u.candidates || u.candidates.length === 0 || u.candidates.length > MAX_COMBINATIONS) return undefined;
  const out: Value[] = [];
  for (const c of u.candidates) {
    const r = f(c);
    if (containsUnknown(r)) return undefined;
    out.push(r);
  }
  const d = distinct(out);
  if (d.length === 1) return d[0];
  return new Unknown(key, u.reason, d);
}

/**
 * Lifts a function over arguments some of which are Unknowns with candidates: every combination
 * is evaluated; undefined when an argument is unknown without candidates, when there are too many
 * combinations, or when a result is itself unknown.
 */
export function liftArgs(args: Value[], key: string, f: (args: Value[]) => Value): Value | undefined {
  let combos = 1;
  const choices: Value[][] = [];
  for (const a of args) {
    if (a instanceof Unknown) {
      if (!a.candidates || a.candidates.length === 0) return undefined;
      if (a.candidates.some((c) => containsUnknown(c))) return undefined;
      combos *= a.candidates.length;
      choices.push(a.candidates);
    } else {
      if (containsUnknown(a)) return undefined;
      choices.push([a]);
    }
    if (combos > MAX_COMBINATIONS) return undefined;
  }
  const results: Value[] = [];
  const cur: Value[] = new Array(args.length);
  const rec = (i: number): boolean => {
    if (i === args.length) {
      const r = f(cur.slice());
      if (containsUnknown(r)) return false;
      results.push(r);
      return true;
    }
    for (const c of choices[i]) {
      cur[i] = c;
      if (!rec(i + 1)) return false;
    }
    return true;
  };
  if (!rec(0)) return undefined;
  const d = distinct(results);
  if (d.length === 1) return d[0];
  const reason = (args.find((a) => a instanceof Unknown) as Unknown | undefined)?.reason ?? 'unknown';
  return new Unknown(key, reason, d);
}

const OPEN = Symbol.for('apim-vnet-lint.openObject');

/** What an open object's missing properties evaluate to. */
export interface OpenObjectInfo {
  /** Key prefix of the Unknown for a missing property: `${key}.${name}`. */
  key: string;
  /** Reason of that Unknown, e.g. "runtime property of 'vnet' known only after deployment". */
  reason: string;
}

/**
 * Marks an object as open: it has more properties than the ones known statically (e.g. the
 * result of reference() on an in-template resource, whose runtime properties such as
 * `defaultDomain` or `ipAddress` exist only after deployment). Reading a missing property of an
 * open object gives an Unknown instead of a "does not exist" error. The mark is a non-enumerable
 * symbol: JSON, Object.keys and equality ignore it. Returns the same object.
 */
export function markOpenObject<T extends ValueObject>(obj: T, key: string, reason: string): T {
  try {
    Object.defineProperty(obj, OPEN, { value: { key, reason } satisfies OpenObjectInfo, enumerable: false, configurable: true });
  } catch {
    /* frozen object: leave closed */
  }
  return obj;
}

export function openObjectInfo(v: Value): OpenObjectInfo | undefined {
  return isObject(v) ? ((v as unknown as Record<symbol, OpenObjectInfo | undefined>)[OPEN] ?? undefined) : undefined;
}

/** `v.name` with ARM semantics over possibly-unknown values. */
export function getProperty(v: Value, name: string): Value {
  if (v instanceof Unknown) {
    const key = boundKey(`${v.key}.${name}`);
    const lifted = mapCandidates(v, key, (c) => getProperty(c, name));
    if (lifted !== undefined) return lifted;
    return new Unknown(key, v.reason);
  }
  if (isObject(v)) {
    const k = lookupKey(v, name);
    if (k !== undefined) return v[k];
    const open = openObjectInfo(v);
    if (open) return new Unknown(boundKey(`${open.key}.${name}`), open.reason);
    return new Unknown(boundKey(`${keyOf(v)}.${name}`), `property '${name}' does not exist (available: ${Object.keys(v).slice(0, 20).join(', ') || 'none'})`);
  }
  return new Unknown(boundKey(`${keyOf(v)}.${name}`), `cannot read property '${name}' of a value of type ${typeName(v)}`);
}

/** `v[index]` with ARM semantics over possibly-unknown values. */
export function getIndex(v: Value, index: Value): Value {
  let k: string | undefined;
  const keyFn = () => (k ??= boundKey(`${keyOf(v)}[${keyOf(index)}]`));
  if (v instanceof Unknown) {
    const key = keyFn();
    if (!(index instanceof Unknown)) {
      const lifted = mapCandidates(v, key, (c) => getIndex(c, index));
      if (lifted !== undefined) return lifted;
    }
    return new Unknown(key, v.reason);
  }
  if (index instanceof Unknown) {
    const key = keyFn();
    const lifted = mapCandidates(index, key, (i) => getIndex(v, i));
    if (lifted !== undefined) return lifted;
    // The result is one of the container's values, when those are known and few.
    const values = Array.isArray(v) ? v : isObject(v) ? Object.keys(v).map((k) => v[k]) : undefined;
    if (values && values.length > 0 && values.length <= MAX_COMBINATIONS && !values.some((x) => containsUnknown(x))) {
      const d = distinct(values);
      if (d.length === 1) return d[0];
      return new Unknown(key, index.reason, d);
    }
    return new Unknown(key, index.reason);
  }
  if (Array.isArray(v)) {
    if (typeof index === 'number' && Number.isInteger(index)) {
      if (index >= 0 && index < v.length) return v[index];
      return new Unknown(keyFn(), `index ${index} is out of range (array length ${v.length})`);
    }
    if (typeof index === 'string' && /^\d+$/.test(index)) return getIndex(v, Number(index));
    return new Unknown(keyFn(), `an array index must be an integer, not ${typeName(index)}`);
  }
  if (isObject(v)) {
    if (typeof index === 'string' || typeof index === 'number') return getProperty(v, String(index));
    return new Unknown(keyFn(), `an object index must be a string, not ${typeName(index)}`);
  }
  return new Unknown(keyFn(), `cannot index a value of type ${typeName(v)}`);
}

/** Splits a possibly symbolic string at every occurrence of `sep` in its literal parts. */
export function splitSymbolic(v: string | Unknown, sep: string): (string | Unknown)[] {
  if (typeof v === 'string') return v.split(sep);
  const parts: StringPart[] = v.parts ? v.parts : [v];
  const out: (string | Unknown)[] = [];
  let cur: StringPart[] = [];
  for (const p of parts) {
    if (typeof p === 'string') {
      const pieces = p.split(sep);
      for (let i = 0; i < pieces.length; i++) {
        if (i > 0) {
          out.push(symbolicConcat(cur));
          cur = [];
        }
        cur.push(pieces[i]);
      }
    } else {
      cur.push(p);
    }
  }
  out.push(symbolicConcat(cur));
  return out;
}

/** True for a string or a symbolic (parts) string Unknown. */
export function isStringish(v: Value): v is string | Unknown {
  return typeof v === 'string' || (v instanceof Unknown && v.parts !== undefined);
}
