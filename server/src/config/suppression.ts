/**
 * Suppression comments in a template (JSONC comments, found with jsonc-parser's scanner so that
 * text inside strings is never mistaken for a comment):
 *
 *   // apim-vnet-disable-next-line <id> [<id>...]   findings of those rules starting on the next line
 *   /* apim-vnet-disable-next-line <id> *\/          same, block form (next line after the comment ends)
 *   /* apim-vnet-disable <id> [<id>...] *\/          findings of those rules anywhere in the file
 *   /* apim-vnet-disable *\/                         every finding of the file
 *
 * Ids are separated by spaces or commas; anything after ` -- ` is a free-text reason.
 * `apim-vnet-disable-next-line` without ids suppresses every rule on the next line.
 * Pure functions over text + findings; the analyzer (and anyone else) calls `applySuppressions`.
 */
import { createScanner, SyntaxKind } from 'jsonc-parser';
import type { Finding } from '../findings';
import { LineIndex } from '../text/lines';

export interface SuppressionComment {
  kind: 'file' | 'next-line';
  /** Rule ids named; empty = every rule. */
  ruleIds: string[];
  /** Offset and length of the comment. */
  offset: number;
  length: number;
  /** For `next-line`: the 0-based line it applies to. */
  line?: number;
}

export interface Suppressions {
  comments: SuppressionComment[];
  /**
   * True when `finding` (located in the text these suppressions were parsed from) is
   * suppressed. `lineOfOffset` maps an offset to its 0-based line.
   */
  isSuppressed(finding: Finding, lineOfOffset: (offset: number) => number): boolean;
}

const NEXT_LINE = /^\s*apim-vnet-disable-next-line(?=\s|,|$)(.*)$/s;
const FILE = /^\s*apim-vnet-disable(?=\s|,|$)(.*)$/s;

function parseIds(rest: string): string[] {
  const body = rest.split(/\s--\s|\s--$/)[0];
  return body
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Finds every suppression comment of a document text. */
export function parseSuppressions(text: string): Suppressions {
  const comments: SuppressionComment[] = [];
  if (text.includes('apim-vnet-disable')) {
    const lines = new LineIndex(text);
    const scanner = createScanner(text, false);
    let guard = 0;
    for (let kind = scanner.scan(); kind !== SyntaxKind.EOF && guard < 10_000_000; kind = scanner.scan(), guard++) {
      if (kind !== SyntaxKind.LineCommentTrivia && kind !== SyntaxKind.BlockCommentTrivia) continue;
      const raw = text.substr(scanner.getTokenOffset(), scanner.getTokenLength());
      const offset = scanner.getTokenOffset();
      const length = scanner.getTokenLength();
      let body: string;
      if (kind === SyntaxKind.LineCommentTrivia) body = raw.replace(/^\/\//, '');
      else body = raw.replace(/^\/\*/, '').replace(/\*\/$/, '');
      const nl = NEXT_LINE.exec(body);
      if (nl) {
        comments.push({ kind: 'next-line', ruleIds: parseIds(nl[1]), offset, length, line: lines.lineOf(offset + length) + 1 });
        continue;
      }
      const f = FILE.exec(body);
      if (f) comments.push({ kind: 'file', ruleIds: parseIds(f[1]), offset, length });
    }
  }
  const fileAll = comments.some((c) => c.kind === 'file' && c.ruleIds.length === 0);
  const fileIds = new Set(comments.filter((c) => c.kind === 'file').flatMap((c) => c.ruleIds));
  const byLine = new Map<number, Set<string> | 'all'>();
  for (const c of comments) {
    if (c.kind !== 'next-line' || c.line === undefined) continue;
    const prev = byLine.get(c.line);
    if (c.ruleIds.length === 0 || prev === 'all') byLine.set(c.line, 'all');
    else byLine.set(c.line, new Set([...(prev ?? []), ...c.ruleIds]));
  }
  return {
    comments,
    isSuppressed(finding, lineOfOffset) {
      if (fileAll || fileIds.has(finding.ruleId)) return true;
      if (byLine.size === 0) return false;
      const entry = byLine.get(lineOfOffset(finding.location.range.offset));
      return entry === 'all' || (entry !== undefined && entry.has(finding.ruleId));
    },
  };
}

/**
 * Drops the findings suppressed by comments of `text`. When `file` is given, only findings
 * located in that file are considered (findings in linked templates follow their own file's
 * comments); otherwise every finding is taken to be located in `text`.
 */
export function applySuppressions(text: string, findings: Finding[], file?: string): Finding[] {
  if (findings.length === 0 || !text.includes('apim-vnet-disable')) return findings;
  const sup = parseSuppressions(text);
  if (sup.comments.length === 0) return findings;
  const lines = new LineIndex(text);
  const lineOf = (o: number) => lines.lineOf(o);
  return findings.filter((f) => (file !== undefined && f.location.file !== file) || !sup.isSuppressed(f, lineOf));
}
