/**
 * What the analyzer returns. CONTRACT shared by rules, fixes, the CLI and the language server.
 * Offsets are UTF-16 code-unit offsets into the document text (what jsonc-parser and the LSP
 * TextDocument use). The core never deals in line/column: fronts convert.
 */

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

export interface OffsetRange {
  /** Start offset, inclusive. */
  offset: number;
  /** Length in UTF-16 code units. */
  length: number;
}

/** A place in some file: the analyzed document or another one (linked template, parameter file). */
export interface Location {
  /** File system path (absolute) or URI string of the file, as given to the analyzer. */
  file: string;
  range: OffsetRange;
}

export interface RelatedInformation {
  location: Location;
  message: string;
}

/** One text replacement; `offset`/`length` refer to the text of `file`. */
export interface TextEdit {
  file: string;
  offset: number;
  length: number;
  content: string;
}

export interface Fix {
  /** Stable identifier of the fix kind, e.g. "insert-nsg-rule", "set-sku:Developer". */
  id: string;
  /** Title shown in the light bulb. */
  title: string;
  /** Preferred fixes are applied by `--fix`, `source.fixAll` and shown first. */
  isPreferred: boolean;
  edits: TextEdit[];
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** Where the squiggle goes. */
  location: Location;
  related: RelatedInformation[];
  fixes: Fix[];
  /** Profile the verdict was computed with (stv1 / stv2), when the rule is profile-based. */
  profile?: 'stv1' | 'stv2';
  /** When no fix is offered although the rule has one: why (e.g. rules built from an expression). */
  noFixReason?: string;
  /** Free-form machine data for the fronts (e.g. requirement row number, blocked ports). */
  data?: Record<string, unknown>;
}
