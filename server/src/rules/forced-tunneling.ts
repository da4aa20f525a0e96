import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export const forcedTunneling: Rule = {
  id: 'forced-tunneling',
  description: 'A route table on the APIM subnet force-tunnels 0.0.0.0/0 away from the Internet.',
  defaultSeverity: 'warning',
  profiles: 'all',
  hasFix: true,
  check(_ctx: RuleContext): Finding[] {
    return [];
  },
};
