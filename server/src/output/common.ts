/**
 * What the output formatters (text, JSON, SARIF) share: the run report shape, offsets →
 * 1-based line/column per file, display paths relative to the working directory, the summary.
 */
import * as path from 'path';
import type { Finding, Severity } from '../findings';
import type { DocumentKind } from '../analyzer';
import { LineIndex, rangeToLineColumns } from '../text/lines';

/** Kinds of a reported file: the analyzer's, or `skipped` (over the size cap, not parsed). */
export type FileKind = DocumentKind | 'skipped';

export interface FileReport {
  /** Absolute path of the file analyzed. */
  path: string;
  kind: FileKind;
  /** Findings after severity overrides, suppressions and --quiet, in report order. */
  findings: Finding[];
  /** Parameter file applied, when any (absolute). */
  parametersFile?: string;
}

export interface RunReport {
  /** Every reported file (templates and files named on the command line), in scan order. */
  files: FileReport[];
  /** How many JSON/JSONC files were examined (templates, parameter files and other JSON). */
  filesScanned: number;
  /** Problems of the run itself (unreadable paths, ...), as printed on stderr. */
  problems?: string[];
}

export interface OutputContext {
  /** Working directory: paths are shown relative to it. */
  cwd: string;
  /** Tool version (package.json). */
  toolVersion: string;
  /** Text of a file a finding points into, for line/column; undefined → offsets shown at 1:1. */
  textOf(file: string): string | undefined;
}

export interface Summary {
  errors: number;
  warnings: number;
  infos: number;
  /** Files with at least one finding. */
  filesWithFindings: number;
  filesScanned: number;
  /** Findings with a preferred fix (what `--fix` would apply). */
  fixable: number;
}

export function summarize(report: RunReport): Summary {
  const s: Summary = { errors: 0, warnings: 0, infos: 0, filesWithFindings: 0, filesScanned: report.filesScanned, fixable: 0 };
  for (const f of report.files) {
    if (f.findings.length > 0) s.filesWithFindings++;
    for (const x of f.findings) {
      if (x.severity === 'error') s.errors++;
      else if (x.severity === 'warning') s.warnings++;
      else s.infos++;
      if (x.fixes.some((fx) => fx.isPreferred)) s.fixable++;
    }
  }
  return s;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "3 errors, 2 warnings, 1 info in 5 files (12 files scanned)". */
export function summaryLine(s: Summary): string {
  return (
    `${plural(s.errors, 'error', 'errors')}, ${plural(s.warnings, 'warning', 'warnings')}, ${s.infos} info` +
    ` in ${plural(s.filesWithFindings, 'file', 'files')} (${plural(s.filesScanned, 'file', 'files')} scanned)`
  );
}

/** Path shown to the user: relative to cwd with `/` when inside it, else absolute. */
export function displayPath(file: string, cwd: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(file) && !path.isAbsolute(file)) return file; // a URI
  const rel = path.relative(cwd, file);
  if (rel === '') return path.basename(file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return file.split(path.sep).join('/');
  return rel.split(path.sep).join('/');
}

export interface LineColumnRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Caches a LineIndex per file. */
export class Locator {
  private readonly indexes = new Map<string, LineIndex | null>();
  constructor(private readonly textOf: (file: string) => string | undefined) {}

  index(file: string): LineIndex | undefined {
    let idx = this.indexes.get(file);
    if (idx === undefined) {
      const text = this.textOf(file);
      idx = text === undefined ? null : new LineIndex(text);
      this.indexes.set(file, idx);
    }
    return idx ?? undefined;
  }

  /** 1-based range; 1:1 when the file's text is unknown. */
  range(file: string, offset: number, length: number): LineColumnRange {
    if (offset <= 0 && length <= 0) return { line: 1, column: 1, endLine: 1, endColumn: 1 }; // no need to read the file
    const idx = this.index(file);
    if (!idx) return { line: 1, column: 1, endLine: 1, endColumn: 1 };
    return rangeToLineColumns(idx, offset, length);
  }
}

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Findings of a file in text order (then by severity and rule id), for stable output. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      (a.location.file === b.location.file ? 0 : a.location.file < b.location.file ? -1 : 1) ||
      a.location.range.offset - b.location.range.offset ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
}
