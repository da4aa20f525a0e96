/**
 * Property tests (fast-check, fixed seed): parse and evaluate never throw, whatever the input,
 * and always return a well-formed Value; valid ASTs print to text that re-parses to the same AST.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { fakeContext } from './fake-context';
import { evaluateString, parseExpression } from '../../server/src/expressions/evaluator';
import { printAst, type ExprNode } from '../../server/src/expressions/ast';
import { BUILTINS, SPECIAL_FUNCTIONS } from '../../server/src/expressions/functions';
import { Unknown, type Value } from '../../server/src/expressions/value';

const SEED = 20260126;
const RUNS = 800;

function assertWellFormed(v: Value, depth = 0): void {
  if (depth > 200) return;
  if (v instanceof Unknown) {
    assert.equal(typeof v.key, 'string');
    assert.equal(typeof v.reason, 'string');
    return;
  }
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return;
  if (typeof v === 'number') return;
  if (Array.isArray(v)) {
    for (const x of v) assertWellFormed(x, depth + 1);
    return;
  }
  assert.equal(typeof v, 'object', `unexpected value type ${typeof v}`);
  for (const k of Object.keys(v)) assertWellFormed(v[k], depth + 1);
}

function exercise(text: string): void {
  let r;
  try {
    r = parseExpression(text);
  } catch (e) {
    assert.fail(`parseExpression threw on ${JSON.stringify(text.slice(0, 200))}: ${String(e)}`);
  }
  assert.ok(Array.isArray(r.errors));
  if (r.ast) {
    assert.equal(r.errors.length, 0);
    assert.ok(r.ast.start >= 0 && r.ast.end <= text.length, 'offsets within the text');
  } else if (text.length >= 2 && text.startsWith('[') && text.endsWith(']') && !text.startsWith('[[')) {
    assert.ok(r.errors.length > 0);
    assert.ok(r.errors[0].offset >= 0 && r.errors[0].offset <= text.length, `error offset ${r.errors[0].offset} within the text`);
  }
  let v: Value;
  try {
    v = evaluateString(text, fakeContext({ copyIndex: 1 }));
  } catch (e) {
    assert.fail(`evaluateString threw on ${JSON.stringify(text.slice(0, 200))}: ${String(e)}`);
  }
  assertWellFormed(v);
}

function safeNumbers(n: ExprNode): boolean {
  switch (n.kind) {
    case 'number':
      return Number.isSafeInteger(n.value);
    case 'call':
      return n.args.every(safeNumbers);
    case 'property':
      return safeNumbers(n.object);
    case 'index':
      return safeNumbers(n.object) && safeNumbers(n.index);
    default:
      return true;
  }
}

const FUNCTION_NAMES = [...[...BUILTINS.values()].map((b) => b.name), ...SPECIAL_FUNCTIONS, 'unknownFn', 'listKeys', 'ns.double', 'ns.nope', 'ÜnïcødeFn'];
const PARAM_NAMES = ['vnetName', 'list', 'rules', 'tags', 'nums', 'sku', 'x', 'count', 'nothing', 'prefix'];

const unicodeText = fc.string({ unit: 'binary', maxLength: 12 });
const stringLit = unicodeText.map((s) => `'${s.replace(/'/g, "''")}'`);
const hugeNumber = fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map((b) => b.toString());
const smallNumber = fc.integer({ min: -5, max: 20 }).map(String);

/** Structured, mostly well-formed expressions from real function names. */
const { expr } = fc.letrec<{ expr: string; call: string; access: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    stringLit,
    smallNumber,
    hugeNumber,
    fc.constantFrom('true', 'false', 'null'),
    fc.constantFrom(...PARAM_NAMES).map((p) => `parameters('${p}')`),
    tie('call'),
    tie('access'),
  ),
  call: fc
    .tuple(fc.constantFrom(...FUNCTION_NAMES), fc.array(tie('expr'), { maxLength: 4 }))
    .map(([name, args]) => (name === 'lambda' || SPECIAL_FUNCTIONS.includes(name) ? `${name}(${args.join(', ')})` : `${name}(${args.join(', ')})`)),
  access: fc.tuple(tie('expr'), fc.oneof(fc.constantFrom('.a', '.name', '.port', '.properties', '.outputs.x.value'), tie('expr').map((e) => `[${e}]`))).map(([e, a]) => `${e}${a}`),
}));

/** Lambda-using expressions over arrays. */
const lambdaExpr = fc
  .tuple(fc.constantFrom('map', 'filter', 'sort', 'toObject', 'groupBy', 'reduce'), fc.constantFrom("parameters('list')", "parameters('nums')", "parameters('rules')", 'range(0, 5)', "parameters('x')"), expr)
  .map(([fn, arr, body]) => (fn === 'reduce' ? `${fn}(${arr}, 0, lambda('a', 'b', ${body}))` : fn === 'sort' ? `${fn}(${arr}, lambda('a', 'b', ${body}))` : `${fn}(${arr}, lambda('x', ${body}))`));

/** Token soup: unbalanced brackets and quotes, stray characters. */
const FRAGMENTS = ['(', ')', '[', ']', "'", "''", ',', '.', ' ', 'concat', 'format', 'parameters', "('x')", 'if', 'lambda', "lambdaVariables('x')", '-', '0', '99999999999999999999999', '#', '"', '\\', '{0}', '\u0000', '\uD800', '😀', 'é', 'ns.', 'true', 'null'];
const soup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }).map((a) => a.join(''));

test(`property: structured expressions never throw (${RUNS} runs, seed ${SEED})`, (t) => {
  let parsed = 0;
  let known = 0;
  let total = 0;
  fc.assert(
    fc.property(fc.oneof(expr, lambdaExpr), (e) => {
      const text = `[${e}]`;
      exercise(text);
      const r = parseExpression(text);
      total++;
      if (r.ast) parsed++;
      if (!(evaluateString(text, fakeContext({ copyIndex: 1 })) instanceof Unknown)) known++;
      if (r.ast && safeNumbers(r.ast)) {
        const printed = `[${printAst(r.ast)}]`;
        const again = parseExpression(printed);
        assert.ok(again.ast, `re-parse of ${printed}`);
        assert.equal(printAst(again.ast), printAst(r.ast));
      }
    }),
    { seed: SEED, numRuns: RUNS },
  );
  t.diagnostic(`${total} expressions: ${parsed} parsed, ${known} evaluated to a known value`);
  assert.ok(parsed > total * 0.5, 'the generator mostly produces well-formed expressions');
  assert.ok(known > total * 0.05, 'some expressions evaluate to known values');
});

test(`property: token soup with unbalanced brackets/quotes never throws (${RUNS} runs, seed ${SEED})`, () => {
  fc.assert(
    fc.property(soup, fc.constantFrom('[', '[[', '', ' ['), fc.constantFrom(']', '', ']]'), (body, open, close) => exercise(`${open}${body}${close}`)),
    { seed: SEED, numRuns: RUNS },
  );
});

test(`property: arbitrary unicode strings never throw (${RUNS} runs, seed ${SEED})`, () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
      exercise(s);
      exercise(`[${s}]`);
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

test(`property: deep nesting and long strings never throw (50 runs, seed ${SEED})`, () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3000 }),
      fc.constantFrom('concat(', 'f(', 'if(true, ', 'createArray(', 'ns.double(', 'json('),
      fc.integer({ min: 0, max: 100_000 }),
      (depth, open, len) => {
        exercise('[' + open.repeat(depth) + "'x'" + ')'.repeat(depth) + ']');
        exercise("[parameters('tags')" + '.a'.repeat(depth) + ']');
        exercise("[parameters('list')" + '[0]'.repeat(depth) + ']');
        exercise("[concat('" + 'é'.repeat(len) + "', parameters('x'))]");
      },
    ),
    { seed: SEED, numRuns: 50 },
  );
});

test('hostile inputs: huge work, huge strings, recursion through user functions', () => {
  exercise("[map(range(0, 10000), lambda('x', range(0, 10000)))]");
  exercise("[padLeft('a', 16384, 'b')]");
  exercise("[replace(padLeft('a', 16384, 'b'), 'b', padLeft('c', 16384, 'c'))]");
  exercise("[reduce(range(0, 10000), '', lambda('a', 'b', concat(lambdaVariables('a'), padLeft('', 1000, 'x'))))]");
  exercise('[' + 'json('.repeat(255) + "'1'" + ')'.repeat(255) + ']');
  // A user function that re-enters the evaluator without end.
  const ctx = fakeContext();
  ctx.userFunction = () => ({ parameters: [], invoke: () => evaluateString('[ns.loop()]', ctx) });
  const v = evaluateString('[ns.loop()]', ctx);
  assert.ok(v instanceof Unknown);
  assert.match(v.reason, /deeper than|budget|could not be evaluated/);
});
