/**
 * Values of the ARM template language, with Unknown as a first-class value.
 *
 * CONTRACT shared by every layer (expressions, template, network, rules):
 * - A Value is plain JSON data (null, boolean, number, string, array, object) or an Unknown.
 * - Unknown is never thrown; it flows through evaluation.
 * - An Unknown has a canonical symbolic `key`: two Unknowns with the same key denote the same
 *   runtime value (e.g. `uniqueString(resourceGroup().id)` evaluated twice). Strings that mix
 *   literal text and unknown parts are Unknowns with `parts` (see `symbolicConcat`) so that
 *   `format('apimnsg{0}', X)` and `concat('apimnsg', X)` compare equal.
 * - An Unknown may carry `candidates`: the finite set of values it may take (allowedValues).
 */

export type Value = null | boolean | number | string | Value[] | ValueObject | Unknown;
export interface ValueObject {
  [key: string]: Value;
}

export type StringPart = string | Unknown;

export class Unknown {
  /** The key, when given or already built (a symbolic string builds it from its parts on first read). */
  private k: string | undefined;
  /** Human-readable reason, e.g. "parameter 'vnetName' has no value". */
  readonly reason: string;
  /** When known: the finite set of values this unknown may take (e.g. allowedValues). */
  readonly candidates?: Value[];
  /** When this unknown is a string made of literal and unknown parts: the parts, normalized. */
  readonly parts?: StringPart[];

  constructor(key: string | undefined, reason: string, candidates?: Value[], parts?: StringPart[]) {
    this.k = key;
    this.reason = reason;
    if (candidates) this.candidates = candidates;
    if (parts) this.parts = parts;
  }

  /** Canonical symbolic form; equal keys mean equal runtime values. */
  get key(): string {
    if (this.k === undefined) this.k = this.parts ? partsKey(this.parts) : '';
    return this.k;
  }

  toString(): string {
    return `<unknown ${this.key}>`;
  }
}

export function isUnknown(v: unknown): v is Unknown {
  return v instanceof Unknown;
}

export function isObject(v: Value | undefined): v is ValueObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown);
}

export function isArray(v: Value | undefined): v is Value[] {
  return Array.isArray(v);
}

/** Creates an opaque unknown with a canonical key. */
export function unknown(key: string, reason: string, candidates?: Value[]): Unknown {
  return new Unknown(key, reason, candidates);
}

/** True when the value is, or contains anywhere, an Unknown. */
export function containsUnknown(v: Value, depth = 0): boolean {
  if (v instanceof Unknown) return true;
  if (depth > 64) return true;
  if (Array.isArray(v)) return v.some((x) => containsUnknown(x, depth + 1));
  if (isObject(v)) return Object.keys(v).some((k) => containsUnknown(v[k], depth + 1));
  return false;
}

/**
 * Concatenates string parts into a string, or into a symbolic Unknown string when any part is
 * unknown. Parts are flattened (a symbolic part contributes its own parts) and adjacent literals
 * merged, so the same sequence of text and unknowns always yields the same key.
 */
export function symbolicConcat(parts: StringPart[], reason?: string): string | Unknown {
  const out: StringPart[] = [];
  const push = (p: StringPart) => {
    if (typeof p === 'string') {
      if (p === '') return;
      const last = out[out.length - 1];
      if (typeof last === 'string') out[out.length - 1] = last + p;
      else out.push(p);
    } else if (p.parts) {
      for (const q of p.parts) push(q);
    } else {
      out.push(p);
    }
  };
  for (const p of parts) push(p);
  if (out.length === 0) return '';
  if (out.length === 1 && typeof out[0] === 'string') return out[0];
  if (out.length === 1) return out[0] as Unknown;
  // the key (text of every part) is built only when read: most intermediate strings never are
  let firstReason: string | undefined;
  if (reason === undefined) for (const p of out) if (typeof p !== 'string') { firstReason = p.reason; break; }
  return new Unknown(undefined, reason ?? firstReason ?? 'unknown', undefined, out);
}

function partsKey(parts: StringPart[]): string {
  let key = '';
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (i > 0) key += '+';
    key += typeof p === 'string' ? JSON.stringify(p) : `{${p.key}}`;
  }
  return key;
}

/** Parts of a string-ish value: a literal string is one part; a symbolic unknown its parts. */
export function stringParts(v: string | Unknown): StringPart[] {
  if (typeof v === 'string') return [v];
  return v.parts ? v.parts.slice() : [v];
}

/** Three-valued logic: true, false, or undefined (cannot be decided). */
export type Tri = boolean | undefined;

export interface EqualityOptions {
  /** Compare strings case-insensitively (resource names, types, ids, service tags). */
  ignoreCase?: boolean;
}

/**
 * Decides whether two values are equal: true, false, or undefined when it depends on an
 * unknown. Never guesses: unknowns with the same key are equal; symbolic strings are equal when
 * their parts are; they are different when their literal prefixes or suffixes differ.
 */
export function valuesEqual(a: Value, b: Value, opts: EqualityOptions = {}): Tri {
  if (a instanceof Unknown || b instanceof Unknown) return unknownEqual(a, b, opts);
  if (typeof a === 'string' && typeof b === 'string') {
    return a === b || (!!opts.ignoreCase && a.toLowerCase() === b.toLowerCase());
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    let result: Tri = true;
    for (let i = 0; i < a.length; i++) {
      const r = valuesEqual(a[i], b[i], opts);
      if (r === false) return false;
      if (r === undefined) result = undefined;
    }
    return result;
  }
  const ao = a as ValueObject;
  const bo = b as ValueObject;
  const ak = Object.keys(ao);
  const bk = Object.keys(bo);
  if (ak.length !== bk.length) return false;
  let result: Tri = true;
  for (const k of ak) {
    if (!Object.prototype.hasOwnProperty.call(bo, k)) return false;
    const r = valuesEqual(ao[k], bo[k], opts);
    if (r === false) return false;
    if (r === undefined) result = undefined;
  }
  return result;
}

function unknownEqual(a: Value, b: Value, opts: EqualityOptions): Tri {
  const sa = a instanceof Unknown ? a : null;
  const sb = b instanceof Unknown ? b : null;
  // two symbolic strings: compared part by part below (equal parts ⇔ equal keys), keys not built
  if (sa && sb && !(sa.parts && sb.parts) && sa.key === sb.key) return true;
  // Candidate sets: equal only if every candidate pair decides the same way.
  if (sa?.candidates && !(b instanceof Unknown)) return candidatesEqual(sa.candidates, b, opts);
  if (sb?.candidates && !(a instanceof Unknown)) return candidatesEqual(sb.candidates, a, opts);
  if (isStringLike(a) && isStringLike(b)) return symbolicStringsEqual(partsOf(a), partsOf(b), opts);
  return undefined;
}

/** A literal string or a symbolic string (an Unknown with parts). */
function isStringLike(v: Value): v is string | Unknown {
  return typeof v === 'string' || (v instanceof Unknown && v.parts !== undefined);
}

/** The parts of a string-like value, read only (stringParts copies). */
function partsOf(v: string | Unknown): readonly StringPart[] {
  return typeof v === 'string' ? [v] : v.parts ?? [v];
}

function candidatesEqual(cands: Value[], other: Value, opts: EqualityOptions): Tri {
  let anyTrue = false;
  let anyFalse = false;
  for (const c of cands) {
    const r = valuesEqual(c, other, opts);
    if (r === undefined) return undefined;
    if (r) anyTrue = true;
    else anyFalse = true;
  }
  if (anyTrue && !anyFalse) return true;
  if (anyFalse && !anyTrue) return false;
  return undefined;
}

function symbolicStringsEqual(pa: readonly StringPart[], pb: readonly StringPart[], opts: EqualityOptions): Tri {
  const ignoreCase = !!opts.ignoreCase;
  const norm = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  // Identical part sequences are equal.
  if (pa.length === pb.length) {
    let same = true;
    for (let i = 0; i < pa.length && same; i++) same = samePart(pa[i], pb[i], ignoreCase);
    if (same) return true;
  }
  // Literal prefix and suffix must be compatible, otherwise the strings differ.
  const prefA = typeof pa[0] === 'string' ? norm(pa[0]) : '';
  const prefB = typeof pb[0] === 'string' ? norm(pb[0]) : '';
  const n = Math.min(prefA.length, prefB.length);
  if (prefA.slice(0, n) !== prefB.slice(0, n)) return false;
  const lastA = pa[pa.length - 1];
  const lastB = pb[pb.length - 1];
  const sufA = typeof lastA === 'string' ? norm(lastA) : '';
  const sufB = typeof lastB === 'string' ? norm(lastB) : '';
  const m = Math.min(sufA.length, sufB.length);
  if (sufA.slice(sufA.length - m) !== sufB.slice(sufB.length - m)) return false;
  return undefined;
}

function samePart(a: StringPart, b: StringPart, ignoreCase: boolean): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b || (ignoreCase && a.toLowerCase() === b.toLowerCase());
  if (a instanceof Unknown && b instanceof Unknown) return a.key === b.key;
  return false;
}

/** A short display form of a value for messages: literals as JSON, unknowns by their key. */
export function displayValue(v: Value, max = 120): string {
  let s: string;
  if (v instanceof Unknown) {
    s = v.parts
      ? v.parts.map((p) => (typeof p === 'string' ? p : `{${p.key}}`)).join('')
      : v.key;
  } else if (typeof v === 'string') {
    s = v;
  } else {
    try {
      s = JSON.stringify(v, (_k, x) => (x instanceof Unknown ? `{${x.key}}` : x));
    } catch {
      s = String(v);
    }
  }
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}
