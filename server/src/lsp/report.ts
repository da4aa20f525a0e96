/**
 * `apimVnet/networkReport`: Markdown of the resolved chain and the findings of one document.
 */
import type { AnalysisEntry } from './analysis';

export function reportMarkdown(entry: AnalysisEntry, title: string): string {
  const r = entry.result;
  const lines: string[] = [`# APIM VNet report — ${title}`, ''];
  if (!entry.isTemplate) {
    lines.push('This document is not an ARM deployment template.');
    return lines.join('\n');
  }
  const services = r.services ?? [];
  if (services.length === 0) lines.push('No `Microsoft.ApiManagement/service` resource found.');
  for (const s of services) {
    const name = typeof s.resource.name === 'string' ? s.resource.name : String(s.resource.name);
    const profile = r.context ? r.context.profileFor(s) : undefined;
    lines.push(`## ${name}`, '');
    lines.push(`- sku: \`${String(s.skuName)}\`, virtualNetworkType: \`${String(s.virtualNetworkType)}\`${profile ? `, profile **${profile}**` : ''}`);
    for (const loc of s.locations) {
      lines.push(`- location ${loc.index} (\`${String(loc.location)}\`): subnet ${loc.subnet.status}, VNet ${loc.vnet.status}, NSG ${loc.nsg.status}, route table ${loc.routeTable.status}`);
    }
    lines.push('');
  }
  lines.push('## Findings', '');
  if (r.findings.length === 0) lines.push('None.');
  for (const f of r.findings) lines.push(`- **${f.severity}** \`${f.ruleId}\`: ${f.message}`);
  return lines.join('\n');
}
