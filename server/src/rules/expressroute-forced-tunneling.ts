import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export const expressrouteForcedTunneling: Rule = {
  id: 'expressroute-forced-tunneling',
  description: 'An ExpressRoute gateway is in the APIM VNet and the APIM subnet has no 0.0.0.0/0 → Internet route.',
  defaultSeverity: 'warning',
  profiles: 'all',
  hasFix: true,
  check(_ctx: RuleContext): Finding[] {
    return [];
  },
};
