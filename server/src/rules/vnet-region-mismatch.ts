import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export const vnetRegionMismatch: Rule = {
  id: 'vnet-region-mismatch',
  description: "The VNet of a location's subnet is in another region than that location.",
  defaultSeverity: 'error',
  profiles: 'all',
  hasFix: false,
  check(_ctx: RuleContext): Finding[] {
    return [];
  },
};
