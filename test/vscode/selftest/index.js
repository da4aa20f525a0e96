// Self-test suite of the harness itself (run by test/vscode/code-server.test.js against the
// trivial extension in ./extension): a command round-trip, a diagnostic through the real
// language-features API, and — when APIM_VNET_SELFTEST_FAIL=1 — a failing test, to prove that a
// failure propagates to the runner's exit code.
'use strict';
const assert = require('assert');
const path = require('path');
const vscode = require('vscode');
const { test, runAll, until } = require('../suite/harness');

test('the development extension is active and its command answers', async () => {
  const ext = vscode.extensions.getExtension('apim-vnet-lint.harness-selftest');
  assert.ok(ext, 'extension apim-vnet-lint.harness-selftest is loaded');
  await ext.activate();
  assert.equal(await vscode.commands.executeCommand('harnessSelftest.answer'), 42);
});

test('diagnostics of a workspace file reach vscode.languages.getDiagnostics', async () => {
  const folder = vscode.workspace.workspaceFolders[0].uri;
  const uri = vscode.Uri.joinPath(folder, 'bad.json');
  await vscode.workspace.fs.writeFile(uri, Buffer.from('{ "a": "BAD" }\n'));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  const d = await until('a diagnostic on bad.json', () => vscode.languages.getDiagnostics(uri).length > 0 && vscode.languages.getDiagnostics(uri));
  assert.equal(d[0].message, 'BAD found');
  assert.equal(d[0].range.start.character, 8);
});

if (process.env.APIM_VNET_SELFTEST_FAIL === '1') {
  test('deliberately failing test (APIM_VNET_SELFTEST_FAIL=1)', () => {
    assert.equal(1 + 1, 3, 'this failure must reach the runner');
  });
}

module.exports = { run: runAll, path: path.join(__dirname) };
