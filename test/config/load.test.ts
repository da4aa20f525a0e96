import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  parseConfigText,
  loadConfigFile,
  findConfigFile,
  loadNearestConfig,
  mergeConfig,
  findParametersFile,
  isIgnored,
  CONFIG_FILE_NAME,
} from '../../server/src/config/load';

function tmp(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'apim-cfg-')));
}

test('valid config with comments and trailing commas', () => {
  const { config, errors } = parseConfigText(`{
    // comment
    "$schema": "../schemas/apim-vnet.schema.json",
    "platform": "stv1",
    "rules": { "missing-nsg": "off", "custom-dns": "error", },
    "parameterFiles": { "infra/*.json": "infra/prod.parameters.json" },
    "ignore": ["generated/**"],
    "maxFileSize": 1000,
  }`);
  assert.deepEqual(errors, []);
  assert.deepEqual(config, {
    platform: 'stv1',
    rules: { 'missing-nsg': 'off', 'custom-dns': 'error' },
    parameterFiles: { 'infra/*.json': 'infra/prod.parameters.json' },
    ignore: ['generated/**'],
    maxFileSize: 1000,
  });
});

test('invalid configs give clear errors with 1-based positions', () => {
  const cases: [string, RegExp][] = [
    ['{ "platform": "stv3" }', /^1:15: "platform" must be one of "auto", "stv1", "stv2", got "stv3"/],
    ['{ "rules": { "no-such-rule": "error" } }', /^1:14: unknown rule id "no-such-rule"/],
    ['{ "rules": { "missing-nsg": "fatal" } }', /rule "missing-nsg": severity must be one of/],
    ['{ "rules": [] }', /"rules" must be an object/],
    ['{ "ignore": "x" }', /"ignore" must be an array/],
    ['{ "ignore": [1] }', /"ignore" entries must be non-empty glob strings, got 1/],
    ['{ "maxFileSize": -1 }', /"maxFileSize" must be a positive integer/],
    ['{ "maxFileSize": 1.5 }', /"maxFileSize" must be a positive integer/],
    ['{ "parameterFiles": { "a": 3 } }', /parameterFiles\["a"\] must be a non-empty path string/],
    ['{ "parameterFiles": { "a": "https://x/y.json" } }', /not a URL/],
    ['{ "rule": {} }', /unknown property "rule"/],
    ['[]', /must be a JSON object/],
    ['{ "platform": "auto"\n  "rules": {} }', /^2:3: not valid JSON \(CommaExpected\)/],
    ['', /not valid JSON|must be a JSON object/],
  ];
  for (const [text, re] of cases) {
    const { errors } = parseConfigText(text);
    assert.ok(errors.length > 0, `expected an error for ${text}`);
    assert.match(errors[0], re, text);
  }
  assert.match(parseConfigText('{ "rules": { "Missing-NSG": "off" } }').errors[0], /did you mean "missing-nsg"/);
});

test('loadConfigFile names the file in the error; findConfigFile: nearest ancestor wins', () => {
  const root = tmp();
  const deep = path.join(root, 'a', 'b', 'c');
  fs.mkdirSync(deep, { recursive: true });
  fs.writeFileSync(path.join(root, CONFIG_FILE_NAME), '{ "platform": "stv2" }');
  fs.writeFileSync(path.join(root, 'a', CONFIG_FILE_NAME), '{ "platform": "stv1" }');
  assert.equal(findConfigFile(deep), path.join(root, 'a', CONFIG_FILE_NAME));
  assert.equal(findConfigFile(root), path.join(root, CONFIG_FILE_NAME));
  const near = loadNearestConfig(deep);
  assert.ok(near && near.ok);
  assert.equal(near.loaded.config.platform, 'stv1');
  assert.equal(near.loaded.dir, path.join(root, 'a'));
  // stopDir bounds the search
  assert.equal(findConfigFile(deep, undefined, path.join(root, 'a', 'b')), undefined);

  fs.writeFileSync(path.join(root, 'a', 'b', CONFIG_FILE_NAME), '{ "platform": 7 }');
  const bad = loadNearestConfig(deep);
  assert.ok(bad && !bad.ok);
  assert.ok(bad.error.message.startsWith(path.join(root, 'a', 'b', CONFIG_FILE_NAME) + ':1:15:'), bad.error.message);
  const missing = loadConfigFile(path.join(root, 'nope.json'));
  assert.ok(!missing.ok);
  assert.match(missing.error.message, /cannot read configuration file/);
});

test('mergeConfig: overrides win, rules and parameterFiles merge, ignore concatenates', () => {
  const merged = mergeConfig(
    { platform: 'stv1', rules: { a: 'off', b: 'info' }, ignore: ['x'], maxFileSize: 5, parameterFiles: { p: 'q' } },
    { platform: 'stv2', rules: { b: 'error' }, ignore: ['y'] },
  );
  assert.deepEqual(merged, { platform: 'stv2', rules: { a: 'off', b: 'error' }, ignore: ['x', 'y'], maxFileSize: 5, parameterFiles: { p: 'q' } });
  assert.deepEqual(mergeConfig(undefined, undefined), {});
  assert.deepEqual(mergeConfig({ platform: 'auto' }, {}), { platform: 'auto' });
});

test('findParametersFile: config map, <name>.parameters.json, azuredeploy.parameters.json', () => {
  const root = tmp();
  const dir = path.join(root, 'infra');
  fs.mkdirSync(dir);
  const tpl = path.join(dir, 'main.json');
  fs.writeFileSync(tpl, '{}');
  assert.equal(findParametersFile(tpl, undefined, undefined), undefined);
  fs.writeFileSync(path.join(dir, 'azuredeploy.parameters.json'), '{}');
  assert.equal(findParametersFile(tpl, undefined, undefined), path.join(dir, 'azuredeploy.parameters.json'));
  fs.writeFileSync(path.join(dir, 'main.parameters.json'), '{}');
  assert.equal(findParametersFile(tpl, undefined, undefined), path.join(dir, 'main.parameters.json'));
  const cfg = { parameterFiles: { 'infra/*.json': 'params/prod.json' } };
  assert.equal(findParametersFile(tpl, cfg, root), path.join(root, 'params', 'prod.json'));
  assert.equal(findParametersFile(tpl, { parameterFiles: { 'other/*.json': 'p.json' } }, root), path.join(dir, 'main.parameters.json'));
  // The parameters file itself is never its own parameters file.
  assert.equal(findParametersFile(path.join(dir, 'azuredeploy.parameters.json'), undefined, undefined), undefined);
});

test('isIgnored: globs relative to the config folder', () => {
  const root = '/r';
  assert.equal(isIgnored('/r/generated/a.json', { ignore: ['generated'] }, root), true);
  assert.equal(isIgnored('/r/src/a.json', { ignore: ['generated'] }, root), false);
  assert.equal(isIgnored('/elsewhere/generated/a.json', { ignore: ['generated'] }, root), false);
  assert.equal(isIgnored('/r/x/y.test.json', { ignore: ['*.test.json'] }, root), true);
  assert.equal(isIgnored('/r/x.json', {}, root), false);
});
