import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { buildTemplate, detectDocumentKind, readParameterFile } from '../../server/src/template/builder';
import { isUnknown } from '../../server/src/expressions/value';
import { fixtureDir, inline } from './helpers';

describe('detectDocumentKind', () => {
  const rows: [string, string, 'template' | 'parameters' | 'other'][] = [
    ['template by $schema', '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"}', 'template'],
    ['subscription template by $schema', '{"$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#", "resources": []}', 'template'],
    ['parameters by $schema', '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "parameters": {}}', 'parameters'],
    ['template by shape', '{"resources": []}', 'template'],
    ['parameters by shape', '{"parameters": {"a": {"value": 1}, "b": {"reference": {"keyVault": {"id": "x"}, "secretName": "s"}}}}', 'parameters'],
    ['template parameters section without resources is not a parameter file', '{"parameters": {"a": {"type": "string"}}}', 'other'],
    ['package.json', '{"name": "x", "version": "1.0.0"}', 'other'],
    ['array', '[]', 'other'],
    ['invalid', '{{{', 'other'],
    ['empty', '', 'other'],
    ['jsonc template', '// c\n{ "resources": [], }', 'template'],
  ];
  for (const [name, text, kind] of rows) test(name, () => assert.equal(detectDocumentKind(text), kind));

  test('fixtures', () => {
    assert.equal(detectDocumentKind(fs.readFileSync(path.join(fixtureDir, 'array-forms.jsonc'), 'utf8')), 'template');
    assert.equal(detectDocumentKind(fs.readFileSync(path.join(fixtureDir, 'array-forms.parameters.json'), 'utf8')), 'parameters');
  });
});

describe('readParameterFile', () => {
  test('values and Key Vault references, names lower-cased', () => {
    const m = readParameterFile(fs.readFileSync(path.join(fixtureDir, 'array-forms.parameters.json'), 'utf8'));
    assert.deepEqual([...m.keys()], ['prefix', 'sku', 'adminpassword']);
    assert.equal(m.get('sku')!.value, 'Premium');
    const kv = m.get('adminpassword')!.value;
    assert.ok(isUnknown(kv));
    assert.match(kv.reason, /secret 'apimAdmin'/);
  });
  test('bare map form, objects and arrays, garbage', () => {
    const m = readParameterFile('{"a": {"value": {"x": [1, 2]}}, "b": 3}');
    assert.deepEqual(m.get('a')!.value, { x: [1, 2] });
    assert.equal(m.has('b'), false);
    assert.equal(readParameterFile('nope').size, 0);
    assert.equal(readParameterFile('{"parameters": 5}').size, 0);
  });
  test('parameter file values flow into the template, with origins in the parameter file', () => {
    const t = inline(
      { parameters: { rules: { type: 'array' } }, resources: [{ type: 'Microsoft.Network/networkSecurityGroups', name: 'n', properties: { securityRules: "[parameters('rules')]" } }] },
      { parametersText: '{"parameters": {"rules": {"value": [{"name": "r1"}]}}}' },
    );
    const decl = t.root.parameters.get('rules')!;
    assert.equal(decl.supplied?.origin?.file, '/virtual/params.json');
    const rules = t.resources[0].properties().securityRules;
    assert.deepEqual(rules, [{ name: 'r1' }]);
    const o = t.originOf(rules)!;
    assert.equal(o.literal, false, 'an array from a parameter is not editable in the template');
  });
  test('an unreadable parameter file is a diagnostic', () => {
    const t = buildTemplate({ file: '/v/main.json', text: '{"resources": []}', parametersFile: '/v/missing.json', readFile: () => undefined });
    assert.ok(t.diagnostics.some((d) => /missing\.json' could not be read/.test(d.message)));
  });
});

describe('linked template paths', () => {
  test('relativePath resolves against a file path or a URI', async () => {
    const { resolveRelative } = await import('../../server/src/template/builder');
    assert.equal(resolveRelative('/a/b/main.json', 'modules/net.json'), path.resolve('/a/b/modules/net.json'));
    assert.equal(resolveRelative('/a/b/main.json', '../x.json'), path.resolve('/a/x.json'));
    assert.equal(resolveRelative('file:///c%3A/repo/main.json', 'modules/net.json'), 'file:///c%3A/repo/modules/net.json');
    assert.equal(resolveRelative('file:///repo/sub/main.json', '../net.json'), 'file:///repo/net.json');
  });
});
