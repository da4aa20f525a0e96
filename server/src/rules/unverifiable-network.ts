import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export const unverifiableNetwork: Rule = {
  id: 'unverifiable-network',
  description: 'Part of the APIM network could not be checked from this template.',
  defaultSeverity: 'info',
  profiles: 'all',
  hasFix: false,
  check(_ctx: RuleContext): Finding[] {
    return [];
  },
};
