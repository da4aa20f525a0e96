import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export const crossSubscriptionSubnet: Rule = {
  id: 'cross-subscription-subnet',
  description: 'The APIM subnet is in another subscription than the deployment.',
  defaultSeverity: 'error',
  profiles: 'all',
  hasFix: false,
  check(_ctx: RuleContext): Finding[] {
    return [];
  },
};
