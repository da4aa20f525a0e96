import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySuppressions, parseSuppressions } from '../../server/src/config/suppression';
import type { Finding } from '../../server/src/findings';

function finding(text: string, needle: string, ruleId: string, file = 'f.json'): Finding {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, needle);
  return { ruleId, severity: 'error', message: 'm', location: { file, range: { offset, length: needle.length } }, related: [], fixes: [] };
}

const TEXT = `{
  "resources": [
    {
      // apim-vnet-disable-next-line unsupported-sku, missing-nsg -- accepted for the sandbox
      "sku": { "name": "Basic" },
      "x": "// apim-vnet-disable-next-line custom-dns",
      "y": 1,
      /* apim-vnet-disable-next-line */
      "z": 2
    }
  ]
}`;

test('next-line comments suppress the named rules on the next line only', () => {
  const fs = [
    finding(TEXT, '"sku"', 'unsupported-sku'),
    finding(TEXT, '"sku"', 'missing-nsg'),
    finding(TEXT, '"sku"', 'custom-dns'),
    finding(TEXT, '"x"', 'unsupported-sku'),
  ];
  const kept = applySuppressions(TEXT, fs);
  assert.deepEqual(
    kept.map((f) => `${f.ruleId}@${TEXT.slice(f.location.range.offset, f.location.range.offset + 5)}`),
    ['custom-dns@"sku"', 'unsupported-sku@"x": '],
  );
});

test('text inside strings is not a comment', () => {
  const f = finding(TEXT, '"y"', 'custom-dns');
  assert.equal(applySuppressions(TEXT, [f]).length, 1);
  const sup = parseSuppressions(TEXT);
  assert.equal(sup.comments.length, 2);
  assert.deepEqual(sup.comments[0].ruleIds, ['unsupported-sku', 'missing-nsg']);
});

test('a next-line comment without ids suppresses every rule on the next line', () => {
  const fs = [finding(TEXT, '"z"', 'a'), finding(TEXT, '"z"', 'b'), finding(TEXT, '"y"', 'a')];
  assert.deepEqual(applySuppressions(TEXT, fs).map((f) => f.ruleId), ['a']);
});

test('file-level block comments: named rules, or all rules without ids', () => {
  const t1 = `/* apim-vnet-disable missing-nsg custom-dns */\n{ "a": 1,\n "b": 2 }`;
  const fs1 = [finding(t1, '"a"', 'missing-nsg'), finding(t1, '"b"', 'custom-dns'), finding(t1, '"b"', 'unsupported-sku')];
  assert.deepEqual(applySuppressions(t1, fs1).map((f) => f.ruleId), ['unsupported-sku']);
  const t2 = `{ "a": 1 /* apim-vnet-disable */ }`;
  assert.deepEqual(applySuppressions(t2, [finding(t2, '"a"', 'x'), finding(t2, '1', 'y')]), []);
  // "apim-vnet-disable-next-line" is not "apim-vnet-disable"; an unrelated comment does nothing.
  const t3 = `{ // apim-vnet-disabled x\n "a": 1 }`;
  assert.equal(applySuppressions(t3, [finding(t3, '"a"', 'x')]).length, 1);
});

test('CRLF line endings and findings of other files', () => {
  const t = '{\r\n  // apim-vnet-disable-next-line r1\r\n  "a": 1\r\n}';
  assert.equal(applySuppressions(t, [finding(t, '"a"', 'r1')]).length, 0);
  const other = finding(t, '"a"', 'r1', 'linked.json');
  assert.equal(applySuppressions(t, [other], 'main.json').length, 1, 'a finding in another file follows that file');
  assert.equal(applySuppressions(t, [finding(t, '"a"', 'r1', 'main.json')], 'main.json').length, 0);
});

test('no comments: findings returned unchanged', () => {
  const t = '{ "a": 1 }';
  const fs = [finding(t, '"a"', 'r')];
  assert.equal(applySuppressions(t, fs), fs);
});
