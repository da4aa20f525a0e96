/**
 * Evaluator of ARM template expressions over values that may be Unknown. Never throws: every
 * failure (bad arguments, unsupported function, too deep, internal error) becomes an Unknown
 * whose `reason` says why.
 */
import type { EvalContext } from './context';
import { Unknown, containsUnknown, isObject, valuesEqual, type Value, type ValueObject } from './value';
import { printAst, type CallNode, type ExprNode, type ParseResult } from './ast';
import { isExpression, parseExpression } from './parser';
import { ArgError, BUILTINS, makeCallCtx, type Builtin, type CallCtx } from './functions';
import { BudgetError, CiObject, boundKey, callKey, charge, distinct, firstUnknown, getIndex, getProperty, keyOf, liftArgs, lookupKey, resetBudget, setProp, typeName } from './util';

export { isExpression, parseExpression };

/** Lambda variable bindings (innermost first). */
interface Scope {
  vars: Map<string, Value>;
  parent?: Scope;
}

interface Env {
  ctx: EvalContext;
  scope?: Scope;
}

/** Maximum nesting of calls being evaluated at once (includes user functions re-entering). */
const MAX_EVAL_DEPTH = 512;
let activeDepth = 0;

// ---------------------------------------------------------------------------------------------
// parse cache

const CACHE_LIMIT = 5000;
/** Total characters of cached texts (ASTs are proportional): keeps huge templates from hoarding memory. */
const CACHE_CHARS = 16 * 1024 * 1024;
const cache = new Map<string, ParseResult>();
let cachedChars = 0;

/**
 * Parses with a bounded cache (the same strings are evaluated many times). First in, first out:
 * a hit is not moved (re-inserting on every hit cost more than the rare re-parse it saves).
 */
export function parseCached(text: string): ParseResult {
  const hit = cache.get(text);
  if (hit) return hit;
  const r = parseExpression(text);
  if (text.length > CACHE_CHARS / 4) return r;
  while (cache.size > 0 && (cache.size >= CACHE_LIMIT || cachedChars + text.length > CACHE_CHARS)) {
    const oldest = cache.keys().next().value as string;
    cache.delete(oldest);
    cachedChars -= oldest.length;
  }
  cache.set(text, r);
  cachedChars += text.length;
  return r;
}

/** For tests: number of cached parse results. */
export function parseCacheSize(): number {
  return cache.size;
}

// ---------------------------------------------------------------------------------------------
// entry points

/**
 * Evaluates a template-language string: literal strings are returned as-is, a leading "[[" is
 * unescaped, "[...]" expressions are evaluated. Never throws.
 */
export function evaluateString(text: string, ctx: EvalContext): Value {
  try {
    if (typeof text !== 'string') return text as unknown as Value;
    if (text.startsWith('[[')) return text.slice(1);
    if (!isExpression(text)) return text;
    const parsed = parseCached(text);
    if (!parsed.ast) {
      const e = parsed.errors[0];
      return new Unknown(boundKey(`invalid(${text})`), `invalid expression: ${e ? `${e.message} (at offset ${e.offset})` : 'parse error'}`);
    }
    return evaluateAst(parsed.ast, ctx);
  } catch (e) {
    return internalError(text, e);
  }
}

/** Evaluates a parsed expression. Never throws. */
export function evaluateAst(ast: ExprNode, ctx: EvalContext): Value {
  const saved = activeDepth;
  if (activeDepth === 0) resetBudget();
  try {
    return evalNode(ast, { ctx });
  } catch (e) {
    activeDepth = saved;
    let text = '<expression>';
    try {
      text = printAst(ast);
    } catch {
      /* keep placeholder */
    }
    return internalError(text, e);
  }
}

function internalError(text: string, e: unknown): Unknown {
  const msg = e instanceof Error ? e.message : String(e);
  return new Unknown(boundKey(`error(${text})`), `expression could not be evaluated: ${msg}`);
}

// ---------------------------------------------------------------------------------------------
// nodes

function evalNode(node: ExprNode, env: Env): Value {
  switch (node.kind) {
    case 'string':
    case 'number':
    case 'keyword':
      return node.value;
    case 'property':
      return getProperty(evalNode(node.object, env), node.property);
    case 'index':
      return getIndex(evalNode(node.object, env), evalNode(node.index, env));
    case 'call':
      return evalCall(node, env);
  }
}

function evalCall(node: CallNode, env: Env): Value {
  if (activeDepth >= MAX_EVAL_DEPTH) {
    return new Unknown(boundKey(`deep(${node.name})`), `evaluation nested deeper than ${MAX_EVAL_DEPTH} calls`);
  }
  activeDepth++;
  try {
    charge(1);
    if (node.namespace !== undefined) return evalUserFunction(node, env);
    const lname = lowerName(node.name);
    const special = SPECIALS.get(lname);
    if (special) return special(node, env);
    const b = BUILTINS.get(lname);
    const args = node.args.map((a) => evalNode(a, env));
    if (!b) {
      if (lname.startsWith('list')) return new Unknown(callKey(node.name, args), `${node.name}() is only known at deployment time`);
      return new Unknown(callKey(node.name, args), `unsupported function '${node.name}'`);
    }
    const c = makeCallCtx(b.name, args, env.ctx, b.returnsBool);
    if (args.length < b.min || args.length > b.max) {
      return c.fail(`expects ${b.min === b.max ? b.min : b.max === Infinity ? `at least ${b.min}` : `${b.min} to ${b.max}`} argument${b.max === 1 ? '' : 's'}, got ${args.length}`);
    }
    if (b.strict && args.some((a) => containsUnknown(a))) {
      const lifted = liftArgs(args, c.key(), (a) => runBuiltin(b, a, a === args ? c : makeCallCtx(b.name, a, env.ctx, b.returnsBool), c));
      if (lifted !== undefined) return lifted;
      return c.opaque();
    }
    return runBuiltin(b, args, c, c);
  } finally {
    activeDepth--;
  }
}

/** A builtin applied to evaluated arguments; its argument errors become Unknowns keyed by the call (`report`). */
function runBuiltin(b: Builtin, args: Value[], c: CallCtx, report: CallCtx): Value {
  try {
    return b.fn(args, c);
  } catch (e) {
    if (e instanceof ArgError) return report.fail(e.message);
    if (e instanceof RangeError || e instanceof BudgetError) throw e; // stack or budget exhaustion: the top level reports it
    return report.fail(`internal error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Function names lower-cased, remembered (the names of a template are few; bounded all the same). */
const LOWER_NAMES = new Map<string, string>();
function lowerName(name: string): string {
  let l = LOWER_NAMES.get(name);
  if (l === undefined) {
    if (LOWER_NAMES.size >= 2048) LOWER_NAMES.clear();
    // the key is a copy: a name read from a document may be a slice that keeps the whole text alive
    LOWER_NAMES.set([...name].join(''), (l = name.toLowerCase()));
  }
  return l;
}

function evalUserFunction(node: CallNode, env: Env): Value {
  const full = `${node.namespace}.${node.name}`;
  const args = node.args.map((a) => evalNode(a, env));
  const key = callKey(full, args);
  let fn;
  try {
    fn = env.ctx.userFunction(node.namespace as string, node.name);
  } catch (e) {
    return new Unknown(key, `user function '${full}' failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!fn) return new Unknown(key, `user function '${full}' is not defined`);
  if (fn.parameters.length !== args.length) {
    return new Unknown(key, `user function '${full}' expects ${fn.parameters.length} argument${fn.parameters.length === 1 ? '' : 's'}, got ${args.length}`);
  }
  try {
    return fn.invoke(args);
  } catch (e) {
    if (e instanceof RangeError || e instanceof BudgetError) throw e;
    return new Unknown(key, `user function '${full}' failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// special forms: lazy arguments and lambdas

type Special = (node: CallNode, env: Env) => Value;

function arity(node: CallNode, min: number, max: number, args?: Value[]): Unknown | undefined {
  const n = node.args.length;
  if (n >= min && n <= max) return undefined;
  const vals = args ?? [];
  return new Unknown(callKey(node.name, vals), `${node.name}: expects ${min === max ? min : `${min} to ${max}`} arguments, got ${n}`);
}

function ifSpecial(node: CallNode, env: Env): Value {
  const bad = arity(node, 3, 3);
  if (bad) return bad;
  const cond = evalNode(node.args[0], env);
  if (cond === true) return evalNode(node.args[1], env);
  if (cond === false) return evalNode(node.args[2], env);
  if (cond instanceof Unknown) {
    if (cond.candidates && cond.candidates.length > 0) {
      if (cond.candidates.every((x) => x === true)) return evalNode(node.args[1], env);
      if (cond.candidates.every((x) => x === false)) return evalNode(node.args[2], env);
    }
    const a = evalNode(node.args[1], env);
    const b = evalNode(node.args[2], env);
    if (valuesEqual(a, b) === true) return a;
    const key = callKey('if', [cond, a, b]);
    const pool: Value[] = [];
    for (const v of [a, b]) {
      if (v instanceof Unknown && v.candidates && !v.candidates.some((x) => containsUnknown(x))) pool.push(...v.candidates);
      else if (!containsUnknown(v)) pool.push(v);
      else return new Unknown(key, cond.reason);
    }
    return new Unknown(key, cond.reason, distinct(pool));
  }
  return new Unknown(callKey('if', [cond]), `if: the condition must be a boolean, not ${typeName(cond)}`);
}

function andOrSpecial(isAnd: boolean): Special {
  return (node, env) => {
    const name = isAnd ? 'and' : 'or';
    if (node.args.length < 1) return new Unknown(`${name}()`, `${name}: expects at least 1 argument, got 0`);
    const vals: Value[] = [];
    let undecided: Unknown | undefined;
    for (const a of node.args) {
      const v = evalNode(a, env);
      vals.push(v);
      if (v === !isAnd) return !isAnd; // short-circuit: and(false, ...) / or(true, ...)
      if (v === isAnd) continue;
      if (v instanceof Unknown) {
        if (v.candidates && v.candidates.length > 0 && v.candidates.every((x) => x === isAnd)) continue;
        if (v.candidates && v.candidates.length > 0 && v.candidates.every((x) => x === !isAnd)) return !isAnd;
        undecided ??= v;
        continue;
      }
      return new Unknown(callKey(name, vals), `${name}: arguments must be booleans, not ${typeName(v)}`);
    }
    if (!undecided) return isAnd;
    return new Unknown(callKey(name, vals), undecided.reason, [true, false]);
  };
}

function lambdaVariablesSpecial(node: CallNode, env: Env): Value {
  const bad = arity(node, 1, 1);
  if (bad) return bad;
  const n = evalNode(node.args[0], env);
  if (typeof n !== 'string') return new Unknown(callKey('lambdaVariables', [n]), 'lambdaVariables: the name must be a string');
  for (let s = env.scope; s; s = s.parent) {
    if (s.vars.has(n)) return s.vars.get(n) as Value;
    for (const [k, v] of s.vars) if (k.toLowerCase() === n.toLowerCase()) return v;
  }
  return new Unknown(callKey('lambdaVariables', [n]), `lambda variable '${n}' is not defined here`);
}

function lambdaSpecial(node: CallNode): Value {
  return new Unknown(boundKey(printAst(node)), 'a lambda can only be used as an argument of map, filter, reduce, sort, toObject, mapValues or groupBy');
}

interface Lambda {
  params: string[];
  body: ExprNode;
  text: string;
}

function asLambda(node: ExprNode | undefined, env: Env): Lambda | string {
  if (!node || node.kind !== 'call' || node.namespace !== undefined || node.name.toLowerCase() !== 'lambda') return 'expects a lambda(...) argument';
  if (node.args.length < 1) return 'lambda() needs a body';
  const params: string[] = [];
  for (let i = 0; i < node.args.length - 1; i++) {
    const p = evalNode(node.args[i], env);
    if (typeof p !== 'string') return 'lambda parameter names must be strings';
    params.push(p);
  }
  return { params, body: node.args[node.args.length - 1], text: printAst(node) };
}

function invokeLambda(l: Lambda, values: Value[], env: Env): Value {
  const vars = new Map<string, Value>();
  charge(1);
  l.params.forEach((p, i) => vars.set(p, i < values.length ? values[i] : null));
  return evalNode(l.body, { ctx: env.ctx, scope: { vars, parent: env.scope } });
}

/**
 * Common frame for lambda functions: `collectionArgs` leading value arguments, then lambdas.
 * Returns an Unknown keyed by the call when a collection argument is unknown.
 */
function lambdaFn(
  name: string,
  valueArgs: number,
  lambdaArgs: [number, number],
  body: (vals: Value[], lambdas: Lambda[], env: Env, fail: (reason: string) => Unknown) => Value,
): Special {
  return (node, env) => {
    const min = valueArgs + lambdaArgs[0];
    const max = valueArgs + lambdaArgs[1];
    const vals = node.args.slice(0, valueArgs).map((a) => evalNode(a, env));
    const lambdas: Lambda[] = [];
    const texts: string[] = [];
    for (const a of node.args.slice(valueArgs)) {
      const l = asLambda(a, env);
      if (typeof l === 'string') return new Unknown(callKey(name, vals), `${name}: ${l}`);
      lambdas.push(l);
      texts.push(l.text);
    }
    const key = boundKey(`${name}(${[...vals.map(keyOf), ...texts].join(', ')})`);
    const fail = (reason: string) => new Unknown(key, `${name}: ${reason}`);
    if (node.args.length < min || node.args.length > max) return fail(`expects ${min === max ? min : `${min} to ${max}`} arguments, got ${node.args.length}`);
    const u = vals.find((v) => v instanceof Unknown) as Unknown | undefined;
    if (u) return new Unknown(key, u.reason);
    const r = body(vals, lambdas, env, fail);
    if (r instanceof Unknown && r.key === '') return new Unknown(key, r.reason);
    return r;
  };
}

/** Marker for "the lambda result was unknown": re-keyed by lambdaFn with the call key. */
function undecided(reason: string): Unknown {
  return new Unknown('', reason);
}

const mapSpecial = lambdaFn('map', 1, [1, 1], (vals, [l], env, fail) => {
  const arr = vals[0];
  if (!Array.isArray(arr)) return fail(`argument 1 must be an array, not ${typeName(arr)}`);
  return arr.map((x, i) => invokeLambda(l, [x, i], env));
});

const filterSpecial = lambdaFn('filter', 1, [1, 1], (vals, [l], env, fail) => {
  const arr = vals[0];
  if (!Array.isArray(arr)) return fail(`argument 1 must be an array, not ${typeName(arr)}`);
  const out: Value[] = [];
  for (let i = 0; i < arr.length; i++) {
    const r = invokeLambda(l, [arr[i], i], env);
    if (r === true) out.push(arr[i]);
    else if (r === false) continue;
    else if (r instanceof Unknown) return undecided(r.reason);
    else return fail(`the predicate must return a boolean, not ${typeName(r)}`);
  }
  return out;
});

const reduceSpecial = lambdaFn('reduce', 2, [1, 1], (vals, [l], env, fail) => {
  const arr = vals[0];
  if (!Array.isArray(arr)) return fail(`argument 1 must be an array, not ${typeName(arr)}`);
  let acc = vals[1];
  for (let i = 0; i < arr.length; i++) acc = invokeLambda(l, [acc, arr[i], i], env);
  return acc;
});

const sortSpecial = lambdaFn('sort', 1, [1, 1], (vals, [l], env, fail) => {
  const arr = vals[0];
  if (!Array.isArray(arr)) return fail(`argument 1 must be an array, not ${typeName(arr)}`);
  let bad: Unknown | undefined;
  const before = (a: Value, b: Value): boolean => {
    const r = invokeLambda(l, [a, b], env);
    if (typeof r === 'boolean') return r;
    bad ??= r instanceof Unknown ? undecided(r.reason) : fail(`the comparator must return a boolean, not ${typeName(r)}`);
    return false;
  };
  const out = arr.slice().sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  return bad ?? out;
});

const toObjectSpecial = lambdaFn('toObject', 1, [1, 2], (vals, [kl, vl], env, fail) => {
  const arr = vals[0];
  if (!Array.isArray(arr)) return fail(`argument 1 must be an array, not ${typeName(arr)}`);
  const out = new CiObject();
  for (const x of arr) {
    const k = invokeLambda(kl, [x], env);
    if (k instanceof Unknown) return undecided(k.reason);
    if (typeof k !== 'string') return fail(`keys must be strings, not ${typeName(k)}`);
    out.set(k, vl ? invokeLambda(vl, [x], env) : x);
  }
  return out.obj;
});

const mapValuesSpecial = lambdaFn('mapValues', 1, [1, 1], (vals, [l], env, fail) => {
  const o = vals[0];
  if (!isObject(o)) return fail(`argument 1 must be an object, not ${typeName(o)}`);
  const out: ValueObject = {};
  for (const k of Object.keys(o)) setProp(out, k, invokeLambda(l, [o[k]], env));
  return out;
});

const groupBySpecial = lambdaFn('groupBy', 1, [1, 1], (vals, [l], env, fail) => {
  const arr = vals[0];
  if (!Array.isArray(arr)) return fail(`argument 1 must be an array, not ${typeName(arr)}`);
  const out = new CiObject();
  for (const x of arr) {
    const k = invokeLambda(l, [x], env);
    if (k instanceof Unknown) return undecided(k.reason);
    if (typeof k !== 'string') return fail(`keys must be strings, not ${typeName(k)}`);
    const group = out.get(k);
    if (group !== undefined) (group as Value[]).push(x);
    else out.set(k, [x]);
  }
  return out.obj;
});

const SPECIALS = new Map<string, Special>([
  ['if', ifSpecial],
  ['and', andOrSpecial(true)],
  ['or', andOrSpecial(false)],
  ['lambda', lambdaSpecial],
  ['lambdavariables', lambdaVariablesSpecial],
  ['map', mapSpecial],
  ['filter', filterSpecial],
  ['reduce', reduceSpecial],
  ['sort', sortSpecial],
  ['toobject', toObjectSpecial],
  ['mapvalues', mapValuesSpecial],
  ['groupby', groupBySpecial],
]);

// re-exported helpers useful to other layers
export { getProperty, getIndex, keyOf, callKey, firstUnknown };
