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

  constructor(private readonly onProblem: (file: string, problems: string[]) => void = () => undefined) {}

  clear(): void {
    this.byDir.clear();
    this.byFile.clear();
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
