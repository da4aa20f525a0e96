/**
 * The report options (profile per service, requirement rows with verdicts per location) for
 * report.ts, from an analysis result: shared by the CLI's --explain and the language server's
 * network report, so both show the same table.
 */
import type { AnalysisResult } from './analyzer';
import type { ApimLocation, ApimService } from './network/chain-model';
import type { ReportOptions, RequirementRow as ReportRow } from './report';
import { nsgAnalyses } from './rules/nsg-analysis';
import { describeRule } from './network/nsg';
import { rowsFor } from './requirements';
import { inVnetMode, modeOf, tierName } from './rules/util';

export function reportOptions(result: AnalysisResult, base: ReportOptions = {}): ReportOptions {
  const ctx = result.context;
  if (!ctx) return base;
  const analyses = nsgAnalyses(ctx);
  const why = (s: ApimService): string => {
    if (ctx.platform !== 'auto') return `forced by the platform setting`;
    const pip = s.locations.some((l) => l.publicIpAddressId !== undefined && l.publicIpAddressId !== null && l.publicIpAddressId !== '');
    if (pip) return 'publicIpAddressId is set';
    return `apiVersion ${s.apiVersion ?? s.resource.apiVersion ?? '(none)'} ${ctx.profileFor(s) === 'stv1' ? '<' : '≥'} 2021-08-01`;
  };
  return {
    ...base,
    profileFor: (s) => ({ profile: ctx.profileFor(s), why: why(s) }),
    rows: (s: ApimService, loc: ApimLocation): ReportRow[] | undefined => {
      if (!inVnetMode(s)) return undefined;
      const a = analyses.find((x) => x.service === s && x.loc === loc);
      if (a) {
        return a.verdicts.map((v) => {
          const blocked = v.blocked.map((b) => b.portsText).join(', ');
          const first = v.blocked[0] ?? undefined;
          const allowedBy = v.allowedBy[0];
          const row: ReportRow = {
            row: v.row.row,
            purpose: v.row.purpose,
            direction: v.direction,
            ports: `${v.row.destinationPorts.join(', ')}/${v.row.protocolText}`,
            verdict: v.status === 'satisfied' ? 'allowed' : v.status,
            class: v.row.class,
          };
          if (v.status === 'blocked') {
            row.blockedPorts = blocked;
            row.decidingRule = first ? describeRule(first.rule) : undefined;
            if (first?.rule.accessOrigin) row.decidingRuleOrigin = first.rule.accessOrigin;
          } else if (v.status === 'satisfied' && allowedBy) {
            row.decidingRule = describeRule(allowedBy.rule);
            if (allowedBy.rule.accessOrigin) row.decidingRuleOrigin = allowedBy.rule.accessOrigin;
          } else if (v.status === 'unknown') {
            row.note = v.unknown.map((u) => `${u.portsText}: ${u.reason}`).join('; ');
          }
          return row;
        });
      }
      const mode = modeOf(s);
      if (mode !== 'External' && mode !== 'Internal') return undefined;
      const rows = rowsFor(ctx.profileFor(s), mode, s.locations.length > 1, tierName(s.skuName));
      const note =
        loc.subnet.status !== 'resolved'
          ? 'subnet not in this template'
          : loc.nsg.status === 'none'
            ? undefined
            : 'NSG not in this template';
      return rows.flatMap((r) =>
        r.directions.map((d) => ({
          row: r.row,
          purpose: r.purpose,
          direction: d,
          ports: `${r.destinationPorts.join(', ')}/${r.protocolText}`,
          verdict: note ? ('unknown' as const) : ('allowed' as const),
          class: r.class,
          ...(note ? { note } : { decidingRule: 'no NSG on the subnet (all traffic passes)' }),
        })),
      );
    },
  };
}
