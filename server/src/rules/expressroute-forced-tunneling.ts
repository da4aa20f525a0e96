/**
 * expressroute-forced-tunneling: an ExpressRoute gateway in the APIM VNet and no UDR
 * 0.0.0.0/0 → Internet on the APIM subnet. Seed, "Express Route Setup": "The UDR applied to the
 * subnet containing the Azure API Management defines 0.0.0.0/0 with a next hop type of Internet."
 */
import { getNodePath } from 'jsonc-parser';
import type { Rule } from './rule';
import type { Finding, Fix } from '../findings';
import type { RuleContext } from './context';
import type { Resource, Template } from '../template/model';
import { evaluateRouteTable } from '../network/routes';
import { inVnetMode, makeFinding, relatedToService, resourceLabel, resourceMemberLocation, serviceLabel } from './util';
import { isArray, isObject } from '../expressions/value';
import { unusedResourceName } from './missing-nsg';
import { createRouteTableAndAssociate, addRoute, setRouteNextHop, defaultInternetRoute } from '../fixes';
import { splitName } from '../network/chain';

/** The VNet that holds a subnet resource (child subnet or inline pseudo-resource). */
function vnetOfSubnet(subnet: Resource): Resource | undefined {
  return subnet.parent;
}

/** ExpressRoute gateways whose ipConfigurations use a subnet of `vnet`. */
export function expressRouteGateways(template: Template, vnet: Resource): Resource[] {
  const out: Resource[] = [];
  for (const gw of template.resourcesOfType('Microsoft.Network/virtualNetworkGateways')) {
    const props = gw.properties();
    const type = props.gatewayType;
    if (typeof type !== 'string' || type.toLowerCase() !== 'expressroute') continue;
    const configs = props.ipConfigurations;
    if (!isArray(configs)) continue;
    for (const c of configs) {
      const p = isObject(c) ? c.properties : undefined;
      const sid = isObject(p) && isObject(p.subnet) ? p.subnet.id : undefined;
      if (sid === undefined) continue;
      const r = template.resolveId(sid, 'Microsoft.Network/virtualNetworks/subnets');
      if (r.kind === 'resource' && vnetOfSubnet(r.resource) === vnet) {
        out.push(gw);
        break;
      }
    }
  }
  return out;
}

export const expressrouteForcedTunneling: Rule = {
  id: 'expressroute-forced-tunneling',
  description: 'An ExpressRoute gateway is in the APIM VNet and the APIM subnet has no 0.0.0.0/0 → Internet route.',
  defaultSeverity: 'warning',
  profiles: 'all',
  hasFix: true,
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    const seen = new Set<Resource>();
    for (const service of ctx.services) {
      if (!inVnetMode(service)) continue;
      for (const loc of service.locations) {
        if (loc.subnet.status !== 'resolved' || loc.vnet.status !== 'resolved') continue;
        const subnet = loc.subnet.target.resource;
        if (seen.has(subnet)) continue;
        const gateways = expressRouteGateways(ctx.template, loc.vnet.target);
        if (gateways.length === 0) continue;
        if (loc.routeTable.status === 'external' || loc.routeTable.status === 'unknown') continue; // unverifiable-network
        const fixes: Fix[] = [];
        if (loc.routeTable.status === 'resolved') {
          const v = evaluateRouteTable(ctx.template, loc.routeTable.target);
          if (v.defaultRoutes.some((d) => d.isDefault === true && d.nextHop === 'Internet')) continue;
          if (v.defaultRoutes.some((d) => d.forced === undefined || d.isDefault === undefined)) continue; // decided by an unknown
          const rt = loc.routeTable.target;
          const file = rt.scope.file;
          const existing = v.defaultRoutes.find((d) => d.isDefault === true);
          if (existing && existing.route.literal && existing.route.origin) {
            const edits = setRouteNextHop(file.text, file.file, getNodePath(existing.route.origin.node), 'Internet');
            if (edits) fixes.push({ id: 'set-next-hop-internet', title: `Set the next hop of route '${existing.route.name}' to Internet`, isPreferred: true, edits });
          } else if (!existing && (v.routesLiteral || !v.routesOrigin)) {
            const edits = addRoute(file.text, file.file, getNodePath(rt.node), defaultInternetRoute(v.routes.map((r) => r.name)));
            if (edits) fixes.push({ id: 'add-default-internet-route', title: `Add the route 0.0.0.0/0 → Internet to ${resourceLabel(rt)}`, isPreferred: true, edits });
          }
        } else {
          const file = subnet.scope.file;
          const leaf = splitName(subnet.name).slice(-1)[0];
          const name = unusedResourceName(ctx.template, 'Microsoft.Network/routeTables', typeof leaf === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(leaf) ? `${leaf}-routes` : 'apim-routes');
          const edits = createRouteTableAndAssociate(file.text, file.file, { name, subnetPath: getNodePath(subnet.node), routes: [defaultInternetRoute()] });
          if (edits) fixes.push({ id: 'create-route-table', title: `Create route table '${name}' with 0.0.0.0/0 → Internet and associate it with the APIM subnet`, isPreferred: true, edits });
        }
        seen.add(subnet);
        const gw = gateways[0];
        out.push(
          makeFinding(
            'expressroute-forced-tunneling',
            'warning',
            resourceMemberLocation(gw, ['properties', 'gatewayType']),
            `${resourceLabel(gw)} is an ExpressRoute gateway in the VNet of ${serviceLabel(service)}, and the APIM subnet has no user-defined route 0.0.0.0/0 → Internet: ` +
              `"the ExpressRoute configuration advertises 0.0.0.0/0 and by default force tunnels all outbound traffic on-premises", which "invariably breaks connectivity with Azure API Management" (seed). ` +
              `Apply a route table to the APIM subnet that "defines 0.0.0.0/0 with a next hop type of Internet".`,
            { related: [relatedToService(service, loc, `${serviceLabel(service)} is deployed into this subnet`)], fixes },
          ),
        );
      }
    }
    return out;
  },
};
