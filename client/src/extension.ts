/**
 * APIM VNet Lint — VS Code client. Thin: starts the language server (dist/server.js over IPC),
 * forwards only documents that look like ARM templates or parameter files, and exposes commands
 * and a status-bar item. No rule logic here.
 */
import * as vscode from 'vscode';
import * as fs from 'fs';
import * as crypto from 'crypto';
import {
  LanguageClient,
  TransportKind,
  DidOpenTextDocumentNotification,
  WorkDoneProgress,
  type LanguageClientOptions,
  type ServerOptions,
  type WorkspaceEdit as LspWorkspaceEdit,
  type WorkDoneProgressBegin,
  type WorkDoneProgressReport,
  type WorkDoneProgressEnd,
} from 'vscode-languageclient/node';
// The server's protocol module has no imports: the method names and shapes are shared, not copied.
import { Methods, type AnalyzeWorkspaceResult, type RuleInfo, type StatusParams } from '../../server/src/lsp/protocol';

const SECTION = 'apimVnet';
const SETTING_KEYS = ['platform', 'rules', 'parameterFiles', 'debounceMs', 'maxFileSize'] as const;


let client: LanguageClient | undefined;

/** Cheap content check: ARM deployment template / parameter file (by $schema or by shape). */
export function looksLikeArmDocument(text: string): boolean {
  const head = text.length > 16384 ? text.slice(0, 16384) : text;
  if (/deployment(Template|Parameters)\.json/i.test(head)) return true;
  if (/"\$schema"\s*:\s*"[^"]*schema\.management\.azure\.com/i.test(head)) return true;
  // shape: a template without $schema still has resources and (usually) contentVersion / parameters
  return /"resources"\s*:/.test(text) && /"(contentVersion|apiVersion)"\s*:/.test(text);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('APIM VNet Lint');
  context.subscriptions.push(output);

  const bundled = context.asAbsolutePath('dist/server.js');
  const compiled = context.asAbsolutePath('out/server/src/lsp/main.js');
  const serverModule = fs.existsSync(bundled) ? bundled : compiled;
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };

  /** URIs whose didOpen was forwarded to the server. */
  const forwarded = new Set<string>();
  const selector = ['json', 'jsonc', 'arm-template'].flatMap((language) => [
    { scheme: 'file', language },
    { scheme: 'untitled', language },
  ]);

  const clientOptions: LanguageClientOptions = {
    documentSelector: selector,
    outputChannel: output,
    diagnosticCollectionName: 'apim-vnet',
    middleware: {
      didOpen: async (document, next) => {
        if (!looksLikeArmDocument(document.getText())) return;
        forwarded.add(document.uri.toString());
        await next(document);
      },
      didChange: async (event, next) => {
        const uri = event.document.uri.toString();
        if (forwarded.has(uri)) return next(event);
        // a document that became a template while typing (e.g. a pasted template) is opened now
        if (client && looksLikeArmDocument(event.document.getText())) {
          forwarded.add(uri);
          await client.sendNotification(DidOpenTextDocumentNotification.type, client.code2ProtocolConverter.asOpenTextDocumentParams(event.document));
        }
      },
      didSave: async (document, next) => {
        if (forwarded.has(document.uri.toString())) await next(document);
      },
      didClose: async (document, next) => {
        if (!forwarded.delete(document.uri.toString())) return;
        await next(document);
      },
      workspace: {
        // Send only values the user set explicitly, so that defaults never mask .apim-vnet.json
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) return result;
          return params.items.map((item, i) => (item.section === SECTION ? explicitSettings(item.scopeUri) : result[i]));
        },
      },
    },
  };

  client = new LanguageClient(SECTION, 'APIM VNet Lint', serverOptions, clientOptions);

  // ---- status bar ------------------------------------------------------------------------------
  const statuses = new Map<string, StatusParams>();
  const statusItem = vscode.window.createStatusBarItem('apimVnet.status', vscode.StatusBarAlignment.Left, 50);
  statusItem.name = 'APIM VNet Lint';
  statusItem.command = 'workbench.actions.view.problems';
  context.subscriptions.push(statusItem);
  const refreshStatus = () => {
    const editor = vscode.window.activeTextEditor;
    const s = editor ? statuses.get(editor.document.uri.toString()) : undefined;
    if (!s || !s.isTemplate) {
      statusItem.hide();
      return;
    }
    const profile = s.profiles.length ? s.profiles.join('/') : 'no APIM';
    const total = s.errors + s.warnings + s.infos;
    statusItem.text = `${s.errors ? '$(error)' : s.warnings ? '$(warning)' : '$(check)'} APIM VNet: ${profile}${total ? ` · ${total}` : ''}`;
    statusItem.tooltip = new vscode.MarkdownString(
      `**APIM VNet Lint**\n\nProfile in force: **${profile}**\n\n${s.errors} error(s), ${s.warnings} warning(s), ${s.infos} info(s)\n\nAnalyzed in ${s.elapsedMs} ms`,
    );
    statusItem.show();
  };
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(refreshStatus),
    vscode.workspace.onDidCloseTextDocument((d) => {
      statuses.delete(d.uri.toString());
      refreshStatus();
    }),
  );

  // ---- commands --------------------------------------------------------------------------------
  const activeUri = (): vscode.Uri | undefined => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showWarningMessage('APIM VNet: open an ARM template first.');
      return undefined;
    }
    return editor.document.uri;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('apimVnet.analyzeWorkspace', async () => {
      const c = await ready();
      const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString());
      if (folders.length === 0) {
        void vscode.window.showWarningMessage('APIM VNet: open a folder or workspace to analyze.');
        return undefined;
      }
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'APIM VNet: Analyzing workspace', cancellable: true },
        async (progress, token) => {
          const workDoneToken = crypto.randomUUID();
          let last = 0;
          const sub = c.onProgress(WorkDoneProgress.type, workDoneToken, (v: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd) => {
            if (v.kind === 'end') return;
            const pct = v.percentage ?? last;
            progress.report({ message: v.message, increment: Math.max(0, pct - last) });
            last = pct;
          });
          try {
            return await c.sendRequest<AnalyzeWorkspaceResult>(Methods.analyzeWorkspace, { folders, workDoneToken }, token);
          } catch (e) {
            if (token.isCancellationRequested) return undefined; // cancelled by the user: diagnostics so far stay
            throw e;
          } finally {
            sub.dispose();
          }
        },
      );
      if (result) {
        const choice = await vscode.window.showInformationMessage(
          `APIM VNet: ${result.files} template(s) analyzed (${result.scanned} JSON file(s) scanned), ${result.findings} finding(s).`,
          'Show Problems',
        );
        if (choice) await vscode.commands.executeCommand('workbench.actions.view.problems');
      }
      return result;
    }),

    vscode.commands.registerCommand('apimVnet.fixAllInFile', async (uri?: vscode.Uri) => {
      const target = uri instanceof vscode.Uri ? uri : activeUri();
      if (!target) return false;
      const c = await ready();
      const edit = await c.sendRequest<LspWorkspaceEdit>(Methods.fixAll, { uri: target.toString() });
      const wsEdit = await c.protocol2CodeConverter.asWorkspaceEdit(edit);
      if (!wsEdit || wsEdit.size === 0) {
        void vscode.window.showInformationMessage('APIM VNet: no automatic fix applies to this file.');
        return false;
      }
      return vscode.workspace.applyEdit(wsEdit);
    }),

    vscode.commands.registerCommand('apimVnet.showRuleDocumentation', async (ruleId?: string) => {
      const c = await ready();
      const rules = await c.sendRequest<RuleInfo[]>(Methods.rules, {});
      let rule = typeof ruleId === 'string' ? rules.find((r) => r.id === ruleId) : undefined;
      if (!rule) {
        const pick = await vscode.window.showQuickPick(
          rules.map((r) => ({ label: r.id, description: r.defaultSeverity, detail: r.description, rule: r })),
          { title: 'APIM VNet: Show Rule Documentation', matchOnDetail: true, placeHolder: 'Select a rule' },
        );
        rule = pick?.rule;
      }
      if (!rule) return undefined;
      // the rule pages ship with the extension (docs/rules/): preview them offline, else open the web page
      const local = vscode.Uri.file(context.asAbsolutePath(`docs/rules/${rule.id}.md`));
      if (fs.existsSync(local.fsPath)) await vscode.commands.executeCommand('markdown.showPreview', local);
      else await vscode.env.openExternal(vscode.Uri.parse(rule.docsUrl));
      return rule.id;
    }),

    vscode.commands.registerCommand('apimVnet.selectPlatform', async (value?: string) => {
      const items: (vscode.QuickPickItem & { value: string })[] = [
        { label: 'auto', value: 'auto', detail: 'stv1 for apiVersion < 2021-08-01 without publicIpAddressId, stv2 otherwise' },
        { label: 'stv1', value: 'stv1', detail: 'The 2018 seed document: ports table and limitations (platform retired 2024-08-31)' },
        { label: 'stv2', value: 'stv2', detail: 'Current reference for the classic tiers (Developer, Premium)' },
      ];
      const current = vscode.workspace.getConfiguration(SECTION).get<string>('platform', 'auto');
      let chosen = typeof value === 'string' && items.some((i) => i.value === value) ? value : undefined;
      if (!chosen) {
        const pick = await vscode.window.showQuickPick(
          items.map((i) => ({ ...i, description: i.value === current ? '(current)' : undefined })),
          { title: 'APIM VNet: Select Platform Profile' },
        );
        chosen = pick?.value;
      }
      if (!chosen) return undefined;
      const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await vscode.workspace.getConfiguration(SECTION).update('platform', chosen, target);
      return chosen;
    }),

    vscode.commands.registerCommand('apimVnet.showNetworkReport', async (uri?: vscode.Uri) => {
      const target = uri instanceof vscode.Uri ? uri : activeUri();
      if (!target) return undefined;
      const c = await ready();
      const markdown = await c.sendRequest<string>(Methods.networkReport, { uri: target.toString() });
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
      await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
      return doc.uri;
    }),
  );

  // registered before start so that the status of documents open at start-up is not missed
  context.subscriptions.push(
    client.onNotification(Methods.status, (s: StatusParams) => {
      statuses.set(s.uri, s);
      refreshStatus();
    }),
  );
  const started = client.start().then(
    () => undefined,
    (e) => {
      output.appendLine(`APIM VNet Lint: the language server failed to start: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    },
  );
  async function ready(): Promise<LanguageClient> {
    await started;
    return client!;
  }
  context.subscriptions.push({ dispose: () => void client?.stop().catch(() => undefined) });
  await started.catch(() => undefined);
}

/** The `apimVnet` values the user set explicitly (folder > workspace > user); defaults omitted. */
function explicitSettings(scopeUri: string | undefined): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration(SECTION, scopeUri ? vscode.Uri.parse(scopeUri) : undefined);
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const i = cfg.inspect<unknown>(key);
    if (!i) continue;
    const layers = [i.globalValue, i.workspaceValue, i.workspaceFolderValue, i.globalLanguageValue, i.workspaceLanguageValue, i.workspaceFolderLanguageValue].filter((v) => v !== undefined);
    if (layers.length === 0) continue;
    if (key === 'rules' || key === 'parameterFiles') {
      out[key] = Object.assign({}, ...layers.filter((v) => typeof v === 'object' && v !== null));
    } else {
      out[key] = layers[layers.length - 1];
    }
  }
  // debounceMs has a meaningful default that no file overrides
  if (out.debounceMs === undefined) out.debounceMs = cfg.get<number>('debounceMs', 50);
  return out;
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop().catch(() => undefined);
}
