/**
 * `.apim-vnet.json` changes seen by a client that does not watch files (no dynamic registration of
 * didChangeWatchedFiles, e.g. Neovim on Linux): the server never hears about the change, so it
 * checks the cached configuration when a document is opened and before a workspace scan.
 * Real server over stdio, a temporary workspace, no didChangeWatchedFiles sent at any point.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { InitializeRequest, InitializedNotification, DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { LspClient, REPO_ROOT, workspaceUri, writeWorkspaceFile } from './harness';

const BASIC = fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'lsp', 'basic-external.json'), 'utf8');
const SKU = (d: Diagnostic[]) => d.find((x) => x.code === 'unsupported-sku');

let ws: string;
let client: LspClient;
const uri = (rel: string) => workspaceUri(ws, rel);
const write = (rel: string, text: string) => writeWorkspaceFile(ws, rel, text);

before(async () => {
  ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'apim-vnet-lsp-cfg-')));
  for (const f of ['infra/one.json', 'infra/two.json', 'infra/three.json', 'infra/four.json', 'closed/main.json']) write(f, BASIC);
  client = LspClient.start();
  const folder = pathToFileURL(ws).href;
  // workspace/configuration yes, file watching no
  await client.conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: folder,
    workspaceFolders: [{ uri: folder, name: 'ws' }],
    capabilities: { workspace: { configuration: true, workspaceFolders: true }, window: { workDoneProgress: true } },
  });
  await client.conn.sendNotification(InitializedNotification.type, {});
  client.settings = {};
});

after(() => {
  client?.kill();
  if (ws) fs.rmSync(ws, { recursive: true, force: true });
});

test('a .apim-vnet.json created, edited or deleted without didChangeWatchedFiles applies from the next didOpen', async () => {
  await client.open(uri('infra/one.json'), BASIC);
  let d = await client.waitForDiagnostics(uri('infra/one.json'), (x) => !!SKU(x), 'unsupported-sku without a config file', 1);
  assert.equal(SKU(d)!.severity, DiagnosticSeverity.Error);

  // created after infra/ was looked at (and found to have no config)
  write('.apim-vnet.json', JSON.stringify({ rules: { 'unsupported-sku': 'off' } }));
  await client.open(uri('infra/two.json'), BASIC);
  d = await client.waitForDiagnostics(uri('infra/two.json'), (x) => x.length > 0 && !SKU(x), 'the new config file applied', 1);
  assert.ok(d.some((x) => x.code === 'nsg-blocks-required-port'), 'other rules still run');
  // the documents already open are analyzed again with it
  await client.waitForDiagnostics(uri('infra/one.json'), (x) => x.length > 0 && !SKU(x), 'open document re-analyzed with the new config', 1);

  // edited
  write('.apim-vnet.json', JSON.stringify({ rules: { 'unsupported-sku': 'warning' } }));
  await client.open(uri('infra/three.json'), BASIC);
  d = await client.waitForDiagnostics(uri('infra/three.json'), (x) => !!SKU(x), 'the edited config applied', 1);
  assert.equal(SKU(d)!.severity, DiagnosticSeverity.Warning);

  // deleted
  fs.unlinkSync(path.join(ws, '.apim-vnet.json'));
  await client.open(uri('infra/four.json'), BASIC);
  d = await client.waitForDiagnostics(uri('infra/four.json'), (x) => !!SKU(x), 'defaults once the config file is gone', 1);
  assert.equal(SKU(d)!.severity, DiagnosticSeverity.Error);
  await client.waitForDiagnostics(uri('infra/one.json'), (x) => SKU(x)?.severity === DiagnosticSeverity.Error, 'open document back to the default severity', 1);
});

test('apimVnet/analyzeWorkspace reads a config file changed without didChangeWatchedFiles', async () => {
  write('.apim-vnet.json', JSON.stringify({ rules: { 'unsupported-sku': 'info' } }));
  const result = (await client.conn.sendRequest('apimVnet/analyzeWorkspace', {})) as { files: number };
  assert.equal(result.files, 5);
  const d = await client.waitForDiagnostics(uri('closed/main.json'), (x) => !!SKU(x), 'closed template published by the scan');
  assert.equal(SKU(d)!.severity, DiagnosticSeverity.Information);
  await client.waitForDiagnostics(uri('infra/one.json'), (x) => SKU(x)?.severity === DiagnosticSeverity.Information, 'open document with the config the scan read', 1);
});
