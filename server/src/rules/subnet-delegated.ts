import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export const subnetDelegated: Rule = {
  id: 'subnet-delegated',
  description: 'The APIM subnet has a delegation (classic tiers) or lacks the one a v2 tier needs.',
  defaultSeverity: 'error',
  profiles: 'all',
  hasFix: true,
  check(_ctx: RuleContext): Finding[] {
    return [];
  },
};
