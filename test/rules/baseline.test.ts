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
