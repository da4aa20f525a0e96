/**
 * The one entry point of the core for both fronts (CLI and language server):
 * text + options → findings. Pure and synchronous; never throws on any text.
 */
import type { Finding } from './findings';
import type { ApimVnetConfig } from './config/types';
import type { Template } from './template/model';

export interface AnalyzeOptions {
  /** Absolute path (CLI) or URI string (server) of the document. */
  file: string;
  text: string;
  /** Effective configuration (file config merged with settings / CLI flags). */
  config?: ApimVnetConfig;
  /** Parameter file to apply, when one belongs to this template. */
  parametersFile?: string;
  /** Reads linked templates and parameter files; undefined = not readable / not allowed. */
  readFile?: (path: string) => string | undefined;
}

export type DocumentKind = 'template' | 'parameters' | 'other';

export interface AnalysisResult {
  kind: DocumentKind;
  findings: Finding[];
  template?: Template;
}

export function analyze(opts: AnalyzeOptions): AnalysisResult {
  void opts;
  return { kind: 'other', findings: [] };
}
