/** custom-dns: custom DNS servers on the APIM VNet, and the service may be deployed before them. */
import { getNodePath } from 'jsonc-parser';
import type { Rule } from './rule';
import type { Finding, Fix } from '../findings';
import type { RuleContext } from './context';
import type { Resource } from '../template/model';
import {
  dependsOnEntry,
  dependsOnResource,
  inVnetMode,
  locationOfOrigin,
  makeFinding,
  resourceLabel,
  resourceMemberLocation,
  serviceLabel,
  relatedToService,
} from './util';
import { isObject, isArray, displayValue } from '../expressions/value';
import { addDependsOn } from '../fixes';

export const customDns: Rule = {
  id: 'custom-dns',
  description: 'The APIM VNet uses custom DNS servers and the service does not depend on the VNet.',
  defaultSeverity: 'warning',
  profiles: 'all',
  hasFix: true,
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    for (const service of ctx.services) {
      if (!inVnetMode(service)) continue;
      const done = new Set<Resource>();
      for (const loc of service.locations) {
        if (loc.vnet.status !== 'resolved') continue;
        const vnet = loc.vnet.target;
        if (done.has(vnet)) continue;
        done.add(vnet);
        const dhcp = vnet.properties().dhcpOptions;
        const servers = isObject(dhcp) ? dhcp.dnsServers : undefined;
        if (!isArray(servers) || servers.length === 0) continue;
        if (dependsOnResource(service.resource, vnet)) continue;
        const origin = isObject(dhcp) ? ctx.template.propertyOrigin(dhcp, 'dnsServers') : undefined;
        const where = origin ? locationOfOrigin(origin) : resourceMemberLocation(vnet, ['properties', 'dhcpOptions']);
        const fixes: Fix[] = [];
        let noFixReason: string | undefined;
        const entry = dependsOnEntry(service.resource, vnet);
        if (entry) {
          const file = service.resource.scope.file;
          const edits = addDependsOn(file.text, file.file, getNodePath(service.resource.node), entry);
          if (edits) fixes.push({ id: 'add-vnet-dependency', title: `Add ${resourceLabel(vnet)} to the dependsOn of ${serviceLabel(service)}`, isPreferred: true, edits });
        } else {
          noFixReason = 'the VNet is defined in another deployment scope; make the APIM deployment depend on the deployment that sets the DNS servers';
        }
        out.push(
          makeFinding(
            'custom-dns',
            'warning',
            where,
            `${resourceLabel(vnet)} uses custom DNS servers (${servers.map((s) => displayValue(s)).join(', ')}) and ${serviceLabel(service)} does not depend on it, ` +
              `so it may be deployed before the DNS servers are set: "if you are using a Custom DNS Server for the VNET, you set that up before deploying an API Management service into it. ` +
              `Otherwise we need to restart the CloudService hosting the service" (seed). The DNS servers must also resolve the Azure endpoints API Management depends on. ` +
              `Add the VNet to the service's dependsOn.`,
            { related: [relatedToService(service, loc)], fixes, noFixReason },
          ),
        );
      }
    }
    return out;
  },
};
