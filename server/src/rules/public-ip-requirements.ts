/** public-ip-requirements (stv2): the APIM public IP must be Standard, have a DNS label, same region. */
import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';
import { locationOfOrigin, makeFinding, normalizeRegion, resourceLabel, resourceLocation, serviceLabel, locationLabel } from './util';
import { displayValue, isObject, isUnknown, type Value } from '../expressions/value';

export const publicIpRequirements: Rule = {
  id: 'public-ip-requirements',
  description: 'The APIM public IP is not Standard SKU, has no DNS label, or is in another region.',
  defaultSeverity: 'error',
  profiles: 'stv2',
  hasFix: false,
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    for (const service of ctx.services) {
      if (ctx.profileFor(service) !== 'stv2') continue;
      for (const loc of service.locations) {
        const id = loc.publicIpAddressId;
        if (id === undefined || id === null || id === '' || !loc.publicIpOrigin) continue;
        const r = ctx.template.resolveId(id, 'Microsoft.Network/publicIPAddresses');
        if (r.kind !== 'resource') continue; // outside the template: unverifiable-network says so
        const pip = r.resource;
        const problems: string[] = [];
        const sku = pip.sku();
        const skuName: Value = isObject(sku) ? sku.name : sku === undefined || sku === null ? 'Basic' : sku;
        if (typeof skuName === 'string' && skuName.toLowerCase() !== 'standard') problems.push(`its SKU is ${skuName} (Standard is required)`);
        else if (skuName === undefined && isObject(sku)) problems.push('its SKU is Basic (no sku.name; Standard is required)');
        const props = pip.properties();
        const dns = props.dnsSettings;
        const label = isObject(dns) ? dns.domainNameLabel : dns;
        if (!isUnknown(dns) && !isUnknown(label) && (label === undefined || label === null || label === '')) problems.push('it has no DNS label (dnsSettings.domainNameLabel)');
        const a = normalizeRegion(loc.location);
        const b = normalizeRegion(pip.location());
        if (a !== undefined && b !== undefined && a !== b) problems.push(`it is in ${displayValue(pip.location())}, not in ${displayValue(loc.location)}`);
        if (problems.length === 0) continue;
        out.push(
          makeFinding(
            'public-ip-requirements',
            'error',
            locationOfOrigin(loc.publicIpOrigin),
            `The public IP of the ${locationLabel(loc)} of ${serviceLabel(service)} does not meet the stv2 requirements: ${problems.join('; ')}. ` +
              `A public IP address for API Management must be Standard SKU with a DNS name label, in the same region and subscription as the service.`,
            { profile: 'stv2', related: [{ location: resourceLocation(pip), message: `${resourceLabel(pip)} is defined here` }] },
          ),
        );
      }
    }
    return out;
  },
};
