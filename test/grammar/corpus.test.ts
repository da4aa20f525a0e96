// Reality check of the ARM expression grammar on real public templates (shared corpus, never
// copied into the project): in every template, every string value that is an ARM expression
// ("[...]", not "[[") is opened at its first [ and closed at its last ] (so nesting, literals and
// escapes were followed correctly), and no ARM scope ever leaks outside a JSON string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { parseTree, type Node } from 'jsonc-parser';
import { tokenize, repoRoot, type Token } from './tokenize';

const corpusDir = path.join(repoRoot(), '..', 'shared', 'corpus');
const MAX_LINES = 8000; // smallest templates first, up to this many lines (tokenizing costs ~1 ms a line)

function corpusFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) out.push(p);
    }
  };
  walk(path.join(corpusDir, 'files'));
  const sized = out.map((f) => ({ f, size: fs.statSync(f).size })).sort((a, b) => a.size - b.size || a.f.localeCompare(b.f));
  const picked: string[] = [];
  let lines = 0;
  for (const { f } of sized) {
    const n = fs.readFileSync(f, 'utf8').split('\n').length;
    if (lines + n > MAX_LINES) break;
    lines += n;
    picked.push(f);
  }
  return picked;
}

function stringValues(root: Node | undefined): Node[] {
  const out: Node[] = [];
  const visit = (n: Node, isKey: boolean) => {
    if (n.type === 'string' && !isKey) out.push(n);
    if (n.type === 'property' && n.children) {
      if (n.children[1]) visit(n.children[1], false);
      return;
    }
    for (const c of n.children ?? []) visit(c, false);
  };
  if (root) visit(root, false);
  return out;
}

test('corpus: every ARM expression is opened and closed at the right brackets, nothing leaks', { skip: !fs.existsSync(corpusDir) && 'shared corpus absent (../shared/corpus)' }, async (t) => {
  const files = corpusFiles();
  assert.ok(files.length > 0, 'corpus has JSON files');
  let expressions = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    const tokens = await tokenize(text, 'source.json');
    const lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
    const byLine = new Map<number, Token[]>();
    for (const tok of tokens) {
      if (!byLine.has(tok.line)) byLine.set(tok.line, []);
      byLine.get(tok.line)!.push(tok);
    }
    const scopesAt = (offset: number): string[] => {
      let line = 0;
      while (line + 1 < lineStarts.length && lineStarts[line + 1] <= offset) line++;
      const col = offset - lineStarts[line];
      const t = (byLine.get(line) ?? []).find((k) => k.start <= col && col < k.end);
      return t ? t.scopes : [];
    };
    const rel = path.relative(corpusDir, file);
    // no ARM scope outside a JSON string value
    for (const tok of tokens) {
      if (tok.scopes.some((s) => s.endsWith('.arm-expression')) && !tok.scopes.some((s) => s.startsWith('string.quoted.double.json'))) {
        assert.fail(`${rel}:${tok.line + 1}:${tok.start + 1} ARM scope outside a JSON string: ${JSON.stringify(tok.text)} ${tok.scopes.join(' ')}`);
      }
    }
    for (const n of stringValues(parseTree(text))) {
      const raw = text.slice(n.offset + 1, n.offset + n.length - 1); // without the JSON quotes
      if (raw.includes('\n')) continue;
      const isExpr = raw.startsWith('[') && !raw.startsWith('[[') && raw.endsWith(']');
      const open = scopesAt(n.offset + 1);
      const close = scopesAt(n.offset + n.length - 2);
      if (isExpr) {
        expressions++;
        assert.ok(open.includes('punctuation.definition.expression.begin.arm-expression'), `${rel}: ${raw.slice(0, 80)} opens at its first [ (${open.join(' ')})`);
        assert.ok(close.includes('punctuation.definition.expression.end.arm-expression'), `${rel}: ${raw.slice(0, 120)} closes at its last ] (${close.join(' ')})`);
      } else if (raw.length > 0) {
        assert.ok(!open.some((s) => s.startsWith('meta.embedded.expression')), `${rel}: ${raw.slice(0, 80)} is not an expression`);
      }
    }
  }
  assert.ok(expressions > 100, `checked ${expressions} expressions in ${files.length} templates`);
  t.diagnostic(`${expressions} expressions in ${files.length} corpus files checked`);
});
