/**
 * Reality check against the shared corpus of real public templates: every "[...]" string parses,
 * uses only supported functions, and evaluates without throwing. Skipped when the corpus is absent.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { fakeContext } from './fake-context';
import { evaluateString, isExpression, parseExpression } from '../../server/src/expressions/evaluator';
import { Unknown } from '../../server/src/expressions/value';

const repoRoot = path.join(__dirname, '..', '..', '..');
const corpusDir = path.join(repoRoot, '..', 'shared', 'corpus', 'files');
const absent = !fs.existsSync(corpusDir) && 'shared corpus absent (../shared/corpus)';

function listJson(dir: string, out: string[]): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) listJson(p, out);
    else if (/\.jsonc?$/i.test(e.name)) out.push(p);
  }
  return out;
}

function collectStrings(v: unknown, out: string[]): void {
  const stack: unknown[] = [v];
  while (stack.length) {
    const x = stack.pop();
    if (typeof x === 'string') {
      if (isExpression(x)) out.push(x);
    } else if (Array.isArray(x)) {
      stack.push(...x);
    } else if (x && typeof x === 'object') {
      for (const [k, y] of Object.entries(x)) {
        if (isExpression(k)) out.push(k);
        stack.push(y);
      }
    }
  }
}

test('corpus: every expression in the real templates parses and evaluates', { skip: absent }, (t) => {
  const files = listJson(corpusDir, []);
  const exprs: string[] = [];
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = parseJsonc(text);
    }
    collectStrings(json, exprs);
  }
  assert.ok(exprs.length > 1000, `found ${exprs.length} expressions`);
  const parseErrors: string[] = [];
  const unsupported = new Map<string, number>();
  const ctx = fakeContext();
  for (const x of exprs) {
    const r = parseExpression(x);
    if (!r.ast) parseErrors.push(`${x.slice(0, 120)}: ${r.errors[0]?.message}`);
    const v = evaluateString(x, ctx);
    if (v instanceof Unknown) {
      const m = /unsupported function '([^']+)'/.exec(v.reason);
      if (m) unsupported.set(m[1], (unsupported.get(m[1]) ?? 0) + 1);
    }
  }
  t.diagnostic(`${files.length} files, ${exprs.length} expressions, ${parseErrors.length} parse errors, ${unsupported.size} unsupported functions`);
  assert.deepEqual(parseErrors.slice(0, 10), []);
  assert.deepEqual([...unsupported.entries()], []);
});
