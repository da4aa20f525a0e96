import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planFixRound, applyTextEdits, editsOverlap } from '../../server/src/cli/fix';
import type { Finding, TextEdit } from '../../server/src/findings';

const e = (offset: number, length: number, content: string, file = 'f'): TextEdit => ({ file, offset, length, content });
function finding(edits: TextEdit[], isPreferred = true, ruleId = 'r'): Finding {
  return {
    ruleId, severity: 'error', message: 'm', location: { file: 'f', range: { offset: 0, length: 0 } }, related: [],
    fixes: [{ id: 'x', title: 't', isPreferred, edits }],
  };
}

test('editsOverlap: ranges, touching ranges, insertions', () => {
  assert.equal(editsOverlap(e(0, 5, ''), e(4, 2, '')), true);
  assert.equal(editsOverlap(e(0, 5, ''), e(5, 2, '')), false, 'touching ranges do not overlap');
  assert.equal(editsOverlap(e(3, 0, 'a'), e(3, 0, 'b')), true, 'two insertions at one point conflict');
  assert.equal(editsOverlap(e(3, 0, 'a'), e(1, 5, '')), true, 'insertion inside a replaced range');
  assert.equal(editsOverlap(e(1, 0, 'a'), e(1, 5, '')), false, 'insertion at the start of a range');
  assert.equal(editsOverlap(e(0, 5, '', 'a'), e(0, 5, '', 'b')), false, 'different files');
});

test('planFixRound: preferred fixes only, atomic skip of overlapping fixes, duplicates applied once, forbidden files', () => {
  const text = '0123456789';
  const plan = planFixRound(
    [
      finding([e(0, 2, 'AB')]),
      finding([e(1, 2, 'XX')]), // overlaps the first: skipped whole
      finding([e(5, 1, 'F'), e(8, 1, 'I')]),
      finding([e(5, 1, 'F'), e(8, 1, 'I')]), // same fix from another finding
      finding([e(3, 1, 'D')], false), // not preferred
      finding([e(4, 1, 'E', 'elsewhere')]), // not writable
    ],
    (file) => file === 'f',
  );
  assert.equal(plan.chosen.length, 3);
  assert.equal(plan.skipped.length, 2);
  assert.equal(plan.editsByFile.get('f')?.length, 3);
  assert.equal(applyTextEdits(text, plan.editsByFile.get('f') ?? []), 'AB234F67I9');
});

test('applyTextEdits: order independent, insert + replace at one offset, out-of-range edits ignored', () => {
  assert.equal(applyTextEdits('hello world', [e(6, 5, 'there'), e(0, 0, '> ')]), '> hello there');
  assert.equal(applyTextEdits('abc', [e(1, 0, 'X'), e(1, 1, 'Y')]), 'aXYc');
  assert.equal(applyTextEdits('abc', [e(2, 5, 'Z')]), 'abc');
});
