/** cross-subscription-subnet: the subnet id names another subscription than the deployment's. */
import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';
import { deploymentSubscription, inVnetMode, locationOfOrigin, makeFinding, resourceLocation, serviceLabel, subscriptionOfId, locationLabel } from './util';
import { displayValue, valuesEqual } from '../expressions/value';

export const crossSubscriptionSubnet: Rule = {
  id: 'cross-subscription-subnet',
  description: 'The APIM subnet is in another subscription than the deployment.',
  defaultSeverity: 'error',
  profiles: 'all',
  hasFix: false,
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    for (const service of ctx.services) {
      if (!inVnetMode(service)) continue;
      const own = deploymentSubscription(service.resource);
      for (const loc of service.locations) {
        const sub = subscriptionOfId(loc.subnetId);
        if (sub === undefined) continue;
        // Three-valued: only a certain difference is an error; an undecidable one is left to
        // unverifiable-network.
        if (valuesEqual(sub, own, { ignoreCase: true }) !== false) continue;
        const where = loc.subnetIdOrigin ? locationOfOrigin(loc.subnetIdOrigin) : resourceLocation(service.resource);
        out.push(
          makeFinding(
            'cross-subscription-subnet',
            'error',
            where,
            `The subnet of the ${locationLabel(loc)} of ${serviceLabel(service)} is in subscription ${displayValue(sub)}, ` +
              `but the service is deployed to subscription ${displayValue(own)}: "the subnet and the API Management service must be in the same subscription" (seed, Limitations). ` +
              `Use a subnet of a VNet in the service's subscription.`,
          ),
        );
      }
    }
    return out;
  },
};
