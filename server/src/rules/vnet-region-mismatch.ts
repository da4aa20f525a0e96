/** vnet-region-mismatch: a location's subnet is in a VNet of another region. */
import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';
import { inVnetMode, locationOfOrigin, makeFinding, normalizeRegion, resourceLabel, resourceMemberLocation, resourceLocation, serviceLabel, locationLabel } from './util';
import { displayValue } from '../expressions/value';

export const vnetRegionMismatch: Rule = {
  id: 'vnet-region-mismatch',
  description: "The VNet of a location's subnet is in another region than that location.",
  defaultSeverity: 'error',
  profiles: 'all',
  hasFix: false,
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    for (const service of ctx.services) {
      if (!inVnetMode(service)) continue;
      for (const loc of service.locations) {
        if (loc.vnet.status !== 'resolved') continue;
        const vnet = loc.vnet.target;
        const vnetRegion = vnet.location();
        // Only when both regions are known literally (an unknown such as resourceGroup().location stays silent).
        const a = normalizeRegion(loc.location);
        const b = normalizeRegion(vnetRegion);
        if (a === undefined || b === undefined || a === b) continue;
        const where = loc.subnetIdOrigin ? locationOfOrigin(loc.subnetIdOrigin) : resourceLocation(service.resource);
        out.push(
          makeFinding(
            'vnet-region-mismatch',
            'error',
            where,
            `The ${locationLabel(loc)} of ${serviceLabel(service)} uses a subnet of ${resourceLabel(vnet)}, which is in ${displayValue(vnetRegion)}: ` +
              `the VNet of each location must be in that location's region (seed: the list "is populated with ... virtual networks ... that are setup in the region you are configuring"). ` +
              `Use a subnet of a VNet in ${displayValue(loc.location)}.`,
            { related: [{ location: resourceMemberLocation(vnet, ['location']), message: `${resourceLabel(vnet)} is in ${displayValue(vnetRegion)}` }] },
          ),
        );
      }
    }
    return out;
  },
};
