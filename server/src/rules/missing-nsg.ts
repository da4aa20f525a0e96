import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export const missingNsg: Rule = {
  id: 'missing-nsg',
  description: 'No network security group is associated with the APIM subnet.',
  defaultSeverity: 'error',
  profiles: 'stv2+v2',
  hasFix: true,
  check(_ctx: RuleContext): Finding[] {
    return [];
  },
};
