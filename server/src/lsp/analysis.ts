/**
 * Parse/analysis cache per document URI + version + configuration generation. The core
 * analyzer is synchronous; this module only supplies it with the document text, the effective
 * configuration, the parameter file and a file reader that prefers open documents.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver';
import { analyze, fileSkippedFinding, type AnalysisResult } from '../analyzer';
import type { ApimVnetConfig } from '../config/types';
import { DEFAULT_MAX_FILE_SIZE } from '../config/types';
import { fileKeyForUri, pathToUri, uriToPath } from './uri';
import { RangeConverter, findingsToDiagnostics } from './diagnostics';

export interface AnalysisEntry {
  uri: string;
  version: number;
  /** Configuration generation the analysis ran with. */
  generation: number;
  fileKey: string;
  config: ApimVnetConfig;
  parametersFile?: string;
  result: AnalysisResult;
  /** Diagnostics per URI (the document itself, and linked files findings were placed in). */
  diagnostics: Map<string, Diagnostic[]>;
  /** Whether the document is treated as a template (diagnostics published). */
  isTemplate: boolean;
  /** Analysis time in milliseconds. */
  elapsedMs: number;
}

export interface EffectiveConfig {
  config: ApimVnetConfig;
  parametersFile?: string;
  /**
   * Folders linked templates may be read from (the workspace folder of the document, else its
   * own folder); undefined = no restriction. The parameter file is allowed wherever it is.
   */
  readRoots?: string[];
}

function realOrUndefined(p: string): string | undefined {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return undefined;
  }
}

function insideAny(file: string, roots: string[]): boolean {
  return roots.some((r) => {
    const rel = path.relative(r, file);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}

/**
 * Reads a file for the analyzer: open documents first, then disk (size-capped); never throws.
 * With `roots`, a path whose real path is outside every root is never read (nor taken from an
 * open document), except the `allowed` files (the parameter file chosen by the configuration).
 */
export function makeReader(openText: (uri: string) => string | undefined, maxFileSize: number, roots?: string[], allowed: string[] = []): (p: string) => string | undefined {
  const realRoots = roots?.map((r) => realOrUndefined(r) ?? path.resolve(r));
  const realAllowed = new Set(allowed.map((a) => realOrUndefined(a) ?? path.resolve(a)));
  return (p: string) => {
    try {
      const uri = uriToPath(p) !== undefined ? p : pathToUri(p);
      if (realRoots) {
        const fsPath = uriToPath(uri);
        const real = fsPath ? realOrUndefined(fsPath) ?? path.resolve(fsPath) : undefined;
        if (!real || (!realAllowed.has(real) && !insideAny(real, realRoots))) return undefined;
      }
      const open = openText(uri);
      if (open !== undefined) return open;
      const fsPath = uriToPath(uri);
      if (!fsPath) return undefined;
      const st = fs.statSync(fsPath);
      if (!st.isFile() || st.size > maxFileSize) return undefined;
      return fs.readFileSync(fsPath, 'utf8');
    } catch {
      return undefined;
    }
  };
}

export class AnalysisCache {
  private readonly entries = new Map<string, AnalysisEntry>();
  /** Bumped on any configuration change; entries of older generations are stale. */
  generation = 0;

  constructor(private readonly openText: (uri: string) => string | undefined) {}

  get(uri: string): AnalysisEntry | undefined {
    return this.entries.get(uri);
  }

  /** The cached entry when it matches the document version and the current configuration. */
  fresh(doc: TextDocument): AnalysisEntry | undefined {
    const e = this.entries.get(doc.uri);
    return e && e.version === doc.version && e.generation === this.generation ? e : undefined;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }

  invalidateAll(): void {
    this.generation++;
  }

  /** Analyzes the document (or returns the fresh cached analysis). */
  analyze(doc: TextDocument, eff: EffectiveConfig): AnalysisEntry {
    const cached = this.fresh(doc);
    if (cached) return cached;
    const prev = this.entries.get(doc.uri);
    const entry = analyzeText(doc, eff, this.openText, this.generation, prev?.isTemplate ?? false);
    this.entries.set(doc.uri, entry);
    return entry;
  }
}

/** One analysis of a document's text (no caching). Never throws: a crash of the core becomes an empty analysis. */
export function analyzeText(
  doc: TextDocument,
  eff: EffectiveConfig,
  openText: (uri: string) => string | undefined,
  generation = 0,
  wasTemplate = false,
  log?: (m: string) => void,
): AnalysisEntry {
  const t0 = performance.now();
  const fileKey = fileKeyForUri(doc.uri);
  // an untitled (or other non-file) document has no folder: linked files cannot be resolved
  // relative to it, so nothing is read from disk for it
  const readFile = uriToPath(doc.uri) !== undefined ? makeReader(openText, eff.config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, eff.readRoots, eff.parametersFile ? [eff.parametersFile] : []) : () => undefined;
  let result: AnalysisResult;
  const maxSize = eff.config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const text = doc.getText();
  // UTF-16 length is a lower bound of the UTF-8 size; count bytes only when it could matter
  const size = text.length * 3 <= maxSize ? text.length : Buffer.byteLength(text, 'utf8');
  try {
    result = size > maxSize ? skipped(fileKey, size, maxSize) : analyze({ file: fileKey, text, config: eff.config, parametersFile: eff.parametersFile, readFile });
  } catch (e) {
    log?.(`analyzer failed on ${doc.uri}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    result = { kind: 'other', findings: [] };
  }
  let diagnostics: Map<string, Diagnostic[]>;
  // A template that becomes invalid JSON mid-typing stays a template (its invalid-json finding is
  // shown); any other broken JSON file is left to the editor's own JSON support.
  const isTemplate =
    result.kind === 'template' ||
    (wasTemplate && result.findings.some((f) => f.ruleId === 'invalid-json' || f.ruleId === 'file-skipped')) ||
    (result.findings.some((f) => f.ruleId === 'file-skipped') && /deploymentTemplate\.json/i.test(doc.getText({ start: { line: 0, character: 0 }, end: doc.positionAt(4096) })));
  if (isTemplate) {
    const conv = new RangeConverter(doc, fileKey, readFile);
    diagnostics = findingsToDiagnostics(result.findings, doc, conv);
  } else {
    diagnostics = new Map([[doc.uri, []]]);
  }
  return {
    uri: doc.uri,
    version: doc.version,
    generation,
    fileKey,
    config: eff.config,
    parametersFile: eff.parametersFile,
    result,
    diagnostics,
    isTemplate,
    elapsedMs: performance.now() - t0,
  };
}

/** The `file-skipped` analysis of a document over the size limit (not parsed at all). */
function skipped(fileKey: string, size: number, maxSize: number): AnalysisResult {
  return { kind: 'other', findings: [fileSkippedFinding(fileKey, size, maxSize)] };
}
