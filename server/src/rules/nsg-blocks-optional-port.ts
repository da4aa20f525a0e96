import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export const nsgBlocksOptionalPort: Rule = {
  id: 'nsg-blocks-optional-port',
  description: 'The NSG on the APIM subnet blocks a port an optional API Management feature uses.',
  defaultSeverity: 'warning',
  profiles: 'all',
  hasFix: true,
  check(_ctx: RuleContext): Finding[] {
    return [];
  },
};
