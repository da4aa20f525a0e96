/**
 * Language server protocol tests: the real server process over stdio, a real protocol client.
 * One server process for the whole file; each test opens its own document URI.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseJsonc, parseTree, findNodeAtLocation, type ParseError } from 'jsonc-parser';
import { CodeActionRequest, CodeActionResolveRequest, HoverRequest, DiagnosticSeverity, ErrorCodes, ResponseError, type CodeAction, type Diagnostic, type WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { LspClient, REPO_ROOT } from './harness';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'lsp');
const BASIC_EXTERNAL = fs.readFileSync(path.join(FIXTURES, 'basic-external.json'), 'utf8');
const uriOf = (name: string) => `file:///lsp-test/${name}`;

let client: LspClient;

before(async () => {
  client = LspClient.start();
  await client.initialize({ rootUri: null });
});

after(async () => {
  client?.kill();
});

const SKU = (d: Diagnostic[]) => d.find((x) => x.code === 'unsupported-sku');

function textAt(text: string, d: Diagnostic): string {
  const lines = text.split('\n');
  assert.equal(d.range.start.line, d.range.end.line, 'single-line range');
  return lines[d.range.start.line].slice(d.range.start.character, d.range.end.character);
}

async function codeActions(uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
  const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const res = await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics, only } });
  return (res ?? []) as CodeAction[];
}

test('initialize advertises quick fixes, fix-all, hover and incremental sync', async () => {
  const probe = LspClient.start();
  try {
    const init = await probe.initialize();
    const kinds = (init.capabilities.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds;
    assert.ok(kinds.includes('quickfix'));
    assert.ok(kinds.includes('source.fixAll.apimVnet'));
    assert.equal(init.capabilities.hoverProvider, true);
    assert.equal((init.capabilities.textDocumentSync as { change: number }).change, 2);
    assert.equal(init.serverInfo?.name, 'apim-vnet-language-server');
    assert.equal(await probe.shutdown(), 0, 'shutdown + exit ends the process with code 0');
  } finally {
    probe.kill();
  }
});

test('Basic sku in External mode: unsupported-sku error at sku.name with docs link and fix data', async () => {
  const uri = uriOf('basic.json');
  await client.open(uri, BASIC_EXTERNAL);
  const diags = await client.waitForDiagnostics(uri, (d) => !!SKU(d), 'unsupported-sku diagnostic', 1);
  const d = SKU(diags)!;
  assert.equal(d.severity, DiagnosticSeverity.Error);
  assert.equal(d.source, 'apim-vnet');
  assert.equal(textAt(BASIC_EXTERNAL, d), '"Basic"');
  assert.match(d.codeDescription!.href, /docs\/rules\/unsupported-sku\.md$/);
  const data = d.data as { ruleId: string; version: number; fixes: { title: string; isPreferred: boolean }[] };
  assert.equal(data.ruleId, 'unsupported-sku');
  assert.equal(data.version, 1);
  assert.ok(data.fixes.length >= 2, 'Developer and Premium fixes');
  assert.match(data.fixes.find((f) => f.isPreferred)!.title, /Developer/, 'capacity 1 prefers Developer');
  await client.waitFor(() => client.statuses.find((s) => s.uri === uri && (s.errors as number) >= 1), 'status notification');
});

test('quick fix: code actions from diagnostic data; applying the preferred fix clears the finding; stale actions are dropped', async () => {
  const uri = uriOf('fix.json');
  await client.open(uri, BASIC_EXTERNAL);
  const diags = await client.waitForDiagnostics(uri, (d) => !!SKU(d), 'unsupported-sku', 1);
  const d = SKU(diags)!;
  const actions = await codeActions(uri, [d]);
  const quick = actions.filter((a) => a.kind === 'quickfix');
  const preferred = quick.find((a) => a.isPreferred);
  assert.ok(preferred, `a preferred quick fix among ${quick.map((a) => a.title).join(', ')}`);
  assert.deepEqual(preferred.diagnostics, [d]);
  assert.ok(quick.some((a) => a.title === 'Disable unsupported-sku for this line'));
  assert.ok(preferred.edit?.changes?.[uri], 'WorkspaceEdit with changes keyed by the document URI');

  await client.applyWorkspaceEdit(preferred.edit!);
  const after = await client.waitForDiagnostics(uri, (x) => !SKU(x), 'unsupported-sku gone after the fix', 2);
  assert.ok(!SKU(after));
  const text = client.doc(uri).getText();
  const errors: ParseError[] = [];
  const json = parseJsonc(text, errors);
  assert.equal(errors.length, 0, 'the fixed text is valid JSON');
  const apim = json.resources.find((r: { type: string }) => r.type === 'Microsoft.ApiManagement/service');
  assert.equal(apim.sku.name, 'Developer');

  // the old diagnostic (version 1) no longer yields fixes on version 2
  const stale = await codeActions(uri, [d]);
  assert.equal(stale.filter((a) => a.kind === 'quickfix').length, 0, 'actions dropped for a moved-on version');
});

test('quick fixes by range: a diagnostic sent back without data, or none at all (LSP: the range is the primary parameter)', async () => {
  const uri = uriOf('by-range.json');
  await client.open(uri, BASIC_EXTERNAL);
  const d = SKU(await client.waitForDiagnostics(uri, (x) => !!SKU(x), 'unsupported-sku', 1))!;
  const titles = (actions: CodeAction[]) => actions.filter((a) => a.kind === 'quickfix').map((a) => a.title);
  const withData = await codeActions(uri, [d]);
  // a client without publishDiagnostics.dataSupport returns the diagnostic without `data`
  const { data: _data, ...stripped } = d;
  const noData = await codeActions(uri, [stripped as Diagnostic]);
  assert.deepEqual(titles(noData), titles(withData));
  assert.ok(noData.find((a) => a.isPreferred)?.edit?.changes?.[uri], 'the preferred fix with its edit');
  // no diagnostics in the context: the diagnostics of the current analysis under the range
  const res = await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: d.range.start, end: d.range.start }, context: { diagnostics: [] } });
  const byRange = (res ?? []) as CodeAction[];
  assert.deepEqual(titles(byRange), titles(withData));
  // nothing of ours under the range: no quick fix
  const far = await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, context: { diagnostics: [] } });
  assert.deepEqual(titles((far ?? []) as CodeAction[]), []);
});

test('Disable <rule> for this line inserts the suppression comment with the line indentation', async () => {
  const uri = uriOf('disable.jsonc');
  await client.open(uri, BASIC_EXTERNAL, 'jsonc');
  const d = SKU(await client.waitForDiagnostics(uri, (x) => !!SKU(x), 'unsupported-sku', 1))!;
  const disable = (await codeActions(uri, [d])).find((a) => a.title === 'Disable unsupported-sku for this line')!;
  const edits = disable.edit!.changes![uri];
  assert.equal(edits.length, 1);
  const line = BASIC_EXTERNAL.split('\n')[d.range.start.line];
  const indent = /^\s*/.exec(line)![0];
  assert.equal(edits[0].newText, `${indent}// apim-vnet-disable-next-line unsupported-sku\n`);
  assert.deepEqual(edits[0].range.start, { line: d.range.start.line, character: 0 });
  await client.applyWorkspaceEdit(disable.edit!);
  await client.waitForDiagnostics(uri, (x) => !SKU(x), 'suppressed finding', 2);
});

test('source.fixAll.apimVnet and apimVnet/fixAll return the preferred fixes as one WorkspaceEdit', async () => {
  const uri = uriOf('fixall.json');
  await client.open(uri, BASIC_EXTERNAL);
  const diags = await client.waitForDiagnostics(uri, (x) => !!SKU(x), 'unsupported-sku', 1);
  const actions = await codeActions(uri, diags, ['source.fixAll']);
  assert.equal(actions.length, 1);
  assert.equal(actions[0].kind, 'source.fixAll.apimVnet');
  assert.ok(actions.every((a) => a.kind !== 'quickfix'), 'only the requested kind');
  // in the light bulb the fix-all action is resolved lazily
  const bulb = (await codeActions(uri, diags)).find((a) => a.kind === 'source.fixAll.apimVnet');
  if (bulb) {
    assert.equal(bulb.edit, undefined);
    const resolved = await client.conn.sendRequest(CodeActionResolveRequest.type, bulb);
    assert.deepEqual(resolved.edit, actions[0].edit);
  }
  const edit = (await client.conn.sendRequest('apimVnet/fixAll', { uri })) as WorkspaceEdit;
  assert.deepEqual(edit, actions[0].edit, 'the request and the code action compute the same edit');
  assert.ok(edit.changes?.[uri]?.length, 'apimVnet/fixAll has edits');
  await client.applyWorkspaceEdit(edit);
  const after = await client.waitForDiagnostics(uri, (x) => !SKU(x), 'no unsupported-sku after fix-all', 2);
  const fixable = after.filter((x) => (x.data as { fixes: { isPreferred: boolean }[] }).fixes.some((f) => f.isPreferred));
  assert.deepEqual(fixable.map((x) => x.code), [], 'fix-all converges: nothing preferred-fixable is left');
});

test('configuration: a rule set to off in the settings removes its diagnostics; restoring brings them back', async () => {
  const uri = uriOf('config.json');
  await client.open(uri, BASIC_EXTERNAL);
  await client.waitForDiagnostics(uri, (x) => !!SKU(x), 'unsupported-sku', 1);
  try {
    await client.changeSettings({ debounceMs: 10, rules: { 'unsupported-sku': 'off' } });
    await client.waitForDiagnostics(uri, (x) => !SKU(x), 'unsupported-sku off');
    await client.changeSettings({ debounceMs: 10, rules: { 'unsupported-sku': 'warning' } });
    const d = await client.waitForDiagnostics(uri, (x) => SKU(x)?.severity === DiagnosticSeverity.Warning, 'unsupported-sku as warning');
    assert.equal(SKU(d)!.severity, DiagnosticSeverity.Warning);
  } finally {
    await client.changeSettings({ debounceMs: 10 });
  }
  await client.waitForDiagnostics(uri, (x) => SKU(x)?.severity === DiagnosticSeverity.Error, 'unsupported-sku back to error');
});

test('maxFileSize: a template over the limit gets one file-skipped warning instead of an analysis', async () => {
  const uri = uriOf('big.json');
  await client.changeSettings({ debounceMs: 10, maxFileSize: 1000 });
  try {
    await client.open(uri, BASIC_EXTERNAL);
    const d = await client.waitForDiagnostics(uri, (x) => x.some((y) => y.code === 'file-skipped'), 'file-skipped');
    assert.deepEqual(d.map((y) => [y.code, y.severity]), [['file-skipped', DiagnosticSeverity.Warning]]);
  } finally {
    await client.changeSettings({ debounceMs: 10 });
  }
  await client.waitForDiagnostics(uri, (x) => !!SKU(x), 'analyzed again under the default limit');
});

test('invalid JSON mid-typing: invalid-json plus what could be analyzed; restoring the text clears it', async () => {
  const uri = uriOf('typing.json');
  await client.open(uri, BASIC_EXTERNAL);
  await client.waitForDiagnostics(uri, (x) => !!SKU(x), 'unsupported-sku', 1);
  // the user is still typing at the end of the file: the closing brace is not there yet
  const broken = BASIC_EXTERNAL.trimEnd().slice(0, -1);
  await client.replace(uri, broken);
  const d = await client.waitForDiagnostics(uri, (x) => x.some((y) => y.code === 'invalid-json'), 'invalid-json', 2);
  const inv = d.find((y) => y.code === 'invalid-json')!;
  assert.equal(inv.severity, DiagnosticSeverity.Error);
  assert.ok(SKU(d), 'the recovered template is still analyzed');
  await client.replace(uri, BASIC_EXTERNAL);
  await client.waitForDiagnostics(uri, (x) => !x.some((y) => y.code === 'invalid-json') && !!SKU(x), 'valid again', 3);
});

test('debounce: a burst of changes is analyzed once, for the newest version only', async () => {
  const uri = uriOf('burst.json');
  // a debounce far longer than it takes to send five notifications, even on a loaded machine
  await client.changeSettings({ debounceMs: 1500 });
  try {
    await client.open(uri, BASIC_EXTERNAL);
    await client.waitForDiagnostics(uri, (x) => !!SKU(x), 'first analysis', 1);
    const before = client.history.filter((p) => p.uri === uri).length;
    for (let i = 0; i < 5; i++) await client.replace(uri, BASIC_EXTERNAL.replace('"Basic"', i % 2 ? '"Basic"' : '"Standard"'));
    // version 6 has "Standard" (i = 4)
    await client.waitForDiagnostics(uri, (x) => !!SKU(x), 'analysis of the last version', 6);
    // (version 1 may be published twice: the settings change re-analyzes open documents)
    const published = client.history.filter((p) => p.uri === uri).slice(before).filter((p) => p.version !== 1);
    assert.deepEqual(published.map((p) => p.version), [6], 'only the newest version was analyzed and published');
  } finally {
    await client.changeSettings({ debounceMs: 10 });
  }
});

test('documents that are not templates get empty diagnostics; closing clears diagnostics', async () => {
  const other = uriOf('package.json');
  await client.open(other, JSON.stringify({ name: 'x', version: '1.0.0', resources: 'none' }, null, 2));
  await client.waitForDiagnostics(other, (x) => x.length === 0, 'empty diagnostics for a non-template', 1);
  const params = uriOf('azuredeploy.parameters.json');
  await client.open(
    params,
    JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#', contentVersion: '1.0.0.0', parameters: { x: { value: '{' } } }, null, 2),
  );
  await client.waitForDiagnostics(params, (x) => x.length === 0, 'empty diagnostics for a parameter file', 1);
  const uri = uriOf('close.json');
  await client.open(uri, BASIC_EXTERNAL);
  await client.waitForDiagnostics(uri, (x) => x.length > 0, 'diagnostics', 1);
  await client.close(uri);
  await client.waitFor(() => client.history.filter((p) => p.uri === uri).at(-1)?.diagnostics.length === 0, 'cleared on close');
});

test('hover on virtualNetworkType shows the seed notes and the profile; on a diagnostic the rule description', async () => {
  const uri = uriOf('hover.json');
  const doc = await client.open(uri, BASIC_EXTERNAL);
  await client.waitForDiagnostics(uri, (x) => !!SKU(x), 'unsupported-sku', 1);
  const root = parseTree(BASIC_EXTERNAL)!;
  const vnt = findNodeAtLocation(root, ['resources', 2, 'properties', 'virtualNetworkType'])!;
  const h = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: doc.positionAt(vnt.offset + 2) });
  assert.ok(h, 'hover on virtualNetworkType');
  const md = (h.contents as { kind: string; value: string }).value;
  assert.equal((h.contents as { kind: string }).kind, 'markdown');
  assert.match(md, /VIP/);
  assert.match(md, /4 hours/);
  assert.match(md, /dedicated/);
  assert.match(md, /\*\*stv2\*\*/, 'apiVersion 2022-08-01 → stv2');
  const sub = findNodeAtLocation(root, ['resources', 2, 'properties', 'virtualNetworkConfiguration', 'subnetResourceId'])!;
  const h2 = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: doc.positionAt(sub.offset + 3) });
  const md2 = (h2!.contents as { value: string }).value;
  assert.match(md2, /subnetResourceId/);
  // rules.md: the same seed notes and the profile on subnetResourceId
  for (const note of [/VIP/, /4 hours/, /dedicated/, /\*\*stv2\*\*/]) assert.match(md2, note);
  const skuName = findNodeAtLocation(root, ['resources', 2, 'sku', 'name'])!;
  const h3 = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: doc.positionAt(skuName.offset + 2) });
  assert.match((h3!.contents as { value: string }).value, /unsupported-sku/);
  const nothing = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 5 } });
  assert.equal(nothing, null);
});

test('apimVnet/networkReport returns the chain, the requirement rows with deciding rules and the findings as Markdown', async () => {
  const uri = uriOf('report.json');
  await client.open(uri, BASIC_EXTERNAL.replace('"Basic"', '"Developer"'));
  const md = (await client.conn.sendRequest('apimVnet/networkReport', { uri })) as string;
  assert.equal(typeof md, 'string');
  assert.match(md, /contoso-apim/);
  assert.match(md, /\| NSG \| resolved \| `apim-nsg`/);
  assert.match(md, /Requirements \(stv2\)/);
  assert.match(md, /Management endpoint.*blocked.*DenyAllInBound/);
  assert.match(md, /## Findings[\s\S]*nsg-blocks-required-port/);
});

test('a malformed request and an unknown method get error responses; the server keeps answering', async () => {
  await assert.rejects(client.conn.sendRequest('apimVnet/networkReport', { nope: 1 }), (e: unknown) => e instanceof ResponseError && e.code === ErrorCodes.InvalidParams);
  await assert.rejects(client.conn.sendRequest('apimVnet/fixAll', 42), (e: unknown) => e instanceof ResponseError && e.code === ErrorCodes.InvalidParams);
  await assert.rejects(client.conn.sendRequest('apimVnet/noSuchThing', {}), (e: unknown) => e instanceof ResponseError && e.code === ErrorCodes.MethodNotFound);
  // a frame that is not JSON at all is dropped by the transport; the connection survives
  const garbage = '{ this is not json';
  await new Promise<void>((resolve, reject) => client.child.stdin!.write(`Content-Length: ${Buffer.byteLength(garbage)}\r\n\r\n${garbage}`, (e) => (e ? reject(e) : resolve())));
  const rules = (await client.conn.sendRequest('apimVnet/rules', {})) as { id: string; docsUrl: string }[];
  assert.ok(rules.some((r) => r.id === 'unsupported-sku' && /unsupported-sku\.md$/.test(r.docsUrl)));
  // a code action request for an unknown document and a hover with garbage positions are answered, not fatal
  assert.deepEqual(await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: 'file:///nowhere.json' }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } }), []);
  await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: uriOf('basic.json') }, position: null }).catch(() => undefined);
  // a handler that throws (here: params without a textDocument) is answered with an InternalError response
  await assert.rejects(client.conn.sendRequest('textDocument/hover', { position: { line: 0, character: 0 } }), (e: unknown) => e instanceof ResponseError && e.code === ErrorCodes.InternalError);
  await assert.rejects(client.conn.sendRequest('textDocument/codeAction', { range: null, context: {} }), (e: unknown) => e instanceof ResponseError && e.code === ErrorCodes.InternalError);
  const uri = uriOf('after-errors.json');
  await client.open(uri, BASIC_EXTERNAL);
  await client.waitForDiagnostics(uri, (x) => !!SKU(x), 'the server still analyzes', 1);
  assert.equal(client.exitCode, undefined, 'still running');
});
