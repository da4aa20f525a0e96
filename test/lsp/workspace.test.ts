/**
 * Workspace-level protocol tests: apimVnet/analyzeWorkspace (with $/progress), `.apim-vnet.json`
 * discovery and precedence, watched-file changes, parameter-file discovery. Real server over
 * stdio on a temporary workspace built from test/fixtures/lsp.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { DidChangeWatchedFilesNotification, FileChangeType, DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { LspClient, REPO_ROOT, workspaceUri, writeWorkspaceFile } from './harness';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'lsp');
const BASIC = fs.readFileSync(path.join(FIXTURES, 'basic-external.json'), 'utf8');
const SKU = (d: Diagnostic[]) => d.find((x) => x.code === 'unsupported-sku');

let ws: string;
let client: LspClient;
const uri = (rel: string) => workspaceUri(ws, rel);
const write = (rel: string, text: string) => writeWorkspaceFile(ws, rel, text);

before(async () => {
  ws = fs.mkdtempSync(path.join(os.tmpdir(), 'apim-vnet-lsp-'));
  write('infra/main.json', BASIC);
  write('infra/sku/param-sku.json', fs.readFileSync(path.join(FIXTURES, 'param-sku.json'), 'utf8'));
  write('infra/sku/param-sku.parameters.json', fs.readFileSync(path.join(FIXTURES, 'param-sku.parameters.json'), 'utf8'));
  write('node_modules/some-package/template.json', BASIC);
  write('generated/copy.json', BASIC);
  write('package.json', JSON.stringify({ name: 'ws', version: '1.0.0' }));
  write('.apim-vnet.json', JSON.stringify({ ignore: ['generated/**'] }));
  client = LspClient.start();
  await client.initialize({ rootUri: pathToFileURL(ws).href, workspaceFolders: [{ uri: pathToFileURL(ws).href, name: 'ws' }] });
});

after(() => {
  client?.kill();
  if (ws) fs.rmSync(ws, { recursive: true, force: true });
});

test('apimVnet/analyzeWorkspace scans templates with progress, skipping node_modules and ignore globs', async () => {
  const token = 'scan-1';
  const result = (await client.conn.sendRequest('apimVnet/analyzeWorkspace', { workDoneToken: token })) as { files: number; findings: number; scanned: number };
  assert.equal(result.files, 2, 'infra/main.json and infra/sku/param-sku.json');
  assert.ok(result.findings >= 2);
  const kinds = client.progress.filter((p) => p.token === token).map((p) => p.value.kind);
  assert.equal(kinds[0], 'begin');
  assert.ok(kinds.includes('report'));
  assert.equal(kinds.at(-1), 'end');
  await client.waitForDiagnostics(uri('infra/main.json'), (d) => !!SKU(d), 'diagnostics published for a closed template');
  assert.equal(client.diagnostics.get(uri('node_modules/some-package/template.json')), undefined, 'node_modules skipped');
  assert.equal(client.diagnostics.get(uri('generated/copy.json')), undefined, 'ignore glob honoured');
  assert.equal(client.diagnostics.get(uri('package.json')), undefined, 'not a template');
});

test('analyzeWorkspace without a token uses server-initiated progress; explicit folders are honoured', async () => {
  const before = client.progress.length;
  const result = (await client.conn.sendRequest('apimVnet/analyzeWorkspace', { folders: [uri('infra/sku')] })) as { files: number };
  assert.equal(result.files, 1);
  const mine = client.progress.slice(before);
  assert.equal(mine[0]?.value.kind, 'begin');
  assert.equal(mine.at(-1)?.value.kind, 'end');
  assert.ok(mine.every((p) => p.token === mine[0].token));
});

test('parameter file beside the template is applied (skuName = Basic from main.parameters.json)', async () => {
  const u = uri('infra/sku/param-sku.json');
  await client.open(u, fs.readFileSync(path.join(ws, 'infra/sku/param-sku.json'), 'utf8'));
  const d = await client.waitForDiagnostics(u, (x) => SKU(x)?.severity === DiagnosticSeverity.Error, 'unsupported-sku error from the parameter file value', 1);
  assert.ok(SKU(d));
  // editing the parameter file in the editor (unsaved) re-analyzes the template with the open text
  const pu = uri('infra/sku/param-sku.parameters.json');
  const ptext = fs.readFileSync(path.join(ws, 'infra/sku/param-sku.parameters.json'), 'utf8');
  await client.open(pu, ptext);
  await client.waitForDiagnostics(pu, (x) => x.length === 0, 'a parameter file gets no diagnostics', 1);
  await client.replace(pu, ptext.replace('"Basic"', '"Premium"'));
  await client.waitForDiagnostics(u, (x) => SKU(x)?.severity === DiagnosticSeverity.Warning, 'only the allowedValues warning once the open parameter file says Premium');
  await client.close(pu);
  await client.waitForDiagnostics(u, (x) => SKU(x)?.severity === DiagnosticSeverity.Error, 'back to the saved parameter file after close');
  await client.close(u);
});

test('.apim-vnet.json: changes reported through didChangeWatchedFiles re-analyze; settings override the file', async () => {
  const u = uri('infra/main.json');
  await client.open(u, BASIC);
  await client.waitForDiagnostics(u, (x) => SKU(x)?.severity === DiagnosticSeverity.Error, 'default severity', 1);
  write('.apim-vnet.json', JSON.stringify({ ignore: ['generated/**'], rules: { 'unsupported-sku': 'info' } }));
  await client.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri('.apim-vnet.json'), type: FileChangeType.Changed }] });
  await client.waitForDiagnostics(u, (x) => SKU(x)?.severity === DiagnosticSeverity.Information, 'severity from the config file');
  await client.changeSettings({ debounceMs: 10, rules: { 'unsupported-sku': 'warning' } });
  await client.waitForDiagnostics(u, (x) => SKU(x)?.severity === DiagnosticSeverity.Warning, 'settings override the file');
  await client.changeSettings({ debounceMs: 10 });
  await client.waitForDiagnostics(u, (x) => SKU(x)?.severity === DiagnosticSeverity.Information, 'the file again once the setting is gone');
  write('.apim-vnet.json', JSON.stringify({ ignore: ['generated/**'] }));
  await client.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri('.apim-vnet.json'), type: FileChangeType.Changed }] });
  await client.waitForDiagnostics(u, (x) => SKU(x)?.severity === DiagnosticSeverity.Error, 'default again');
  await client.close(u);
});

test('problems of .apim-vnet.json are shown on that file; its valid parts still apply', async () => {
  const u = uri('infra/main.json');
  const cfg = uri('.apim-vnet.json');
  write('.apim-vnet.json', '{\n  "ignore": ["generated/**"],\n  "platform": "stv3",\n  "rules": { "unsupported-sku": "warning" }\n}\n');
  await client.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: cfg, type: FileChangeType.Changed }] });
  await client.open(u, BASIC);
  await client.waitForDiagnostics(u, (x) => SKU(x)?.severity === DiagnosticSeverity.Warning, 'the valid rules entry applies', 1);
  const d = await client.waitForDiagnostics(cfg, (x) => x.length === 1, 'one problem on the config file');
  assert.match(d[0].message, /platform/);
  assert.equal(d[0].range.start.line, 2);
  write('.apim-vnet.json', JSON.stringify({ ignore: ['generated/**'] }));
  await client.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: cfg, type: FileChangeType.Changed }] });
  await client.waitForDiagnostics(cfg, (x) => x.length === 0, 'config problems cleared once fixed');
  await client.waitForDiagnostics(u, (x) => SKU(x)?.severity === DiagnosticSeverity.Error, 'default severity again');
  await client.close(u);
});

test('findings about a linked template (templateLink.relativePath) are published on that file, and cleared with the parent', async () => {
  write('linked/main.json', JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [{ type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'apim', properties: { mode: 'Incremental', templateLink: { relativePath: 'nested/apim.json' } } }],
  }, null, 2));
  write('linked/nested/apim.json', BASIC);
  const main = uri('linked/main.json');
  const nested = uri('linked/nested/apim.json');
  await client.open(main, fs.readFileSync(path.join(ws, 'linked/main.json'), 'utf8'));
  const d = await client.waitForDiagnostics(nested, (x) => !!SKU(x), 'unsupported-sku on the linked file');
  const lines = BASIC.split('\n');
  assert.equal(lines[SKU(d)!.range.start.line].slice(SKU(d)!.range.start.character, SKU(d)!.range.end.character), '"Basic"', 'range converted with the linked file text');
  await client.waitForDiagnostics(main, (x) => x.length === 0, 'nothing on the parent itself', 1);
  await client.close(main);
  await client.waitForDiagnostics(nested, (x) => x.length === 0, 'linked file diagnostics cleared with the parent');
});

test('bin/apim-vnet-language-server.js --stdio starts the same server', async () => {
  const bin = LspClient.start(['--stdio'], path.join(REPO_ROOT, 'bin', 'apim-vnet-language-server.js'));
  try {
    const init = await bin.initialize();
    assert.equal(init.serverInfo?.name, 'apim-vnet-language-server');
    const u = 'file:///bin-test/t.json';
    await bin.open(u, BASIC);
    await bin.waitForDiagnostics(u, (x) => !!SKU(x), 'diagnostics through the bin', 1);
    assert.equal(await bin.shutdown(), 0);
  } finally {
    bin.kill();
  }
});
