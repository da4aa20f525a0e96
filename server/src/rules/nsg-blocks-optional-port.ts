/** nsg-blocks-optional-port: the NSG on the APIM subnet blocks an `optional` row of the profile table. */
import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';
import { nsgBlockFindings } from './nsg-analysis';

export const nsgBlocksOptionalPort: Rule = {
  id: 'nsg-blocks-optional-port',
  description: 'The NSG on the APIM subnet blocks a port an optional API Management feature uses.',
  defaultSeverity: 'warning',
  profiles: 'all',
  hasFix: true,
  check(ctx: RuleContext): Finding[] {
    return nsgBlockFindings(ctx, 'optional');
  },
};
