/**
 * Code actions from diagnostics' `data` (no re-analysis): one quickfix per fix, "Disable <rule>
 * for this line", and `source.fixAll.apimVnet` (all preferred fixes, non-overlapping).
 */
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type WorkspaceEdit, type TextEdit, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DIAGNOSTIC_SOURCE, isDiagnosticData, type SerializedEdit, type SerializedFix } from './diagnostics';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.apimVnet`;
export const DISABLE_COMMENT = 'apim-vnet-disable-next-line';
/** Pseudo-rules that a suppression comment cannot silence. */
const NOT_SUPPRESSIBLE = new Set(['invalid-json', 'file-skipped']);

function wants(only: string[] | undefined, kind: string): boolean {
  if (!only || only.length === 0) return true;
  return only.some((o) => kind === o || kind.startsWith(o + '.'));
}

export function toWorkspaceEdit(edits: SerializedEdit[]): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const e of edits) (changes[e.uri] ??= []).push({ range: e.range, newText: e.newText });
  return { changes };
}

export const FIX_ALL_TITLE = 'Fix all APIM VNet problems in this file';

function rangeOverlaps(a: Range, b: Range): boolean {
  return cmp(a.start, b.end) <= 0 && cmp(b.start, a.end) <= 0;
}

function sameRange(a: Range, b: Range): boolean {
  return cmp(a.start, b.start) === 0 && cmp(a.end, b.end) === 0;
}

/**
 * The diagnostics to offer quick fixes for. LSP: `context.diagnostics` are the client's diagnostics
 * overlapping the range, and "the primary parameter to compute code actions is the provided range".
 * A client that does not keep a diagnostic's `data` (no `publishDiagnostics.dataSupport`) gets its
 * diagnostic of ours matched to the current analysis by range and code (then message); when the
 * client sent none of ours, the current diagnostics overlapping the range are used.
 * @param current the diagnostics of the document's current analysis (undefined: none current)
 */
export function contextDiagnostics(sent: readonly Diagnostic[], current: readonly Diagnostic[] | undefined, range: Range): Diagnostic[] {
  const out: Diagnostic[] = [];
  let ours = false;
  for (const d of sent) {
    if (d.source === DIAGNOSTIC_SOURCE && isDiagnosticData(d.data)) {
      out.push(d);
      ours = true;
      continue;
    }
    if (d.source === DIAGNOSTIC_SOURCE && current) {
      const same = current.filter((c) => c.code === d.code && sameRange(c.range, d.range));
      const match = same.find((c) => c.message === d.message) ?? same[0];
      if (match) {
        if (!out.includes(match)) out.push(match);
        ours = true;
        continue;
      }
    }
    out.push(d);
  }
  if (!ours && current) for (const c of current) if (rangeOverlaps(c.range, range)) out.push(c);
  return out;
}

/**
 * @param doc the current document
 * @param currentVersionOf version of the document a diagnostic was computed on, as open now
 * @param fixAll the fix-all edit of the document (for source.fixAll), computed lazily
 * @param preferredCount number of preferred fixes in the current analysis
 */
export function codeActionsFor(
  doc: TextDocument,
  params: CodeActionParams,
  currentVersionOf: (uri: string) => number | undefined,
  fixAll: () => WorkspaceEdit | undefined,
  preferredCount = 0,
): CodeAction[] {
  const only = params.context.only;
  const actions: CodeAction[] = [];
  const wantQuick = wants(only, CodeActionKind.QuickFix);
  if (wantQuick) {
    const disabled = new Set<string>();
    // The same fix offered by several diagnostics (e.g. "Add all missing API Management rules" on
    // every blocked row of one NSG) is one action that lists all of them.
    const byFix = new Map<string, CodeAction>();
    for (const d of params.context.diagnostics ?? []) {
      if (d.source !== DIAGNOSTIC_SOURCE || !isDiagnosticData(d.data)) continue;
      const data = d.data;
      // ranges were computed on data.version; drop actions once the document moved on
      if (currentVersionOf(data.uri) !== data.version) continue;
      for (const fx of data.fixes) {
        const key = `${fx.id}\u0000${JSON.stringify(fx.edits)}`;
        const same = byFix.get(key);
        if (same) {
          same.diagnostics!.push(d);
          same.isPreferred = same.isPreferred || fx.isPreferred;
          continue;
        }
        const action: CodeAction = {
          title: fx.title,
          kind: CodeActionKind.QuickFix,
          isPreferred: fx.isPreferred,
          diagnostics: [d],
          edit: toWorkspaceEdit(fx.edits),
        };
        byFix.set(key, action);
        actions.push(action);
      }
      const key = `${data.ruleId}@${d.range.start.line}`;
      if (!NOT_SUPPRESSIBLE.has(data.ruleId) && data.uri === doc.uri && !disabled.has(key)) {
        disabled.add(key);
        actions.push(disableLineAction(doc, d, data.ruleId));
      }
    }
  }
  if (only && wants(only, FIX_ALL_KIND)) {
    // explicitly requested (editor.codeActionsOnSave, "Fix All"): computed now
    const edit = fixAll();
    if (edit) actions.push({ title: FIX_ALL_TITLE, kind: FIX_ALL_KIND, edit });
  } else if (!only && preferredCount > 1) {
    // in the light bulb: resolved lazily (codeAction/resolve) so that cursor moves stay cheap
    actions.push({ title: FIX_ALL_TITLE, kind: FIX_ALL_KIND, data: { fixAll: doc.uri, version: doc.version } });
  }
  return actions;
}

function lineText(doc: TextDocument, line: number): string {
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  return text.replace(/\r?\n$/, '');
}

export function disableLineAction(doc: TextDocument, d: Diagnostic, ruleId: string): CodeAction {
  const line = d.range.start.line;
  const current = lineText(doc, line);
  const indent = /^[ \t]*/.exec(current)![0];
  let edit: TextEdit;
  const prev = line > 0 ? lineText(doc, line - 1) : undefined;
  const m = prev !== undefined ? new RegExp(`^([ \\t]*//\\s*${DISABLE_COMMENT})((?:\\s+[\\w-]+)*)\\s*$`).exec(prev) : null;
  if (m) {
    // extend the existing comment above the line
    const ids = m[2].trim().split(/\s+/).filter(Boolean);
    if (!ids.includes(ruleId)) ids.push(ruleId);
    const range: Range = { start: { line: line - 1, character: 0 }, end: { line: line - 1, character: prev!.length } };
    edit = { range, newText: `${m[1]} ${ids.join(' ')}` };
  } else {
    const eol = doc.getText().includes('\r\n') ? '\r\n' : '\n';
    edit = { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}// ${DISABLE_COMMENT} ${ruleId}${eol}` };
  }
  return {
    title: `Disable ${ruleId} for this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    edit: { changes: { [doc.uri]: [edit] } },
  };
}

function cmp(a: { line: number; character: number }, b: { line: number; character: number }): number {
  return a.line - b.line || a.character - b.character;
}

function overlaps(a: SerializedEdit, b: SerializedEdit): boolean {
  if (a.uri !== b.uri) return false;
  // touching edits at the same point (two insertions at one offset) count as overlapping
  return cmp(a.range.start, b.range.end) <= 0 && cmp(b.range.start, a.range.end) <= 0;
}

/** The preferred fixes that can be applied together: in document order, a fix whose edits overlap an accepted one is dropped. */
export function selectNonOverlapping(fixes: SerializedFix[]): SerializedFix[] {
  const preferred = fixes.filter((f) => f.isPreferred && f.edits.length > 0);
  const firstStart = (f: SerializedFix) => f.edits.reduce((m, e) => (cmp(e.range.start, m) < 0 ? e.range.start : m), f.edits[0].range.start);
  preferred.sort((a, b) => cmp(firstStart(a), firstStart(b)));
  const accepted: SerializedFix[] = [];
  const acceptedEdits: SerializedEdit[] = [];
  const seen = new Set<string>();
  for (const f of preferred) {
    const sig = JSON.stringify(f.edits);
    if (seen.has(sig)) continue; // the same fix offered by two findings
    if (f.edits.some((e) => acceptedEdits.some((x) => overlaps(e, x)))) continue;
    seen.add(sig);
    accepted.push(f);
    acceptedEdits.push(...f.edits);
  }
  return accepted;
}

export function fixAllEdit(fixes: SerializedFix[]): WorkspaceEdit | undefined {
  const chosen = selectNonOverlapping(fixes);
  if (chosen.length === 0) return undefined;
  return toWorkspaceEdit(chosen.flatMap((f) => f.edits));
}
