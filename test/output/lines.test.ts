import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex, rangeToLineColumns } from '../../server/src/text/lines';

test('offsets to 1-based line/column with \\n, \\r\\n and \\r line breaks', () => {
  const text = 'ab\ncd\r\nef\rgh';
  const idx = new LineIndex(text);
  assert.equal(idx.lineCount, 4);
  assert.deepEqual(idx.lineColumnAt(0), { line: 1, column: 1 });
  assert.deepEqual(idx.lineColumnAt(2), { line: 1, column: 3 });
  assert.deepEqual(idx.lineColumnAt(3), { line: 2, column: 1 });
  assert.deepEqual(idx.lineColumnAt(text.indexOf('e')), { line: 3, column: 1 });
  assert.deepEqual(idx.lineColumnAt(text.indexOf('h')), { line: 4, column: 2 });
  assert.deepEqual(idx.positionAt(text.indexOf('d')), { line: 1, character: 1 });
  assert.equal(idx.offsetAt({ line: 2, character: 1 }), text.indexOf('f'));
  assert.equal(idx.lineStart(3), text.indexOf('g'));
});

test('out-of-range offsets clamp; columns count UTF-16 code units', () => {
  const text = '😀x\ny';
  const idx = new LineIndex(text);
  assert.deepEqual(idx.lineColumnAt(2), { line: 1, column: 3 });
  assert.deepEqual(idx.lineColumnAt(-5), { line: 1, column: 1 });
  assert.deepEqual(idx.lineColumnAt(999), { line: 2, column: 2 });
  assert.deepEqual(idx.lineColumnAt(NaN), { line: 1, column: 1 });
  assert.deepEqual(rangeToLineColumns(idx, 1, 4), { line: 1, column: 2, endLine: 2, endColumn: 2 });
  assert.deepEqual(new LineIndex('').lineColumnAt(0), { line: 1, column: 1 });
});

test('lineOf agrees with a naive count on a larger text', () => {
  const lines = Array.from({ length: 500 }, (_, i) => 'x'.repeat(i % 17));
  const text = lines.join('\n');
  const idx = new LineIndex(text);
  for (let o = 0; o < text.length; o += 37) {
    assert.equal(idx.lineOf(o), text.slice(0, o).split('\n').length - 1);
  }
});
