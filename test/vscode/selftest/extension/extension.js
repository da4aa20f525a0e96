// A trivial extension that proves the harness starts a real extension host with a development
// extension: one command that returns 42, and one diagnostic on every JSON document with "BAD".
'use strict';
const vscode = require('vscode');

function activate(context) {
  const diags = vscode.languages.createDiagnosticCollection('harness-selftest');
  const refresh = (doc) => {
    if (doc.languageId !== 'json' && doc.languageId !== 'jsonc') return;
    const i = doc.getText().indexOf('BAD');
    diags.set(doc.uri, i < 0 ? [] : [new vscode.Diagnostic(new vscode.Range(doc.positionAt(i), doc.positionAt(i + 3)), 'BAD found', vscode.DiagnosticSeverity.Error)]);
  };
  context.subscriptions.push(
    diags,
    vscode.commands.registerCommand('harnessSelftest.answer', () => 42),
    vscode.workspace.onDidOpenTextDocument(refresh),
    vscode.workspace.onDidChangeTextDocument((e) => refresh(e.document)),
  );
  vscode.workspace.textDocuments.forEach(refresh);
}

module.exports = { activate, deactivate() {} };
