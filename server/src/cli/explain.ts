/**
 * `--explain`: engineer B2's network report (report.ts `explainText`) for one analyzed template,
 * with the profile per service and the requirement rows' verdicts taken from the same NSG
 * analysis the rules use (rules/nsg-analysis.ts), so the report and the findings agree.
 */
import type { AnalysisResult } from '../analyzer';
import { explainText, type RequirementRow as ReportRow } from '../report';
import { buildChain } from '../network/chain';
import { nsgAnalyses, directionText } from '../rules/nsg-analysis';
import { describeRule, type NsgRuleView } from '../network/nsg';

export function explainResult(result: AnalysisResult, baseDir: string): string {
  const template = result.template;
  if (!template) return 'not modelled (see the findings)\n';
  const services = result.services ?? buildChain(template);
  const ctx = result.context;
  let analyses: ReturnType<typeof nsgAnalyses> = [];
  if (ctx) {
    try {
      analyses = nsgAnalyses(ctx);
    } catch {
      analyses = [];
    }
  }
  return explainText(template, services, {
    baseDir,
    profileFor: ctx ? (s) => ctx.profileFor(s) : undefined,
    rows: ctx
      ? (service, loc) => {
          const a = analyses.find((x) => x.service === service && x.loc === loc);
          if (!a) return undefined;
          return a.verdicts.map((v): ReportRow => {
            const decider: NsgRuleView | undefined =
              v.status === 'blocked' ? v.blocked[0]?.rule : v.status === 'unknown' ? v.unknown[0]?.rule : v.allowedBy[0]?.rule;
            return {
              row: v.row.row,
              purpose: v.row.purpose,
              direction: directionText(v.direction),
              ports: v.ports.toString(),
              verdict: v.status === 'satisfied' ? 'allowed' : v.status,
              class: v.row.class,
              ...(v.status === 'blocked' ? { blockedPorts: v.blocked.map((b) => b.portsText).join(', ') } : {}),
              ...(decider ? { decidingRule: describeRule(decider) } : {}),
              ...(decider && (decider.accessOrigin ?? decider.origin) ? { decidingRuleOrigin: decider.accessOrigin ?? decider.origin } : {}),
              ...(v.status === 'unknown' && v.unknown[0] ? { note: v.unknown[0].reason } : {}),
            };
          });
        }
      : undefined,
  });
}
