/** missing-subnet: VNet mode without a subnet for the primary location. */
import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';
import { inVnetMode, locationOfOrigin, makeFinding, modeOf, resourceLocation, serviceLabel } from './util';

export function hasSubnetId(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

export const missingSubnet: Rule = {
  id: 'missing-subnet',
  description: 'VNet mode is set but the primary location has no subnetResourceId.',
  defaultSeverity: 'error',
  profiles: 'all',
  hasFix: false,
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    for (const service of ctx.services) {
      if (!inVnetMode(service)) continue;
      const primary = service.locations.find((l) => l.isPrimary);
      if (!primary || hasSubnetId(primary.subnetId)) continue;
      const where = service.vnetTypeOrigin ? locationOfOrigin(service.vnetTypeOrigin) : resourceLocation(service.resource);
      out.push(
        makeFinding(
          'missing-subnet',
          'error',
          where,
          `${serviceLabel(service)} has virtualNetworkType '${modeOf(service)}' but no properties.virtualNetworkConfiguration.subnetResourceId: ` +
            `a service in a virtual network needs a subnet for its primary location (seed: "Select a VNET and subnet for every region"). ` +
            `Set virtualNetworkConfiguration.subnetResourceId to a dedicated subnet, or set virtualNetworkType to 'None'.`,
        ),
      );
    }
    return out;
  },
};
