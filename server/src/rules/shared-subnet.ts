import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export const sharedSubnet: Rule = {
  id: 'shared-subnet',
  description: 'Another resource uses the subnet dedicated to API Management.',
  defaultSeverity: 'error',
  profiles: 'stv1+v2',
  hasFix: false,
  check(_ctx: RuleContext): Finding[] {
    return [];
  },
};
