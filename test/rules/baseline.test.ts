import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from './harness';
import { goodStv2, template, apim } from './templates';

test('a correct stv2 External deployment has no finding at all', () => {
  const got = run(goodStv2());
  assert.deepEqual(got.map((f) => `${f.ruleId}: ${f.message}`), []);
});

test('a correct stv2 Internal deployment (no client row) has no finding at all', () => {
  const got = run(goodStv2({ vnetType: 'Internal' }));
  assert.deepEqual(got.map((f) => `${f.ruleId}: ${f.message}`), []);
});

test('an APIM service without VNet has no finding', () => {
  const got = run(template([apim({ sku: 'Basic' })]));
  assert.deepEqual(got, []);
});

test('analyze() skips a text over maxFileSize with one file-skipped warning that says why', () => {
  const text = goodStv2();
  const got = run(text, { maxFileSize: 1000 });
  assert.deepEqual(got.map((f) => [f.ruleId, f.severity]), [['file-skipped', 'warning']]);
  assert.match(got[0].message, /over the limit of 1000 bytes/);
  assert.deepEqual(run(text, { maxFileSize: 1_000_000 }), []);
});
