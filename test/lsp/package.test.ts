/**
 * Packaging: package.json contributions, the esbuild bundles (the server bundle runs standalone
 * over stdio) and the .vsix content list (vsce ls with the .vscodeignore allow-list).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { builtinModules } from 'module';
import { spawnSync } from 'child_process';
import { ALL_RULE_META } from '../../server/src/rules/registry';
import { LspClient, REPO_ROOT } from './harness';

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

test('package.json: commands, settings with markdownDescription and scope, jsonValidation, trust, engine', () => {
  const commands = pkg.contributes.commands as { command: string; title: string; category: string }[];
  const ids = commands.map((c) => c.command).sort();
  assert.deepEqual(ids, ['apimVnet.analyzeWorkspace', 'apimVnet.fixAllInFile', 'apimVnet.selectPlatform', 'apimVnet.showNetworkReport', 'apimVnet.showRuleDocumentation']);
  assert.ok(commands.every((c) => c.category === 'APIM VNet'));
  assert.equal(commands.find((c) => c.command === 'apimVnet.analyzeWorkspace')!.title, 'Analyze Workspace');
  // every contributed command is registered by the client
  const client = fs.readFileSync(path.join(REPO_ROOT, 'client', 'src', 'extension.ts'), 'utf8');
  for (const id of ids) assert.ok(client.includes(`registerCommand('${id}'`), `${id} registered`);

  const props = pkg.contributes.configuration.properties as Record<string, { markdownDescription?: string; scope?: string; enum?: string[]; default?: unknown; properties?: Record<string, { enum: string[]; default: string }> }>;
  for (const key of ['apimVnet.platform', 'apimVnet.rules', 'apimVnet.parameterFiles', 'apimVnet.debounceMs', 'apimVnet.maxFileSize', 'apimVnet.trace.server']) {
    assert.ok(props[key], key);
    assert.ok(props[key].markdownDescription, `${key} has a markdownDescription`);
    assert.ok(props[key].scope, `${key} has a scope`);
  }
  for (const key of ['apimVnet.platform', 'apimVnet.rules', 'apimVnet.parameterFiles']) assert.equal(props[key].scope, 'resource');
  assert.equal(props['apimVnet.trace.server'].scope, 'window');
  assert.deepEqual(props['apimVnet.platform'].enum, ['auto', 'stv1', 'stv2']);
  assert.equal(props['apimVnet.debounceMs'].default, 50);
  const ruleProps = props['apimVnet.rules'].properties!;
  assert.deepEqual(Object.keys(ruleProps).sort(), ALL_RULE_META.map((r) => r.id).sort(), 'every rule id is a setting property');
  for (const r of ALL_RULE_META) {
    assert.deepEqual(ruleProps[r.id].enum, ['off', 'info', 'warning', 'error']);
    assert.equal(ruleProps[r.id].default, r.defaultSeverity);
  }
  assert.deepEqual(props['apimVnet.rules'].default, {}, 'no default map: unset rules keep the config file / default severity');

  assert.deepEqual(pkg.contributes.jsonValidation, [{ fileMatch: '.apim-vnet.json', url: './schemas/apim-vnet.schema.json' }]);
  assert.ok(fs.existsSync(path.join(REPO_ROOT, 'schemas', 'apim-vnet.schema.json')), 'schema shipped');
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, true);
  assert.equal(pkg.engines.vscode, '^1.100.0');
  assert.equal(pkg.main, './dist/client.js');
  assert.ok(pkg.activationEvents.includes('onLanguage:json') && pkg.activationEvents.includes('workspaceContains:**/.apim-vnet.json'));
  assert.match(pkg.scripts.package, /vsce package --no-dependencies/);
  assert.ok(fs.existsSync(path.join(REPO_ROOT, 'LICENSE')));
});

test('esbuild bundles: the client needs only vscode and Node built-ins; the server bundle runs standalone', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'apim-vnet-bundle-'));
  try {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'bundle.js'), '--outdir', out], { encoding: 'utf8', cwd: REPO_ROOT });
    assert.equal(r.status, 0, r.stderr);
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    for (const [file, allowed] of [
      ['client.js', new Set(['vscode'])],
      ['server.js', new Set<string>()],
    ] as const) {
      const text = fs.readFileSync(path.join(out, file), 'utf8');
      const required = new Set([...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]));
      const foreign = [...required].filter((m) => !builtins.has(m) && !allowed.has(m));
      assert.deepEqual(foreign, [], `${file} requires only built-ins${allowed.size ? ' and vscode' : ''}`);
    }
    const server = LspClient.start(['--stdio'], path.join(out, 'server.js'));
    try {
      await server.initialize();
      const uri = 'file:///bundle-test/t.json';
      await server.open(uri, fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'lsp', 'basic-external.json'), 'utf8'));
      await server.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'unsupported-sku'), 'diagnostics from the bundled server', 1);
      assert.equal(await server.shutdown(), 0);
    } finally {
      server.kill();
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
test('vsix content list (.vscodeignore allow-list)', { skip: !fs.existsSync(vsce) && '@vscode/vsce not installed' }, () => {
  const r = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { encoding: 'utf8', cwd: REPO_ROOT, input: '' });
  assert.equal(r.status, 0, r.stderr);
  const files = r.stdout.split(/\r?\n/).filter(Boolean);
  for (const must of ['package.json', 'LICENSE', 'schemas/apim-vnet.schema.json', 'docs/rules/unsupported-sku.md']) assert.ok(files.includes(must), `${must} in the vsix`);
  const bad = files.filter((f) => /^(out|node_modules|test|server|client|scripts|bench|bin|examples)\//.test(f) || f.endsWith('.ts') || f.endsWith('.map') || f.endsWith('.vsix'));
  assert.deepEqual(bad, [], 'nothing but run-time files');
  for (const f of files) assert.match(f, /^(package\.json|README\.md|CHANGELOG\.md|LICENSE|dist\/(client|server)\.js|schemas\/|syntaxes\/|docs\/rules\/|images\/)/, f);
});
