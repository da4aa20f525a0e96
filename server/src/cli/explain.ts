/**
 * `--explain`: the network report (report.ts `explainText`) for one analyzed template, with the
 * profile per service and the requirement rows' verdicts from the same NSG analysis the rules use
 * (report.ts `reportOptionsFor` → rules/nsg-analysis.ts), so the report and the findings agree.
 */
import type { AnalysisResult } from '../analyzer';
import { explainText, reportOptionsFor } from '../report';
import { buildChain } from '../network/chain';

export function explainResult(result: AnalysisResult, baseDir: string): string {
  const template = result.template;
  if (!template) return 'not modelled (see the findings)\n';
  const services = result.services ?? buildChain(template);
  return explainText(template, services, reportOptionsFor(result.context, { baseDir }));
}
