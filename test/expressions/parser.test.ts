import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { tokenize } from '../../server/src/expressions/tokenizer';
import { isExpression, parseExpression, MAX_DEPTH } from '../../server/src/expressions/parser';
import { nodeAt, printAst, type ExprNode } from '../../server/src/expressions/ast';
import { rawOffsetMapper } from '../../server/src/expressions/offsets';
import { parseCached, parseCacheSize } from '../../server/src/expressions/evaluator';

type Tok = [string, number, number, (string | number)?];
const tokenCases: [string, Tok[]][] = [
  ["f('a')", [['ident', 0, 1, 'f'], ['(', 1, 2], ['string', 2, 5, 'a'], [')', 5, 6]]],
  ["'it''s'", [['string', 0, 7, "it's"]]],
  ["''''", [['string', 0, 4, "'"]]],
  ['-12 34', [['number', 0, 3, -12], ['number', 4, 6, 34]]],
  ['a.b[0]', [['ident', 0, 1, 'a'], ['.', 1, 2], ['ident', 2, 3, 'b'], ['[', 3, 4], ['number', 4, 5, 0], [']', 5, 6]]],
  ['  x ,\ty', [['ident', 2, 3, 'x'], [',', 4, 5], ['ident', 6, 7, 'y']]],
  ['_$é9', [['ident', 0, 4, '_$é9']]],
  ['#', [['error', 0, 1]]],
];

for (const [text, expected] of tokenCases) {
  test(`tokenize ${JSON.stringify(text)}`, () => {
    const toks = tokenize(text);
    assert.equal(toks[toks.length - 1].type, 'eof');
    const got = toks.slice(0, -1).map((t) => (t.value === undefined || t.type === 'error' ? [t.type, t.start, t.end] : [t.type, t.start, t.end, t.value]));
    assert.deepEqual(got, expected);
  });
}

test('tokenize: unterminated string is flagged', () => {
  const t = tokenize("'abc");
  assert.equal(t[0].type, 'string');
  assert.equal(t[0].message, 'unterminated string literal');
});

test('tokenize respects the from/to window', () => {
  const t = tokenize("[f(1)]", 1, 5);
  assert.deepEqual(t.map((x) => [x.type, x.start]), [['ident', 1], ['(', 2], ['number', 3], [')', 4], ['eof', 5]]);
});

const isExprCases: [string, boolean][] = [
  ['[f()]', true],
  ['[[f()]', false],
  ['[[', false],
  ['[]', true],
  ['[', false],
  ['abc', false],
  ['[abc', false],
  ['abc]', false],
  ['', false],
];
for (const [text, want] of isExprCases) {
  test(`isExpression(${JSON.stringify(text)}) = ${want}`, () => assert.equal(isExpression(text), want));
}

/** Compact structural view of an AST with offsets. */
function shape(n: ExprNode): unknown {
  switch (n.kind) {
    case 'string':
    case 'number':
    case 'keyword':
      return [n.kind, n.value, n.start, n.end];
    case 'call':
      return ['call', n.namespace ? `${n.namespace}.${n.name}` : n.name, n.start, n.end, n.nameStart, n.nameEnd, n.args.map(shape)];
    case 'property':
      return ['prop', n.property, n.start, n.end, n.propertyStart, shape(n.object)];
    case 'index':
      return ['index', n.start, n.end, shape(n.object), shape(n.index)];
  }
}

const astCases: [string, unknown][] = [
  ["[parameters('a')]", ['call', 'parameters', 1, 16, 1, 11, [['string', 'a', 12, 15]]]],
  ['[f()]', ['call', 'f', 1, 4, 1, 2, []]],
  ['[ns.fn(1, -2)]', ['call', 'ns.fn', 1, 13, 4, 6, [['number', 1, 7, 8], ['number', -2, 10, 12]]]],
  ['[f().a.b]', ['prop', 'b', 1, 8, 7, ['prop', 'a', 1, 6, 5, ['call', 'f', 1, 4, 1, 2, []]]]],
  ["[f()['k']]", ['index', 1, 9, ['call', 'f', 1, 4, 1, 2, []], ['string', 'k', 5, 8]]],
  ['[f()[g()]]', ['index', 1, 9, ['call', 'f', 1, 4, 1, 2, []], ['call', 'g', 5, 8, 5, 6, []]]],
  ['[f(true, FALSE, null)]', ['call', 'f', 1, 21, 1, 2, [['keyword', true, 3, 7], ['keyword', false, 9, 14], ['keyword', null, 16, 20]]]],
  ["[ f ( 'x' ) ]", ['call', 'f', 2, 11, 2, 3, [['string', 'x', 6, 9]]]],
  ["[lambda('x', lambdaVariables('x'))]", ['call', 'lambda', 1, 34, 1, 7, [['string', 'x', 8, 11], ['call', 'lambdaVariables', 13, 33, 13, 28, [['string', 'x', 29, 32]]]]]],
  ["[reference('v').outputs.x.value]", ['prop', 'value', 1, 31, 26, ['prop', 'x', 1, 25, 24, ['prop', 'outputs', 1, 23, 16, ['call', 'reference', 1, 15, 1, 10, [['string', 'v', 11, 14]]]]]]],
];
for (const [text, want] of astCases) {
  test(`parse ${text}`, () => {
    const r = parseExpression(text);
    assert.deepEqual(r.errors, []);
    assert.ok(r.ast);
    assert.deepEqual(shape(r.ast), want);
  });
}

const errorCases: [string, RegExp, number][] = [
  ['[]', /expected an expression/, 1],
  ['[f(]', /expected an expression/, 3],
  ['[f(1,)]', /expected an expression/, 5],
  ['[f(1 2)]', /expected ',' or '\)'/, 5],
  ["[f('abc)]", /unterminated string/, 3],
  ['[f() g()]', /unexpected 'g' after the expression/, 5],
  ['[abc]', /unexpected identifier 'abc'/, 1],
  ['[f().]', /expected a property name/, 5],
  ['[f()[1]', /expected '\]'/, 6],
  ['[f(#)]', /unexpected character '#'/, 3],
  ['[f(1))]', /unexpected '\)' after the expression/, 5],
  ['[[f()]', /not an expression/, 0],
  ['no brackets', /not an expression/, 0],
  ['[ns.(1)]', /unexpected identifier 'ns'|expected/, 1],
];
for (const [text, re, offset] of errorCases) {
  test(`parse error ${text}`, () => {
    const r = parseExpression(text);
    assert.equal(r.ast, undefined);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0].message, re);
    assert.equal(r.errors[0].offset, offset);
  });
}

test(`depth cap: nesting beyond ${MAX_DEPTH} is a parse error, not a stack overflow`, () => {
  const n = 100_000;
  const deep = '[' + 'f('.repeat(n) + ')'.repeat(n) + ']';
  const r = parseExpression(deep);
  assert.equal(r.ast, undefined);
  assert.match(r.errors[0].message, /nested deeper than/);
  const chain = '[f()' + '.a'.repeat(n) + ']';
  assert.match(parseExpression(chain).errors[0].message, /nested deeper than/);
  const idx = '[f()' + '[0]'.repeat(n) + ']';
  assert.match(parseExpression(idx).errors[0].message, /nested deeper than/);
  const ok = '[' + 'f('.repeat(MAX_DEPTH - 2) + ')'.repeat(MAX_DEPTH - 2) + ']';
  assert.deepEqual(parseExpression(ok).errors, []);
});

test('1 MB expressions parse (many arguments; one huge string with an escape)', () => {
  // Correctness on 1 MB inputs, with a generous bound as a hang detector only: how the parse
  // time scales is measured by the benchmark (npm run bench), not asserted by a timed test.
  const manyArgs = (k: number) => '[concat(' + Array.from({ length: k }, (_, i) => `'s${i}', parameters('p')`).join(', ') + ')]';
  const longStr = (k: number) => "[concat('" + 'x'.repeat(k) + "''" + 'y'.repeat(k) + "')]";
  for (const [mk, n] of [[manyArgs, 40_000], [longStr, 500_000]] as const) {
    const large = mk(n);
    assert.ok(large.length >= 1_000_000, `large input is ${large.length} chars`);
    const t0 = process.hrtime.bigint();
    const r = parseExpression(large);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.deepEqual(r.errors, []);
    assert.ok(r.ast, 'an AST');
    assert.ok(ms < 30_000, `hang detector: parsing took ${ms.toFixed(0)} ms`);
  }
});

test('printAst gives canonical text', () => {
  const r = parseExpression("[ concat( 'it''s' ,  parameters('a').b[0] , ns.f(1) ) ]");
  assert.ok(r.ast);
  assert.equal(printAst(r.ast), "concat('it''s', parameters('a').b[0], ns.f(1))");
});

test('nodeAt finds the innermost node at an offset', () => {
  const text = "[concat(parameters('a').b, 'x')]";
  const r = parseExpression(text);
  assert.ok(r.ast);
  const at = (o: number) => {
    const h = nodeAt(r.ast!, o);
    return h && [h.node.kind, h.ancestors.length];
  };
  assert.deepEqual(at(1), ['call', 0]); // "concat"
  assert.deepEqual(at(text.indexOf('parameters')), ['call', 2]); // inside the property node
  assert.deepEqual(at(text.indexOf("'a'")), ['string', 3]);
  assert.deepEqual(at(text.indexOf('.b') + 1), ['property', 1]);
  assert.deepEqual(at(text.indexOf("'x'")), ['string', 1]);
  assert.equal(nodeAt(r.ast, 0), undefined); // the opening bracket
  assert.equal(nodeAt(r.ast, text.length - 1), undefined);
});

test('rawOffsetMapper maps decoded offsets through JSON escapes', () => {
  // raw JSON string content:  [concat(\"a\", '\u00e9', 'b\\c')]
  const raw = "[concat(\\\"a\\\", '\\u00e9', 'b\\\\c')]";
  const decoded = JSON.parse(`"${raw}"`) as string;
  const map = rawOffsetMapper(raw);
  for (const ch of ['c', 'a', 'é', 'b', ']']) {
    const d = decoded.indexOf(ch);
    const r = map(d);
    const rawHere = raw.slice(r);
    assert.ok(rawHere.startsWith(ch) || rawHere.startsWith('\\u00e9'), `${ch}: decoded ${d} -> raw ${r} (${rawHere.slice(0, 8)})`);
  }
  assert.equal(map(decoded.length), raw.length);
  assert.equal(map(-5), 0);
  const plain = rawOffsetMapper('[f()]');
  assert.equal(plain(3), 3);
});

test('parse cache is bounded and returns the same result for the same text', () => {
  const a = parseCached("[concat('cache', 'test')]");
  assert.equal(parseCached("[concat('cache', 'test')]"), a);
  for (let i = 0; i < 6000; i++) parseCached(`[add(${i}, 1)]`);
  assert.ok(parseCacheSize() <= 5000, `cache holds ${parseCacheSize()}`);
});
