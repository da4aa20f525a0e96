/**
 * private-backend-unreachable: an API or backend of the service points at a private (RFC 1918)
 * address the service cannot reach (seed: "Connect to a web service hosted within a virtual network").
 */
import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';
import type { Resource, Template } from '../template/model';
import type { ApimService } from '../network/chain-model';
import { inVnetMode, locationOfOrigin, makeFinding, relatedToService, resourceLocation, serviceLabel, resourceMemberLocation } from './util';
import { isArray, isObject, valuesEqual, type Value } from '../expressions/value';
import { parseCidr, cidrContains, type Cidr } from '../network/addresses';
import { splitName } from '../network/chain';

const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => parseCidr(c)!);

/** The IPv4 host of a URL when it is an RFC 1918 address. */
export function privateHost(url: Value): Cidr | undefined {
  if (typeof url !== 'string') return undefined;
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?(?:[/?#]|$)/i.exec(url.trim());
  if (!m) return undefined;
  const ip = parseCidr(m[1]);
  return ip && RFC1918.some((r) => cidrContains(r, ip)) ? ip : undefined;
}

function belongsTo(template: Template, child: Resource, service: ApimService): boolean {
  if (child.parent) return child.parent === service.resource;
  const childFirst = splitName(child.name)[0];
  const serviceName = service.resource.name;
  return child.scope === service.resource.scope && childFirst !== undefined && valuesEqual(childFirst, serviceName, { ignoreCase: true }) === true;
}

/** Address prefixes of a VNet and of the VNets it peers with, or undefined when any is unknown. */
function reachablePrefixes(template: Template, vnet: Resource): Cidr[] | undefined {
  const out: Cidr[] = [];
  const add = (space: Value): boolean => {
    const prefixes = isObject(space) ? space.addressPrefixes : undefined;
    if (!isArray(prefixes)) return false;
    for (const p of prefixes) {
      const c = typeof p === 'string' ? parseCidr(p) : undefined;
      if (!c) return false;
      out.push(c);
    }
    return true;
  };
  if (!add(vnet.properties().addressSpace)) return undefined;
  const peerings: Value[] = [];
  const inline = vnet.properties().virtualNetworkPeerings;
  if (isArray(inline)) for (const p of inline) if (isObject(p)) peerings.push(p.properties);
  for (const r of template.resourcesOfType('Microsoft.Network/virtualNetworks/virtualNetworkPeerings')) {
    if (r.parent === vnet || (r.scope === vnet.scope && valuesEqual(splitName(r.name)[0], vnet.name, { ignoreCase: true }) === true)) peerings.push(r.properties());
  }
  for (const props of peerings) {
    if (!isObject(props)) return undefined;
    if (isObject(props.remoteAddressSpace)) {
      if (!add(props.remoteAddressSpace)) return undefined;
      continue;
    }
    const remote = isObject(props.remoteVirtualNetwork) ? props.remoteVirtualNetwork.id : undefined;
    const r = remote !== undefined ? template.resolveId(remote, 'Microsoft.Network/virtualNetworks') : undefined;
    if (!r || r.kind !== 'resource' || !add(r.resource.properties().addressSpace)) return undefined;
  }
  return out;
}

export const privateBackendUnreachable: Rule = {
  id: 'private-backend-unreachable',
  description: 'An API or backend points at a private address the service cannot reach.',
  defaultSeverity: 'warning',
  profiles: 'all',
  hasFix: false,
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    const targets: { type: string; prop: string; label: string }[] = [
      { type: 'Microsoft.ApiManagement/service/apis', prop: 'serviceUrl', label: 'API' },
      { type: 'Microsoft.ApiManagement/service/backends', prop: 'url', label: 'backend' },
    ];
    for (const service of ctx.services) {
      let prefixes: Cidr[] | undefined | null = null; // null = not computed yet
      for (const t of targets) {
        for (const r of ctx.template.resourcesOfType(t.type)) {
          if (!belongsTo(ctx.template, r, service)) continue;
          const props = r.properties();
          const url = props[t.prop];
          const ip = privateHost(url);
          if (!ip) continue;
          const origin = ctx.template.propertyOrigin(props, t.prop);
          const where = origin ? locationOfOrigin(origin) : resourceMemberLocation(r, ['properties', t.prop]);
          if (!inVnetMode(service)) {
            out.push(
              makeFinding(
                'private-backend-unreachable',
                'warning',
                where,
                `The ${t.label} URL ${String(url)} is a private (RFC 1918) address, but ${serviceLabel(service)} is not in a virtual network, so it cannot reach it. ` +
                  `Backends "within a virtual network" are reachable once "your API Management service is connected to the VNET" (seed). ` +
                  `Set virtualNetworkType to External or Internal with a subnet in a VNet that reaches this address, or use a public endpoint.`,
                { related: [{ location: resourceLocation(service.resource), message: `${serviceLabel(service)} has no VNet` }] },
              ),
            );
            continue;
          }
          if (prefixes === null) {
            prefixes = [];
            for (const loc of service.locations) {
              if (loc.vnet.status !== 'resolved') {
                prefixes = undefined;
                break;
              }
              const p = reachablePrefixes(ctx.template, loc.vnet.target);
              if (!p) {
                prefixes = undefined;
                break;
              }
              prefixes.push(...p);
            }
          }
          if (!prefixes || prefixes.length === 0) continue;
          if (prefixes.some((p) => cidrContains(p, ip))) continue;
          out.push(
            makeFinding(
              'private-backend-unreachable',
              'info',
              where,
              `The ${t.label} URL ${String(url)} is a private address outside the address spaces of the VNet of ${serviceLabel(service)} and of its peerings known to this template. ` +
                `Make sure it is reachable (peering, VPN or ExpressRoute, as the seed's "Connect to a web service hosted within a virtual network" assumes).`,
              { related: service.locations.map((loc) => relatedToService(service, loc, `${serviceLabel(service)} is deployed into this subnet`)) },
            ),
          );
        }
      }
    }
    return out;
  },
};
