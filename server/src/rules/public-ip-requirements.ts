import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export const publicIpRequirements: Rule = {
  id: 'public-ip-requirements',
  description: 'The APIM public IP is not Standard SKU, has no DNS label, or is in another region.',
  defaultSeverity: 'error',
  profiles: 'stv2',
  hasFix: false,
  check(_ctx: RuleContext): Finding[] {
    return [];
  },
};
