/** internal-public-ip (stv1): Internal mode with a public IP address. */
import { getNodePath } from 'jsonc-parser';
import type { Rule } from './rule';
import type { Finding, Fix } from '../findings';
import type { RuleContext } from './context';
import { locationOfOrigin, makeFinding, modeOf, serviceLabel, locationLabel } from './util';
import { removeProperty } from '../fixes';

export const internalPublicIp: Rule = {
  id: 'internal-public-ip',
  description: 'Internal mode with a public IP address (stv1 gets only a private address).',
  defaultSeverity: 'error',
  profiles: 'stv1',
  hasFix: true,
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    for (const service of ctx.services) {
      if (modeOf(service) !== 'Internal' || ctx.profileFor(service) !== 'stv1') continue;
      for (const loc of service.locations) {
        if (!loc.publicIpOrigin || loc.publicIpAddressId === undefined || loc.publicIpAddressId === null || loc.publicIpAddressId === '') continue;
        const fixes: Fix[] = [];
        const file = ctx.template.files.get(loc.publicIpOrigin.file);
        const valuePath = getNodePath(loc.publicIpOrigin.node);
        if (file && valuePath.length > 0) {
          const edits = removeProperty(file.text, file.file, valuePath);
          if (edits) fixes.push({ id: 'remove-public-ip', title: 'Remove publicIpAddressId', isPreferred: true, edits });
        }
        out.push(
          makeFinding(
            'internal-public-ip',
            'error',
            locationOfOrigin(loc.publicIpOrigin),
            `The ${locationLabel(loc)} of ${serviceLabel(service)} is in Internal mode with a publicIpAddressId: under stv1 ` +
              `"when using an internal virtual network, only an internal IP address will be available ... a public IP address cannot be provided" (seed, Limitations). ` +
              `Remove publicIpAddressId (or use the stv2 platform, where a Standard public IP is used for management traffic).`,
            {
              profile: 'stv1',
              fixes,
              related: service.vnetTypeOrigin ? [{ location: locationOfOrigin(service.vnetTypeOrigin), message: `virtualNetworkType is 'Internal' here` }] : [],
            },
          ),
        );
      }
    }
    return out;
  },
};
