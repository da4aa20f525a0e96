/**
 * `.apim-vnet.json`: finding (nearest ancestor wins), reading and validating it, merging it with
 * overrides (VS Code settings, CLI flags), and locating a template's parameter file.
 *
 * Never throws on user input: problems come back as `ConfigLoadError` values whose `message`
 * names the file, the position and the problem; the CLI prints them and exits 2.
 *
 * File shape (schemas/apim-vnet.schema.json):
 *   { "$schema"?: string, "platform"?: "auto"|"stv1"|"stv2",
 *     "rules"?: { "<rule id>": "off"|"info"|"warning"|"error" },
 *     "parameterFiles"?: { "<template glob>": "<parameters file>" },   // both relative to the config's folder
 *     "ignore"?: ["<glob>"],                                             // relative to the config's folder
 *     "maxFileSize"?: <positive integer, bytes> }
 * Comments and trailing commas are accepted (the file is read as JSONC).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { ApimVnetConfig, Platform } from './types';
import type { SeveritySetting } from '../findings';
import { ALL_RULE_META } from '../rules/registry';
import { matchGlob } from './glob';
import { LineIndex } from '../text/lines';

export const CONFIG_FILE_NAME = '.apim-vnet.json';

export const PLATFORMS: readonly Platform[] = ['auto', 'stv1', 'stv2'];
export const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['off', 'info', 'warning', 'error'];

/** A configuration file that was read and validated. */
export interface LoadedConfig {
  /** Absolute path of the `.apim-vnet.json`. */
  file: string;
  /** Its folder: `ignore` and `parameterFiles` are relative to it. */
  dir: string;
  config: ApimVnetConfig;
}

export interface ConfigLoadError {
  file: string;
  /** "<file>:<line>:<col>: <problem>" (position when known). */
  message: string;
}

export type ConfigLoadResult = { ok: true; loaded: LoadedConfig } | { ok: false; error: ConfigLoadError };

/** The file system operations this module needs (injectable for tests and virtual workspaces). */
export interface ConfigFs {
  readFile(file: string): string | undefined;
  isFile(file: string): boolean;
}

export const nodeConfigFs: ConfigFs = {
  readFile(file) {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  },
  isFile(file) {
    try {
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  },
};

/** Every rule id a config may name (the registry's rules and pseudo-rules). */
export function knownRuleIds(): string[] {
  return ALL_RULE_META.map((r) => r.id);
}

/**
 * Validates config text. Returns the config (the valid parts) and the list of problems, each
 * "<line>:<col>: <problem>" (1-based).
 */
export function parseConfigText(text: string, ruleIds: readonly string[] = knownRuleIds()): { config: ApimVnetConfig; errors: string[] } {
  const errors: string[] = [];
  const lines = new LineIndex(text);
  const at = (offset: number, msg: string) => {
    const p = lines.lineColumnAt(offset);
    errors.push(`${p.line}:${p.column}: ${msg}`);
  };
  const parseErrors: ParseError[] = [];
  const root = parseTree(text, parseErrors, { allowTrailingComma: true, disallowComments: false });
  if (parseErrors.length > 0) {
    const e = parseErrors[0];
    at(e.offset, `not valid JSON (${printParseErrorCode(e.error)})`);
    return { config: {}, errors };
  }
  if (!root || root.type !== 'object') {
    at(root ? root.offset : 0, 'the configuration must be a JSON object');
    return { config: {}, errors };
  }
  const config: ApimVnetConfig = {};
  const known = new Set(ruleIds);
  for (const prop of root.children ?? []) {
    const keyNode = prop.children?.[0];
    const valueNode = prop.children?.[1];
    if (!keyNode || !valueNode) continue;
    const key = String(keyNode.value);
    switch (key) {
      case '$schema':
        if (valueNode.type !== 'string') at(valueNode.offset, '"$schema" must be a string');
        break;
      case 'platform':
        if (valueNode.type === 'string' && (PLATFORMS as readonly string[]).includes(valueNode.value)) {
          config.platform = valueNode.value as Platform;
        } else {
          at(valueNode.offset, `"platform" must be one of ${PLATFORMS.map((p) => `"${p}"`).join(', ')}, got ${show(valueNode)}`);
        }
        break;
      case 'rules': {
        if (valueNode.type !== 'object') {
          at(valueNode.offset, '"rules" must be an object of rule id → "off" | "info" | "warning" | "error"');
          break;
        }
        const rules: Record<string, SeveritySetting> = {};
        for (const rp of valueNode.children ?? []) {
          const k = rp.children?.[0];
          const v = rp.children?.[1];
          if (!k || !v) continue;
          const id = String(k.value);
          if (!known.has(id)) {
            at(k.offset, `unknown rule id "${id}"${suggest(id, ruleIds)}`);
            continue;
          }
          if (v.type === 'string' && (SEVERITY_SETTINGS as readonly string[]).includes(v.value)) {
            rules[id] = v.value as SeveritySetting;
          } else {
            at(v.offset, `rule "${id}": severity must be one of "off", "info", "warning", "error", got ${show(v)}`);
          }
        }
        config.rules = rules;
        break;
      }
      case 'parameterFiles': {
        if (valueNode.type !== 'object') {
          at(valueNode.offset, '"parameterFiles" must be an object of template glob → parameter file path');
          break;
        }
        const map: Record<string, string> = {};
        for (const pp of valueNode.children ?? []) {
          const k = pp.children?.[0];
          const v = pp.children?.[1];
          if (!k || !v) continue;
          if (v.type !== 'string' || v.value === '') {
            at(v.offset, `parameterFiles["${k.value}"] must be a non-empty path string, got ${show(v)}`);
            continue;
          }
          if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v.value)) {
            at(v.offset, `parameterFiles["${k.value}"] must be a file path, not a URL`);
            continue;
          }
          map[String(k.value)] = v.value;
        }
        config.parameterFiles = map;
        break;
      }
      case 'ignore': {
        if (valueNode.type !== 'array') {
          at(valueNode.offset, '"ignore" must be an array of glob strings');
          break;
        }
        const globs: string[] = [];
        for (const g of valueNode.children ?? []) {
          if (g.type === 'string' && g.value !== '') globs.push(g.value);
          else at(g.offset, `"ignore" entries must be non-empty glob strings, got ${show(g)}`);
        }
        config.ignore = globs;
        break;
      }
      case 'maxFileSize':
        if (valueNode.type === 'number' && Number.isInteger(valueNode.value) && valueNode.value > 0) {
          config.maxFileSize = valueNode.value;
        } else {
          at(valueNode.offset, `"maxFileSize" must be a positive integer (bytes), got ${show(valueNode)}`);
        }
        break;
      default:
        at(keyNode.offset, `unknown property "${key}" (expected platform, rules, parameterFiles, ignore, maxFileSize)`);
    }
  }
  return { config, errors };
}

function show(n: Node): string {
  if (n.type === 'string') return JSON.stringify(n.value);
  if (n.type === 'number' || n.type === 'boolean' || n.type === 'null') return String(n.value);
  return `an ${n.type}`;
}

function suggest(id: string, ids: readonly string[]): string {
  const low = id.toLowerCase();
  const close = ids.find((x) => x === low || x.replace(/-/g, '') === low.replace(/[-_ ]/g, ''));
  if (close) return ` (did you mean "${close}"?)`;
  return '';
}

/** Reads and validates one config file. */
export function loadConfigFile(file: string, cfs: ConfigFs = nodeConfigFs): ConfigLoadResult {
  const abs = path.resolve(file);
  const text = cfs.readFile(abs);
  if (text === undefined) return { ok: false, error: { file: abs, message: `${abs}: cannot read configuration file` } };
  const { config, errors } = parseConfigText(text);
  if (errors.length > 0) {
    return {
      ok: false,
      error: { file: abs, message: errors.map((e) => `${abs}:${e}`).join('\n') },
    };
  }
  return { ok: true, loaded: { file: abs, dir: path.dirname(abs), config } };
}

/**
 * The nearest `.apim-vnet.json` at or above `startDir` (the folder itself first), up to `stopDir`
 * inclusive when given (e.g. a workspace folder), else up to the file system root.
 */
export function findConfigFile(startDir: string, cfs: ConfigFs = nodeConfigFs, stopDir?: string): string | undefined {
  let dir = path.resolve(startDir);
  const stop = stopDir ? path.resolve(stopDir) : undefined;
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    if (cfs.isFile(candidate)) return candidate;
    if (stop && dir === stop) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Finds and loads the nearest config; `undefined` when there is none. */
export function loadNearestConfig(startDir: string, cfs: ConfigFs = nodeConfigFs, stopDir?: string): ConfigLoadResult | undefined {
  const file = findConfigFile(startDir, cfs, stopDir);
  return file ? loadConfigFile(file, cfs) : undefined;
}

/**
 * `overrides` win over `fileConfig`: scalars replace, `rules` and `parameterFiles` merge key by
 * key (override keys win), `ignore` lists are concatenated (both sets of files stay ignored).
 */
export function mergeConfig(fileConfig: ApimVnetConfig | undefined, overrides: ApimVnetConfig | undefined): ApimVnetConfig {
  const a = fileConfig ?? {};
  const b = overrides ?? {};
  const out: ApimVnetConfig = {};
  const platform = b.platform ?? a.platform;
  if (platform !== undefined) out.platform = platform;
  if (a.rules || b.rules) out.rules = { ...(a.rules ?? {}), ...(b.rules ?? {}) };
  if (a.parameterFiles || b.parameterFiles) out.parameterFiles = { ...(a.parameterFiles ?? {}), ...(b.parameterFiles ?? {}) };
  if (a.ignore || b.ignore) out.ignore = [...(a.ignore ?? []), ...(b.ignore ?? [])];
  const max = b.maxFileSize ?? a.maxFileSize;
  if (max !== undefined) out.maxFileSize = max;
  return out;
}

/** Path of `file` relative to `dir` with `/` separators, or undefined when outside `dir`. */
export function relativeInside(dir: string, file: string): string | undefined {
  const rel = path.relative(path.resolve(dir), path.resolve(file));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/** True when the config's `ignore` globs exclude `file`. */
export function isIgnored(file: string, config: ApimVnetConfig | undefined, configDir: string | undefined): boolean {
  if (!config?.ignore || config.ignore.length === 0 || !configDir) return false;
  const rel = relativeInside(configDir, file);
  if (rel === undefined) return false;
  return config.ignore.some((g) => matchGlob(g, rel));
}

/**
 * The parameter file of a template, in this order:
 *   1. the config's `parameterFiles` map (first glob, relative to `configDir`, that matches the
 *      template's path relative to `configDir`; returned even if the file is missing, so the
 *      caller can say so);
 *   2. `<name>.parameters.json` (or `.jsonc`) beside the template (`main.json` → `main.parameters.json`);
 *   3. `azuredeploy.parameters.json` beside the template.
 * Undefined when none applies. Never returns the template itself.
 */
export function findParametersFile(
  templatePath: string,
  config: ApimVnetConfig | undefined,
  configDir: string | undefined,
  cfs: Pick<ConfigFs, 'isFile'> = nodeConfigFs,
): string | undefined {
  const tpl = path.resolve(templatePath);
  if (config?.parameterFiles && configDir) {
    const rel = relativeInside(configDir, tpl);
    if (rel !== undefined) {
      for (const [glob, pf] of Object.entries(config.parameterFiles)) {
        if (matchGlob(glob, rel)) return path.resolve(configDir, pf);
      }
    }
  }
  const dir = path.dirname(tpl);
  const base = path.basename(tpl).replace(/\.jsonc?$/i, '');
  const candidates = [
    path.join(dir, `${base}.parameters.json`),
    path.join(dir, `${base}.parameters.jsonc`),
    path.join(dir, 'azuredeploy.parameters.json'),
  ];
  for (const c of candidates) {
    if (c !== tpl && cfs.isFile(c)) return c;
  }
  return undefined;
}
