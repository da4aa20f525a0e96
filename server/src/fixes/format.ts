/**
 * Text-level helpers for the quick-fix edit builders: formatting detection (indent unit, line
 * endings), indentation of a position, serialization of new JSON values in the document's own
 * style, and applying offset edits. Pure, no vscode imports, never throws on user input.
 */

export interface FormattingOptions {
  /** True for spaces, false for tabs. */
  insertSpaces: boolean;
  /** Number of spaces of one indentation level (meaningful when insertSpaces). */
  tabSize: number;
  /** Line ending of the document: '\n' or '\r\n'. */
  eol: string;
}

/** Any edit with offsets into one text (TextEdit from findings.ts fits). */
export interface OffsetEdit {
  offset: number;
  length: number;
  content: string;
}

/** The indentation unit string of a formatting (`'\t'` or N spaces). */
export function indentUnit(f: FormattingOptions): string {
  return f.insertSpaces ? ' '.repeat(Math.max(1, f.tabSize)) : '\t';
}

/** The document's line ending: the first line break decides ('\n' when there is none). */
export function detectEol(text: string): string {
  const i = text.indexOf('\n');
  return i > 0 && text.charCodeAt(i - 1) === 13 ? '\r\n' : '\n';
}

/**
 * Guesses the document's formatting: tabs vs spaces by the majority of indented lines, the
 * space count by the most frequent indentation increase between consecutive lines (2 when
 * nothing is indented), the line ending from the first line break.
 */
export function detectFormatting(text: string): FormattingOptions {
  const eol = detectEol(text);
  let tabLines = 0;
  let spaceLines = 0;
  const deltas = new Map<number, number>();
  let prev = 0;
  let pos = 0;
  const n = text.length;
  // Cap the scan: the first few thousand lines decide.
  let lines = 0;
  while (pos < n && lines < 5000) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    let i = pos;
    while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    const blank = i >= end || (i === end - 1 && text.charCodeAt(i) === 13);
    if (!blank) {
      const first = text.charCodeAt(pos);
      if (i > pos) {
        if (first === 9) tabLines++;
        else spaceLines++;
      }
      if (first !== 9) {
        const width = i - pos;
        if (width > prev) {
          const d = width - prev;
          if (d <= 8) deltas.set(d, (deltas.get(d) ?? 0) + 1);
        }
        prev = width;
      } else {
        prev = 0;
      }
    }
    pos = end + 1;
    lines++;
  }
  if (tabLines > spaceLines) return { insertSpaces: false, tabSize: 4, eol };
  let best = 2;
  let bestCount = 0;
  for (const [d, c] of deltas) {
    if (c > bestCount || (c === bestCount && d < best)) {
      best = d;
      bestCount = c;
    }
  }
  return { insertSpaces: true, tabSize: best, eol };
}

/** Offset of the start of the line containing `offset`. */
export function lineStart(text: string, offset: number): number {
  let i = Math.min(offset, text.length);
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (c === 10 || c === 13) break;
    i--;
  }
  return i;
}

/** The leading whitespace (spaces/tabs) of the line containing `offset`. */
export function lineIndent(text: string, offset: number): string {
  const s = lineStart(text, offset);
  let i = s;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  return text.substring(s, i);
}

/** True when only spaces/tabs precede `offset` on its line. */
export function startsLine(text: string, offset: number): boolean {
  // backwards from the offset: stops at the first non-blank character, so that a call is O(1) on
  // a minified (single-line) document instead of O(line length), which made fixes quadratic there
  for (let i = Math.min(offset, text.length) - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return true;
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** True when the range contains a line break. */
export function spansLines(text: string, offset: number, end: number): boolean {
  for (let i = offset; i < end && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return true;
  }
  return false;
}

/**
 * Multi-line JSON of a value in the document's style: nested levels indented by `unit`, lines
 * after the first prefixed by `baseIndent`, separated by `eol`. Empty objects/arrays stay `{}`/`[]`.
 * Undefined members are skipped (like JSON.stringify).
 */
export function serializeValue(value: unknown, baseIndent: string, unit: string, eol: string): string {
  const out: string[] = [];
  const write = (v: unknown, indent: string): void => {
    if (Array.isArray(v)) {
      const items = v.filter((x) => x !== undefined);
      if (items.length === 0) {
        out.push('[]');
        return;
      }
      out.push('[');
      items.forEach((item, i) => {
        out.push(eol, indent + unit);
        write(item, indent + unit);
        if (i < items.length - 1) out.push(',');
      });
      out.push(eol, indent, ']');
      return;
    }
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
      if (entries.length === 0) {
        out.push('{}');
        return;
      }
      out.push('{');
      entries.forEach(([k, x], i) => {
        out.push(eol, indent + unit, JSON.stringify(k), ': ');
        write(x, indent + unit);
        if (i < entries.length - 1) out.push(',');
      });
      out.push(eol, indent, '}');
      return;
    }
    out.push(JSON.stringify(v === undefined ? null : v));
  };
  write(value, baseIndent);
  return out.join('');
}

/** Single-line JSON with a space after `,` and `:` (for containers written on one line). */
export function serializeCompact(value: unknown): string {
  if (Array.isArray(value)) {
    return '[' + value.filter((x) => x !== undefined).map(serializeCompact).join(', ') + ']';
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    return '{ ' + entries.map(([k, x]) => JSON.stringify(k) + ': ' + serializeCompact(x)).join(', ') + ' }';
  }
  return JSON.stringify(value === undefined ? null : value);
}

/**
 * Applies offset edits to a text. Edits are sorted by offset (stable: inserts at the same offset
 * keep their order); overlapping edits are skipped rather than corrupting the text. Never throws.
 */
export function applyTextEdits(text: string, edits: readonly OffsetEdit[]): string {
  const sorted = edits
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e && Number.isFinite(e.offset) && Number.isFinite(e.length) && e.offset >= 0 && e.length >= 0)
    .sort((a, b) => a.e.offset - b.e.offset || a.i - b.i)
    .map(({ e }) => e);
  const parts: string[] = [];
  let pos = 0;
  for (const e of sorted) {
    if (e.offset < pos || e.offset > text.length) continue; // overlap or out of range
    parts.push(text.substring(pos, e.offset), e.content ?? '');
    pos = Math.min(text.length, e.offset + e.length);
  }
  parts.push(text.substring(pos));
  return parts.join('');
}

/** True when some edits overlap or two inserts share an offset (their order would matter). */
export function editsConflict(edits: readonly OffsetEdit[]): boolean {
  const sorted = [...edits].sort((a, b) => a.offset - b.offset || a.length - b.length);
  for (let i = 1; i < sorted.length; i++) {
    const p = sorted[i - 1];
    const c = sorted[i];
    if (c.offset < p.offset + p.length) return true;
    if (c.offset === p.offset && (p.length === 0 || c.length === 0)) return true;
  }
  return false;
}

/** One minimal edit turning `before` into `after` (common prefix and suffix kept). */
export function diffEdit(before: string, after: string): OffsetEdit | undefined {
  if (before === after) return undefined;
  let s = 0;
  const max = Math.min(before.length, after.length);
  while (s < max && before.charCodeAt(s) === after.charCodeAt(s)) s++;
  let e = 0;
  while (
    e < max - s &&
    before.charCodeAt(before.length - 1 - e) === after.charCodeAt(after.length - 1 - e)
  ) {
    e++;
  }
  return { offset: s, length: before.length - s - e, content: after.substring(s, after.length - e) };
}
