/** missing-region-subnet: an additional location of a VNet-mode service without a subnet. */
import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';
import { inVnetMode, locationOfOrigin, makeFinding, modeOf, resourceMemberLocation, serviceLabel, relatedToService } from './util';
import { displayValue } from '../expressions/value';
import { hasSubnetId } from './missing-subnet';

export const missingRegionSubnet: Rule = {
  id: 'missing-region-subnet',
  description: 'An additional location of a VNet-mode service has no virtualNetworkConfiguration.',
  defaultSeverity: 'error',
  profiles: 'all',
  hasFix: false,
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    for (const service of ctx.services) {
      if (!inVnetMode(service)) continue;
      for (const loc of service.locations) {
        if (loc.isPrimary || hasSubnetId(loc.subnetId)) continue;
        const where = loc.origin ? locationOfOrigin(loc.origin) : resourceMemberLocation(service.resource, ['properties', 'additionalLocations']);
        out.push(
          makeFinding(
            'missing-region-subnet',
            'error',
            where,
            `Additional location ${displayValue(loc.location)} of ${serviceLabel(service)} has no virtualNetworkConfiguration.subnetResourceId ` +
              `while the service is in '${modeOf(service)}' VNet mode: every region needs its own subnet in a VNet of that region ` +
              `(seed: "Select a VNET and subnet for every region"). Add virtualNetworkConfiguration.subnetResourceId to this location.`,
            { related: [relatedToService(service, undefined, `${serviceLabel(service)} is in VNet mode here`)] },
          ),
        );
      }
    }
    return out;
  },
};
