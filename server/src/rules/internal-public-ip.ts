import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export const internalPublicIp: Rule = {
  id: 'internal-public-ip',
  description: 'Internal mode with a public IP address (stv1 gets only a private address).',
  defaultSeverity: 'error',
  profiles: 'stv1',
  hasFix: true,
  check(_ctx: RuleContext): Finding[] {
    return [];
  },
};
