/** nsg-blocks-required-port: the NSG on the APIM subnet blocks a `required` row of the profile table. */
import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';
import { nsgBlockFindings } from './nsg-analysis';

export const nsgBlocksRequiredPort: Rule = {
  id: 'nsg-blocks-required-port',
  description: 'The NSG on the APIM subnet blocks a port API Management requires.',
  defaultSeverity: 'error',
  profiles: 'all',
  hasFix: true,
  check(ctx: RuleContext): Finding[] {
    return nsgBlockFindings(ctx, 'required');
  },
};
