/**
 * Route table, service endpoint, delegation, SKU and parameter fix builders.
 */
import type { TextEdit } from '../findings';
import { childResourceName, createAndAssociate, DEFAULT_NETWORK_API_VERSION, type CreateAndAssociateOptions } from './arm';
import {
  addResources,
  composeSteps,
  findProperty,
  insertArrayElements,
  isExpressionString,
  nodeAt,
  removeArrayElement,
  removeProperty,
  setProperty,
  toPath,
  type PathOrNode,
} from './json-edit';

export const ROUTE_TABLE_TYPE = 'Microsoft.Network/routeTables';
export const ROUTE_TYPE = 'Microsoft.Network/routeTables/routes';

export interface RouteSpec {
  name: string;
  /** CIDR or service tag (e.g. "0.0.0.0/0", "ApiManagement"). */
  addressPrefix: string;
  /** Internet, VirtualAppliance, VirtualNetworkGateway, VnetLocal, None (any case). */
  nextHopType: string;
  /** Only for VirtualAppliance. */
  nextHopIpAddress?: string;
}

const NEXT_HOPS = ['Internet', 'VirtualAppliance', 'VirtualNetworkGateway', 'VnetLocal', 'None'];

function canonicalHop(h: string): string {
  return NEXT_HOPS.find((x) => x.toLowerCase() === String(h).trim().toLowerCase()) ?? h;
}

/** An inline route `{ name, properties: { addressPrefix, nextHopType[, nextHopIpAddress] } }`. */
export function buildRoute(spec: RouteSpec): { name: string; properties: Record<string, unknown> } {
  const hop = canonicalHop(spec.nextHopType);
  return {
    name: spec.name,
    properties: {
      addressPrefix: spec.addressPrefix,
      nextHopType: hop,
      nextHopIpAddress: hop === 'VirtualAppliance' ? spec.nextHopIpAddress : undefined,
    },
  };
}

/** The seed/stv2 mitigation route: `ApiManagement` service tag → Internet, with a unique name. */
export function apiManagementInternetRoute(existingNames: Iterable<string> = []): RouteSpec {
  return { name: uniqueName('ApiManagement_To_Internet', existingNames), addressPrefix: 'ApiManagement', nextHopType: 'Internet' };
}

/** Default route to the Internet (the expressroute-forced-tunneling fix). */
export function defaultInternetRoute(existingNames: Iterable<string> = []): RouteSpec {
  return { name: uniqueName('Default_To_Internet', existingNames), addressPrefix: '0.0.0.0/0', nextHopType: 'Internet' };
}

/** `base`, or `base_2`, `base_3`, ... unique case-insensitively among `existing`. */
export function uniqueName(base: string, existing: Iterable<string>): string {
  const taken = new Set<string>();
  for (const n of existing) taken.add(String(n).toLowerCase());
  if (!taken.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`.toLowerCase())) return `${base}_${i}`;
}

/**
 * Sets a route's `properties.nextHopType` (default Internet) and removes `nextHopIpAddress` unless
 * the new hop is VirtualAppliance. `routePath`: an inline route object or a route resource.
 * Undefined when the next hop is an expression.
 */
export function setRouteNextHop(text: string, file: string, routePath: PathOrNode, nextHopType = 'Internet'): TextEdit[] | undefined {
  const p = toPath(routePath);
  if (!p) return undefined;
  const hop = canonicalHop(nextHopType);
  const steps = [(t: string) => setProperty(t, file, [...p, 'properties', 'nextHopType'], hop)];
  if (hop !== 'VirtualAppliance') steps.push((t: string) => removeProperty(t, file, [...p, 'properties', 'nextHopIpAddress']));
  return composeSteps(text, file, steps);
}

/** Appends routes to a route table's inline `properties.routes` (created when absent). `routeTablePath`: the route table resource. */
export function addRoutes(text: string, file: string, routeTablePath: PathOrNode, routes: RouteSpec[]): TextEdit[] | undefined {
  const p = toPath(routeTablePath);
  if (!p) return undefined;
  return insertArrayElements(text, file, [...p, 'properties', 'routes'], routes.map(buildRoute));
}

/** Appends one route to a route table's inline routes (e.g. `apiManagementInternetRoute()`). */
export function addRoute(text: string, file: string, routeTablePath: PathOrNode, route: RouteSpec): TextEdit[] | undefined {
  return addRoutes(text, file, routeTablePath, [route]);
}

/** A top-level `Microsoft.Network/routeTables/routes` child resource. */
export function buildRouteResource(routeTableName: string, spec: RouteSpec, opts: { apiVersion?: string; dependsOn?: string[] } = {}): Record<string, unknown> {
  return {
    type: ROUTE_TYPE,
    apiVersion: opts.apiVersion ?? DEFAULT_NETWORK_API_VERSION,
    name: childResourceName(routeTableName, spec.name),
    properties: buildRoute(spec).properties,
    dependsOn: opts.dependsOn && opts.dependsOn.length ? opts.dependsOn : undefined,
  };
}

/** Adds a route as a child resource of route table `routeTableName` to a resources container. */
export function addRouteResource(
  text: string,
  file: string,
  resourcesPath: PathOrNode,
  routeTableName: string,
  route: RouteSpec,
  opts: { apiVersion?: string; dependsOn?: string[]; symbolicName?: string } = {},
): TextEdit[] | undefined {
  return addResources(text, file, resourcesPath, [
    { resource: buildRouteResource(routeTableName, route, opts), symbolicName: opts.symbolicName, symbolicBase: route.name },
  ]);
}

export interface CreateRouteTableOptions extends CreateAndAssociateOptions {
  routes: RouteSpec[];
}

/** Adds a route table with `routes` and associates it with the subnet (`properties.routeTable.id`), with dependsOn. */
export function createRouteTableAndAssociate(text: string, file: string, opts: CreateRouteTableOptions): TextEdit[] | undefined {
  try {
    return createAndAssociate(text, file, ROUTE_TABLE_TYPE, 'routeTable', { routes: opts.routes.map(buildRoute) }, opts, 'routeTable');
  } catch {
    return undefined;
  }
}

/** "Sql" → "Microsoft.Sql", "microsoft.storage" → "Microsoft.Storage". */
export function serviceEndpointName(s: string): string {
  const known = ['Microsoft.Sql', 'Microsoft.Storage', 'Microsoft.EventHub', 'Microsoft.KeyVault', 'Microsoft.ServiceBus', 'Microsoft.Web', 'Microsoft.AzureCosmosDB'];
  const v = String(s).trim();
  const full = /^microsoft\./i.test(v) ? v : `Microsoft.${v}`;
  return known.find((k) => k.toLowerCase() === full.toLowerCase()) ?? full;
}

/**
 * Adds the missing service endpoints (e.g. Sql, Storage, EventHub, KeyVault) to a subnet object's
 * `properties.serviceEndpoints` (created when absent). `[]` when none is missing; undefined when
 * the list or one of its entries is an expression (cannot tell what is there).
 */
export function setServiceEndpoints(text: string, file: string, subnetPath: PathOrNode, services: string[]): TextEdit[] | undefined {
  const p = toPath(subnetPath);
  if (!p) return undefined;
  const subnet = nodeAt(text, p);
  if (!subnet || subnet.type !== 'object') return undefined;
  const arrPath = [...p, 'properties', 'serviceEndpoints'];
  const arr = nodeAt(text, arrPath);
  const have = new Set<string>();
  if (arr) {
    if (arr.type !== 'array') return undefined;
    for (const el of arr.children ?? []) {
      const svc = el.type === 'object' ? findProperty(el, 'service')?.children?.[1] : undefined;
      if (!svc || svc.type !== 'string' || isExpressionString(svc.value)) return undefined;
      have.add(String(svc.value).toLowerCase());
    }
  }
  const missing: string[] = [];
  for (const s of services.map(serviceEndpointName)) {
    if (!have.has(s.toLowerCase())) {
      have.add(s.toLowerCase());
      missing.push(s);
    }
  }
  if (missing.length === 0) return [];
  return insertArrayElements(text, file, arrPath, missing.map((service) => ({ service })));
}

/**
 * Sets a resource's `sku.name` (and `sku.capacity` when given). Undefined when the current value
 * is an expression (fix the parameter instead).
 */
export function setSkuName(text: string, file: string, resourcePath: PathOrNode, name: string, capacity?: number): TextEdit[] | undefined {
  const p = toPath(resourcePath);
  if (!p) return undefined;
  const steps = [(t: string) => setProperty(t, file, [...p, 'sku', 'name'], name)];
  if (capacity !== undefined) steps.push((t: string) => setProperty(t, file, [...p, 'sku', 'capacity'], capacity));
  return composeSteps(text, file, steps);
}

interface AllowedValuesPlan {
  arrPath: (string | number)[];
  /** Indices of the elements to remove. */
  remove: number[];
  /** The values kept, in document order. */
  kept: string[];
  /** The parameter declaration and the literal default to replace (when it is removed), with its replacement. */
  defaultChange?: { paramPath: (string | number)[]; from: string; to: string };
}

function planAllowedValues(text: string, path: PathOrNode, keep: string[]): AllowedValuesPlan | undefined {
  const p = toPath(path);
  if (!p) return undefined;
  let node = nodeAt(text, p);
  let arrPath = p;
  let paramPath: (string | number)[] | undefined = p.length > 0 && p[p.length - 1] === 'allowedValues' ? p.slice(0, -1) : undefined;
  if (node?.type === 'object') {
    paramPath = p;
    arrPath = [...p, 'allowedValues'];
    node = nodeAt(text, arrPath);
  }
  if (!node || node.type !== 'array') return undefined;
  const keepSet = new Set(keep.map((k) => k.toLowerCase()));
  const remove: number[] = [];
  const kept: string[] = [];
  (node.children ?? []).forEach((el, i) => {
    if (el.type === 'string' && keepSet.has(String(el.value).toLowerCase())) kept.push(String(el.value));
    else remove.push(i);
  });
  let defaultChange: AllowedValuesPlan['defaultChange'];
  if (paramPath && kept.length > 0 && remove.length > 0) {
    const param = nodeAt(text, paramPath);
    const def = param?.type === 'object' ? findProperty(param, 'defaultValue')?.children?.[1] : undefined;
    if (def && def.type === 'string' && !isExpressionString(def.value) && !keepSet.has(String(def.value).toLowerCase())) {
      defaultChange = { paramPath, from: String(def.value), to: kept[0] };
    }
  }
  return { arrPath, remove, kept, defaultChange };
}

/**
 * Restricts a parameter's `allowedValues` to the values in `keep` (case-insensitive). `path`: the
 * parameter declaration object or its allowedValues array. When the literal `defaultValue` is
 * removed, it becomes the first kept value, and `defaultChange` says so (fix titles must say all
 * that the fix does). `edits` is `[]` when nothing is to remove; undefined when nothing would
 * remain or the list is not literal.
 */
export function restrictAllowedValuesFix(
  text: string,
  file: string,
  path: PathOrNode,
  keep: string[],
): { edits: TextEdit[]; defaultChange?: { from: string; to: string } } | undefined {
  const plan = planAllowedValues(text, path, keep);
  if (!plan) return undefined;
  const { arrPath, remove, kept, defaultChange } = plan;
  if (kept.length === 0) return undefined;
  if (remove.length === 0) return { edits: [] };
  const steps = remove
    .sort((a, b) => b - a)
    .map((i) => (t: string) => removeArrayElement(t, file, arrPath, i));
  if (defaultChange) {
    const pp = defaultChange.paramPath;
    steps.push((t: string) => setProperty(t, file, [...pp, 'defaultValue'], defaultChange.to));
  }
  const edits = composeSteps(text, file, steps);
  if (!edits) return undefined;
  return defaultChange ? { edits, defaultChange: { from: defaultChange.from, to: defaultChange.to } } : { edits };
}

/** restrictAllowedValuesFix's edits alone. */
export function restrictAllowedValues(text: string, file: string, path: PathOrNode, keep: string[]): TextEdit[] | undefined {
  return restrictAllowedValuesFix(text, file, path, keep)?.edits;
}

/**
 * Removes every delegation of a subnet object (`properties.delegations` becomes `[]`).
 * `[]` when there is none; undefined when the list is an expression.
 */
export function removeDelegations(text: string, file: string, subnetPath: PathOrNode): TextEdit[] | undefined {
  const p = toPath(subnetPath);
  if (!p) return undefined;
  const arrPath = [...p, 'properties', 'delegations'];
  const arr = nodeAt(text, arrPath);
  if (!arr) return nodeAt(text, p)?.type === 'object' ? [] : undefined;
  if (arr.type !== 'array') return undefined;
  if ((arr.children ?? []).length === 0) return [];
  return setProperty(text, file, arrPath, []);
}

/**
 * Sets a subnet's delegation to `serviceName` (e.g. "Microsoft.Web/serverFarms"), replacing any
 * other. `[]` when it is already the only delegation; undefined when the list is an expression.
 */
export function setDelegation(text: string, file: string, subnetPath: PathOrNode, serviceName: string, delegationName?: string): TextEdit[] | undefined {
  const p = toPath(subnetPath);
  if (!p) return undefined;
  const subnet = nodeAt(text, p);
  if (!subnet || subnet.type !== 'object') return undefined;
  const arrPath = [...p, 'properties', 'delegations'];
  const arr = nodeAt(text, arrPath);
  if (arr && arr.type !== 'array') return undefined;
  if (arr && arr.children?.length === 1) {
    const el = arr.children[0];
    const props = el.type === 'object' ? findProperty(el, 'properties')?.children?.[1] : undefined;
    const svc = props?.type === 'object' ? findProperty(props, 'serviceName')?.children?.[1] : undefined;
    if (svc?.type === 'string' && String(svc.value).toLowerCase() === serviceName.toLowerCase()) return [];
  }
  const value = [{ name: delegationName ?? serviceName.replace(/\//g, '.'), properties: { serviceName } }];
  return setProperty(text, file, arrPath, value);
}
