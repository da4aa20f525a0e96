import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export const missingRegionSubnet: Rule = {
  id: 'missing-region-subnet',
  description: 'An additional location of a VNet-mode service has no virtualNetworkConfiguration.',
  defaultSeverity: 'error',
  profiles: 'all',
  hasFix: false,
  check(_ctx: RuleContext): Finding[] {
    return [];
  },
};
