import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export const missingSubnet: Rule = {
  id: 'missing-subnet',
  description: 'VNet mode is set but the primary location has no subnetResourceId.',
  defaultSeverity: 'error',
  profiles: 'all',
  hasFix: false,
  check(_ctx: RuleContext): Finding[] {
    return [];
  },
};
