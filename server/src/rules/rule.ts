/**
 * A rule: metadata plus a check. One file per rule id under rules/, listed explicitly in
 * rules/registry.ts. Ids are the public interface (rules.md).
 */
import type { Severity, Finding } from '../findings';
import type { RuleContext } from './context';

export type ProfileScope = 'all' | 'stv1' | 'stv2' | 'stv1+v2' | 'stv2+v2';

export interface RuleMeta {
  id: string;
  /** One line, used in SARIF shortDescription and the README table. */
  description: string;
  /** Default severity; 'off' for rules disabled by default in some profiles is handled by `defaultSeverityFor`. */
  defaultSeverity: Severity;
  /** Which profiles the rule applies to (documentation; the check enforces it). */
  profiles: ProfileScope;
  /** Whether the rule offers quick fixes. */
  hasFix: boolean;
}

export interface Rule extends RuleMeta {
  check(ctx: RuleContext): Finding[];
}

export const DOCS_BASE_URL = 'https://github.com/apim-vnet-lint/apim-vnet-lint/blob/main/docs/rules/';

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE_URL}${ruleId}.md`;
}
