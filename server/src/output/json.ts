/**
 * `--format json`. STABLE SHAPE (additive changes only; bump `formatVersion` on a breaking one):
 *
 * {
 *   "version": "0.1.0",                 // tool version (package.json)
 *   "formatVersion": 1,
 *   "files": [{
 *     "path": "templates/main.json",    // relative to the working directory, "/" separators
 *     "kind": "template" | "parameters" | "other" | "skipped",
 *     "parametersFile"?: "templates/main.parameters.json",
 *     "findings": [{
 *       "ruleId": "nsg-blocks-required-port",
 *       "severity": "error" | "warning" | "info",
 *       "message": "...",
 *       "path": "templates/main.json",  // file the finding is in (a linked template may differ)
 *       "line": 12, "column": 9, "endLine": 12, "endColumn": 15,   // 1-based, end exclusive
 *       "offset": 321, "length": 6,     // UTF-16 offsets into that file
 *       "profile"?: "stv1" | "stv2",
 *       "docsUrl": "https://.../docs/rules/<id>.md",
 *       "related": [{ "path", "line", "column", "endLine", "endColumn", "message" }],
 *       "fixes": [{ "id", "title", "isPreferred",
 *                   "edits": [{ "path", "offset", "length", "content", "line", "column", "endLine", "endColumn" }] }],
 *       "noFixReason"?: "..."
 *     }]
 *   }],
 *   "summary": { "errors", "warnings", "infos", "filesWithFindings", "filesScanned", "fixable" },
 *   "problems"?: ["missing.json: cannot read: no such file or directory"]   // run problems (stderr)
 * }
 */
import type { OutputContext, RunReport, Summary } from './common';
import { displayPath, Locator, summarize } from './common';
import { docsUrl } from '../rules/rule';

export const JSON_FORMAT_VERSION = 1;

export interface JsonRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface JsonFinding extends JsonRange {
  ruleId: string;
  severity: string;
  message: string;
  path: string;
  offset: number;
  length: number;
  profile?: string;
  docsUrl: string;
  related: (JsonRange & { path: string; message: string })[];
  fixes: { id: string; title: string; isPreferred: boolean; edits: (JsonRange & { path: string; offset: number; length: number; content: string })[] }[];
  noFixReason?: string;
}

export interface JsonReport {
  version: string;
  formatVersion: number;
  files: { path: string; kind: string; parametersFile?: string; findings: JsonFinding[] }[];
  summary: Summary;
  problems?: string[];
}

export function toJsonReport(report: RunReport, ctx: OutputContext): JsonReport {
  const loc = new Locator(ctx.textOf);
  const show = (f: string) => displayPath(f, ctx.cwd);
  return {
    version: ctx.toolVersion,
    formatVersion: JSON_FORMAT_VERSION,
    files: report.files.map((file) => ({
      path: show(file.path),
      kind: file.kind,
      ...(file.parametersFile ? { parametersFile: show(file.parametersFile) } : {}),
      findings: file.findings.map((f): JsonFinding => {
        const r = loc.range(f.location.file, f.location.range.offset, f.location.range.length);
        const out: JsonFinding = {
          ruleId: f.ruleId,
          severity: f.severity,
          message: f.message,
          path: show(f.location.file),
          ...r,
          offset: f.location.range.offset,
          length: f.location.range.length,
          docsUrl: docsUrl(f.ruleId),
          related: f.related.map((rel) => ({
            path: show(rel.location.file),
            ...loc.range(rel.location.file, rel.location.range.offset, rel.location.range.length),
            message: rel.message,
          })),
          fixes: f.fixes.map((fx) => ({
            id: fx.id,
            title: fx.title,
            isPreferred: fx.isPreferred,
            edits: fx.edits.map((e) => ({
              path: show(e.file),
              offset: e.offset,
              length: e.length,
              content: e.content,
              ...loc.range(e.file, e.offset, e.length),
            })),
          })),
        };
        if (f.profile) out.profile = f.profile;
        if (f.noFixReason) out.noFixReason = f.noFixReason;
        return out;
      }),
    })),
    summary: summarize(report),
    ...(report.problems && report.problems.length > 0 ? { problems: [...report.problems] } : {}),
  };
}

export function formatJson(report: RunReport, ctx: OutputContext): string {
  return JSON.stringify(toJsonReport(report, ctx), null, 2) + '\n';
}
