// VS Code integration suite for APIM VNet Lint, run inside a real extension host against the
// packaged extension (.vsix): by scripts/code-server/run-tests.js (code-server + headless Chromium,
// part of `npm test`) or by test/vscode/run-electron.js (@vscode/test-electron, `npm run
// test:vscode`, where VS Code can be downloaded). Plain JS, no mocha: see ./harness.js.
// Workspace: a temp copy of test/vscode/workspace. No fixed sleeps: every wait polls with a deadline.
'use strict';
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { test, runAll, until, screenshot, domText, inHarness } = require('./harness');

const EXT_ID = 'apim-vnet-lint.apim-vnet-lint';
const SOURCE = 'apim-vnet';

// jsonc-parser from the project's node_modules (the suite runs from the checkout)
const jsonc = require(require.resolve('jsonc-parser', { paths: [path.join(__dirname, '..', '..', '..')] }));

const folderUri = () => vscode.workspace.workspaceFolders[0].uri;
const fileUri = (rel) => vscode.Uri.joinPath(folderUri(), ...rel.split('/'));
const codeOf = (d) => (d.code !== null && typeof d.code === 'object' ? String(d.code.value) : String(d.code));
const ours = (uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
const codes = (uri) => ours(uri).map(codeOf);
const describe = (uri) => () =>
  JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => ({ code: codeOf(d), source: d.source, line: d.range.start.line + 1, msg: d.message.slice(0, 100) })));

async function open(rel) {
  const doc = await vscode.workspace.openTextDocument(fileUri(rel));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

/** Waits until the file has a diagnostic with rule id `code` (returns those diagnostics). */
function waitForCode(uri, code, ms = 30000) {
  return until(`a ${code} diagnostic on ${path.basename(uri.path)}`, () => {
    const ds = ours(uri).filter((d) => codeOf(d) === code);
    return ds.length > 0 && ds;
  }, ms, 50, describe(uri));
}

function waitForNoCode(uri, code, ms = 30000) {
  return until(`no ${code} diagnostic on ${path.basename(uri.path)}`, () => !codes(uri).includes(code), ms, 50, describe(uri));
}

const unquote = (s) => s.replace(/^"|"$/g, '');

async function revert(doc) {
  await vscode.window.showTextDocument(doc, { preview: false });
  await vscode.commands.executeCommand('workbench.action.files.revert');
}

function assertValidJson(text, what) {
  const errors = [];
  jsonc.parse(text, errors, { allowTrailingComma: false, disallowComments: false });
  assert.deepEqual(errors.map((e) => jsonc.printParseErrorCode(e.error) + '@' + e.offset), [], `${what} is valid JSON`);
}

function preferredQuickFixes(uri, range) {
  return vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value)
    .then((actions) => (actions || []).filter((a) => a.isPreferred && a.edit));
}

async function applyAction(a) {
  if (a.edit) assert.ok(await vscode.workspace.applyEdit(a.edit), `edit of "${a.title}" applied`);
  if (a.command) await vscode.commands.executeCommand(a.command.command, ...(a.command.arguments || []));
}

// ---------------------------------------------------------------------------------------------

test('the packaged extension is installed, activates, and ships only what it needs', async () => {
  const ext = vscode.extensions.getExtension(EXT_ID);
  assert.ok(ext, `extension ${EXT_ID} is present`);
  await ext.activate();
  assert.ok(ext.isActive, 'extension is active');
  const main = ext.packageJSON.main;
  assert.ok(main && fs.existsSync(path.join(ext.extensionPath, main)), `main ${main} is in the package`);
  const grammar = (ext.packageJSON.contributes.grammars || []).find((g) => g.scopeName === 'source.json.arm-expression');
  assert.ok(grammar && fs.existsSync(path.join(ext.extensionPath, grammar.path)), 'the ARM expression grammar is in the package');
  for (const notShipped of ['client/src/extension.ts', 'server/src/analyzer.ts', 'test', 'tsconfig.json', '.ci']) {
    assert.ok(!fs.existsSync(path.join(ext.extensionPath, notShipped)), `${notShipped} is not in the package (.vscodeignore)`);
  }
  const cmds = await vscode.commands.getCommands(true);
  for (const c of ['apimVnet.analyzeWorkspace', 'apimVnet.fixAllInFile', 'apimVnet.showRuleDocumentation', 'apimVnet.selectPlatform', 'apimVnet.showNetworkReport']) {
    assert.ok(cmds.includes(c), `command ${c} is registered`);
  }
});

test('the ARM expression grammar is injected into JSON strings (Developer: Inspect Editor Tokens and Scopes)', async () => {
  const doc = await open('templates/nsg-blocked.json');
  const at = doc.getText().indexOf("resourceId('Microsoft.Network/networkSecurityGroups'");
  assert.ok(at > 0);
  const inspect = async (offset) => {
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const pos = doc.positionAt(offset);
    editor.selection = new vscode.Selection(pos, pos);
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await vscode.commands.executeCommand('editor.action.inspectTMScopes');
    try {
      let text;
      // the widget fills in once the token is inspected
      await until('the token inspector', async () => typeof (text = await domText('.token-inspect-widget', 2000, 'attached')) === 'string' && /textmate scopes/i.test(text), 30000, 100, () => JSON.stringify(text));
      return text;
    } finally {
      await vscode.commands.executeCommand('editor.action.inspectTMScopes'); // toggles it off
    }
  };
  const text = await inspect(at + 2);
  assert.match(text, /entity\.name\.function\.arm-expression/, text);
  assert.match(text, /meta\.embedded\.expression\.arm-expression/);
  assert.match(text, /string\.quoted\.double\.json/);
  const plain = doc.getText().indexOf('DenyInternetOutbound');
  const plainText = await inspect(plain + 2);
  assert.doesNotMatch(plainText, /arm-expression/, plainText);
}, { skip: !inHarness && 'reads the token inspector from the page: code-server harness only' });

test('unsupported-sku: Basic tier with virtualNetworkType External is an error on the sku value', async () => {
  const doc = await open('templates/apim-basic-sku.json');
  const [d] = await waitForCode(doc.uri, 'unsupported-sku');
  assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
  assert.equal(unquote(doc.getText(d.range)), 'Basic', 'the range is the sku.name value');
  const text = doc.getText();
  const skuAt = text.indexOf('"sku"');
  const at = doc.offsetAt(d.range.start);
  assert.ok(at > skuAt && at < text.indexOf('}', skuAt), 'inside the APIM resource\'s sku object');
  assert.ok(d.code && typeof d.code === 'object' && /unsupported-sku/.test(String(d.code.target)), 'code links to the rule docs');
  assert.match(d.message, /Basic/);
  assert.match(d.message, /Developer|Premium/);
});

test('nsg-blocks-required-port: an NSG denying outbound Internet is reported at the deny rule', async () => {
  const doc = await open('templates/nsg-blocked.json');
  const ds = await waitForCode(doc.uri, 'nsg-blocks-required-port');
  for (const d of ds) assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
  const atDeny = ds.filter((d) => unquote(doc.getText(d.range)) === 'Deny');
  assert.ok(atDeny.length > 0, `a finding sits on the deciding rule's "access": "Deny" value; ranges: ${ds.map((d) => JSON.stringify(doc.getText(d.range))).join(', ')}`);
  const text = doc.getText();
  const denyAt = text.indexOf('"DenyInternetOutbound"');
  const denyEnd = text.indexOf('}', text.indexOf('"properties"', denyAt));
  assert.ok(atDeny.every((d) => doc.offsetAt(d.range.start) > denyAt && doc.offsetAt(d.range.start) < denyEnd), 'inside the DenyInternetOutbound rule');
  assert.ok(!codes(doc.uri).includes('unsupported-sku'), 'Developer tier is supported');
});

test('hover on a finding shows the rule text; hover on virtualNetworkType shows the seed notes', async () => {
  const doc = await open('templates/apim-basic-sku.json');
  const [d] = await waitForCode(doc.uri, 'unsupported-sku');
  const hoverText = async (pos) => {
    const hs = (await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, pos)) || [];
    return hs.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  };
  const onSku = await until('a hover on the sku value', () => hoverText(d.range.start.translate(0, 2)), 15000);
  assert.match(onSku, /unsupported-sku/, 'names the rule');
  assert.match(onSku, /tier/i, 'has the rule text');
  assert.match(onSku, /\]\([^)]*unsupported-sku[^)]*\)/, 'links the rule documentation');
  const vntLine = doc.getText().split('\n').findIndex((l) => l.includes('"virtualNetworkType"'));
  const col = doc.lineAt(vntLine).text.indexOf('virtualNetworkType');
  const onVnt = await hoverText(new vscode.Position(vntLine, col + 3));
  assert.match(onVnt, /VIP/);
  assert.match(onVnt, /4 hours/);
});

test('preferred quick fix for a blocked port removes that diagnostic and leaves valid JSON', async () => {
  const doc = await open('templates/nsg-blocked.json');
  try {
    const ds = await waitForCode(doc.uri, 'nsg-blocks-required-port');
    const target = ds[0];
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, target.range, vscode.CodeActionKind.QuickFix.value)) || [];
    // (the API command does not return an action's diagnostics: match the row's purpose, quoted in both)
    const purpose = (/"([^"]+)"/.exec(target.message) || [])[1];
    const preferred = actions.filter((a) => a.isPreferred && a.edit);
    const fix = preferred.find((a) => purpose && a.title.includes(purpose));
    assert.ok(fix, `a preferred quick fix for "${purpose}"; actions: ${actions.map((a) => (a.isPreferred ? '* ' : '  ') + a.title).join(' | ')}`);
    const before = doc.version;
    await applyAction(fix);
    assert.ok(doc.version > before, 'the document changed');
    await until('the fixed diagnostic to disappear', () => !ours(doc.uri).some((x) => x.message === target.message), 20000, 50, describe(doc.uri));
    const others = ds.slice(1).map((x) => x.message);
    assert.ok(others.every((m) => ours(doc.uri).some((x) => x.message === m)), 'the other blocked rows are still reported');
    assertValidJson(doc.getText(), 'the fixed template');
    assert.match(doc.getText(), /"access": "Allow"/);
  } finally {
    await revert(doc);
  }
});

test('source.fixAll clears every fixable finding', async () => {
  const doc = await open('templates/fixall.json');
  try {
    await waitForCode(doc.uri, 'nsg-blocks-required-port');
    const all = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, all, vscode.CodeActionKind.SourceFixAll.value)) || [];
    const fixAll = actions.find((a) => a.kind && vscode.CodeActionKind.SourceFixAll.contains(a.kind) && a.edit);
    assert.ok(fixAll, `a source.fixAll action; got: ${actions.map((a) => a.title).join(', ')}`);
    await applyAction(fixAll);
    assertValidJson(doc.getText(), 'the template after fix-all');
    // once the analysis of the new version is in, no finding has a preferred quick fix any more
    await until('no fixable apim-vnet finding', async () => {
      const left = ours(doc.uri);
      for (const d of left) if ((await preferredQuickFixes(doc.uri, d.range)).length > 0) return false;
      return !left.some((d) => codeOf(d) === 'nsg-blocks-required-port');
    }, 30000, 100, describe(doc.uri));
  } finally {
    await revert(doc);
  }
});

test('"APIM VNet: Analyze Workspace" reports templates that were never opened', async () => {
  const uri = fileUri('never-opened/unopened-basic-sku.json');
  assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), 'the file is not open');
  assert.deepEqual(codes(uri), [], 'no diagnostics before the command');
  // not awaited: the command ends with an information message that waits for the user
  void vscode.commands.executeCommand('apimVnet.analyzeWorkspace');
  await waitForCode(uri, 'unsupported-sku', 60000);
  assert.deepEqual(codes(fileUri('templates/not-a-template.json')), [], 'a JSON file that is not a template gets nothing');
});

test('setting apimVnet.rules { "unsupported-sku": "off" } removes its diagnostics, and unsetting brings them back', async () => {
  const doc = await open('templates/apim-basic-sku.json');
  await waitForCode(doc.uri, 'unsupported-sku');
  const config = vscode.workspace.getConfiguration('apimVnet', doc.uri);
  await config.update('rules', { 'unsupported-sku': 'off' }, vscode.ConfigurationTarget.Workspace);
  try {
    await waitForNoCode(doc.uri, 'unsupported-sku');
  } finally {
    await vscode.workspace.getConfiguration('apimVnet', doc.uri).update('rules', undefined, vscode.ConfigurationTarget.Workspace);
  }
  await waitForCode(doc.uri, 'unsupported-sku');
});

test('breaking the JSON mid-edit reports invalid-json; restoring it brings the findings back', async () => {
  const doc = await open('templates/apim-basic-sku.json');
  try {
    await waitForCode(doc.uri, 'unsupported-sku');
    const text = doc.getText();
    const at = text.indexOf('"virtualNetworkType"');
    const broken = new vscode.WorkspaceEdit();
    broken.insert(doc.uri, doc.positionAt(at), '"half-typed": ');
    assert.ok(await vscode.workspace.applyEdit(broken));
    await waitForCode(doc.uri, 'invalid-json');
    const restore = new vscode.WorkspaceEdit();
    restore.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
    assert.ok(await vscode.workspace.applyEdit(restore));
    await waitForNoCode(doc.uri, 'invalid-json');
    await waitForCode(doc.uri, 'unsupported-sku');
  } finally {
    await revert(doc);
  }
});

test('screenshot: squiggles and the quick-fix menu (images/screenshot-quickfix.png)', async () => {
  const doc = await open('templates/nsg-blocked.json');
  const ds = await waitForCode(doc.uri, 'nsg-blocks-required-port');
  const d = ds.find((x) => unquote(doc.getText(x.range)) === 'Deny') || ds[0];
  await vscode.commands.executeCommand('workbench.action.closeSidebar');
  await vscode.commands.executeCommand('workbench.action.closePanel');
  await vscode.commands.executeCommand('notifications.clearAll');
  // the menu opens once the editor has focus and the code actions are computed: retry until shown
  let file;
  await until('the quick-fix menu in a screenshot', async () => {
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    editor.selection = new vscode.Selection(d.range.start.translate(0, 1), d.range.start.translate(0, 1));
    const top = new vscode.Position(Math.max(0, d.range.start.line - 10), 0);
    editor.revealRange(new vscode.Range(top, top), vscode.TextEditorRevealType.AtTop);
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await vscode.commands.executeCommand('editor.action.quickFix');
    file = await screenshot('screenshot-quickfix.png', { waitFor: '.action-widget', timeout: 4000 });
    return typeof file === 'string';
  }, 60000, 200, () => JSON.stringify(file));
  await vscode.commands.executeCommand('hideCodeActionWidget');
}, { skip: !inHarness && 'screenshots are taken by the code-server harness only' });

module.exports = { run: runAll };
