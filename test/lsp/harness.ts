/**
 * A real LSP client for protocol tests: spawns the compiled server (`out/server/src/lsp/main.js
 * --stdio`) and talks to it over a vscode-languageserver-protocol connection. Waiting is
 * event-driven with a deadline (re-checked on every message from the server), never a sleep.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  PublishDiagnosticsNotification,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidChangeConfigurationNotification,
  ConfigurationRequest,
  WorkDoneProgressCreateRequest,
  RegistrationRequest,
  ShutdownRequest,
  ExitNotification,
  type ProtocolConnection,
  type Diagnostic,
  type InitializeResult,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const SERVER_MAIN = path.join(REPO_ROOT, 'out', 'server', 'src', 'lsp', 'main.js');

/** A file of a temporary workspace folder: its file: URI. */
export function workspaceUri(ws: string, rel: string): string {
  return pathToFileURL(path.join(ws, rel)).href;
}

/** Writes a file of a temporary workspace folder (creating its directories). */
export function writeWorkspaceFile(ws: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
  fs.writeFileSync(path.join(ws, rel), text);
}

export interface Published {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

export class LspClient {
  readonly conn: ProtocolConnection;
  /** Latest diagnostics per URI. */
  readonly diagnostics = new Map<string, Published>();
  /** Every publishDiagnostics in arrival order. */
  readonly history: Published[] = [];
  readonly statuses: Record<string, unknown>[] = [];
  readonly progress: { token: unknown; value: { kind: string; title?: string; message?: string; percentage?: number } }[] = [];
  readonly logs: string[] = [];
  /** The `apimVnet` section answered to workspace/configuration. */
  settings: Record<string, unknown> = { debounceMs: 10 };
  configurationRequests = 0;
  stderr = '';
  exitCode: number | null | undefined = undefined;
  private readonly listeners = new Set<() => void>();
  private readonly docs = new Map<string, TextDocument>();

  /**
   * The reader of the server's stdout. When the server dies in the middle of a message, the rest
   * never comes, and vscode-jsonrpc re-arms a 10 s "partial message" timer forever (disposing the
   * connection does not clear it), which kept a finished test file's process alive: `stopReading`
   * turns that timer off.
   */
  private readonly reader: StreamMessageReader;

  private constructor(readonly child: ChildProcess) {
    this.reader = new StreamMessageReader(child.stdout!);
    this.conn = createProtocolConnection(this.reader, new StreamMessageWriter(child.stdin!));
    child.stderr!.on('data', (b: Buffer) => {
      this.stderr += b.toString();
    });
    child.on('exit', (code) => {
      this.exitCode = code;
      this.stopReading();
      this.notify();
      // pending requests fail instead of hanging when the server dies
      setImmediate(() => {
        try {
          this.conn.dispose();
        } catch {
          /* already disposed */
        }
      });
    });
    this.conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      const pub = { uri: p.uri, version: p.version, diagnostics: p.diagnostics };
      this.diagnostics.set(p.uri, pub);
      this.history.push(pub);
      this.notify();
    });
    this.conn.onNotification('apimVnet/status', (p: Record<string, unknown>) => {
      this.statuses.push(p);
      this.notify();
    });
    this.conn.onNotification('$/progress', (p: { token: unknown; value: never }) => {
      this.progress.push(p);
      this.notify();
    });
    this.conn.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
      this.notify();
    });
    this.conn.onRequest(ConfigurationRequest.type, (p) => {
      this.configurationRequests++;
      return p.items.map((it) => (it.section === 'apimVnet' ? this.settings : null));
    });
    this.conn.onRequest(WorkDoneProgressCreateRequest.type, () => null);
    this.conn.onRequest(RegistrationRequest.type, () => undefined);
    this.conn.listen();
  }

  static start(args: string[] = ['--stdio'], main = SERVER_MAIN): LspClient {
    const child = spawn(process.execPath, [main, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    return new LspClient(child);
  }

  async initialize(opts: { rootUri?: string | null; workspaceFolders?: { uri: string; name: string }[] } = {}): Promise<InitializeResult> {
    const result = await this.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: opts.rootUri ?? null,
      workspaceFolders: opts.workspaceFolders ?? null,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true },
        window: { workDoneProgress: true },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
          codeAction: { dataSupport: true, isPreferredSupport: true, codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
      },
    });
    await this.conn.sendNotification(InitializedNotification.type, {});
    return result;
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  /** Resolves with check()'s first non-undefined result, re-checked on every server message; rejects at the deadline. */
  waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const attempt = () => {
        let v: T | undefined | false;
        try {
          v = check();
        } catch (e) {
          cleanup();
          reject(e);
          return true;
        }
        if (v !== undefined && v !== false) {
          cleanup();
          resolve(v as T);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stderr: ${this.stderr.slice(-2000)}; logs: ${this.logs.slice(-5).join(' | ')}`));
      }, timeoutMs);
      const listener = () => void attempt();
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
      attempt();
    });
  }

  /** Waits for diagnostics of `uri` published for `version` (or any, when the server sends none) that satisfy `pred`. */
  waitForDiagnostics(uri: string, pred: (d: Diagnostic[]) => boolean, what: string, version?: number, timeoutMs?: number): Promise<Diagnostic[]> {
    return this.waitFor(() => {
      const p = this.diagnostics.get(uri);
      if (!p) return undefined;
      if (version !== undefined && p.version !== undefined && p.version !== version) return undefined;
      return pred(p.diagnostics) ? p.diagnostics : undefined;
    }, what, timeoutMs);
  }

  doc(uri: string): TextDocument {
    const d = this.docs.get(uri);
    if (!d) throw new Error(`not open: ${uri}`);
    return d;
  }

  async open(uri: string, text: string, languageId = 'json'): Promise<TextDocument> {
    const d = TextDocument.create(uri, languageId, 1, text);
    this.docs.set(uri, d);
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    return d;
  }

  /** Replaces the whole text (full-document change event). */
  async replace(uri: string, text: string): Promise<TextDocument> {
    const old = this.doc(uri);
    const d = TextDocument.create(uri, old.languageId, old.version + 1, text);
    this.docs.set(uri, d);
    await this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: d.version }, contentChanges: [{ text }] });
    return d;
  }

  /** Sends incremental edits (as an editor applying a WorkspaceEdit does). */
  async edit(uri: string, edits: TextEdit[]): Promise<TextDocument> {
    const old = this.doc(uri);
    const text = TextDocument.applyEdits(old, edits);
    const d = TextDocument.create(uri, old.languageId, old.version + 1, text);
    this.docs.set(uri, d);
    // incremental changes must be sent back to front so that each range refers to the text before it
    const sorted = [...edits].sort((a, b) => old.offsetAt(b.range.start) - old.offsetAt(a.range.start));
    await this.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: d.version },
      contentChanges: sorted.map((e) => ({ range: e.range, text: e.newText })),
    });
    return d;
  }

  async applyWorkspaceEdit(edit: WorkspaceEdit): Promise<void> {
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) await this.edit(uri, edits);
  }

  async close(uri: string): Promise<void> {
    this.docs.delete(uri);
    await this.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async changeSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  /** shutdown + exit; resolves with the process exit code. */
  async shutdown(timeoutMs = 10_000): Promise<number | null> {
    if (this.exitCode === undefined) {
      await this.conn.sendRequest(ShutdownRequest.type);
      await this.conn.sendNotification(ExitNotification.type);
    }
    const code = await this.waitFor(() => (this.exitCode !== undefined ? { code: this.exitCode } : undefined), 'server exit', timeoutMs);
    return code.code;
  }

  /** No more partial-message timers (see `reader`): nothing more will arrive after the server is gone. */
  private stopReading(): void {
    this.reader.partialMessageTimeout = 0;
  }

  kill(): void {
    if (this.exitCode === undefined) this.child.kill();
    this.stopReading();
    try {
      this.conn.dispose();
    } catch {
      /* already disposed */
    }
  }
}
