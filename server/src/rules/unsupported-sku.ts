import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export const unsupportedSku: Rule = {
  id: 'unsupported-sku',
  description: 'The APIM tier cannot be injected into a virtual network in the configured mode.',
  defaultSeverity: 'error',
  profiles: 'all',
  hasFix: true,
  check(_ctx: RuleContext): Finding[] {
    return [];
  },
};
