/** shared-subnet (stv1, v2 tiers): another resource uses the subnet dedicated to API Management. */
import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';
import { inVnetMode, isV2Tier, locationOfOrigin, makeFinding, relatedToService, resourceLabel, resourceLocation, serviceLabel } from './util';
import { findSubnetUsers, APIM_KIND } from '../network/usage';
import type { Resource } from '../template/model';

export const sharedSubnet: Rule = {
  id: 'shared-subnet',
  description: 'Another resource uses the subnet dedicated to API Management.',
  defaultSeverity: 'error',
  profiles: 'stv1+v2',
  hasFix: false,
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    const reported = new Set<string>();
    for (const service of ctx.services) {
      if (!inVnetMode(service)) continue;
      const profile = ctx.profileFor(service);
      const v2 = isV2Tier(service.skuName);
      if (profile !== 'stv1' && !v2) continue; // stv2 classic tiers may share the subnet
      const seen = new Set<Resource>();
      for (const loc of service.locations) {
        if (loc.subnet.status !== 'resolved') continue;
        const subnet = loc.subnet.target.resource;
        if (seen.has(subnet)) continue;
        seen.add(subnet);
        for (const user of findSubnetUsers(ctx.template, subnet, service.resource)) {
          // Several APIM instances may share the subnet; delegations are subnet-delegated's.
          if (user.kind === APIM_KIND || user.kind === 'delegation') continue;
          const where = user.origin ? locationOfOrigin(user.origin) : resourceLocation(user.resource);
          const key = `${where.file}:${where.range.offset}`;
          if (reported.has(key)) continue;
          reported.add(key);
          const why = v2
            ? 'the v2 tiers need a dedicated subnet'
            : '"the service must be in a dedicated subnet that contains no other resources except for Azure API Management instances ... the deployment will fail" (seed)';
          out.push(
            makeFinding(
              'shared-subnet',
              'error',
              where,
              `${resourceLabel(user.resource)} uses the subnet of ${serviceLabel(service)}: ${why}. Move ${resourceLabel(user.resource)} to another subnet.`,
              { profile: v2 ? undefined : profile, related: [relatedToService(service, loc, `${serviceLabel(service)} is deployed into this subnet`)], data: { kind: user.kind } },
            ),
          );
        }
      }
    }
    return out;
  },
};
