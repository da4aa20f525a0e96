import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export const nsgBlocksRequiredPort: Rule = {
  id: 'nsg-blocks-required-port',
  description: 'The NSG on the APIM subnet blocks a port API Management requires.',
  defaultSeverity: 'error',
  profiles: 'all',
  hasFix: true,
  check(_ctx: RuleContext): Finding[] {
    return [];
  },
};
