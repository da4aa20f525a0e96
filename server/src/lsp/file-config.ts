/**
 * `.apim-vnet.json` for the server: the nearest ancestor (config/load.ts), cached per folder and
 * cleared when the client reports a change of a watched config file. An invalid file still
 * contributes its valid parts; each read reports its problems (possibly none) through `onProblem`.
 */
import * as path from 'path';
import { findConfigFile, parseConfigText, nodeConfigFs } from '../config/load';
import type { ApimVnetConfig } from '../config/types';

export { CONFIG_FILE_NAME } from '../config/load';

export interface FoundConfig {
  file: string;
  dir: string;
  config: ApimVnetConfig;
}

export class FileConfigCache {
  private readonly byDir = new Map<string, FoundConfig | null>();
  private readonly byFile = new Map<string, FoundConfig>();
  /** The text each cached config was parsed from (undefined: unreadable), to tell a stale entry. */
  private readonly texts = new Map<string, string | undefined>();

  constructor(private readonly onProblem: (file: string, problems: string[]) => void = () => undefined) {}

  clear(): void {
    this.byDir.clear();
    this.byFile.clear();
    this.texts.clear();
  }

  /**
   * True when what `forFile(filePath)` cached no longer matches the disk: a nearer config was
   * created, the cached one was deleted or its text changed. Clients without file watching never
   * report such changes (didChangeWatchedFiles), so the server checks on didOpen and before a
   * workspace scan. A folder never looked at is not stale (its first look reads the disk).
   */
  isStale(filePath: string): boolean {
    return this.dirIsStale(path.dirname(path.resolve(filePath)), new Map());
  }

  /** True when any cached folder is stale (one read per config file). */
  anyStale(): boolean {
    const textNow = new Map<string, string | undefined>();
    for (const dir of this.byDir.keys()) if (this.dirIsStale(dir, textNow)) return true;
    return false;
  }

  private dirIsStale(dir: string, textNow: Map<string, string | undefined>): boolean {
    if (!this.byDir.has(dir)) return false;
    const cached = this.byDir.get(dir)?.file;
    let file: string | undefined;
    try {
      file = findConfigFile(dir);
    } catch {
      return false;
    }
    if (file !== cached) return true;
    if (!file) return false;
    if (!textNow.has(file)) textNow.set(file, nodeConfigFs.readFile(file));
    return textNow.get(file) !== this.texts.get(file);
  }

  /** The nearest `.apim-vnet.json` at or above the folder of `filePath`. */
  forFile(filePath: string): FoundConfig | undefined {
    const dir = path.dirname(path.resolve(filePath));
    if (this.byDir.has(dir)) return this.byDir.get(dir) ?? undefined;
    let found: FoundConfig | undefined;
    try {
      const file = findConfigFile(dir);
      if (file) {
        found = this.byFile.get(file);
        if (!found) {
          const text = nodeConfigFs.readFile(file);
          this.texts.set(file, text);
          const { config, errors } = text === undefined ? { config: {}, errors: ['cannot read the file'] } : parseConfigText(text);
          this.onProblem(file, errors);
          found = { file, dir: path.dirname(file), config };
          this.byFile.set(file, found);
        }
      }
    } catch {
      found = undefined;
    }
    this.byDir.set(dir, found ?? null);
    return found;
  }
}
