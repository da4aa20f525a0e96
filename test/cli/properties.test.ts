/** Property tests (fast-check) for the pure CLI/output helpers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseArgs } from '../../server/src/cli/args';
import { applyTextEdits, planFixRound } from '../../server/src/cli/fix';
import { LineIndex } from '../../server/src/text/lines';
import { matchGlob } from '../../server/src/config/glob';
import type { Finding } from '../../server/src/findings';

const token = fc.oneof(
  fc.constantFrom('--format', '--output', '--platform', '--parameters', '--rule', '--config', '--fix', '--explain', '--max-warnings', '--quiet', '--version', '--help', '--', '-', '-h', '--format=json', '--rule=missing-nsg=off', 'stv1', 'json', '3', 'x.json'),
  fc.string({ maxLength: 12 }),
);

test('parseArgs never throws and either succeeds or explains', () => {
  fc.assert(
    fc.property(fc.array(token, { maxLength: 8 }), (argv) => {
      const r = parseArgs(argv);
      if (r.ok) assert.ok(r.options.paths.length > 0 || r.options.help || r.options.version);
      else assert.ok(r.error.length > 0);
    }),
    { numRuns: 500 },
  );
});

test('LineIndex agrees with a naive split for any text and offset', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '\n', '\r', ' ', '😀') as fc.Arbitrary<string>, maxLength: 60 }), fc.nat(70), (text, o) => {
      const off = Math.min(o, text.length);
      const before = text.slice(0, off).replace(/\r\n/g, '\n').replace(/\r/g, '\n');
      // "\r|\n" at the cut: a lone \r before a cut \n still counts as one break.
      const lines = before.split('\n');
      const idx = new LineIndex(text);
      const p = idx.positionAt(off);
      if (!(text[off - 1] === '\r' && text[off] === '\n')) {
        assert.equal(p.line, lines.length - 1);
        assert.equal(idx.offsetAt(p), off);
      }
    }),
    { numRuns: 500 },
  );
});

test('planned fix edits never overlap, and applying them equals applying each in turn from the end', () => {
  const edit = fc.record({ offset: fc.nat(30), length: fc.nat(5), content: fc.string({ maxLength: 4 }) });
  fc.assert(
    fc.property(fc.string({ minLength: 35, maxLength: 35 }), fc.array(fc.array(edit, { minLength: 1, maxLength: 3 }), { maxLength: 6 }), (text, fixes) => {
      const findings: Finding[] = fixes.map((edits) => ({
        ruleId: 'r', severity: 'error', message: '', location: { file: 'f', range: { offset: 0, length: 0 } }, related: [],
        fixes: [{ id: 'x', title: 'x', isPreferred: true, edits: edits.map((e) => ({ file: 'f', ...e })) }],
      }));
      const plan = planFixRound(findings, () => true);
      const edits = [...(plan.editsByFile.get('f') ?? [])].sort((a, b) => a.offset - b.offset || a.length - b.length);
      for (let i = 1; i < edits.length; i++) {
        const a = edits[i - 1];
        const b = edits[i];
        assert.ok(a.offset + a.length <= b.offset && !(a.length === 0 && b.length === 0 && a.offset === b.offset), 'no overlap');
      }
      let expected = text;
      for (const e of [...edits].reverse()) expected = expected.slice(0, e.offset) + e.content + expected.slice(e.offset + e.length);
      assert.equal(applyTextEdits(text, edits), expected);
    }),
    { numRuns: 300 },
  );
});

test('a glob without wildcards matches exactly itself (at any depth when it has no slash)', () => {
  const seg = fc.string({ unit: fc.constantFrom('a', 'b', '.', '-', '_', '(', ')', '+', '$', '^', '[', ']') as fc.Arbitrary<string>, minLength: 1, maxLength: 8 }).filter((s) => s !== '.' && s !== '..');
  fc.assert(
    fc.property(seg, seg, (a, b) => {
      assert.equal(matchGlob(a, a), true);
      assert.equal(matchGlob(a, `${b}/${a}`), true);
      assert.equal(matchGlob(`${b}/${a}`, `${b}/${a}`), true);
      if (a !== b) assert.equal(matchGlob(a, b), false);
    }),
    { numRuns: 300 },
  );
});
