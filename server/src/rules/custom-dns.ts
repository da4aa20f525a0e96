import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export const customDns: Rule = {
  id: 'custom-dns',
  description: 'The APIM VNet uses custom DNS servers and the service does not depend on the VNet.',
  defaultSeverity: 'warning',
  profiles: 'all',
  hasFix: true,
  check(_ctx: RuleContext): Finding[] {
    return [];
  },
};
