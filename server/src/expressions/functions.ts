/**
 * Built-in ARM template functions (the ones real templates use), evaluated over values that may
 * be Unknown. Functions marked `strict` only ever see known arguments: the evaluator lifts them
 * over candidate sets or returns an Unknown keyed by the canonical call text. The others handle
 * unknowns themselves (string building, containers, ids, context functions).
 *
 * Argument errors are reported by throwing ArgError inside a function; the evaluator turns it
 * into an Unknown with the message as reason (nothing escapes the evaluator).
 */
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { EvalContext } from './context';
import {
  Unknown,
  containsUnknown,
  isObject,
  stringParts,
  symbolicConcat,
  valuesEqual,
  type StringPart,
  type Value,
  type ValueObject,
} from './value';
import {
  MAX_COMBINATIONS,
  BudgetError,
  CiObject,
  boundKey,
  charge,
  callKey,
  distinct,
  firstUnknown,
  getIndex,
  getProperty,
  isStringish,
  liftArgs,
  lookupKey,
  mapCandidates,
  openObjectInfo,
  setProp,
  splitSymbolic,
  toText,
  typeName,
} from './util';
import { describeIpv4, ipv4Host, ipv4Subnet, parseIpv4Cidr } from './cidr';

/** Thrown by built-ins for wrong argument types/values; turned into an Unknown by the evaluator. */
export class ArgError extends Error {}

export interface CallCtx {
  /** Canonical function name (e.g. "uniqueString"). */
  name: string;
  args: Value[];
  ctx: EvalContext;
  /** Canonical call text, the key of Unknown results. */
  key(): string;
  /** An Unknown keyed by the call with reason "<name>: <reason>". */
  fail(reason: string): Unknown;
  /** An Unknown keyed by the call, with the reason of the first unknown argument (or the given one). */
  opaque(reason?: string): Unknown;
}

export interface Builtin {
  name: string;
  min: number;
  max: number;
  /** When true the evaluator never passes unknown arguments (it lifts or returns an Unknown). */
  strict: boolean;
  /** Boolean-valued: an opaque unknown result carries candidates [true, false]. */
  returnsBool?: boolean;
  fn(args: Value[], c: CallCtx): Value;
}

export function makeCallCtx(name: string, args: Value[], ctx: EvalContext, returnsBool = false): CallCtx {
  return new CallCtxImpl(name, args, ctx, returnsBool);
}

/** One object per call (no closures): the key is built on first use only. */
class CallCtxImpl implements CallCtx {
  private k: string | undefined;
  constructor(
    readonly name: string,
    readonly args: Value[],
    readonly ctx: EvalContext,
    private readonly returnsBool: boolean,
  ) {}
  key(): string {
    return (this.k ??= callKey(this.name, this.args));
  }
  fail(reason: string): Unknown {
    return new Unknown(this.key(), `${this.name}: ${reason}`);
  }
  opaque(reason?: string): Unknown {
    const u = this.args.map((a) => firstUnknown(a)).find((x) => x !== undefined);
    return new Unknown(this.key(), reason ?? u?.reason ?? `${this.name}() could not be evaluated`, this.returnsBool ? [true, false] : undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// argument helpers

function ord(i: number): string {
  return `argument ${i + 1}`;
}

function argStr(args: Value[], i: number): string {
  const v = args[i];
  if (typeof v !== 'string') throw new ArgError(`${ord(i)} must be a string, not ${typeName(v)}`);
  return v;
}

function argInt(args: Value[], i: number): number {
  const v = args[i];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ArgError(`${ord(i)} must be an integer, not ${typeName(v)}`);
  return v;
}

function argNum(args: Value[], i: number): number {
  const v = args[i];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgError(`${ord(i)} must be a number, not ${typeName(v)}`);
  return v;
}

function argArr(args: Value[], i: number): Value[] {
  const v = args[i];
  if (!Array.isArray(v)) throw new ArgError(`${ord(i)} must be an array, not ${typeName(v)}`);
  return v;
}

function argObj(args: Value[], i: number): ValueObject {
  const v = args[i];
  if (!isObject(v)) throw new ArgError(`${ord(i)} must be an object, not ${typeName(v)}`);
  return v;
}

function argBool(args: Value[], i: number): boolean {
  const v = args[i];
  if (typeof v !== 'boolean') throw new ArgError(`${ord(i)} must be a boolean, not ${typeName(v)}`);
  return v;
}

/** Lifts over candidate unknowns, else an opaque Unknown (for partial functions). */
function liftOrOpaque(c: CallCtx, f: (args: Value[]) => Value, returnsBool = false): Value {
  const lifted = liftArgs(c.args, c.key(), (a) => safeApply(f, a, c));
  if (lifted !== undefined) return lifted;
  const u = c.opaque();
  return returnsBool ? new Unknown(u.key, u.reason, [true, false]) : u;
}

function safeApply(f: (args: Value[]) => Value, a: Value[], c: CallCtx): Value {
  try {
    return f(a);
  } catch (e) {
    if (e instanceof RangeError || e instanceof BudgetError) throw e;
    return c.fail(e instanceof Error ? e.message : String(e));
  }
}

const MAX_STRING = 4 * 1024 * 1024;
const MAX_ARRAY = 100_000;

function checkSize(s: string): string {
  charge(s.length >> 6);
  if (s.length > MAX_STRING) throw new ArgError(`result longer than ${MAX_STRING} characters`);
  return s;
}

// ---------------------------------------------------------------------------------------------
// string building

/** Parts of a value used as a piece of a built string (known non-strings converted). */
function textParts(v: Value): StringPart[] {
  if (v instanceof Unknown) return stringParts(v);
  return [toText(v)];
}

/**
 * Builds a string from parts; when unknown parts all carry candidates (few combinations), the
 * symbolic result also carries the candidate strings.
 */
export function buildString(parts: StringPart[], reason?: string): string | Unknown {
  const r = symbolicConcat(parts, reason);
  if (typeof r === 'string' || !r.parts) return r;
  const unknowns = r.parts.filter((p): p is Unknown => typeof p !== 'string');
  if (unknowns.every((u) => u.candidates && u.candidates.every((x) => typeof x === 'string'))) {
    const lifted = liftArgs(unknowns, r.key, (vals) => {
      let i = 0;
      return r.parts!.map((p) => (typeof p === 'string' ? p : (vals[i++] as string))).join('');
    });
    if (lifted instanceof Unknown && lifted.candidates) return new Unknown(r.key, r.reason, lifted.candidates, r.parts);
    if (typeof lifted === 'string') return new Unknown(r.key, r.reason, [lifted], r.parts);
  }
  return r;
}

function concatFn(args: Value[], c: CallCtx): Value {
  if (args.length === 0) return '';
  const anyArray = args.some((a) => Array.isArray(a));
  if (anyArray) {
    const out: Value[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === null) continue;
      if (a instanceof Unknown) return liftOrOpaque(c, (x) => concatFn(x, c));
      if (!Array.isArray(a)) throw new ArgError(`${ord(i)}: cannot concatenate ${typeName(a)} with arrays`);
      charge(a.length);
      for (const x of a) out.push(x);
      if (out.length > MAX_ARRAY) throw new ArgError('array too large');
    }
    return out;
  }
  const parts: StringPart[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a instanceof Unknown) {
      parts.push(...stringParts(a));
    } else if (isObject(a)) {
      throw new ArgError(`${ord(i)}: cannot concatenate an object`);
    } else {
      parts.push(toText(a));
    }
  }
  const r = buildString(parts);
  if (typeof r === 'string') checkSize(r);
  return r;
}

function padNumber(s: string, width: number): string {
  const neg = s.startsWith('-');
  const digits = neg ? s.slice(1) : s;
  return (neg ? '-' : '') + digits.padStart(width, '0');
}

/** .NET-style format item: value with an optional format spec (D, N, F, X, P basics). */
function formatItem(v: Exclude<Value, Unknown>, spec: string | undefined): string {
  if (spec === undefined || spec === '') return toText(v);
  if (typeof v !== 'number') return toText(v);
  const m = /^([A-Za-z])(\d*)$/.exec(spec);
  if (!m) {
    // custom numeric pattern like "000": zero padding only
    if (/^0+$/.test(spec) && Number.isInteger(v)) return padNumber(String(v), spec.length);
    return toText(v);
  }
  const f = m[1];
  const p = m[2] === '' ? undefined : Math.min(Number(m[2]), 99);
  switch (f) {
    case 'D':
    case 'd':
      return Number.isInteger(v) ? padNumber(String(v), p ?? 0) : toText(v);
    case 'X':
    case 'x': {
      if (!Number.isInteger(v)) return toText(v);
      const h = (v < 0 ? (BigInt(v) & 0xffffffffffffffffn) : BigInt(v)).toString(16);
      const s = h.padStart(p ?? 0, '0');
      return f === 'X' ? s.toUpperCase() : s;
    }
    case 'N':
    case 'n':
      return v.toLocaleString('en-US', { minimumFractionDigits: p ?? 2, maximumFractionDigits: p ?? 2 });
    case 'F':
    case 'f':
      return v.toFixed(p ?? 2);
    case 'P':
    case 'p':
      return (v * 100).toLocaleString('en-US', { minimumFractionDigits: p ?? 2, maximumFractionDigits: p ?? 2 }) + ' %';
    default:
      return toText(v);
  }
}

function formatFn(args: Value[], c: CallCtx): Value {
  const fmtV = args[0];
  if (fmtV instanceof Unknown) return liftOrOpaque(c, (x) => formatFn(x, c));
  const fmt = argStr(args, 0);
  const parts: StringPart[] = [];
  let lit = '';
  let i = 0;
  while (i < fmt.length) {
    const ch = fmt[i];
    if (ch === '{') {
      if (fmt[i + 1] === '{') {
        lit += '{';
        i += 2;
        continue;
      }
      const close = fmt.indexOf('}', i);
      if (close < 0) throw new ArgError(`unterminated format item at position ${i}`);
      const item = fmt.slice(i + 1, close);
      const m = /^\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?(?::(.*))?$/.exec(item);
      if (!m) throw new ArgError(`invalid format item '{${item}}'`);
      const idx = Number(m[1]);
      if (idx + 1 >= args.length) throw new ArgError(`format item {${idx}} has no argument`);
      const align = m[2] !== undefined ? Number(m[2]) : 0;
      const spec = m[3];
      const v = args[idx + 1];
      if (lit) parts.push(lit);
      lit = '';
      if (v instanceof Unknown) {
        if (spec || align) {
          const key = boundKey(`format('{0${align ? ',' + align : ''}${spec ? ':' + spec : ''}}', ${v.key})`);
          const mapped = mapCandidates(v, key, (x) => (x instanceof Unknown ? x : formatItem(x, spec)));
          parts.push(mapped instanceof Unknown ? mapped : mapped !== undefined ? toText(mapped as Exclude<Value, Unknown>) : new Unknown(key, v.reason));
        } else {
          parts.push(...stringParts(v));
        }
      } else {
        if (isObject(v) || Array.isArray(v)) {
          if (containsUnknown(v)) return c.opaque();
        }
        let s = formatItem(v, spec);
        if (align > 0) s = s.padStart(Math.min(align, 10000));
        else if (align < 0) s = s.padEnd(Math.min(-align, 10000));
        parts.push(s);
      }
      i = close + 1;
      continue;
    }
    if (ch === '}') {
      if (fmt[i + 1] === '}') {
        lit += '}';
        i += 2;
        continue;
      }
      throw new ArgError(`unexpected '}' at position ${i}`);
    }
    lit += ch;
    i++;
  }
  if (lit) parts.push(lit);
  const r = buildString(parts);
  if (typeof r === 'string') checkSize(r);
  return r;
}

function caseFn(upper: boolean) {
  return (args: Value[], c: CallCtx): Value => {
    const v = args[0];
    const conv = (s: string) => (upper ? s.toUpperCase() : s.toLowerCase());
    const name = upper ? 'toUpper' : 'toLower';
    if (typeof v === 'string') return conv(v);
    if (v instanceof Unknown) {
      if (v.parts) {
        const parts = v.parts.map((p) => (typeof p === 'string' ? conv(p) : wrapUnknown(name, p, (x) => (typeof x === 'string' ? conv(x) : x))));
        return buildString(parts);
      }
      return wrapUnknown(name, v, (x) => (typeof x === 'string' ? conv(x) : x));
    }
    throw new ArgError(`${ord(0)} must be a string, not ${typeName(v)}`);
    void c;
  };
}

/** `name(u)` as an Unknown, mapping candidates when possible. */
function wrapUnknown(name: string, u: Unknown, f: (v: Value) => Value): Unknown {
  const key = boundKey(`${name}(${u.key})`);
  const m = mapCandidates(u, key, f);
  if (m instanceof Unknown) return m;
  if (m !== undefined) return new Unknown(key, u.reason, [m]);
  return new Unknown(key, u.reason);
}

function splitFn(args: Value[]): Value {
  const s = argStr(args, 0);
  const d = args[1];
  let delims: string[];
  if (typeof d === 'string') delims = [d];
  else if (Array.isArray(d) && d.every((x) => typeof x === 'string')) delims = d as string[];
  else throw new ArgError(`${ord(1)} must be a string or an array of strings`);
  delims = delims.filter((x) => x !== '');
  charge(s.length >> 6);
  if (delims.length === 0) return [s];
  const re = new RegExp(delims.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
  return s.split(re);
}

function joinFn(args: Value[], c: CallCtx): Value {
  const a = args[0];
  const d = args[1];
  if (a instanceof Unknown || d instanceof Unknown) {
    if (Array.isArray(a) && d instanceof Unknown) {
      const parts: StringPart[] = [];
      a.forEach((x, i) => {
        if (i > 0) parts.push(d);
        parts.push(...textParts(x));
      });
      return buildString(parts);
    }
    return liftOrOpaque(c, (x) => joinFn(x, c));
  }
  const arr = argArr(args, 0);
  const delim = argStr(args, 1);
  const parts: StringPart[] = [];
  arr.forEach((x, i) => {
    if (i > 0) parts.push(delim);
    if (isObject(x) || Array.isArray(x)) throw new ArgError('array elements must be strings, integers or booleans');
    parts.push(...textParts(x));
  });
  const r = buildString(parts);
  if (typeof r === 'string') checkSize(r);
  return r;
}

function substringFn(args: Value[]): Value {
  const s = argStr(args, 0);
  const start = args.length > 1 ? argInt(args, 1) : 0;
  if (start < 0 || start > s.length) throw new ArgError(`start index ${start} is out of range (string length ${s.length})`);
  if (args.length > 2 && args[2] !== null) {
    const len = argInt(args, 2);
    if (len < 0 || start + len > s.length) throw new ArgError(`length ${len} from index ${start} is out of range (string length ${s.length})`);
    return s.substr(start, len);
  }
  return s.slice(start);
}

function replaceFn(args: Value[]): Value {
  const s = argStr(args, 0);
  const o = argStr(args, 1);
  const n = argStr(args, 2);
  if (o === '') throw new ArgError('the string to replace must not be empty');
  const pieces = s.split(o);
  const resultLength = s.length + (pieces.length - 1) * (n.length - o.length);
  if (resultLength > MAX_STRING) throw new ArgError(`result longer than ${MAX_STRING} characters`);
  return checkSize(pieces.join(n));
}

function padLeftFn(args: Value[]): Value {
  const v = args[0];
  if (typeof v !== 'string' && !(typeof v === 'number' && Number.isInteger(v))) throw new ArgError(`${ord(0)} must be a string or an integer`);
  const s = String(v);
  const total = argInt(args, 1);
  if (total > 16384) throw new ArgError(`total length ${total} exceeds 16384`);
  const ch = args.length > 2 ? argStr(args, 2) : ' ';
  if (ch.length !== 1) throw new ArgError('the padding character must be a single character');
  charge(total >> 6);
  return s.length >= total ? s : ch.repeat(total - s.length) + s;
}

function indexOfFn(last: boolean) {
  return (args: Value[]): Value => {
    const a = args[0];
    if (Array.isArray(a)) {
      const idx = last ? findLastIndex(a, (x) => valuesEqual(x, args[1]) === true) : a.findIndex((x) => valuesEqual(x, args[1]) === true);
      return idx;
    }
    const s = argStr(args, 0).toLowerCase();
    const t = argStr(args, 1).toLowerCase();
    return last ? s.lastIndexOf(t) : s.indexOf(t);
  };
}

function findLastIndex(a: Value[], p: (v: Value) => boolean): number {
  for (let i = a.length - 1; i >= 0; i--) if (p(a[i])) return i;
  return -1;
}

function affixFn(ends: boolean) {
  return (args: Value[], c: CallCtx): Value => {
    const s = args[0];
    const t = args[1];
    if (typeof s === 'string' && typeof t === 'string') {
      return ends ? s.toLowerCase().endsWith(t.toLowerCase()) : s.toLowerCase().startsWith(t.toLowerCase());
    }
    if (s instanceof Unknown && s.parts && typeof t === 'string') {
      // Decide from the literal prefix/suffix of a symbolic string when it is long enough.
      const edge = ends ? s.parts[s.parts.length - 1] : s.parts[0];
      const lit = typeof edge === 'string' ? edge.toLowerCase() : '';
      const needle = t.toLowerCase();
      if (ends ? lit.endsWith(needle) : lit.startsWith(needle)) return true;
      const n = Math.min(lit.length, needle.length);
      const a = ends ? lit.slice(lit.length - n) : lit.slice(0, n);
      const b = ends ? needle.slice(needle.length - n) : needle.slice(0, n);
      if (a !== b) return false;
    }
    if (s instanceof Unknown || t instanceof Unknown) return liftOrOpaque(c, (x) => affixFn(ends)(x, c), true);
    throw new ArgError('arguments must be strings');
  };
}

// ---------------------------------------------------------------------------------------------
// conversions

function stringFn(args: Value[], c: CallCtx): Value {
  const v = args[0];
  if (typeof v === 'string') return v;
  if (v instanceof Unknown) {
    if (v.parts) return v;
    return liftOrOpaque(c, (x) => stringFn(x, c));
  }
  if (containsUnknown(v)) return c.opaque();
  return toText(v);
}

function intFn(args: Value[]): Value {
  const v = args[0];
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ArgError('not a finite number');
    return Math.trunc(v);
  }
  if (typeof v === 'string') {
    if (!/^\s*[+-]?\d+\s*$/.test(v)) throw new ArgError(`'${v.slice(0, 40)}' is not an integer`);
    return Number(v.trim());
  }
  throw new ArgError(`cannot convert ${typeName(v)} to an integer`);
}

function floatFn(args: Value[]): Value {
  const v = args[0];
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = Number(v.trim());
    if (v.trim() === '' || !Number.isFinite(n)) throw new ArgError(`'${v.slice(0, 40)}' is not a number`);
    return n;
  }
  throw new ArgError(`cannot convert ${typeName(v)} to a number`);
}

function boolFn(args: Value[]): Value {
  const v = args[0];
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (v === 0) return false;
    if (v === 1) return true;
  }
  if (typeof v === 'string') {
    const l = v.trim().toLowerCase();
    if (l === 'true') return true;
    if (l === 'false') return false;
  }
  throw new ArgError(`cannot convert ${typeName(v)} ${typeof v === 'string' ? `'${v.slice(0, 40)}' ` : ''}to a boolean`);
}

/** ARM's json() is lenient like Json.NET: comments and trailing commas are accepted. */
function jsonFn(args: Value[]): Value {
  const s = argStr(args, 0);
  try {
    return JSON.parse(s) as Value;
  } catch (e) {
    const errors: ParseError[] = [];
    const v = parseJsonc(s, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false }) as Value | undefined;
    if (errors.length === 0 && v !== undefined) return v;
    throw new ArgError(`invalid JSON: ${errors.length ? `${printParseErrorCode(errors[0].error)} at offset ${errors[0].offset}` : e instanceof Error ? e.message : String(e)}`);
  }
}

function base64Encode(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

function base64Decode(s: string): string {
  if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(s)) throw new ArgError('not a base64 string');
  return Buffer.from(s, 'base64').toString('utf8');
}

const DATA_URI_PREFIX = 'data:text/plain;charset=utf8;base64,';

function dataUriToStringFn(args: Value[]): Value {
  const s = argStr(args, 0);
  const m = /^data:([^,]*),(.*)$/s.exec(s);
  if (!m) throw new ArgError('not a data URI');
  if (/;base64$/i.test(m[1])) return base64Decode(m[2]);
  try {
    return decodeURIComponent(m[2]);
  } catch {
    throw new ArgError('invalid data URI encoding');
  }
}

function uriFn(args: Value[]): Value {
  const base = argStr(args, 0);
  const rel = argStr(args, 1);
  try {
    return new URL(rel, base).toString();
  } catch {
    throw new ArgError(`cannot combine '${base.slice(0, 80)}' with '${rel.slice(0, 80)}'`);
  }
}

// ---------------------------------------------------------------------------------------------
// arrays and objects

function lengthFn(args: Value[], c: CallCtx): Value {
  const v = args[0];
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) return v.length;
  if (isObject(v)) return Object.keys(v).length;
  if (v instanceof Unknown) return liftOrOpaque(c, (x) => lengthFn(x, c));
  throw new ArgError(`cannot take the length of ${typeName(v)}`);
}

function emptyFn(args: Value[], c: CallCtx): Value {
  const v = args[0];
  if (v === null) return true;
  if (typeof v === 'string') return v.length === 0;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).length === 0;
  if (v instanceof Unknown) {
    if (v.parts && v.parts.some((p) => typeof p === 'string' && p.length > 0)) return false;
    return liftOrOpaque(c, (x) => emptyFn(x, c), true);
  }
  throw new ArgError(`cannot test ${typeName(v)} for emptiness`);
}

function firstLastFn(last: boolean) {
  const f = (args: Value[], c: CallCtx): Value => {
    const v = args[0];
    if (Array.isArray(v)) return v.length === 0 ? null : v[last ? v.length - 1 : 0];
    if (typeof v === 'string') return v.length === 0 ? '' : v[last ? v.length - 1 : 0];
    if (v instanceof Unknown) return liftOrOpaque(c, (x) => f(x, c));
    throw new ArgError(`${ord(0)} must be an array or a string, not ${typeName(v)}`);
  };
  return f;
}

function takeSkipFn(skip: boolean) {
  const f = (args: Value[], c: CallCtx): Value => {
    const v = args[0];
    const nV = args[1];
    if (v instanceof Unknown || nV instanceof Unknown) return liftOrOpaque(c, (x) => f(x, c));
    let n = argInt(args, 1);
    if (n < 0) n = 0;
    if (Array.isArray(v) || typeof v === 'string') return skip ? v.slice(n) : v.slice(0, n);
    throw new ArgError(`${ord(0)} must be an array or a string, not ${typeName(v)}`);
  };
  return f;
}

function createObjectFn(args: Value[], c: CallCtx): Value {
  if (args.length % 2 !== 0) throw new ArgError('requires an even number of arguments (key, value pairs)');
  const o: ValueObject = {};
  for (let i = 0; i < args.length; i += 2) {
    const k = args[i];
    if (k instanceof Unknown) return c.opaque();
    if (typeof k !== 'string') throw new ArgError(`${ord(i)} (a key) must be a string, not ${typeName(k)}`);
    setProp(o, k, args[i + 1]);
  }
  return o;
}

function deepMerge(a: ValueObject, b: ValueObject): ValueObject {
  const out = new CiObject();
  for (const k of Object.keys(a)) out.set(k, a[k]);
  for (const k of Object.keys(b)) {
    const av = out.get(k);
    const bv = b[k];
    out.set(k, av !== undefined && isObject(av) && isObject(bv) ? deepMerge(av, bv) : bv);
  }
  return out.obj;
}

function unionFn(args: Value[], c: CallCtx): Value {
  if (args.some((a) => a instanceof Unknown)) return liftOrOpaque(c, (x) => unionFn(x, c));
  if (args.every((a) => Array.isArray(a) || a === null)) {
    const out: Value[] = [];
    const seen = new Set<string>();
    const complex: Value[] = [];
    for (const a of args) {
      if (a === null) continue;
      charge((a as Value[]).length);
      for (const x of a as Value[]) {
        const pk = primitiveKey(x);
        if (pk !== undefined) {
          if (seen.has(pk)) continue;
          seen.add(pk);
        } else {
          charge(complex.length);
          if (complex.some((o) => valuesEqual(o, x) === true)) continue;
          complex.push(x);
        }
        out.push(x);
      }
    }
    return out;
  }
  if (args.every((a) => isObject(a) || a === null)) {
    let out: ValueObject = {};
    for (const a of args) if (a !== null) out = deepMerge(out, a as ValueObject);
    return out;
  }
  throw new ArgError('arguments must be all arrays or all objects');
}

/** A Set key for primitive values (strings, numbers, booleans, null); undefined otherwise. */
function primitiveKey(v: Value): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return 's' + v;
    case 'number':
      return 'n' + v;
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return undefined;
  }
}

function intersectionFn(args: Value[]): Value {
  if (args.every((a) => Array.isArray(a))) {
    const [first, ...rest] = args as Value[][];
    const restSets = rest.map((r) => new Set(r.map(primitiveKey).filter((k): k is string => k !== undefined)));
    const out: Value[] = [];
    const seen = new Set<string>();
    charge(first.length * args.length);
    for (const x of first) {
      const pk = primitiveKey(x);
      if (pk !== undefined) {
        if (seen.has(pk) || !restSets.every((s) => s.has(pk))) continue;
        seen.add(pk);
        out.push(x);
      } else {
        charge(rest.reduce((n, r) => n + r.length, out.length));
        if (out.some((o) => valuesEqual(o, x) === true)) continue;
        if (rest.every((r) => r.some((y) => valuesEqual(x, y) === true))) out.push(x);
      }
    }
    return out;
  }
  if (args.every((a) => isObject(a))) {
    const [first, ...rest] = args as ValueObject[];
    const out: ValueObject = {};
    for (const k of Object.keys(first)) {
      if (rest.every((r) => Object.prototype.hasOwnProperty.call(r, k) && valuesEqual(r[k], first[k]) === true)) setProp(out, k, first[k]);
    }
    return out;
  }
  throw new ArgError('arguments must be all arrays or all objects');
}

function containsFn(args: Value[], c: CallCtx): Value {
  const container = args[0];
  const item = args[1];
  if (container instanceof Unknown) return liftOrOpaque(c, (x) => containsFn(x, c), true);
  if (Array.isArray(container)) {
    let undecided = false;
    for (const x of container) {
      const r = valuesEqual(x, item);
      if (r === true) return true;
      if (r === undefined) undecided = true;
    }
    return undecided ? liftOrOpaque(c, (x) => containsFn(x, c), true) : false;
  }
  if (item instanceof Unknown) return liftOrOpaque(c, (x) => containsFn(x, c), true);
  if (typeof container === 'string') {
    if (typeof item !== 'string' && typeof item !== 'number') throw new ArgError(`${ord(1)} must be a string`);
    return container.includes(String(item));
  }
  if (isObject(container)) {
    if (typeof item !== 'string' && typeof item !== 'number') throw new ArgError(`${ord(1)} must be a string`);
    if (lookupKey(container, String(item)) !== undefined) return true;
    const open = openObjectInfo(container);
    return open ? new Unknown(callKey('contains', [new Unknown(open.key, open.reason), item]), open.reason, [true, false]) : false;
  }
  throw new ArgError(`${ord(0)} must be an array, an object or a string, not ${typeName(container)}`);
}

function equalsFn(args: Value[], c: CallCtx): Value {
  const r = valuesEqual(args[0], args[1]);
  if (r !== undefined) return r;
  const lifted = liftArgs(args, c.key(), (a) => valuesEqual(a[0], a[1]) ?? new Unknown('?', '?'));
  if (lifted !== undefined) return lifted;
  const u = c.opaque();
  return new Unknown(u.key, u.reason, [true, false]);
}

function coalesceFn(args: Value[], c: CallCtx): Value {
  for (const a of args) {
    if (a === null) continue;
    if (a instanceof Unknown) {
      if (a.parts) return a; // a symbolic string is never null
      if (a.candidates && a.candidates.length > 0 && a.candidates.every((x) => x !== null)) return a;
      return c.opaque();
    }
    return a;
  }
  return null;
}

function tryGetFn(args: Value[], c: CallCtx): Value {
  let cur = args[0];
  for (let i = 1; i < args.length; i++) {
    const k = args[i];
    if (cur === null) return null;
    if (cur instanceof Unknown || k instanceof Unknown) return liftOrOpaque(c, (x) => tryGetFn(x, c));
    if (isObject(cur)) {
      if (typeof k !== 'string') return null;
      const key = lookupKey(cur, k);
      if (key === undefined) return openObjectInfo(cur) ? getProperty(cur, k) : null;
      cur = cur[key];
    } else if (Array.isArray(cur)) {
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k >= cur.length) return null;
      cur = cur[k];
    } else {
      return null;
    }
  }
  return cur;
}

function shallowMergeFn(args: Value[], c: CallCtx): Value {
  const a = args[0];
  if (a instanceof Unknown) return liftOrOpaque(c, (x) => shallowMergeFn(x, c));
  const arr = argArr(args, 0);
  const out = new CiObject();
  for (const o of arr) {
    if (o === null) continue;
    if (o instanceof Unknown) return c.opaque();
    if (!isObject(o)) throw new ArgError('array elements must be objects');
    for (const k of Object.keys(o)) out.set(k, o[k]);
  }
  return out.obj;
}

function flattenFn(args: Value[], c: CallCtx): Value {
  const a = args[0];
  if (a instanceof Unknown) return liftOrOpaque(c, (x) => flattenFn(x, c));
  const arr = argArr(args, 0);
  const out: Value[] = [];
  for (const x of arr) {
    if (x instanceof Unknown) return c.opaque();
    if (!Array.isArray(x)) throw new ArgError('array elements must be arrays');
    charge(x.length);
    for (const y of x) out.push(y);
    if (out.length > MAX_ARRAY) throw new ArgError('array too large');
  }
  return out;
}

function itemsFn(args: Value[], c: CallCtx): Value {
  const a = args[0];
  if (a instanceof Unknown) return liftOrOpaque(c, (x) => itemsFn(x, c));
  const o = argObj(args, 0);
  const keys = Object.keys(o).sort((x, y) => {
    const lx = x.toLowerCase();
    const ly = y.toLowerCase();
    return lx < ly ? -1 : lx > ly ? 1 : x < y ? -1 : x > y ? 1 : 0;
  });
  return keys.map((k) => ({ key: k, value: o[k] }));
}

function objectKeysFn(args: Value[], c: CallCtx): Value {
  const a = args[0];
  if (a instanceof Unknown) return liftOrOpaque(c, (x) => objectKeysFn(x, c));
  return Object.keys(argObj(args, 0));
}

function minMaxFn(isMax: boolean) {
  return (args: Value[]): Value => {
    const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as Value[]) : args;
    if (list.length === 0) throw new ArgError('requires at least one value');
    let best: number | undefined;
    for (const v of list) {
      if (typeof v !== 'number') throw new ArgError(`values must be integers, not ${typeName(v)}`);
      if (best === undefined || (isMax ? v > best : v < best)) best = v;
    }
    return best as number;
  };
}

function rangeFn(args: Value[]): Value {
  const start = argInt(args, 0);
  const count = argInt(args, 1);
  if (count < 0 || count > 10000) throw new ArgError(`count ${count} must be between 0 and 10000`);
  charge(count);
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(start + i);
  return out;
}

/**
 * ARM compares strings culture-aware, not ordinally: lower case sorts before upper case
 * (greater('A', 'a') is True in the ARM documentation's example), 'a' before 'B'. Equal strings
 * compare equal; strings the collation cannot tell apart fall back to ordinal order.
 */
const STRING_COLLATOR = new Intl.Collator('en-US', { usage: 'sort', sensitivity: 'variant', caseFirst: 'lower', numeric: false });

function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const c = STRING_COLLATOR.compare(a, b);
  if (c !== 0) return c < 0 ? -1 : 1;
  return a < b ? -1 : 1;
}

function compareFn(op: 'lt' | 'le' | 'gt' | 'ge') {
  return (args: Value[]): Value => {
    const a = args[0];
    const b = args[1];
    let cmp: number;
    if (typeof a === 'number' && typeof b === 'number') cmp = a < b ? -1 : a > b ? 1 : 0;
    else if (typeof a === 'string' && typeof b === 'string') cmp = compareStrings(a, b);
    else throw new ArgError(`cannot compare ${typeName(a)} with ${typeName(b)}`);
    switch (op) {
      case 'lt':
        return cmp < 0;
      case 'le':
        return cmp <= 0;
      case 'gt':
        return cmp > 0;
      case 'ge':
        return cmp >= 0;
    }
  };
}

function arith(op: 'add' | 'sub' | 'mul' | 'div' | 'mod') {
  return (args: Value[]): Value => {
    const a = argNum(args, 0);
    const b = argNum(args, 1);
    switch (op) {
      case 'add':
        return a + b;
      case 'sub':
        return a - b;
      case 'mul':
        return a * b;
      case 'div':
        if (b === 0) throw new ArgError('division by zero');
        return Math.trunc(a / b);
      case 'mod':
        if (b === 0) throw new ArgError('division by zero');
        return a % b;
    }
  };
}

// ---------------------------------------------------------------------------------------------
// resource ids

function segmentValue(v: Value, what: string): string | Unknown {
  if (typeof v === 'string' || v instanceof Unknown) return v;
  if (typeof v === 'number' || typeof v === 'boolean') return toText(v);
  throw new ArgError(`${what} must be a string, not ${typeName(v)}`);
}

/**
 * Splits `args` into [prefix args, type, names] for the resourceId family. The type is the first
 * known string containing "/" within the first `maxPrefix + 1` arguments.
 */
function splitIdArgs(args: Value[], maxPrefix: number): { prefix: Value[]; type: string; names: (string | Unknown)[] } | 'unknown' {
  let ti = -1;
  for (let i = 0; i <= Math.min(maxPrefix, args.length - 1); i++) {
    const a = args[i];
    if (typeof a === 'string' && a.includes('/')) {
      ti = i;
      break;
    }
  }
  if (ti < 0) {
    if (args.slice(0, maxPrefix + 1).some((a) => a instanceof Unknown)) return 'unknown';
    throw new ArgError('no resource type (namespace/type) found in the arguments');
  }
  const type = args[ti] as string;
  const typeSegs = type.split('/').filter((s) => s !== '');
  if (typeSegs.length < 2) throw new ArgError(`'${type}' is not a resource type`);
  const need = typeSegs.length - 1;
  let names = args.slice(ti + 1).map((v, i) => segmentValue(v, `name ${i + 1}`));
  if (names.length !== need) {
    // Tolerate "parent/child" written as one name.
    const split = names.flatMap((n) => splitSymbolic(n, '/'));
    if (split.length === need) names = split;
    else if (names.some((n) => n instanceof Unknown && !n.parts)) return 'unknown'; // an unknown name may hold "parent/child"
    else throw new ArgError(`resource type '${type}' needs ${need} name${need === 1 ? '' : 's'}, got ${names.length}`);
  }
  return { prefix: args.slice(0, ti), type: typeSegs.join('/'), names };
}

function providerParts(type: string, names: (string | Unknown)[]): StringPart[] {
  const segs = type.split('/');
  const parts: StringPart[] = [`/providers/${segs[0]}`];
  for (let i = 1; i < segs.length; i++) {
    parts.push(`/${segs[i]}/`);
    parts.push(...stringParts(names[i - 1]));
  }
  return parts;
}

function prop(v: Value, name: string): Value {
  return getProperty(v, name);
}

function resourceIdFn(args: Value[], c: CallCtx): Value {
  const s = splitIdArgs(args, 2);
  if (s === 'unknown') return c.opaque();
  let sub: Value;
  let rg: Value;
  if (s.prefix.length === 0) {
    // the id format follows the deployment scope (template-functions-resource#resourceid)
    const level = c.ctx.deploymentLevel?.() ?? 'resourceGroup';
    if (level === 'managementGroup' || level === 'tenant') return buildString(providerParts(s.type, s.names));
    sub = prop(c.ctx.subscription(), 'subscriptionId');
    if (level === 'subscription') return buildString(['/subscriptions/', ...stringParts(segmentValue(sub, 'subscriptionId')), ...providerParts(s.type, s.names)]);
    rg = prop(c.ctx.resourceGroup(), 'name');
  } else if (s.prefix.length === 1) {
    sub = prop(c.ctx.subscription(), 'subscriptionId');
    rg = s.prefix[0];
  } else {
    sub = s.prefix[0];
    rg = s.prefix[1];
  }
  const parts: StringPart[] = ['/subscriptions/', ...stringParts(segmentValue(sub, 'subscriptionId')), '/resourceGroups/', ...stringParts(segmentValue(rg, 'resourceGroupName')), ...providerParts(s.type, s.names)];
  return buildString(parts);
}

function subscriptionResourceIdFn(args: Value[], c: CallCtx): Value {
  const s = splitIdArgs(args, 1);
  if (s === 'unknown') return c.opaque();
  const sub = s.prefix.length === 1 ? s.prefix[0] : prop(c.ctx.subscription(), 'subscriptionId');
  return buildString(['/subscriptions/', ...stringParts(segmentValue(sub, 'subscriptionId')), ...providerParts(s.type, s.names)]);
}

function tenantResourceIdFn(args: Value[], c: CallCtx): Value {
  const s = splitIdArgs(args, 0);
  if (s === 'unknown') return c.opaque();
  return buildString(providerParts(s.type, s.names));
}

function managementGroupResourceIdFn(args: Value[], c: CallCtx): Value {
  const s = splitIdArgs(args, 1);
  if (s === 'unknown') return c.opaque();
  const mg = s.prefix.length === 1 ? s.prefix[0] : prop(c.ctx.managementGroup(), 'name');
  return buildString(['/providers/Microsoft.Management/managementGroups/', ...stringParts(segmentValue(mg, 'managementGroupId')), ...providerParts(s.type, s.names)]);
}

function extensionResourceIdFn(args: Value[], c: CallCtx): Value {
  const base = args[0];
  const s = splitIdArgs(args.slice(1), 0);
  if (s === 'unknown') return c.opaque();
  const b = segmentValue(base, 'resourceId');
  const bParts = stringParts(b);
  // Drop a trailing "/" of a literal base id.
  const last = bParts[bParts.length - 1];
  if (typeof last === 'string' && last.endsWith('/')) bParts[bParts.length - 1] = last.slice(0, -1);
  return buildString([...bParts, ...providerParts(s.type, s.names)]);
}

// ---------------------------------------------------------------------------------------------
// context functions

function copyIndexFn(args: Value[], c: CallCtx): Value {
  let loop: string | undefined;
  let offset: Value = 0;
  if (args.length >= 1) {
    const a0 = args[0];
    if (typeof a0 === 'string') {
      loop = a0;
      if (args.length >= 2) offset = args[1];
    } else {
      if (args.length > 1) throw new ArgError('the loop name must come first');
      offset = a0;
    }
  }
  if (offset instanceof Unknown) return c.opaque();
  if (typeof offset !== 'number' || !Number.isInteger(offset)) throw new ArgError(`the offset must be an integer, not ${typeName(offset)}`);
  const idx = c.ctx.copyIndex(loop);
  if (typeof idx === 'number') return idx + offset;
  if (idx instanceof Unknown) {
    if (offset === 0) return idx;
    const key = boundKey(`add(${idx.key}, ${offset})`);
    const m = mapCandidates(idx, key, (x) => (typeof x === 'number' ? x + offset : x));
    if (m !== undefined) return m;
    return new Unknown(key, idx.reason);
  }
  return c.fail(`copy index is not a number`);
}

function referenceFn(args: Value[], c: CallCtx): Value {
  const target = args[0];
  let full = false;
  if (args.length >= 3) {
    const f = args[2];
    if (typeof f === 'string') full = f.toLowerCase() === 'full';
    else if (f instanceof Unknown) full = false;
  }
  if (target === null || (typeof target !== 'string' && !(target instanceof Unknown))) throw new ArgError(`${ord(0)} must be a resource name or id, not ${typeName(target)}`);
  return c.ctx.reference(target, full);
}

function nameArgFn(kind: 'parameter' | 'variable' | 'resourceInfo') {
  return (args: Value[], c: CallCtx): Value => {
    const n = args[0];
    if (n instanceof Unknown) return c.opaque(`${kind} name is not known: ${n.reason}`);
    const name = argStr(args, 0);
    if (kind === 'parameter') return c.ctx.parameter(name);
    if (kind === 'variable') return c.ctx.variable(name);
    return c.ctx.resourceInfo(name);
  };
}

function deploymentTimeFn(what: string) {
  return (_args: Value[], c: CallCtx): Value => c.opaque(`${c.name}() ${what}`);
}

// ---------------------------------------------------------------------------------------------
// CIDR

function cidrArg(args: Value[], i: number) {
  const s = argStr(args, i);
  const c = parseIpv4Cidr(s);
  if (!c) {
    if (s.includes(':')) throw new ArgError(`IPv6 range '${s.slice(0, 60)}' is not supported by this linter`);
    throw new ArgError(`'${s.slice(0, 60)}' is not an IPv4 range in CIDR notation`);
  }
  return c;
}

function orError(r: string | { error: string }): string {
  if (typeof r === 'string') return r;
  throw new ArgError(r.error);
}

// ---------------------------------------------------------------------------------------------
// table

const table: Builtin[] = [];

function def(name: string, min: number, max: number, strict: boolean, fn: Builtin['fn'], returnsBool = false): void {
  table.push({ name, min, max, strict, fn, returnsBool });
}

const INF = Number.POSITIVE_INFINITY;

// template / context
def('parameters', 1, 1, false, nameArgFn('parameter'));
def('variables', 1, 1, false, nameArgFn('variable'));
def('resourceInfo', 1, 1, false, nameArgFn('resourceInfo'));
def('reference', 1, 3, false, referenceFn);
def('copyIndex', 0, 2, false, copyIndexFn);
def('subscription', 0, 0, false, (_a, c) => c.ctx.subscription());
def('resourceGroup', 0, 0, false, (_a, c) => c.ctx.resourceGroup());
def('deployment', 0, 0, false, (_a, c) => c.ctx.deployment());
def('managementGroup', 0, 1, false, (_a, c) => c.ctx.managementGroup());
def('tenant', 0, 0, false, (_a, c) => c.ctx.tenant());
def('environment', 0, 0, false, (_a, c) => c.ctx.environment());
// resource ids
def('resourceId', 2, INF, false, resourceIdFn);
def('subscriptionResourceId', 2, INF, false, subscriptionResourceIdFn);
def('tenantResourceId', 2, INF, false, tenantResourceIdFn);
def('managementGroupResourceId', 2, INF, false, managementGroupResourceIdFn);
def('extensionResourceId', 3, INF, false, extensionResourceIdFn);
// deployment-time values: always unknown, keyed canonically
const atDeploy = 'is only known at deployment time';
for (const n of ['uniqueString', 'guid', 'newGuid', 'utcNow', 'dateTimeAdd', 'dateTimeFromEpoch', 'dateTimeToEpoch', 'pickZones', 'providers', 'deployer', 'listKeys', 'listSecrets', 'listAccountSas', 'listServiceSas', 'listConnectionStrings', 'listCredentials']) {
  def(n, 0, INF, false, deploymentTimeFn(atDeploy));
}
// literals
def('true', 0, 0, true, () => true);
def('false', 0, 0, true, () => false);
def('null', 0, 0, true, () => null);
// logic & comparison
def('equals', 2, 2, false, equalsFn, true);
def('not', 1, 1, true, (a) => !argBool(a, 0), true);
def('less', 2, 2, true, compareFn('lt'), true);
def('lessOrEquals', 2, 2, true, compareFn('le'), true);
def('greater', 2, 2, true, compareFn('gt'), true);
def('greaterOrEquals', 2, 2, true, compareFn('ge'), true);
def('coalesce', 1, INF, false, coalesceFn);
def('empty', 1, 1, false, emptyFn, true);
def('contains', 2, 2, false, containsFn, true);
// strings
def('concat', 0, INF, false, concatFn);
def('format', 1, INF, false, formatFn);
def('toLower', 1, 1, false, caseFn(false));
def('toUpper', 1, 1, false, caseFn(true));
def('trim', 1, 1, true, (a) => argStr(a, 0).trim());
def('split', 2, 2, true, splitFn);
def('join', 2, 2, false, joinFn);
def('replace', 3, 3, true, replaceFn);
def('substring', 1, 3, true, substringFn);
def('startsWith', 2, 2, false, affixFn(false), true);
def('endsWith', 2, 2, false, affixFn(true), true);
def('indexOf', 2, 2, true, indexOfFn(false));
def('lastIndexOf', 2, 2, true, indexOfFn(true));
def('padLeft', 2, 3, true, padLeftFn);
def('string', 1, 1, false, stringFn);
def('int', 1, 1, true, intFn);
def('float', 1, 1, true, floatFn);
def('bool', 1, 1, true, boolFn);
def('json', 1, 1, true, jsonFn);
def('base64', 1, 1, true, (a) => base64Encode(argStr(a, 0)));
def('base64ToString', 1, 1, true, (a) => base64Decode(argStr(a, 0)));
def('base64ToJson', 1, 1, true, (a) => jsonFn([base64Decode(argStr(a, 0))]));
def('dataUri', 1, 1, true, (a) => DATA_URI_PREFIX + base64Encode(toText(a[0] as Exclude<Value, Unknown>)));
def('dataUriToString', 1, 1, true, dataUriToStringFn);
def('uri', 2, 2, true, uriFn);
def('uriComponent', 1, 1, true, (a) => encodeURIComponent(argStr(a, 0)));
def('uriComponentToString', 1, 1, true, (a) => {
  try {
    return decodeURIComponent(argStr(a, 0));
  } catch (e) {
    if (e instanceof ArgError) throw e;
    throw new ArgError('invalid URI encoding');
  }
});
// arrays & objects
def('length', 1, 1, false, lengthFn);
def('first', 1, 1, false, firstLastFn(false));
def('last', 1, 1, false, firstLastFn(true));
def('take', 2, 2, false, takeSkipFn(false));
def('skip', 2, 2, false, takeSkipFn(true));
def('createArray', 0, INF, false, (a) => (charge(a.length), a.slice()));
def('array', 1, 1, false, (a, c) => (Array.isArray(a[0]) ? a[0] : a[0] instanceof Unknown ? liftOrOpaque(c, (x) => (Array.isArray(x[0]) ? x[0] : [x[0]])) : [a[0]]));
def('createObject', 0, INF, false, createObjectFn);
def('union', 1, INF, false, unionFn);
def('intersection', 2, INF, true, intersectionFn);
def('tryGet', 2, INF, false, tryGetFn);
def('shallowMerge', 1, 1, false, shallowMergeFn);
def('flatten', 1, 1, false, flattenFn);
def('items', 1, 1, false, itemsFn);
def('objectKeys', 1, 1, false, objectKeysFn);
def('min', 1, INF, true, minMaxFn(false));
def('max', 1, INF, true, minMaxFn(true));
def('range', 2, 2, true, rangeFn);
// numbers
def('add', 2, 2, true, arith('add'));
def('sub', 2, 2, true, arith('sub'));
def('mul', 2, 2, true, arith('mul'));
def('div', 2, 2, true, arith('div'));
def('mod', 2, 2, true, arith('mod'));
// CIDR
def('parseCidr', 1, 1, true, (a) => describeIpv4(cidrArg(a, 0)));
def('cidrSubnet', 3, 3, true, (a) => orError(ipv4Subnet(cidrArg(a, 0), argInt(a, 1), argInt(a, 2))));
def('cidrHost', 2, 2, true, (a) => orError(ipv4Host(cidrArg(a, 0), argInt(a, 1))));

/** Built-ins by lower-cased name. */
export const BUILTINS: ReadonlyMap<string, Builtin> = new Map(table.map((b) => [b.name.toLowerCase(), b]));

/** Names of the functions the evaluator treats specially (lazy or lambda arguments). */
export const SPECIAL_FUNCTIONS = ['if', 'and', 'or', 'lambda', 'lambdaVariables', 'map', 'filter', 'reduce', 'sort', 'toObject', 'mapValues', 'groupBy'];

/** Every supported function name (canonical casing), for hover/completion/grammar consumers. */
export function supportedFunctions(): string[] {
  return [...table.map((b) => b.name), ...SPECIAL_FUNCTIONS].sort((a, b) => a.localeCompare(b));
}

export { getIndex, getProperty, MAX_COMBINATIONS };
