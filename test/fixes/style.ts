/**
 * Test helpers for the fix builders: fixtures are written with 2-space indentation and LF line
 * endings and re-styled (tabs, 4 spaces, CRLF) so that every table case runs in every style and
 * the result is compared byte for byte with the equally re-styled expectation.
 */
import assert from 'node:assert/strict';
import { parseTree, type ParseError } from 'jsonc-parser';
import { applyTextEdits } from '../../server/src/fixes';
import type { TextEdit } from '../../server/src/findings';

export interface Style {
  name: string;
  unit: string;
  eol: string;
}

export const STYLES: Style[] = [
  { name: '2 spaces LF', unit: '  ', eol: '\n' },
  { name: '4 spaces LF', unit: '    ', eol: '\n' },
  { name: 'tabs LF', unit: '\t', eol: '\n' },
  { name: '2 spaces CRLF', unit: '  ', eol: '\r\n' },
  { name: 'tabs CRLF', unit: '\t', eol: '\r\n' },
];

/** Re-styles a 2-space LF text: each 2 leading spaces become one unit; line breaks become eol. */
export function restyle(text: string, style: Style): string {
  return text
    .split('\n')
    .map((line) => {
      const m = /^ */.exec(line)![0].length;
      if (m % 2 !== 0) throw new Error(`fixture line with odd indentation: ${JSON.stringify(line)}`);
      return style.unit.repeat(m / 2) + line.substring(m);
    })
    .join(style.eol);
}

export const FILE = '/tmp/template.json';

export function jsoncErrors(text: string): ParseError[] {
  const errors: ParseError[] = [];
  parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  return errors;
}

export function isStrictJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Checks the edit list shape and applies it. */
export function applyChecked(text: string, edits: TextEdit[]): string {
  let prevEnd = -1;
  for (const e of edits) {
    assert.equal(e.file, FILE, 'edit carries the file');
    assert.ok(e.offset >= 0 && e.length >= 0 && e.offset + e.length <= text.length, 'edit within the text');
    assert.ok(e.offset >= prevEnd, 'edits sorted and non-overlapping');
    prevEnd = e.offset + e.length;
  }
  return applyTextEdits(text, edits);
}

export interface EditCase {
  name: string;
  input: string;
  run: (text: string, file: string) => TextEdit[] | undefined;
  /** Expected text after the edits (2-space LF); undefined when the builder must decline. */
  expected: string | undefined;
}

/** Runs a case in one style with every generic check (byte equality, parse validity, strict JSON kept). */
export function checkCase(c: EditCase, style: Style): void {
  const input = restyle(c.input, style);
  const edits = c.run(input, FILE);
  if (c.expected === undefined) {
    assert.equal(edits, undefined, 'builder declines');
    return;
  }
  assert.ok(edits, 'builder produced edits');
  const out = applyChecked(input, edits);
  assert.equal(out, restyle(c.expected, style));
  assert.deepEqual(jsoncErrors(out), [], 'result parses');
  if (isStrictJson(input)) assert.ok(isStrictJson(out), 'strict JSON input stays strict JSON');
}
