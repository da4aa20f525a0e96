import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export const subnetTooSmall: Rule = {
  id: 'subnet-too-small',
  description: "The APIM subnet is too small for the service's units.",
  defaultSeverity: 'warning',
  profiles: 'all',
  hasFix: false,
  check(_ctx: RuleContext): Finding[] {
    return [];
  },
};
