/**
 * `--format text`: one line per finding, `path:line:col severity message [rule-id]`
 * (path relative to the working directory, 1-based line/column), then a summary line
 * `3 errors, 2 warnings, 1 info in 5 files (12 files scanned)`.
 */
import type { OutputContext, RunReport } from './common';
import { displayPath, Locator, summarize, summaryLine } from './common';

export function formatText(report: RunReport, ctx: OutputContext): string {
  const loc = new Locator(ctx.textOf);
  const lines: string[] = [];
  for (const file of report.files) {
    for (const f of file.findings) {
      const r = loc.range(f.location.file, f.location.range.offset, f.location.range.length);
      const message = f.message.replace(/\s*\r?\n\s*/g, ' ');
      lines.push(`${displayPath(f.location.file, ctx.cwd)}:${r.line}:${r.column} ${f.severity} ${message} [${f.ruleId}]`);
    }
  }
  lines.push(summaryLine(summarize(report)));
  return lines.join('\n') + '\n';
}
