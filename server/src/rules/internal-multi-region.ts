import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export const internalMultiRegion: Rule = {
  id: 'internal-multi-region',
  description: 'Internal mode with additional locations: you own load balancing and DNS across regions.',
  defaultSeverity: 'info',
  profiles: 'all',
  hasFix: false,
  check(_ctx: RuleContext): Finding[] {
    return [];
  },
};
