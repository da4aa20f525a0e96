/**
 * The language server: wires the connection, the documents manager, configuration, the debounced
 * analysis and the handlers. Handlers only look up the document and call the core.
 */
import {
  CodeActionKind,
  DiagnosticSeverity,
  type Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceEdit,
  type CodeAction,
  type Hover,
  type CancellationToken,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as fs from 'fs';
import { AnalysisCache, analyzeText, type AnalysisEntry } from './analysis';
import { ConfigProvider } from './config';
import { DebouncedRunner } from './scheduler';
import { codeActionsFor, contextDiagnostics, FIX_ALL_KIND } from './code-actions';
import { fixAllRounds } from './fix-all';
import { isDiagnosticData, type SerializedFix } from './diagnostics';
import { safeNotification, safeRequest, invalidParams } from './safe';
import { pathToUri, uriToPath } from './uri';
import { scanFolders } from './workspace-scan';
import { isIgnored as configIgnores } from '../config/load';
import { DEFAULT_MAX_FILE_SIZE } from '../config/types';
import { hoverAt } from '../hover';
import { reportMarkdown } from './report';
import { Methods, type AnalyzeWorkspaceParams, type AnalyzeWorkspaceResult, type StatusParams, type RuleInfo } from './protocol';
import { ALL_RULE_META } from '../rules/registry';
import { docsUrl } from '../rules/rule';
import { CONFIG_FILE_NAME } from './file-config';

export const SERVER_NAME = 'apim-vnet-language-server';

export interface ServerHandle {
  documents: TextDocuments<TextDocument>;
  dispose(): void;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function startServer(connection: Connection): ServerHandle {
  const documents = new TextDocuments(TextDocument);
  const log = (m: string) => connection.console.error(m);
  const config = new ConfigProvider(connection, (m) => connection.console.warn(m), (file, problems) => {
    // problems of a `.apim-vnet.json` are shown on that file (its valid parts still apply)
    void connection.sendDiagnostics({ uri: pathToUri(file), diagnostics: configDiagnostics(problems) });
  });
  const openText = (uri: string) => documents.get(uri)?.getText();
  const cache = new AnalysisCache(openText);
  /** Per open document: URIs of other files its analysis published diagnostics to. */
  const publishedElsewhere = new Map<string, Set<string>>();
  let workspaceFolders: string[] = [];
  let shuttingDown = false;

  const runner = new DebouncedRunner(analyzeAndPublish, (uri, e) => log(`[apim-vnet] analysis of ${uri} failed: ${e instanceof Error ? e.stack : String(e)}`));

  async function ensureAnalysis(doc: TextDocument): Promise<AnalysisEntry | undefined> {
    const fresh = cache.fresh(doc);
    if (fresh) return fresh;
    const dc = await config.forUri(doc.uri);
    const cur = documents.get(doc.uri) ?? doc;
    if (dc.ignored) return undefined;
    return cache.analyze(cur, dc);
  }

  async function analyzeAndPublish(uri: string): Promise<void> {
    const doc = documents.get(uri);
    if (!doc || shuttingDown) return;
    const version = doc.version;
    const dc = await config.forUri(uri);
    const cur = documents.get(uri);
    if (!cur || cur.version !== version) return; // superseded by a newer version (scheduled already) or closed
    if (dc.ignored) {
      publish(uri, version, new Map([[uri, []]]));
      sendStatus({ uri, version, isTemplate: false, profiles: [], errors: 0, warnings: 0, infos: 0, elapsedMs: 0 });
      return;
    }
    const entry = cache.analyze(cur, dc);
    if (documents.get(uri)?.version !== version) return;
    publish(uri, version, entry.diagnostics);
    sendStatus(statusOf(entry));
  }

  function statusOf(entry: AnalysisEntry): StatusParams {
    const all = entry.result.findings;
    const profiles = new Set<string>();
    const ctx = entry.result.context;
    for (const s of entry.result.services ?? []) {
      try {
        if (ctx) profiles.add(ctx.profileFor(s));
      } catch {
        /* profile unknown */
      }
    }
    return {
      uri: entry.uri,
      version: entry.version,
      isTemplate: entry.isTemplate,
      profiles: [...profiles],
      errors: entry.isTemplate ? all.filter((f) => f.severity === 'error').length : 0,
      warnings: entry.isTemplate ? all.filter((f) => f.severity === 'warning').length : 0,
      infos: entry.isTemplate ? all.filter((f) => f.severity === 'info').length : 0,
      elapsedMs: Math.round(entry.elapsedMs * 10) / 10,
    };
  }

  function sendStatus(s: StatusParams): void {
    void connection.sendNotification(Methods.status, s).catch(() => undefined);
  }

  function publish(uri: string, version: number | undefined, byUri: Map<string, import('vscode-languageserver').Diagnostic[]>): void {
    const before = publishedElsewhere.get(uri) ?? new Set<string>();
    const now = new Set<string>();
    for (const [u, diagnostics] of byUri) {
      if (u === uri) void connection.sendDiagnostics({ uri, version, diagnostics });
      else if (!documents.get(u)) {
        // findings placed in a linked file that is not open itself
        now.add(u);
        void connection.sendDiagnostics({ uri: u, diagnostics });
      }
    }
    for (const u of before) if (!now.has(u) && !documents.get(u)) void connection.sendDiagnostics({ uri: u, diagnostics: [] });
    if (now.size) publishedElsewhere.set(uri, now);
    else publishedElsewhere.delete(uri);
  }

  /** A parameter file, by its last analysis or by its name. */
  function isParametersDocument(uri: string): boolean {
    return cache.get(uri)?.result.kind === 'parameters' || /\.parameters(\.[^/\\]*)?\.jsonc?$/i.test(uri);
  }

  function reanalyzeAll(): void {
    cache.invalidateAll();
    for (const d of documents.all()) runner.schedule(d.uri, 0);
  }

  function preferredFixes(entry: AnalysisEntry): SerializedFix[] {
    const out: SerializedFix[] = [];
    for (const list of entry.diagnostics.values()) {
      for (const d of list) if (isDiagnosticData(d.data)) out.push(...d.data.fixes.filter((f) => f.isPreferred));
    }
    return out;
  }

  // ---- lifecycle -------------------------------------------------------------------------------
  let dynamicConfig = false;
  let dynamicWatch = false;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    config.pullSupported = !!caps.workspace?.configuration;
    dynamicConfig = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
    dynamicWatch = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspaceFolders = folders.map((u) => uriToPath(u)).filter((p): p is string => !!p);
    config.folders = workspaceFolders;
    if (isObj(params.initializationOptions) && isObj(params.initializationOptions.settings)) {
      void config.settingsChanged({ apimVnet: params.initializationOptions.settings });
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
        hoverProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: SERVER_NAME, version: serverVersion() },
    };
  });

  connection.onInitialized(
    safeNotification(connection.console, 'initialized', async () => {
      if (dynamicConfig) await connection.client.register(DidChangeConfigurationNotification.type, { section: 'apimVnet' });
      if (dynamicWatch) {
        await connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: `**/${CONFIG_FILE_NAME}` }, { globPattern: '**/*.parameters.json' }],
        });
      }
      try {
        connection.workspace.onDidChangeWorkspaceFolders((e) => {
          const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
          workspaceFolders = workspaceFolders.filter((f) => !removed.has(f));
          for (const f of e.added) {
            const p = uriToPath(f.uri);
            if (p) workspaceFolders.push(p);
          }
          config.folders = workspaceFolders;
        });
      } catch {
        /* client without workspace folder support */
      }
      await config.refreshGlobal();
    }),
  );

  connection.onShutdown(() => {
    shuttingDown = true;
    runner.dispose();
  });

  // ---- documents -------------------------------------------------------------------------------
  documents.onDidOpen(
    safeNotification(connection.console, 'didOpen', (e) => {
      // a .apim-vnet.json created, edited or deleted since it was cached, and no
      // didChangeWatchedFiles about it (a client without file watching): read it again
      const file = uriToPath(e.document.uri);
      if (file && config.files.isStale(file)) {
        config.configFilesChanged();
        reanalyzeAll();
      }
    }),
  );

  documents.onDidChangeContent(
    safeNotification(connection.console, 'didChange', (e) => {
      // first analysis of a freshly opened document runs at once; edits are debounced
      // (large templates: wait at least as long as their last analysis took, so typing never queues work)
      const last = cache.get(e.document.uri);
      const delay = last ? Math.max(config.debounceMs, Math.min(last.elapsedMs, 2000)) : 0;
      runner.schedule(e.document.uri, delay);
      // an edited (possibly unsaved) parameter file changes the analysis of the templates using it
      if (isParametersDocument(e.document.uri)) {
        cache.invalidateAll();
        for (const d of documents.all()) if (d.uri !== e.document.uri) runner.schedule(d.uri, Math.max(config.debounceMs, delay));
      }
    }),
  );

  documents.onDidClose(
    safeNotification(connection.console, 'didClose', (e) => {
      const uri = e.document.uri;
      runner.cancel(uri);
      if (isParametersDocument(uri)) {
        // templates fall back to the saved parameter file
        cache.invalidateAll();
        for (const d of documents.all()) if (d.uri !== uri) runner.schedule(d.uri, config.debounceMs);
      }
      cache.delete(uri);
      config.forget(uri);
      publish(uri, undefined, new Map([[uri, []]]));
    }),
  );

  // ---- configuration ---------------------------------------------------------------------------
  connection.onDidChangeConfiguration(
    safeNotification(connection.console, 'didChangeConfiguration', async (params) => {
      await config.settingsChanged(params?.settings);
      reanalyzeAll();
    }),
  );

  connection.onDidChangeWatchedFiles(
    safeNotification(connection.console, 'didChangeWatchedFiles', (params) => {
      if ((params?.changes ?? []).some((c) => c.uri.endsWith(CONFIG_FILE_NAME))) config.configFilesChanged();
      reanalyzeAll();
    }),
  );

  // ---- features --------------------------------------------------------------------------------
  connection.onCodeAction(
    safeRequest(connection.console, 'codeAction', async (params: import('vscode-languageserver').CodeActionParams) => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      const entry = await ensureAnalysis(doc);
      const current = entry && entry.version === doc.version ? entry : undefined;
      const diagnostics = contextDiagnostics(params.context?.diagnostics ?? [], current?.diagnostics.get(doc.uri), params.range);
      return codeActionsFor(
        doc,
        { ...params, context: { ...params.context, diagnostics } },
        (u) => documents.get(u)?.version,
        () => (current ? fixAllRounds(doc, current, openText).edit : undefined),
        current ? preferredFixes(current).length : 0,
      );
    }),
  );

  connection.onCodeActionResolve(
    safeRequest(connection.console, 'codeAction/resolve', async (action: CodeAction) => {
      const data = action.data as { fixAll?: string; version?: number } | undefined;
      if (!data?.fixAll) return action;
      const doc = documents.get(data.fixAll);
      if (!doc || doc.version !== data.version) return action;
      const entry = await ensureAnalysis(doc);
      if (entry) action.edit = fixAllRounds(doc, entry, openText).edit ?? { changes: {} };
      return action;
    }),
  );

  connection.onHover(
    safeRequest(connection.console, 'hover', async (params: import('vscode-languageserver').HoverParams): Promise<Hover | null> => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return null;
      const entry = await ensureAnalysis(doc);
      if (entry && !entry.isTemplate) return null;
      const h = hoverAt({
        text: doc.getText(),
        offset: doc.offsetAt(params.position),
        template: entry?.result.template,
        findings: entry?.result.findings,
        file: entry?.fileKey,
        platform: entry?.config.platform,
        profileFor: (resource) => {
          const ctx = entry?.result.context;
          const service = entry?.result.services?.find((s) => s.resource === resource);
          return ctx && service ? ctx.profileFor(service) : undefined;
        },
      });
      if (!h) return null;
      return {
        contents: { kind: 'markdown', value: h.markdown },
        range: { start: doc.positionAt(h.range.offset), end: doc.positionAt(h.range.offset + h.range.length) },
      };
    }),
  );

  // ---- custom requests -------------------------------------------------------------------------
  /** An open document, or the file read from disk for a closed one. */
  function documentFor(uri: string): TextDocument | undefined {
    const open = documents.get(uri);
    if (open) return open;
    const p = uriToPath(uri);
    if (!p) return undefined;
    try {
      if (fs.statSync(p).size > DEFAULT_MAX_FILE_SIZE) return undefined;
      return TextDocument.create(uri, 'json', 0, fs.readFileSync(p, 'utf8'));
    } catch {
      return undefined;
    }
  }

  function uriParam(params: unknown): string {
    if (!isObj(params) || typeof params.uri !== 'string' || params.uri === '') throw invalidParams('expected params { uri: string }');
    return params.uri;
  }

  connection.onRequest(
    Methods.fixAll,
    safeRequest(connection.console, Methods.fixAll, async (params: unknown): Promise<WorkspaceEdit> => {
      const uri = uriParam(params);
      const doc = documentFor(uri);
      if (!doc) throw invalidParams(`cannot read ${uri}`);
      const dc = await config.forUri(uri);
      if (dc.ignored) return { changes: {} };
      return fixAllRounds(doc, dc, openText).edit ?? { changes: {} };
    }),
  );

  connection.onRequest(
    Methods.networkReport,
    safeRequest(connection.console, Methods.networkReport, async (params: unknown): Promise<string> => {
      const uri = uriParam(params);
      const doc = documentFor(uri);
      if (!doc) throw invalidParams(`cannot read ${uri}`);
      const entry = documents.get(uri) ? await ensureAnalysis(doc) : analyzeText(doc, await config.forUri(uri), openText);
      if (!entry) return `# APIM VNet report\n\n${uri} is excluded by the \`ignore\` globs of ${CONFIG_FILE_NAME}.`;
      return reportMarkdown(entry, uriToPath(uri) ?? uri);
    }),
  );

  connection.onRequest(
    Methods.analyzeWorkspace,
    safeRequest(connection.console, Methods.analyzeWorkspace, async (params: unknown, token?: CancellationToken): Promise<AnalyzeWorkspaceResult> => {
      const p = (isObj(params) ? params : {}) as AnalyzeWorkspaceParams;
      if (p.folders !== undefined && (!Array.isArray(p.folders) || p.folders.some((f) => typeof f !== 'string'))) {
        throw invalidParams('expected params { folders?: string[] } (folder URIs)');
      }
      const folders = p.folders ? p.folders.map((u) => uriToPath(u)).filter((x): x is string => !!x) : workspaceFolders;
      // configuration files changed without a didChangeWatchedFiles (client without file watching)
      if (config.files.anyStale()) {
        config.configFilesChanged();
        reanalyzeAll();
      }
      let progress: WorkDoneProgressReporter;
      if (p.workDoneToken !== undefined) progress = connection.window.attachWorkDoneProgress(p.workDoneToken);
      else progress = await connection.window.createWorkDoneProgress().catch(() => connection.window.attachWorkDoneProgress(undefined));
      progress.begin('APIM VNet: analyzing workspace', 0, 'listing files', true);
      const settingsGlobal = await config.settingsFor(folders[0] ? pathToUri(folders[0]) : '');
      let lastPct = -1;
      try {
        const result = await scanFolders(folders, {
          isIgnored: (file) => {
            const found = config.files.forFile(file);
            return configIgnores(file, found?.config, found?.dir);
          },
          analyzeFile: (file) => {
            const uri = pathToUri(file);
            const open = documents.get(uri);
            let doc = open;
            if (!doc) {
              let text: string;
              try {
                text = fs.readFileSync(file, 'utf8');
              } catch {
                return { template: false, findings: 0 };
              }
              // cheap shape check before a full analysis: a template has a `resources` member
              if (!/"resources"\s*:/.test(text)) return { template: false, findings: 0 };
              doc = TextDocument.create(uri, 'json', 0, text);
            }
            const dc = config.resolve(uri, settingsGlobal);
            if (dc.ignored) return { template: false, findings: 0 };
            const entry = open ? cache.analyze(open, dc) : analyzeText(doc, dc, openText);
            if (!entry.isTemplate) return { template: false, findings: 0 };
            publish(uri, open ? open.version : undefined, entry.diagnostics);
            return { template: true, findings: entry.result.findings.length };
          },
          progress: (done, total, file) => {
            const pct = total ? Math.floor((done / total) * 100) : 100;
            if (pct !== lastPct) {
              lastPct = pct;
              progress.report(pct, file ? `${done}/${total} ${file}` : `${done}/${total}`);
            }
          },
          cancelled: () => !!token?.isCancellationRequested || progressCancelled(progress) || shuttingDown,
        });
        return { files: result.files, findings: result.findings, scanned: result.scanned };
      } finally {
        progress.done();
      }
    }),
  );

  connection.onRequest(
    Methods.rules,
    safeRequest(connection.console, Methods.rules, (): RuleInfo[] =>
      ALL_RULE_META.map((r) => ({ id: r.id, description: r.description, defaultSeverity: r.defaultSeverity, docsUrl: docsUrl(r.id) })),
    ),
  );

  documents.listen(connection);
  return {
    documents,
    dispose: () => runner.dispose(),
  };
}

/** "line:col: message" (1-based, config/load.ts) → diagnostics on the config file. */
export function configDiagnostics(problems: string[]): Diagnostic[] {
  return problems.map((p) => {
    const m = /^(\d+):(\d+): ([\s\S]*)$/.exec(p);
    const line = m ? Math.max(0, Number(m[1]) - 1) : 0;
    const character = m ? Math.max(0, Number(m[2]) - 1) : 0;
    return {
      range: { start: { line, character }, end: { line, character: character + 1 } },
      severity: DiagnosticSeverity.Warning,
      source: 'apim-vnet',
      message: m ? m[3] : p,
    };
  });
}

function progressCancelled(p: WorkDoneProgressReporter): boolean {
  const t = (p as { token?: CancellationToken }).token;
  return !!t?.isCancellationRequested;
}

function serverVersion(): string {
  try {
    // dist/server.js and out/server/src/lsp/main.js both sit below the package root
    for (const rel of ['../package.json', '../../../../package.json', '../../package.json']) {
      const p = require('path').join(__dirname, rel);
      if (fs.existsSync(p)) {
        const pkg = JSON.parse(fs.readFileSync(p, 'utf8'));
        if (pkg.name === 'apim-vnet-lint') return String(pkg.version);
      }
    }
  } catch {
    /* unknown */
  }
  return '0.0.0';
}
