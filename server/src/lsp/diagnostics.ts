/**
 * Findings → LSP Diagnostics. Each diagnostic carries its fixes in `data` (already converted to
 * ranges against the document version the analysis ran on), so code actions need no re-analysis.
 */
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Range } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Fix, Severity, Location } from '../findings';
import { docsUrl } from '../rules/rule';
import { uriForFileKey } from './uri';

export const DIAGNOSTIC_SOURCE = 'apim-vnet';

export interface SerializedEdit {
  uri: string;
  range: Range;
  newText: string;
}

export interface SerializedFix {
  id: string;
  title: string;
  isPreferred: boolean;
  edits: SerializedEdit[];
}

export interface DiagnosticData {
  ruleId: string;
  /** URI and version of the document the ranges were computed on. */
  uri: string;
  version: number;
  fixes: SerializedFix[];
}

/** Text of another file (linked template, parameter file) by file key, for range conversion. */
export type TextOf = (fileKey: string) => string | undefined;

export function toSeverity(s: Severity): DiagnosticSeverity {
  switch (s) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    default:
      return DiagnosticSeverity.Information;
  }
}

/** Converts offsets into ranges for the document and for other files (read lazily, memoized). */
export class RangeConverter {
  private readonly others = new Map<string, TextDocument | null>();

  constructor(
    private readonly doc: TextDocument,
    private readonly docFileKey: string,
    private readonly textOf: TextOf,
  ) {}

  /** The TextDocument a file key refers to, undefined when unreadable. */
  documentFor(fileKey: string): TextDocument | undefined {
    if (fileKey === this.docFileKey || fileKey === this.doc.uri) return this.doc;
    let d = this.others.get(fileKey);
    if (d === undefined) {
      const text = this.textOf(fileKey);
      d = text === undefined ? null : TextDocument.create(uriForFileKey(fileKey), 'json', 0, text);
      this.others.set(fileKey, d);
    }
    return d ?? undefined;
  }

  range(fileKey: string, offset: number, length: number): { uri: string; range: Range } | undefined {
    const d = this.documentFor(fileKey);
    if (!d) return undefined;
    const max = d.getText().length;
    const start = Math.max(0, Math.min(offset, max));
    const end = Math.max(start, Math.min(offset + Math.max(0, length), max));
    return { uri: d.uri, range: { start: d.positionAt(start), end: d.positionAt(end) } };
  }

  location(loc: Location): { uri: string; range: Range } | undefined {
    return this.range(loc.file, loc.range.offset, loc.range.length);
  }

  fix(fix: Fix): SerializedFix | undefined {
    const edits: SerializedEdit[] = [];
    for (const e of fix.edits) {
      const r = this.range(e.file, e.offset, e.length);
      if (!r) return undefined; // a fix whose file cannot be read is not offered
      edits.push({ uri: r.uri, range: r.range, newText: e.content });
    }
    return { id: fix.id, title: fix.title, isPreferred: fix.isPreferred, edits };
  }
}

/** True when the finding belongs to the document (findings about linked files go to those files). */
export function isInDocument(f: Finding, doc: TextDocument, docFileKey: string): boolean {
  return f.location.file === docFileKey || f.location.file === doc.uri;
}

export function toDiagnostic(f: Finding, doc: TextDocument, conv: RangeConverter): Diagnostic | undefined {
  const loc = conv.location(f.location);
  if (!loc) return undefined;
  const related: DiagnosticRelatedInformation[] = [];
  for (const r of f.related ?? []) {
    const l = conv.location(r.location);
    if (l) related.push({ location: { uri: l.uri, range: l.range }, message: r.message });
  }
  const fixes: SerializedFix[] = [];
  for (const fx of f.fixes ?? []) {
    const s = conv.fix(fx);
    if (s) fixes.push(s);
  }
  const data: DiagnosticData = { ruleId: f.ruleId, uri: doc.uri, version: doc.version, fixes };
  const d: Diagnostic = {
    range: loc.range,
    severity: toSeverity(f.severity),
    code: f.ruleId,
    codeDescription: { href: docsUrl(f.ruleId) },
    source: DIAGNOSTIC_SOURCE,
    message: f.message,
    data,
  };
  if (related.length) d.relatedInformation = related;
  return d;
}

/**
 * Diagnostics per URI: the document's own findings, plus findings that an analysis placed in
 * other files (a linked template), grouped by their URI.
 */
export function findingsToDiagnostics(findings: Finding[], doc: TextDocument, conv: RangeConverter): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  out.set(doc.uri, []);
  for (const f of findings) {
    const d = toDiagnostic(f, doc, conv);
    if (!d) continue;
    const target = conv.documentFor(f.location.file)?.uri ?? doc.uri;
    let list = out.get(target);
    if (!list) out.set(target, (list = []));
    list.push(d);
  }
  return out;
}

export function isDiagnosticData(v: unknown): v is DiagnosticData {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Partial<DiagnosticData>;
  return typeof d.ruleId === 'string' && typeof d.uri === 'string' && typeof d.version === 'number' && Array.isArray(d.fixes);
}
