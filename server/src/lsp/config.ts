/**
 * Effective configuration of a document: `workspace/configuration` section `apimVnet` (pulled
 * per document, cached until didChangeConfiguration) merged OVER the nearest `.apim-vnet.json`
 * (cached until a watched config file changes), plus its parameter file and ignore verdict.
 */
import * as path from 'path';
import type { Connection } from 'vscode-languageserver';
import { mergeConfig, findParametersFile, isIgnored } from '../config/load';
import type { ApimVnetConfig } from '../config/types';
import { FileConfigCache } from './file-config';
import { normalizeSettings, settingsOverrides, DEFAULT_DEBOUNCE_MS, type LspSettings } from './settings';
import { uriToPath } from './uri';

export const SETTINGS_SECTION = 'apimVnet';

export interface DocumentConfig {
  config: ApimVnetConfig;
  settings: LspSettings;
  parametersFile?: string;
  /** Excluded by the config file's `ignore` globs. */
  ignored: boolean;
  /** Folders linked templates may be read from: the document's workspace folder, else its own folder. */
  readRoots?: string[];
}

export class ConfigProvider {
  /** Whether the client answers workspace/configuration (pull model). */
  pullSupported = false;
  /** Settings pushed with didChangeConfiguration (clients without the pull model). */
  private pushed: LspSettings = {};
  private readonly perUri = new Map<string, Promise<LspSettings>>();
  private global: LspSettings = {};
  /** Workspace folder paths (for settings' parameterFiles globs). */
  folders: string[] = [];
  readonly files: FileConfigCache;

  constructor(
    private readonly connection: Connection,
    log: (m: string) => void,
    onConfigProblems?: (file: string, problems: string[]) => void,
  ) {
    this.files = new FileConfigCache((file, problems) => {
      if (problems.length) log(`configuration ${file}: ${problems.join('; ')}`);
      onConfigProblems?.(file, problems);
    });
  }

  get debounceMs(): number {
    return this.global.debounceMs ?? this.pushed.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  }

  /** didChangeConfiguration: drop cached settings (and take pushed ones when given). */
  async settingsChanged(pushedRaw?: unknown): Promise<void> {
    this.perUri.clear();
    if (pushedRaw && typeof pushedRaw === 'object' && SETTINGS_SECTION in (pushedRaw as object)) {
      this.pushed = normalizeSettings((pushedRaw as Record<string, unknown>)[SETTINGS_SECTION]);
    }
    await this.refreshGlobal();
  }

  configFilesChanged(): void {
    this.files.clear();
  }

  async refreshGlobal(): Promise<void> {
    this.global = this.pullSupported ? await this.pull(undefined) : this.pushed;
  }

  private async pull(scopeUri: string | undefined): Promise<LspSettings> {
    try {
      const raw: unknown = await this.connection.workspace.getConfiguration(scopeUri ? { scopeUri, section: SETTINGS_SECTION } : { section: SETTINGS_SECTION });
      return normalizeSettings(raw);
    } catch {
      return this.pushed;
    }
  }

  settingsFor(uri: string): Promise<LspSettings> {
    if (!this.pullSupported) return Promise.resolve(this.pushed);
    let p = this.perUri.get(uri);
    if (!p) {
      p = this.pull(uri);
      this.perUri.set(uri, p);
    }
    return p;
  }

  forget(uri: string): void {
    this.perUri.delete(uri);
  }

  async forUri(uri: string): Promise<DocumentConfig> {
    return this.resolve(uri, await this.settingsFor(uri));
  }

  /** Synchronous resolution with given settings (used by the workspace scan). */
  resolve(uri: string, settings: LspSettings): DocumentConfig {
    const file = uriToPath(uri);
    const found = file ? this.files.forFile(file) : undefined;
    const config = mergeConfig(found?.config, settingsOverrides(settings));
    let parametersFile: string | undefined;
    let ignored = false;
    if (file) {
      ignored = isIgnored(file, found?.config, found?.dir);
      // settings' parameterFiles globs are relative to the workspace folder holding the template
      if (settings.parameterFiles) {
        const folder = this.folderOf(file);
        if (folder) parametersFile = findParametersFile(file, { parameterFiles: settings.parameterFiles }, folder, { isFile: () => false });
      }
      parametersFile ??= findParametersFile(file, found?.config, found?.dir);
    }
    // linked templates are read only inside the workspace folder (a file outside any folder: its own folder tree)
    const readRoots = file ? [this.folderOf(file) ?? path.dirname(file)] : undefined;
    return { config, settings, parametersFile, ignored, readRoots };
  }

  folderOf(file: string): string | undefined {
    let best: string | undefined;
    for (const f of this.folders) {
      const rel = path.relative(f, file);
      if (!rel.startsWith('..') && !path.isAbsolute(rel) && (!best || f.length > best.length)) best = f;
    }
    return best;
  }
}
