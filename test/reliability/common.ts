/**
 * Shared helpers of the reliability suite: corpus/fixture discovery, a seeded PRNG, result
 * checks (no internal error, ranges inside the document), fix application and JSON validity.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseTree, type ParseError } from 'jsonc-parser';
import type { AnalysisResult } from '../../server/src/analyzer';
import type { Finding, TextEdit } from '../../server/src/findings';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const CORPUS_DIR = path.join(REPO_ROOT, '..', 'shared', 'corpus');
export const CORPUS_FILES = path.join(CORPUS_DIR, 'files');
export const FIXTURES_DIR = path.join(REPO_ROOT, 'test', 'fixtures');
export const CORPUS_SKIP: false | string = !fs.existsSync(CORPUS_FILES) && 'shared corpus absent (../shared/corpus)';

function walk(dir: string, out: string[]): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && /\.jsonc?$/i.test(e.name)) out.push(p);
  }
  return out;
}

/** Every .json/.jsonc file under `dir` (empty when it does not exist), sorted. */
export function jsonFilesUnder(dir: string): string[] {
  return walk(dir, []).sort();
}

/** Every JSON file of the shared corpus (empty when the corpus is absent), sorted. */
export function corpusJsonFiles(): string[] {
  return walk(CORPUS_FILES, []).sort();
}

/** Every JSON/JSONC fixture under test/fixtures (all areas) and the VS Code test workspace, sorted. */
export function fixtureFiles(): string[] {
  return walk(FIXTURES_DIR, walk(path.join(REPO_ROOT, 'test', 'vscode', 'workspace'), [])).sort();
}

/** mulberry32: small deterministic PRNG for sampling with a fixed seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Problems of one analysis: an internal error (the analyzer caught an exception), or a finding
 * / related location / fix edit of the analyzed file whose range is outside the text.
 */
export function resultProblems(file: string, text: string, result: AnalysisResult): string[] {
  const problems: string[] = [];
  const inside = (offset: number, length: number) =>
    Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 && offset + length <= text.length;
  for (const f of result.findings) {
    if (f.ruleId === 'internal-error') {
      problems.push(`internal-error: ${f.message}`);
      continue;
    }
    const r = f.location.range;
    if (f.location.file === file && !inside(r.offset, r.length)) problems.push(`${f.ruleId} range ${r.offset}+${r.length} outside 0..${text.length}`);
    for (const rel of f.related) {
      const rr = rel.location.range;
      if (rel.location.file === file && !inside(rr.offset, rr.length)) problems.push(`${f.ruleId} related range ${rr.offset}+${rr.length} outside 0..${text.length}`);
    }
    for (const fix of f.fixes) {
      for (const e of fix.edits) {
        if (e.file === file && !inside(e.offset, e.length)) problems.push(`${f.ruleId} fix ${fix.id} edit ${e.offset}+${e.length} outside 0..${text.length}`);
      }
    }
  }
  return problems;
}

/** Applies the edits of one file (non-overlapping, any order) to its text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.offset - a.offset || b.length - a.length);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.offset) + e.content + out.slice(e.offset + e.length);
  return out;
}

export function parseErrors(text: string, jsonc: boolean): ParseError[] {
  const errors: ParseError[] = [];
  parseTree(text, errors, { allowTrailingComma: jsonc, disallowComments: !jsonc, allowEmptyContent: false });
  return errors;
}

/** 'json' when strict JSON, 'jsonc' when valid only with comments / trailing commas, else undefined. */
export function jsonFlavor(text: string): 'json' | 'jsonc' | undefined {
  try {
    JSON.parse(text);
    return 'json';
  } catch {
    return parseErrors(text, true).length === 0 ? 'jsonc' : undefined;
  }
}

/**
 * For each fix of the analyzed file: applying its edits (to this file) yields valid JSON when the
 * input was valid JSON, valid JSONC when the input was valid JSONC. Returns the problems.
 */
export function fixProblems(file: string, text: string, findings: Finding[]): { problems: string[]; fixes: number } {
  const flavor = jsonFlavor(text);
  const problems: string[] = [];
  let fixes = 0;
  if (!flavor) return { problems, fixes };
  for (const f of findings) {
    for (const fix of f.fixes) {
      const edits = fix.edits.filter((e) => e.file === file);
      if (edits.length === 0) continue;
      fixes++;
      const out = applyEdits(text, edits);
      const ok = flavor === 'json' ? jsonFlavor(out) === 'json' : parseErrors(out, true).length === 0;
      if (!ok) problems.push(`${f.ruleId} fix ${fix.id} ("${fix.title}") yields invalid ${flavor.toUpperCase()}`);
    }
  }
  return { problems, fixes };
}

export function short(file: string): string {
  if (file.startsWith(CORPUS_FILES)) return 'corpus:' + path.relative(CORPUS_FILES, file);
  if (file.startsWith(REPO_ROOT)) return path.relative(REPO_ROOT, file);
  return file;
}
