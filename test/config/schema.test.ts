import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ALL_RULE_META } from '../../server/src/rules/registry';
import { parseConfigText } from '../../server/src/config/load';

const repoRoot = path.join(__dirname, '..', '..', '..');
const schemaPath = path.join(repoRoot, 'schemas', 'apim-vnet.schema.json');

interface Schema {
  $schema: string;
  additionalProperties: boolean;
  properties: Record<string, { enum?: string[]; properties?: Record<string, { enum: string[] }>; additionalProperties?: unknown }>;
}

test('the config schema lists exactly the registry rule ids, each with off/info/warning/error', () => {
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as Schema;
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.equal(schema.additionalProperties, false);
  const rules = schema.properties.rules;
  assert.equal(rules.additionalProperties, false);
  assert.deepEqual(Object.keys(rules.properties ?? {}).sort(), ALL_RULE_META.map((r) => r.id).sort());
  for (const [id, p] of Object.entries(rules.properties ?? {})) assert.deepEqual(p.enum, ['off', 'info', 'warning', 'error'], id);
  assert.deepEqual(schema.properties.platform.enum, ['auto', 'stv1', 'stv2']);
});

test('the schema and the loader accept the same top-level properties', () => {
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as Schema;
  for (const key of Object.keys(schema.properties)) {
    const value = key === 'rules' || key === 'parameterFiles' ? '{}' : key === 'ignore' ? '[]' : key === 'maxFileSize' ? '10' : key === 'platform' ? '"auto"' : '"x"';
    assert.deepEqual(parseConfigText(`{ "${key}": ${value} }`).errors, [], key);
  }
});
