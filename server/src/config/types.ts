/**
 * Configuration shared by the CLI and the language server (`.apim-vnet.json`, VS Code settings,
 * CLI flags). CONTRACT: config/load.ts reads files into this; analyzer.ts consumes it.
 */
import type { SeveritySetting } from '../findings';

export type Platform = 'auto' | 'stv1' | 'stv2';

export interface ApimVnetConfig {
  /** Requirement profile: `auto` picks stv1/stv2 per APIM resource (requirements.md). */
  platform?: Platform;
  /** Per-rule severity override. */
  rules?: Record<string, SeveritySetting>;
  /** Template glob (relative to the config file's folder) → parameter file (relative to it). */
  parameterFiles?: Record<string, string>;
  /** Globs (relative to the config file's folder) of files never analyzed. */
  ignore?: string[];
  /** Files larger than this many bytes are skipped with a finding (default 20 MB). */
  maxFileSize?: number;
}

export const DEFAULT_MAX_FILE_SIZE = 20 * 1024 * 1024;
