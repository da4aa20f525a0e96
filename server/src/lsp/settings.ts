/**
 * The `apimVnet` settings section (VS Code settings or any LSP client's workspace/configuration)
 * and its merge OVER the `.apim-vnet.json` file configuration: a value set in the settings
 * overrides the file; an absent value keeps the file's (the VS Code client sends only values the
 * user set explicitly, so defaults never mask the file).
 */
import type { ApimVnetConfig, Platform } from '../config/types';
import type { SeveritySetting } from '../findings';

export const DEFAULT_DEBOUNCE_MS = 50;

export interface LspSettings {
  platform?: Platform;
  rules?: Record<string, SeveritySetting>;
  parameterFiles?: Record<string, string>;
  debounceMs?: number;
  maxFileSize?: number;
}

const PLATFORMS = new Set(['auto', 'stv1', 'stv2']);
const SEVERITIES = new Set(['off', 'info', 'warning', 'error']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates whatever the client sent; unknown or ill-typed members are dropped. */
export function normalizeSettings(raw: unknown): LspSettings {
  const out: LspSettings = {};
  if (!isRecord(raw)) return out;
  if (typeof raw.platform === 'string' && PLATFORMS.has(raw.platform)) out.platform = raw.platform as Platform;
  if (isRecord(raw.rules)) {
    const rules: Record<string, SeveritySetting> = {};
    for (const [k, v] of Object.entries(raw.rules)) {
      if (typeof v === 'string' && SEVERITIES.has(v)) rules[k] = v as SeveritySetting;
    }
    if (Object.keys(rules).length) out.rules = rules;
  }
  if (isRecord(raw.parameterFiles)) {
    const pf: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw.parameterFiles)) if (typeof v === 'string') pf[k] = v;
    if (Object.keys(pf).length) out.parameterFiles = pf;
  }
  if (typeof raw.debounceMs === 'number' && Number.isFinite(raw.debounceMs) && raw.debounceMs >= 0) {
    out.debounceMs = Math.min(raw.debounceMs, 10_000);
  }
  if (typeof raw.maxFileSize === 'number' && Number.isFinite(raw.maxFileSize) && raw.maxFileSize > 0) {
    out.maxFileSize = raw.maxFileSize;
  }
  return out;
}

/** The settings as configuration overrides (config/load.ts mergeConfig: overrides win). */
export function settingsOverrides(settings: LspSettings): ApimVnetConfig {
  const out: ApimVnetConfig = {};
  if (settings.platform) out.platform = settings.platform;
  if (settings.rules) out.rules = { ...settings.rules };
  if (settings.maxFileSize !== undefined) out.maxFileSize = settings.maxFileSize;
  return out;
}
