/**
 * forced-tunneling: a route table on the APIM subnet sends 0.0.0.0/0 to a virtual appliance,
 * a gateway or nowhere. Seed, "Express Route Setup": forced tunneling "invariably breaks
 * connectivity with Azure API Management"; stv2 mitigations: an ApiManagement → Internet route and
 * service endpoints for Sql, Storage, EventHub and KeyVault.
 */
import { getNodePath } from 'jsonc-parser';
import type { Rule } from './rule';
import type { Finding, Fix, TextEdit } from '../findings';
import type { RuleContext } from './context';
import type { Resource } from '../template/model';
import type { SubnetInfo } from '../network/chain-model';
import { evaluateRouteTable, type RouteTableVerdict } from '../network/routes';
import { inVnetMode, locationOfOrigin, makeFinding, relatedToService, resourceLabel, resourceLocation, serviceLabel } from './util';
import { isObject, type Value } from '../expressions/value';
import { armArg } from './nsg-analysis';
import { setRouteNextHop, addRoute, addRouteResource, apiManagementInternetRoute, setServiceEndpoints } from '../fixes';

export const REQUIRED_ENDPOINTS = ['Microsoft.Sql', 'Microsoft.Storage', 'Microsoft.EventHub', 'Microsoft.KeyVault'];

/** Service endpoints the subnet lacks among Sql, Storage, EventHub, KeyVault; undefined when unknown. */
export function missingEndpoints(subnet: SubnetInfo): string[] | undefined {
  const have = new Set<string>();
  for (const e of subnet.serviceEndpoints) {
    const s: Value = isObject(e) ? e.service : e;
    if (typeof s !== 'string') return undefined;
    have.add(s.toLowerCase());
  }
  return REQUIRED_ENDPOINTS.filter((e) => !have.has(e.toLowerCase()));
}

/** Edits that add the ApiManagement → Internet route to a route table (inline or as a child resource). */
export function addApimRouteEdits(ctx: RuleContext, v: RouteTableVerdict): TextEdit[] | undefined {
  const rt = v.routeTable;
  const file = rt.scope.file;
  const names = v.routes.map((r) => r.name);
  const route = apiManagementInternetRoute(names);
  if (v.routesLiteral || (!v.routesOrigin && !v.usesChildResources)) return addRoute(file.text, file.file, getNodePath(rt.node), route);
  if (v.usesChildResources && !v.routesOrigin) {
    const container = rt.node.parent?.type === 'property' ? rt.node.parent.parent : rt.node.parent;
    const nameNode = rt.node.children?.find((p) => p.children?.[0]?.value === 'name')?.children?.[1];
    if (!container || !nameNode || nameNode.type !== 'string') return undefined;
    return addRouteResource(file.text, file.file, getNodePath(container), String(nameNode.value), route, {
      dependsOn: [rt.symbolicName ?? `[resourceId('Microsoft.Network/routeTables', ${armArg(String(nameNode.value))})]`],
    });
  }
  void ctx;
  return undefined;
}

export const forcedTunneling: Rule = {
  id: 'forced-tunneling',
  description: 'A route table on the APIM subnet force-tunnels 0.0.0.0/0 away from the Internet.',
  defaultSeverity: 'warning',
  profiles: 'all',
  hasFix: true,
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    const seen = new Set<Resource>();
    for (const service of ctx.services) {
      if (!inVnetMode(service)) continue;
      const profile = ctx.profileFor(service);
      for (const loc of service.locations) {
        if (loc.routeTable.status !== 'resolved' || loc.subnet.status !== 'resolved') continue;
        const rt = loc.routeTable.target;
        if (seen.has(rt)) continue;
        const v = evaluateRouteTable(ctx.template, rt);
        if (v.forcedTunneling !== true) continue;
        const forced = v.defaultRoutes.find((d) => d.forced === true)!;
        const subnet = loc.subnet.target;
        const endpoints = missingEndpoints(subnet);
        if (profile === 'stv2' && v.apimToInternet && endpoints !== undefined && endpoints.length === 0) continue; // mitigated
        if (profile === 'stv2' && endpoints === undefined && v.apimToInternet) continue; // undecidable: unverifiable-network
        seen.add(rt);
        const fixes: Fix[] = [];
        const route = forced.route;
        if (route.literal && route.origin) {
          const f = ctx.template.files.get(route.origin.file);
          const edits = f ? setRouteNextHop(f.text, f.file, getNodePath(route.origin.node), 'Internet') : undefined;
          if (edits) fixes.push({ id: 'set-next-hop-internet', title: `Set the next hop of route '${route.name}' to Internet`, isPreferred: profile === 'stv1', edits });
        }
        const mitigation: TextEdit[] = [];
        let mitigationOk = true;
        if (!v.apimToInternet) {
          const e = addApimRouteEdits(ctx, v);
          if (e) mitigation.push(...e);
          else mitigationOk = false;
        }
        if (endpoints && endpoints.length > 0) {
          const sf = subnet.resource.scope.file;
          const e = setServiceEndpoints(sf.text, sf.file, getNodePath(subnet.resource.node), endpoints);
          if (e) mitigation.push(...e);
          else mitigationOk = false;
        }
        if (mitigationOk && mitigation.length > 0 && !overlaps(mitigation)) {
          fixes.push({
            id: 'add-apim-route-and-endpoints',
            title: mitigationTitle(!v.apimToInternet, endpoints ?? []),
            isPreferred: profile === 'stv2',
            edits: mitigation,
          });
        }
        if (fixes.length > 0 && !fixes.some((f) => f.isPreferred)) fixes[0].isPreferred = true;
        const hop = forced.nextHop ?? 'a non-Internet next hop';
        const missing: string[] = [];
        if (!v.apimToInternet) missing.push('a route ApiManagement → Internet');
        if (endpoints && endpoints.length) missing.push(`service endpoints for ${endpoints.map((e) => e.replace('Microsoft.', '')).join(', ')}`);
        const why =
          profile === 'stv1'
            ? `forcing outbound traffic away from the Internet "invariably breaks connectivity with Azure API Management"; the seed recommends that "the UDR applied to the subnet containing the Azure API Management defines 0.0.0.0/0 with a next hop type of Internet"`
            : `with forced tunneling API Management needs ${missing.join(' and ')} on its subnet (stv2), or its management and dependency traffic is sent to ${hop}`;
        out.push(
          makeFinding(
            'forced-tunneling',
            'warning',
            route.nextHopTypeOrigin ? locationOfOrigin(route.nextHopTypeOrigin) : resourceLocation(rt),
            `${resourceLabel(rt)} on the subnet of ${serviceLabel(service)} sends 0.0.0.0/0 to ${hop}: ${why}. ` +
              (profile === 'stv1' ? 'Set the next hop of this route to Internet.' : `Add ${missing.join(' and ')}, or set the next hop to Internet.`),
            { profile, related: [relatedToService(service, loc, `${serviceLabel(service)} is deployed into the subnet that uses this route table`)], fixes },
          ),
        );
      }
    }
    return out;
  },
};

/** The title of the stv2 mitigation fix: only what it adds (the route may already be there). */
function mitigationTitle(addsRoute: boolean, endpoints: string[]): string {
  const eps = endpoints.length ? `service endpoints for ${endpoints.map((e) => e.replace('Microsoft.', '')).join(', ')}` : '';
  if (addsRoute) return `Add the ApiManagement → Internet route${eps ? ` and ${eps}` : ''}`;
  return `Add ${eps}`;
}

function overlaps(edits: TextEdit[]): boolean {
  const sorted = edits.slice().sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.offset - b.offset));
  for (let i = 1; i < sorted.length; i++) {
    const p = sorted[i - 1];
    const c = sorted[i];
    if (p.file === c.file && c.offset < p.offset + p.length) return true;
    if (p.file === c.file && c.offset === p.offset && p.length === 0 && c.length === 0) return true;
  }
  return false;
}
