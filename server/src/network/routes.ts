/**
 * Route tables: collection (inline `properties.routes` and child `routeTables/routes`
 * resources) and evaluation for forced tunneling (requirements.md, rules.md `forced-tunneling`).
 */
import { Unknown, isArray, isObject, isUnknown, displayValue, type Tri, type Value, type ValueObject } from '../expressions/value';
import type { Origin, Resource, Template } from '../template/model';
import { isChildOf, splitChildName } from './nsg';
import { parseTag } from './addresses';

export const ROUTE_TYPE = 'Microsoft.Network/routeTables/routes';

export type NextHop = 'VirtualAppliance' | 'VirtualNetworkGateway' | 'None' | 'Internet' | 'VnetLocal';

export interface RouteView {
  name: string;
  nameValue: Value;
  addressPrefix: Value;
  nextHopType: Value;
  nextHopIpAddress?: Value;
  kind: 'inline' | 'child' | 'opaque';
  opaqueReason?: string;
  routeTable: Resource;
  resource?: Resource;
  properties?: ValueObject;
  condition?: Value;
  origin?: Origin;
  /** Where the `nextHopType` value is (where a forced-tunneling finding goes). */
  nextHopTypeOrigin?: Origin;
  addressPrefixOrigin?: Origin;
  literal: boolean;
  via?: string;
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

function routeFrom(template: Template, rt: Resource, kind: 'inline' | 'child', nameValue: Value, props: Value, origin: Origin | undefined, child?: Resource): RouteView {
  const base = {
    name: displayValue(nameValue),
    nameValue,
    routeTable: rt,
    kind,
    ...(child ? { resource: child } : {}),
    ...(origin ? { origin } : {}),
    literal: origin?.literal ?? false,
    ...(origin && !origin.literal && origin.via ? { via: origin.via } : !origin ? { via: 'built by an expression' } : {}),
  };
  if (!isObject(props)) {
    const reason = isUnknown(props) ? `the properties of route '${displayValue(nameValue)}' are not known (${props.reason})` : `route '${displayValue(nameValue)}' has no properties`;
    const u = new Unknown(`opaque-route:${reason}`, reason);
    return { ...base, kind: 'opaque', opaqueReason: reason, addressPrefix: u, nextHopType: u };
  }
  const po = (k: string) => safe(() => template.propertyOrigin(props, k));
  const nho = po('nextHopType');
  const apo = po('addressPrefix');
  return {
    ...base,
    addressPrefix: props.addressPrefix ?? null,
    nextHopType: props.nextHopType ?? null,
    ...(props.nextHopIpAddress !== undefined ? { nextHopIpAddress: props.nextHopIpAddress } : {}),
    properties: props,
    ...(nho ? { nextHopTypeOrigin: nho } : {}),
    ...(apo ? { addressPrefixOrigin: apo } : {}),
  };
}

export interface RouteCollection {
  routes: RouteView[];
  routesOrigin?: Origin;
  routesLiteral: boolean;
  usesChildResources: boolean;
}

/** Collects a route table's routes with their origins (inline and child resources). */
export function collectRouteTable(template: Template, routeTable: Resource): RouteCollection {
  const routes: RouteView[] = [];
  const props = safe(() => routeTable.properties()) ?? {};
  let routesOrigin: Origin | undefined;
  let routesLiteral = false;
  if (isObject(props)) {
    const r = props.routes;
    routesOrigin = safe(() => template.propertyOrigin(props, 'routes'));
    if (isArray(r)) {
      routesLiteral = !!(routesOrigin?.literal ?? safe(() => template.originOf(r))?.literal);
      r.forEach((item, i) => {
        const origin = safe(() => template.originOf(item));
        if (isObject(item)) routes.push(routeFrom(template, routeTable, 'inline', item.name ?? `routes[${i}]`, item.properties ?? null, origin));
        else if (isUnknown(item)) routes.push(routeFrom(template, routeTable, 'inline', `routes[${i}]`, item, origin));
      });
    } else if (isUnknown(r)) {
      routes.push(routeFrom(template, routeTable, 'inline', 'routes', r, routesOrigin));
    }
  }
  let usesChildResources = false;
  for (const child of safe(() => template.resourcesOfType(ROUTE_TYPE)) ?? []) {
    const mine = isChildOf(template, child, routeTable);
    if (!mine) continue;
    usesChildResources = true;
    if (child.condition === false) continue;
    const split = splitChildName(child.name);
    const origin: Origin = {
      file: child.scope.file.file,
      node: child.node,
      literal: child.copyIndex === undefined && !child.copyCountUnknown,
      ...(child.copyIndex !== undefined || child.copyCountUnknown ? { via: 'built by a resource copy loop' } : {}),
    };
    const view = routeFrom(template, routeTable, 'child', split ? split.leaf : child.name, safe(() => child.properties()) ?? null, origin, child);
    if (child.condition !== true && child.condition !== undefined) view.condition = child.condition;
    routes.push(view);
  }
  return { routes, ...(routesOrigin ? { routesOrigin } : {}), routesLiteral, usesChildResources };
}

/** The route table's routes (inline and child resources). */
export function collectRoutes(template: Template, routeTable: Resource): RouteView[] {
  return collectRouteTable(template, routeTable).routes;
}

const NEXT_HOPS: Record<string, NextHop> = {
  virtualappliance: 'VirtualAppliance',
  virtualnetworkgateway: 'VirtualNetworkGateway',
  none: 'None',
  internet: 'Internet',
  vnetlocal: 'VnetLocal',
};

export function normalizeNextHop(v: Value): NextHop | undefined {
  return typeof v === 'string' ? NEXT_HOPS[v.trim().toLowerCase()] : undefined;
}

/** Next hops that force-tunnel Internet-bound traffic away from the Internet. */
export function isForcedTunnelHop(hop: NextHop): boolean {
  return hop === 'VirtualAppliance' || hop === 'VirtualNetworkGateway' || hop === 'None';
}

function isDefaultPrefix(v: Value): Tri {
  if (typeof v === 'string') return v.trim() === '0.0.0.0/0';
  if (isUnknown(v)) {
    if (v.candidates && v.candidates.length > 0) {
      const hits = v.candidates.map((c) => typeof c === 'string' && c.trim() === '0.0.0.0/0');
      if (hits.every((h) => h)) return true;
      if (hits.every((h) => !h)) return false;
    }
    return undefined;
  }
  return false;
}

export interface DefaultRouteVerdict {
  route: RouteView;
  /** True when the address prefix is known to be 0.0.0.0/0; undefined when it may be. */
  isDefault: Tri;
  nextHop?: NextHop;
  /** True: forced tunneling; false: next hop Internet (or VnetLocal); undefined: unknown. */
  forced: Tri;
  /** Why `forced` or `isDefault` is undefined. */
  reason?: string;
}

export interface RouteTableVerdict {
  routeTable: Resource;
  routes: RouteView[];
  /** Routes with prefix 0.0.0.0/0 (or possibly so), with their next hop verdict. */
  defaultRoutes: DefaultRouteVerdict[];
  /** True when some 0.0.0.0/0 route surely force-tunnels; undefined when unknown values decide. */
  forcedTunneling: Tri;
  /** The `ApiManagement` (or regional `ApiManagement.<region>`, any case) → `Internet` route, when present. */
  apimToInternet?: RouteView;
  /** `disableBgpRoutePropagation` as evaluated (undefined when absent). */
  disableBgpRoutePropagation?: Value;
  disableBgpOrigin?: Origin;
  routesOrigin?: Origin;
  routesLiteral: boolean;
  usesChildResources: boolean;
}

/** Evaluates a route table: 0.0.0.0/0 routes and their next hops, the ApiManagement → Internet route, BGP propagation. */
export function evaluateRouteTable(template: Template, routeTable: Resource): RouteTableVerdict {
  const col = collectRouteTable(template, routeTable);
  const defaultRoutes: DefaultRouteVerdict[] = [];
  let apimToInternet: RouteView | undefined;
  for (const r of col.routes) {
    if (r.condition === false) continue;
    const isDef = isDefaultPrefix(r.addressPrefix);
    const hop = normalizeNextHop(r.nextHopType);
    if (
      typeof r.addressPrefix === 'string' &&
      parseTag(r.addressPrefix)?.base === 'apimanagement' &&
      hop === 'Internet' &&
      (r.condition === undefined || r.condition === true)
    ) {
      apimToInternet = apimToInternet ?? r;
    }
    if (isDef === false) continue;
    let forced: Tri;
    let reason: string | undefined;
    if (hop) forced = isForcedTunnelHop(hop);
    else if (isUnknown(r.nextHopType)) {
      const u = r.nextHopType;
      const cands = u.candidates?.map((c) => normalizeNextHop(c));
      if (cands && cands.length > 0 && cands.every((c) => c && isForcedTunnelHop(c))) forced = true;
      else if (cands && cands.length > 0 && cands.every((c) => c && !isForcedTunnelHop(c))) forced = false;
      else {
        forced = undefined;
        reason = r.opaqueReason ?? `next hop type of route '${r.name}' is not known (${u.reason})`;
      }
    } else forced = false;
    if (isDef === undefined) {
      reason = reason ?? r.opaqueReason ?? `address prefix of route '${r.name}' is not known (${isUnknown(r.addressPrefix) ? r.addressPrefix.reason : displayValue(r.addressPrefix)})`;
      if (forced === true) forced = undefined;
    }
    if (r.condition !== undefined && r.condition !== true && forced === true) {
      forced = undefined;
      reason = `the condition of route '${r.name}' is not known`;
    }
    defaultRoutes.push({ route: r, isDefault: isDef, ...(hop ? { nextHop: hop } : {}), forced, ...(reason ? { reason } : {}) });
  }
  let forcedTunneling: Tri = false;
  for (const d of defaultRoutes) {
    if (d.forced === true) {
      forcedTunneling = true;
      break;
    }
    if (d.forced === undefined) forcedTunneling = undefined;
  }
  const props = safe(() => routeTable.properties()) ?? {};
  const bgp = isObject(props) ? props.disableBgpRoutePropagation : undefined;
  const bgpOrigin = isObject(props) && bgp !== undefined ? safe(() => template.propertyOrigin(props, 'disableBgpRoutePropagation')) : undefined;
  return {
    routeTable,
    routes: col.routes,
    defaultRoutes,
    forcedTunneling,
    ...(apimToInternet ? { apimToInternet } : {}),
    ...(bgp !== undefined ? { disableBgpRoutePropagation: bgp } : {}),
    ...(bgpOrigin ? { disableBgpOrigin: bgpOrigin } : {}),
    ...(col.routesOrigin ? { routesOrigin: col.routesOrigin } : {}),
    routesLiteral: col.routesLiteral,
    usesChildResources: col.usesChildResources,
  };
}
