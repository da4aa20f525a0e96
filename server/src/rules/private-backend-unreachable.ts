import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';

export const privateBackendUnreachable: Rule = {
  id: 'private-backend-unreachable',
  description: 'An API or backend points at a private address the service cannot reach.',
  defaultSeverity: 'warning',
  profiles: 'all',
  hasFix: false,
  check(_ctx: RuleContext): Finding[] {
    return [];
  },
};
