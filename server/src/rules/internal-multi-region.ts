/** internal-multi-region: Internal mode across several regions. */
import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';
import { locationOfOrigin, makeFinding, modeOf, resourceLocation, serviceLabel } from './util';
import { displayValue } from '../expressions/value';

export const internalMultiRegion: Rule = {
  id: 'internal-multi-region',
  description: 'Internal mode with additional locations: you own load balancing and DNS across regions.',
  defaultSeverity: 'info',
  profiles: 'all',
  hasFix: false,
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    for (const service of ctx.services) {
      if (modeOf(service) !== 'Internal') continue;
      const extra = service.locations.filter((l) => !l.isPrimary);
      if (extra.length === 0) continue;
      const where = service.vnetTypeOrigin ? locationOfOrigin(service.vnetTypeOrigin) : resourceLocation(service.resource);
      out.push(
        makeFinding(
          'internal-multi-region',
          'info',
          where,
          `${serviceLabel(service)} runs in Internal mode in ${extra.length + 1} regions: ` +
            `"for multi-region API Management deployments, with Internal virtual networks configured, users are responsible for managing their own load balancing as they own the DNS" (seed, Limitations). ` +
            `Plan the DNS records and the load balancer (e.g. Traffic Manager or Front Door with private origins) for the regional gateways.`,
          { related: extra.filter((l) => l.origin).map((l) => ({ location: locationOfOrigin(l.origin!), message: `additional location ${displayValue(l.location)}` })) },
        ),
      );
    }
    return out;
  },
};
