/**
 * Fix all: apply every preferred fix, re-analyze, repeat (like the CLI's `--fix` rounds, so that
 * fixes that touch the same spot — several NSG rules appended to one array — and fixes that only
 * become applicable after another — an NSG check after a sku change — all land), then express
 * the result as one minimal TextEdit per changed file against the texts the editor has now.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { TextDocument as TD } from 'vscode-languageserver-textdocument';
import type { WorkspaceEdit, TextEdit } from 'vscode-languageserver';
import { analyze } from '../analyzer';
import { planFixRound, applyTextEdits } from '../cli/fix';
import { DEFAULT_MAX_FILE_SIZE } from '../config/types';
import { makeReader, type EffectiveConfig } from './analysis';
import { fileKeyForUri, uriForFileKey, uriToPath } from './uri';

export const MAX_FIX_ROUNDS = 10;

export interface FixAllResult {
  edit?: WorkspaceEdit;
  /** Fixes applied over all rounds. */
  applied: number;
  rounds: number;
}

export function fixAllRounds(doc: TextDocument, eff: EffectiveConfig, openText: (uri: string) => string | undefined, maxRounds = MAX_FIX_ROUNDS): FixAllResult {
  const docKey = fileKeyForUri(doc.uri);
  const read = uriToPath(doc.uri) !== undefined ? makeReader(openText, eff.config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, eff.readRoots, eff.parametersFile ? [eff.parametersFile] : []) : () => undefined;
  const original = new Map<string, string>([[docKey, doc.getText()]]);
  const current = new Map<string, string>([[docKey, doc.getText()]]);
  const textOf = (key: string): string | undefined => {
    if (current.has(key)) return current.get(key);
    const t = read(key);
    if (t !== undefined) {
      original.set(key, t);
      current.set(key, t);
    }
    return t;
  };
  let applied = 0;
  let rounds = 0;
  const seenTexts = new Set<string>();
  for (; rounds < maxRounds; rounds++) {
    const text = current.get(docKey)!;
    if (seenTexts.has(text)) break; // a cycle: stop
    seenTexts.add(text);
    let findings;
    try {
      findings = analyze({ file: docKey, text, config: eff.config, parametersFile: eff.parametersFile, readFile: (p) => (p === docKey ? text : textOf(p)) }).findings;
    } catch {
      break;
    }
    const plan = planFixRound(findings, (file) => textOf(file) !== undefined);
    if (plan.editsByFile.size === 0) break;
    for (const [file, edits] of plan.editsByFile) current.set(file, applyTextEdits(textOf(file)!, edits));
    applied += plan.chosen.length;
  }
  const changes: Record<string, TextEdit[]> = {};
  for (const [key, before] of original) {
    const after = current.get(key)!;
    if (after === before) continue;
    const uri = key === docKey ? doc.uri : uriForFileKey(key);
    const base = key === docKey ? doc : TD.create(uri, 'json', 0, before);
    changes[uri] = [minimalEdit(base, before, after)];
  }
  return { edit: Object.keys(changes).length ? { changes } : undefined, applied, rounds };
}

/** One edit replacing only the differing middle of two texts. */
export function minimalEdit(doc: TextDocument, before: string, after: string): TextEdit {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before.charCodeAt(endB - 1) === after.charCodeAt(endA - 1)) {
    endB--;
    endA--;
  }
  return { range: { start: doc.positionAt(start), end: doc.positionAt(endB) }, newText: after.slice(start, endA) };
}
