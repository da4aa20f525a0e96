/** subnet-too-small: fewer addresses than APIM needs, or smaller than /29 (/27 for v2 tiers). */
import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';
import { inVnetMode, isV2Tier, locationOfOrigin, makeFinding, modeOf, resourceLocation, serviceLabel, tierName, unitsOf, relatedToService, locationLabel } from './util';
import { isObject } from '../expressions/value';

export function prefixLength(prefix: unknown): number | undefined {
  if (typeof prefix !== 'string') return undefined;
  const m = /^\s*(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})\s*$/.exec(prefix);
  if (!m) return undefined;
  const n = Number(m[5]);
  return n >= 0 && n <= 32 ? n : undefined;
}

export const subnetTooSmall: Rule = {
  id: 'subnet-too-small',
  description: "The APIM subnet is too small for the service's units.",
  defaultSeverity: 'warning',
  profiles: 'all',
  hasFix: false,
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    for (const service of ctx.services) {
      if (!inVnetMode(service)) continue;
      const v2 = isV2Tier(service.skuName);
      const developer = tierName(service.skuName) === 'developer';
      const internal = modeOf(service) === 'Internal';
      for (const loc of service.locations) {
        if (loc.subnet.status !== 'resolved') continue;
        const subnet = loc.subnet.target;
        const lengths = subnet.addressPrefixes.map(prefixLength);
        if (lengths.length === 0 || lengths.some((l) => l === undefined)) continue;
        // With several prefixes, the addresses add up.
        const addresses = (lengths as number[]).reduce((sum, l) => sum + 2 ** (32 - l), 0);
        const largest = Math.min(...(lengths as number[]));
        const capacity = loc.sku !== undefined && isObject(loc.sku) ? loc.sku.capacity : service.skuCapacity;
        const units = unitsOf(capacity);
        const perUnit = developer ? 1 : 2;
        const needed = 5 + units * perUnit + (internal ? 1 : 0);
        const minPrefix = v2 ? 27 : 29;
        const tooNarrow = largest > minPrefix;
        if (!tooNarrow && addresses >= needed) continue;
        const props = subnet.resource.properties();
        const origin = ctx.template.propertyOrigin(props, 'addressPrefix') ?? ctx.template.propertyOrigin(props, 'addressPrefixes');
        const where = origin ? locationOfOrigin(origin) : resourceLocation(subnet.resource);
        const why = tooNarrow
          ? `a subnet for ${v2 ? 'a v2 tier' : 'API Management'} must be at least /${minPrefix}`
          : `it has ${addresses} addresses and needs ${needed}: 5 reserved by Azure, ${perUnit} per unit × ${units} unit${units === 1 ? '' : 's'}${internal ? ', 1 for the internal load balancer' : ''}`;
        out.push(
          makeFinding(
            'subnet-too-small',
            'warning',
            where,
            `The subnet ${subnet.addressPrefixes.join(', ')} of the ${locationLabel(loc)} of ${serviceLabel(service)} is too small: ${why}. ` +
              `Use a larger prefix (e.g. /${Math.min(minPrefix, Math.max(16, 32 - Math.ceil(Math.log2(needed))))} or wider, leaving room to scale out).`,
            { related: [relatedToService(service, loc)], data: { addresses, needed, units } },
          ),
        );
      }
    }
    return out;
  },
};
