/**
 * `apimVnet/networkReport`: the resolved chain of every APIM service and every requirement row's
 * verdict with its deciding rule (report.ts, shared with the CLI's --explain, from the same NSG
 * analysis the rules use), followed by the findings of the document, as Markdown.
 */
import type { AnalysisEntry } from './analysis';
import { networkReportMarkdown, reportOptionsFor } from '../report';

export function reportMarkdown(entry: AnalysisEntry, title: string): string {
  const r = entry.result;
  if (!entry.isTemplate || !r.template) {
    const lines = [`# APIM network report: ${title}`, ''];
    lines.push(entry.isTemplate ? 'The template could not be modelled (see the findings below).' : 'This document is not an ARM deployment template.');
    lines.push('', ...findingsSection(entry));
    return lines.join('\n');
  }
  const ctx = r.context;
  let md: string;
  try {
    md = networkReportMarkdown(r.template, r.services ?? [], reportOptionsFor(ctx));
  } catch (e) {
    md = `# APIM network report: ${title}\n\nThe chain could not be rendered (${e instanceof Error ? e.message : String(e)}).\n`;
  }
  return `${md.trimEnd()}\n\n${findingsSection(entry).join('\n')}\n`;
}

function findingsSection(entry: AnalysisEntry): string[] {
  const f = entry.result.findings;
  const out = ['## Findings', ''];
  if (f.length === 0) out.push('No findings.');
  for (const x of f) out.push(`- **${x.severity}** \`${x.ruleId}\`${x.profile ? ` (${x.profile})` : ''}: ${x.message.replace(/[\r\n]+/g, ' ')}`);
  return out;
}
