/**
 * Builds the resolved network chain of every API Management service of a template:
 * APIM → (per location) subnet → VNet → NSG / route table. See chain-model.ts (the contract).
 *
 * Pure and synchronous; never throws on user input: whatever cannot be resolved becomes an
 * `unknown` (or `external`) link with a human reason.
 */
import { findNodeAtLocation, type Node } from 'jsonc-parser';
import {
  Unknown,
  isArray,
  isObject,
  isUnknown,
  displayValue,
  symbolicConcat,
  type StringPart,
  type Value,
  type ValueObject,
} from '../expressions/value';
import type { Origin, Resource, ResolveResult, Template } from '../template/model';
import type { ApimLocation, ApimService, Link, SubnetInfo } from './chain-model';

export const APIM_TYPE = 'Microsoft.ApiManagement/service';
export const SUBNET_TYPE = 'Microsoft.Network/virtualNetworks/subnets';
export const VNET_TYPE = 'Microsoft.Network/virtualNetworks';
export const NSG_TYPE = 'Microsoft.Network/networkSecurityGroups';
export const ROUTE_TABLE_TYPE = 'Microsoft.Network/routeTables';

/** A value with the place it was read from (when known). */
interface Located {
  value: Value | undefined;
  origin?: Origin;
}

/** Every APIM service of the template (all scopes), with its resolved chain per location. */
export function buildChain(template: Template): ApimService[] {
  const out: ApimService[] = [];
  let apims: Resource[];
  try {
    apims = template.resourcesOfType(APIM_TYPE);
  } catch {
    apims = template.resources.filter((r) => sameType(r.type, APIM_TYPE));
  }
  for (const res of apims) {
    // An `existing` APIM is not deployed by this template: nothing of its network is written here.
    if (res.existing) continue;
    out.push(buildService(template, res));
  }
  return out;
}

function buildService(template: Template, res: Resource): ApimService {
  const base = resourceOrigin(res);
  const sku = safe(() => res.sku(), undefined);
  const skuOrigin = childOrigin(template, { value: sku, origin: childNodeOrigin(base, 'sku') }, 'name');
  const skuLoc: Located = { value: sku, origin: childNodeOrigin(base, 'sku') };
  const skuName = member(skuLoc.value, 'name');
  const skuCap = member(skuLoc.value, 'capacity');
  const props: Located = { value: safe(() => res.properties(), {} as ValueObject), origin: childNodeOrigin(base, 'properties') };
  const vnetType = member(props.value, 'virtualNetworkType');
  const pip = member(props.value, 'publicIpAddressId');

  const service: ApimService = {
    resource: res,
    apiVersion: res.apiVersion,
    skuName: skuName === undefined || skuName === null ? missing(sku, 'name', 'sku.name') : skuName,
    skuNameOrigin: skuOrigin ?? skuLoc.origin,
    // ARM's default capacity is 1 (one unit) when `sku.capacity` is absent.
    skuCapacity: skuCap === undefined || skuCap === null ? (isUnknown(sku) ? missing(sku, 'capacity', 'sku.capacity') : 1) : skuCap,
    virtualNetworkType: vnetType === undefined || vnetType === null ? 'None' : vnetType,
    vnetTypeOrigin: childOrigin(template, props, 'virtualNetworkType'),
    publicIpAddressId: pip === null ? undefined : pip,
    locations: [],
  };

  // Primary location.
  const vnetConfig: Located = {
    value: member(props.value, 'virtualNetworkConfiguration'),
    origin: childOrigin(template, props, 'virtualNetworkConfiguration'),
  };
  service.locations.push(
    buildLocation(template, res, {
      index: 0,
      location: safe(() => res.location(), unknownValue('location', 'the location of the service could not be evaluated')),
      origin: childNodeOrigin(base, 'location') ?? base,
      vnetConfig,
      pip: { value: pip, origin: childOrigin(template, props, 'publicIpAddressId') },
      sku,
    }),
  );

  // Additional locations (literal array or property copy loop, already expanded by evaluation).
  const addl = member(props.value, 'additionalLocations');
  const addlOrigin = childOrigin(template, props, 'additionalLocations');
  if (isArray(addl)) {
    addl.forEach((entry, i) => {
      const entryOrigin =
        safe(() => (isObject(entry) || isArray(entry) ? template.originOf(entry) : undefined), undefined) ??
        arrayItemOrigin(addlOrigin, i) ??
        (addlOrigin ? { ...addlOrigin, literal: false } : undefined);
      const e: Located = { value: entry, origin: entryOrigin };
      service.locations.push(
        buildLocation(template, res, {
          index: i + 1,
          location: isUnknown(entry)
            ? derive(entry, 'location')
            : member(entry, 'location') ?? unknownValue(`additionalLocations[${i}].location`, `additionalLocations[${i}] has no location`),
          origin: entryOrigin,
          vnetConfig: { value: isUnknown(entry) ? derive(entry, 'virtualNetworkConfiguration') : member(entry, 'virtualNetworkConfiguration'), origin: childOrigin(template, e, 'virtualNetworkConfiguration') },
          pip: { value: member(entry, 'publicIpAddressId'), origin: childOrigin(template, e, 'publicIpAddressId') },
          sku: isUnknown(entry) ? derive(entry, 'sku') : member(entry, 'sku'),
        }),
      );
    });
  }
  return service;
}

interface LocationInput {
  index: number;
  location: Value;
  origin?: Origin;
  vnetConfig: Located;
  pip: Located;
  sku: Value | undefined;
}

function buildLocation(template: Template, apim: Resource, inp: LocationInput): ApimLocation {
  const cfg = inp.vnetConfig.value;
  const hasCfg = cfg !== undefined && cfg !== null;
  let subnetId: Value | undefined;
  if (isObject(cfg)) subnetId = member(cfg, 'subnetResourceId');
  else if (isUnknown(cfg)) subnetId = cfg; // the whole configuration is an unknown value
  if (subnetId === null || subnetId === '') subnetId = undefined;
  const loc: ApimLocation = {
    index: inp.index,
    isPrimary: inp.index === 0,
    location: inp.location,
    origin: inp.origin,
    vnetConfigOrigin: hasCfg ? inp.vnetConfig.origin : undefined,
    subnetId,
    subnetIdOrigin: isObject(cfg) ? childOrigin(template, inp.vnetConfig, 'subnetResourceId') : inp.vnetConfig.origin,
    publicIpAddressId: inp.pip.value === null ? undefined : inp.pip.value,
    publicIpOrigin: inp.pip.value === undefined || inp.pip.value === null ? undefined : inp.pip.origin,
    sku: inp.sku,
    subnet: { status: 'none' },
    vnet: { status: 'none' },
    nsg: { status: 'none' },
    routeTable: { status: 'none' },
  };
  try {
    resolveChain(template, apim, loc);
  } catch (e) {
    // Defensive: a bug in a lower layer must not take the whole analysis down.
    const reason = `the network chain could not be resolved (${e instanceof Error ? e.message : String(e)})`;
    loc.subnet = { status: 'unknown', reason, id: loc.subnetId };
    loc.vnet = { status: 'unknown', reason };
    loc.nsg = { status: 'unknown', reason };
    loc.routeTable = { status: 'unknown', reason };
  }
  return loc;
}

function resolveChain(template: Template, apim: Resource, loc: ApimLocation): void {
  const id = loc.subnetId;
  if (id === undefined) return; // no subnet: every link stays 'none'
  const r = template.resolveId(id, SUBNET_TYPE);
  const subnet = subnetLink(template, r, id);
  loc.subnet = subnet;
  if (subnet.status !== 'resolved') {
    const why = subnet.status === 'external' ? 'the subnet is outside the template' : 'the subnet could not be resolved';
    loc.vnet = subnet.status === 'external' ? externalVnet(id, subnet.reason) : { status: 'unknown', reason: why };
    loc.nsg = { status: 'unknown', reason: `${why}, so its network security group cannot be checked here` };
    loc.routeTable = { status: 'unknown', reason: `${why}, so its route table cannot be checked here` };
    return;
  }
  const info = subnet.target;
  loc.vnet = vnetLink(template, info, id);
  loc.nsg = refLink(template, info.nsgId, NSG_TYPE, 'network security group');
  loc.routeTable = refLink(template, info.routeTableId, ROUTE_TABLE_TYPE, 'route table');
  void apim;
}

function subnetLink(template: Template, r: ResolveResult, id: Value): Link<SubnetInfo> {
  if (r.kind === 'external' && isOpaque(id)) return { status: 'unknown', reason: unknownReason(r.reason, id, 'subnet id'), id };
  if (r.kind === 'external') return { status: 'external', reason: externalReason(r.reason, id), id };
  if (r.kind === 'unknown') return { status: 'unknown', reason: unknownReason(r.reason, id, 'subnet id'), id };
  const res = r.resource;
  if (res.existing) {
    return {
      status: 'external',
      reason: `subnet ${displayValue(res.name)} is declared 'existing': it is deployed outside this template`,
      id: res.id,
    };
  }
  if (!sameType(res.type, SUBNET_TYPE)) {
    return {
      status: 'unknown',
      reason: `the subnet id names a ${res.type} resource (${displayValue(res.name)}), not a subnet`,
      id,
    };
  }
  return { status: 'resolved', target: subnetInfo(template, res), certain: r.certain && conditionTrue(res) };
}

/** The SubnetInfo of an in-template subnet (child resource, top-level "vnet/subnet" or inline). */
export function subnetInfo(template: Template, res: Resource): SubnetInfo {
  const props = safe(() => res.properties(), {} as ValueObject);
  const prefixes: Value[] = [];
  const p1 = member(props, 'addressPrefix');
  if (p1 !== undefined && p1 !== null) prefixes.push(p1);
  const pN = member(props, 'addressPrefixes');
  if (isArray(pN)) prefixes.push(...pN.filter((x) => x !== null));
  else if (pN !== undefined && pN !== null) prefixes.push(pN);
  const nsg = member(props, 'networkSecurityGroup');
  const rt = member(props, 'routeTable');
  return {
    resource: res,
    vnet: findVnet(template, res),
    addressPrefixes: prefixes,
    nsgId: idOf(nsg),
    routeTableId: idOf(rt),
    delegations: arrayOrUnknown(member(props, 'delegations')),
    serviceEndpoints: arrayOrUnknown(member(props, 'serviceEndpoints')),
  };
}

/** `x.id` of a `{ id }` reference object; the unknown itself when the object is unknown. */
function idOf(ref: Value | undefined): Value | undefined {
  if (ref === undefined || ref === null) return undefined;
  if (isUnknown(ref)) return ref;
  if (isObject(ref)) {
    const id = ref.id;
    return id === null || id === '' ? undefined : id;
  }
  return undefined;
}

function arrayOrUnknown(v: Value | undefined): Value[] {
  if (v === undefined || v === null) return [];
  if (isArray(v)) return v;
  // An unknown array: one unknown element, so rules see that something may be there.
  return [v];
}

/** The VNet a subnet belongs to: its parent, else the VNet named by the first name segment. */
function findVnet(template: Template, subnet: Resource): Resource | undefined {
  if (subnet.parent && sameType(subnet.parent.type, VNET_TYPE)) return subnet.parent;
  const segs = splitName(subnet.name);
  if (segs.length < 2) return undefined;
  const vnetName = segs[0];
  let best: Resource | undefined;
  for (const v of safe(() => template.resourcesOfType(VNET_TYPE), [] as Resource[])) {
    const eq = safe(() => template.equal(v.name, vnetName, true), undefined);
    if (eq === true) {
      // Prefer one in the same scope (same deployment) as the subnet.
      if (v.scope === subnet.scope) return v;
      best = best ?? v;
    }
  }
  return best;
}

function vnetLink(template: Template, info: SubnetInfo, subnetId: Value): Link<Resource> {
  const v = info.vnet;
  if (v) {
    if (v.existing) {
      return { status: 'external', reason: `VNet ${displayValue(v.name)} is declared 'existing': it is deployed outside this template`, id: v.id };
    }
    return { status: 'resolved', target: v, certain: conditionTrue(v) };
  }
  // The subnet is in the template but its VNet is not: the VNet is deployed elsewhere.
  const vid = vnetIdFromSubnetId(subnetId);
  if (vid !== undefined) {
    const r = safe(() => template.resolveId(vid, VNET_TYPE), undefined);
    if (r && r.kind === 'resource' && !r.resource.existing) return { status: 'resolved', target: r.resource, certain: r.certain };
    return { status: 'external', reason: `the subnet's VNet is not declared in the template: ${displayValue(vid)}`, id: vid };
  }
  return { status: 'unknown', reason: `the VNet of subnet ${displayValue(info.resource.name)} is not declared in the template` };
}

function refLink(template: Template, id: Value | undefined, type: string, what: string): Link<Resource> {
  if (id === undefined) return { status: 'none' };
  const r = safe<ResolveResult>(() => template.resolveId(id, type), { kind: 'unknown', reason: `the ${what} id could not be resolved` });
  if (r.kind === 'external' && isOpaque(id)) return { status: 'unknown', reason: unknownReason(r.reason, id, `${what} id`), id };
  if (r.kind === 'external') return { status: 'external', reason: externalReason(r.reason, id), id };
  if (r.kind === 'unknown') return { status: 'unknown', reason: unknownReason(r.reason, id, `${what} id`), id };
  const res = r.resource;
  if (res.existing) {
    return { status: 'external', reason: `${what} ${displayValue(res.name)} is declared 'existing': it is deployed outside this template`, id: res.id };
  }
  if (!sameType(res.type, type)) {
    return { status: 'unknown', reason: `the ${what} id names a ${res.type} resource (${displayValue(res.name)})`, id };
  }
  return { status: 'resolved', target: res, certain: r.certain && conditionTrue(res) };
}

function externalVnet(subnetId: Value, reason: string): Link<Resource> {
  const vid = vnetIdFromSubnetId(subnetId);
  if (vid === undefined) return { status: 'unknown', reason: `the subnet is outside the template: ${reason}`, id: subnetId };
  return { status: 'external', reason: `resource is outside the template: ${displayValue(vid, 400)}`, id: vid };
}

/**
 * An id about which nothing is known (a parameter without value, an output of something outside
 * the template): it may as well name a resource of this template, so the link is 'unknown', not
 * 'external'. A (symbolic) id whose known text says where it points is 'external'.
 */
function isOpaque(id: Value): boolean {
  return isUnknown(id) && (!id.parts || !id.parts.some((p) => typeof p === 'string' && p.includes('/')));
}

const GENERIC_EXTERNAL = /^(the )?resource is not declared in the template\.?$/i;

function externalReason(reason: string | undefined, id: Value): string {
  const shown = displayValue(id, 400);
  const base = `resource is outside the template: ${shown}`;
  if (!reason || reason === base || GENERIC_EXTERNAL.test(reason.trim())) return base;
  return reason.includes(shown) ? reason : `${base} (${reason})`;
}

function unknownReason(reason: string | undefined, id: Value, what: string): string {
  if (reason) return reason.startsWith(what) || /^the /i.test(reason) ? reason : `${what}: ${reason}`;
  if (isUnknown(id)) return `${what} is not known: ${id.reason}`;
  return `${what} ${displayValue(id, 400)} could not be resolved`;
}

/** "/…/virtualNetworks/v/subnets/s" → "/…/virtualNetworks/v" (strings and symbolic strings). */
export function vnetIdFromSubnetId(id: Value): Value | undefined {
  const parts: StringPart[] | undefined = typeof id === 'string' ? [id] : isUnknown(id) && id.parts ? id.parts : undefined;
  if (!parts) return undefined;
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i];
    if (typeof p !== 'string') continue;
    const k = p.toLowerCase().lastIndexOf('/subnets/');
    if (k >= 0) return symbolicConcat([...parts.slice(0, i), p.slice(0, k)]);
  }
  return undefined;
}

/** Splits a (symbolic) resource name on '/' into segments, each a string or symbolic string. */
export function splitName(name: Value): (string | Unknown)[] {
  const parts: StringPart[] | undefined = typeof name === 'string' ? [name] : isUnknown(name) ? (name.parts ?? [name]) : undefined;
  if (!parts) return [];
  const segs: StringPart[][] = [[]];
  for (const p of parts) {
    if (typeof p !== 'string') {
      segs[segs.length - 1].push(p);
      continue;
    }
    const pieces = p.split('/');
    pieces.forEach((piece, j) => {
      if (j > 0) segs.push([]);
      if (piece) segs[segs.length - 1].push(piece);
    });
  }
  return segs.map((s) => symbolicConcat(s));
}

// ---------------------------------------------------------------------------------------------
// Small helpers shared with usage.ts and report.ts

export function sameType(a: string | undefined, b: string): boolean {
  return typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
}

export function conditionTrue(r: Resource): boolean {
  const c = safe(() => r.condition, true as Value);
  return c === true || c === undefined;
}

export function member(obj: Value | undefined, key: string): Value | undefined {
  if (!isObject(obj)) return undefined;
  // ARM property names are case-insensitive.
  if (Object.prototype.hasOwnProperty.call(obj, key)) return obj[key];
  const lk = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lk) return obj[k];
  return undefined;
}

export function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

function missing(container: Value | undefined, key: string, what: string): Value {
  if (isUnknown(container)) return derive(container, key);
  return unknownValue(what, `${what} is not set`);
}

/** `u.key` of an unknown object: an unknown with a canonical key derived from the object's. */
function derive(u: Unknown, key: string): Unknown {
  return new Unknown(`${u.key}.${key}`, u.reason);
}

function unknownValue(key: string, reason: string): Unknown {
  return new Unknown(`missing(${key})`, reason);
}

export function isExpressionText(s: string): boolean {
  return s.length >= 2 && s.startsWith('[') && !s.startsWith('[[') && s.endsWith(']');
}

export function resourceOrigin(res: Resource): Origin {
  return { file: res.scope.file.file, node: res.node, literal: true };
}

/** Origin of the direct child `key` of an object node origin (text only). */
function childNodeOrigin(o: Origin | undefined, key: string | number): Origin | undefined {
  if (!o || (o.node.type !== 'object' && o.node.type !== 'array')) return undefined;
  const n = findChild(o.node, key);
  if (!n) return undefined;
  return makeOrigin(o, n);
}

function arrayItemOrigin(o: Origin | undefined, i: number): Origin | undefined {
  if (!o || o.node.type !== 'array') return undefined;
  return childNodeOrigin(o, i);
}

function makeOrigin(parent: Origin, n: Node): Origin {
  const expr = n.type === 'string' && typeof n.value === 'string' && isExpressionText(n.value);
  const o: Origin = { file: parent.file, node: n, literal: parent.literal && !expr };
  const via = parent.via ?? (expr ? `computed by the expression ${String(n.value)}` : undefined);
  if (!o.literal && via) o.via = via;
  return o;
}

function findChild(node: Node, key: string | number): Node | undefined {
  if (typeof key === 'number') return node.type === 'array' ? node.children?.[key] : undefined;
  const direct = findNodeAtLocation(node, [key]);
  if (direct) return direct;
  // Case-insensitive property lookup.
  const lk = key.toLowerCase();
  for (const p of node.children ?? []) {
    const k = p.children?.[0];
    if (p.type === 'property' && k && typeof k.value === 'string' && k.value.toLowerCase() === lk) return p.children?.[1];
  }
  return undefined;
}

/** Origin of `base.value[key]`: the template's own answer first, else the text under base.origin. */
function childOrigin(template: Template, base: Located, key: string): Origin | undefined {
  if (isObject(base.value)) {
    const o = safe(() => template.propertyOrigin(base.value as ValueObject, key), undefined);
    if (o) return o;
  }
  return childNodeOrigin(base.origin, key);
}
