/**
 * Offset ↔ line/column conversion for a document text. The core works in UTF-16 offsets
 * (findings.ts); the fronts convert with this: the CLI and SARIF use 1-based line/column,
 * the LSP uses 0-based line/character. Columns count UTF-16 code units (SARIF's default
 * `columnKind: utf16CodeUnits`, and what LSP positions use). Line breaks: \n, \r\n and \r.
 */

export interface Position {
  /** 0-based line. */
  line: number;
  /** 0-based column in UTF-16 code units. */
  character: number;
}

export interface LineColumn {
  /** 1-based line. */
  line: number;
  /** 1-based column in UTF-16 code units. */
  column: number;
}

export class LineIndex {
  /** Offset of the first character of every line. */
  private readonly starts: number[];
  readonly length: number;

  constructor(text: string) {
    this.length = text.length;
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      } else if (c === 10 /* \n */) {
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** 0-based line of an offset (clamped into the text). */
  lineOf(offset: number): number {
    const o = this.clamp(offset);
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** 0-based position (LSP). */
  positionAt(offset: number): Position {
    const o = this.clamp(offset);
    const line = this.lineOf(o);
    return { line, character: o - this.starts[line] };
  }

  /** 1-based line and column (CLI, SARIF). */
  lineColumnAt(offset: number): LineColumn {
    const p = this.positionAt(offset);
    return { line: p.line + 1, column: p.character + 1 };
  }

  /** Offset of a 0-based position (clamped to the line's start/text end). */
  offsetAt(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return this.length;
    return this.clamp(this.starts[pos.line] + Math.max(0, pos.character));
  }

  /** Offset of the first character of a 0-based line. */
  lineStart(line: number): number {
    if (line <= 0) return 0;
    if (line >= this.starts.length) return this.length;
    return this.starts[line];
  }

  private clamp(offset: number): number {
    if (!Number.isFinite(offset) || offset < 0) return 0;
    return offset > this.length ? this.length : Math.floor(offset);
  }
}

/** 1-based start and end (end exclusive column, as SARIF regions) of an offset range. */
export function rangeToLineColumns(
  index: LineIndex,
  offset: number,
  length: number,
): { line: number; column: number; endLine: number; endColumn: number } {
  const s = index.lineColumnAt(offset);
  const e = index.lineColumnAt(offset + Math.max(0, length));
  return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
}
