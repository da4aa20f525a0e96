/**
 * `--fix` helpers: choose the preferred fix of each finding, drop fixes whose edits overlap an
 * edit already chosen in this round (the next round re-analyzes and offers them again on the
 * new text), and apply edits to a text.
 */
import type { Finding, Fix, TextEdit } from '../findings';

export interface ChosenFix {
  finding: Finding;
  fix: Fix;
}

export interface FixRound {
  chosen: ChosenFix[];
  /** Fixes left out of this round because they overlap a chosen one (or touch a forbidden file). */
  skipped: ChosenFix[];
  /** Chosen edits by file. */
  editsByFile: Map<string, TextEdit[]>;
}

/** Two edits conflict when their ranges overlap, or both insert at the same offset. */
export function editsOverlap(a: TextEdit, b: TextEdit): boolean {
  if (a.file !== b.file) return false;
  const aEnd = a.offset + a.length;
  const bEnd = b.offset + b.length;
  if (a.length === 0 && b.length === 0) return a.offset === b.offset;
  if (a.length === 0) return a.offset > b.offset && a.offset < bEnd;
  if (b.length === 0) return b.offset > a.offset && b.offset < aEnd;
  return a.offset < bEnd && b.offset < aEnd;
}

/**
 * Picks, for each finding with a preferred fix, that fix (the first preferred one), keeping
 * fixes atomic: a fix whose edits overlap an already chosen edit is skipped as a whole.
 * Identical fixes (same edits) offered by several findings are applied once.
 */
export function planFixRound(findings: Finding[], canWrite: (file: string) => boolean): FixRound {
  const chosen: ChosenFix[] = [];
  const skipped: ChosenFix[] = [];
  const editsByFile = new Map<string, TextEdit[]>();
  const seenSignatures = new Set<string>();
  for (const finding of findings) {
    const fix = finding.fixes.find((f) => f.isPreferred);
    if (!fix || fix.edits.length === 0) continue;
    const sig = JSON.stringify(fix.edits.map((e) => [e.file, e.offset, e.length, e.content]));
    if (seenSignatures.has(sig)) {
      chosen.push({ finding, fix });
      continue;
    }
    const ok =
      fix.edits.every((e) => canWrite(e.file)) &&
      fix.edits.every((e, i) => fix.edits.every((o, j) => j === i || !editsOverlap(e, o))) &&
      fix.edits.every((e) => !(editsByFile.get(e.file) ?? []).some((o) => editsOverlap(e, o)));
    if (!ok) {
      skipped.push({ finding, fix });
      continue;
    }
    seenSignatures.add(sig);
    chosen.push({ finding, fix });
    for (const e of fix.edits) {
      const list = editsByFile.get(e.file) ?? [];
      list.push(e);
      editsByFile.set(e.file, list);
    }
  }
  return { chosen, skipped, editsByFile };
}

/** Applies non-overlapping edits to a text (offsets refer to the original text). */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.offset - a.offset || b.length - a.length);
  let out = text;
  for (const e of sorted) {
    if (e.offset < 0 || e.offset + e.length > out.length) continue;
    out = out.slice(0, e.offset) + e.content + out.slice(e.offset + e.length);
  }
  return out;
}
