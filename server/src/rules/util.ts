/** Shared helpers of the rule checks: tiers, modes, locations of findings. */
import { findNodeAtLocation, type Node } from 'jsonc-parser';
import type { Finding, Fix, Location, RelatedInformation, Severity } from '../findings';
import type { Origin, Resource } from '../template/model';
import type { ApimLocation, ApimService } from '../network/chain-model';
import { isUnknown, type Value, displayValue } from '../expressions/value';
import type { Platform } from '../config/types';
import { selectProfile } from '../requirements';

export type Profile = 'stv1' | 'stv2';

/** Lower-cased, trimmed sku name, or undefined when it is not a known string. */
export function tierName(sku: Value): string | undefined {
  return typeof sku === 'string' ? sku.trim().toLowerCase() : undefined;
}

export const CLASSIC_INJECTABLE = new Set(['developer', 'premium']);
export const V2_TIERS = new Set(['standardv2', 'premiumv2']);

export function isV2Tier(sku: Value): boolean {
  const t = tierName(sku);
  return t !== undefined && V2_TIERS.has(t);
}

/**
 * Whether a tier can run in a VNet mode (requirements.md "Tiers and modes"): Developer and
 * Premium inject External/Internal; StandardV2 integrates with External only; PremiumV2
 * integrates (External) and injects (Internal). Undefined for tiers we do not know.
 */
export function tierSupportsMode(tier: string, mode: 'External' | 'Internal'): boolean | undefined {
  switch (tier) {
    case 'developer':
    case 'premium':
    case 'premiumv2':
      return true;
    case 'standardv2':
      return mode === 'External';
    case 'basic':
    case 'standard':
    case 'consumption':
    case 'basicv2':
      return false;
    default:
      return undefined;
  }
}

/** Canonical tier spelling for messages. */
export function tierDisplay(tier: string): string {
  const names: Record<string, string> = {
    developer: 'Developer',
    premium: 'Premium',
    basic: 'Basic',
    standard: 'Standard',
    consumption: 'Consumption',
    basicv2: 'BasicV2',
    standardv2: 'StandardV2',
    premiumv2: 'PremiumV2',
  };
  return names[tier] ?? tier;
}

/** The VNet mode of a service when known: 'None', 'External' or 'Internal'. */
export function modeOf(service: ApimService): 'None' | 'External' | 'Internal' | undefined {
  const v = service.virtualNetworkType;
  if (v === null || v === undefined || v === '') return 'None';
  if (typeof v !== 'string') return undefined;
  const t = v.trim().toLowerCase();
  if (t === 'none') return 'None';
  if (t === 'external') return 'External';
  if (t === 'internal') return 'Internal';
  return undefined;
}

export function inVnetMode(service: ApimService): boolean {
  const m = modeOf(service);
  return m === 'External' || m === 'Internal';
}

export function profileForService(platform: Platform, service: ApimService): Profile {
  const hasPip = service.locations.some((l) => l.publicIpAddressId !== undefined && l.publicIpAddressId !== null && l.publicIpAddressId !== '');
  return selectProfile(platform, service.apiVersion ?? service.resource.apiVersion, hasPip);
}

export function rangeOfNode(file: string, node: Node): Location {
  return { file, range: { offset: node.offset, length: node.length } };
}

export function locationOfOrigin(origin: Origin): Location {
  return rangeOfNode(origin.file, origin.node);
}

/** The node of a resource's `name` value (where a finding about the resource as a whole goes). */
export function resourceNameNode(resource: Resource): Node {
  return findNodeAtLocation(resource.node, ['name']) ?? resource.node;
}

export function resourceLocation(resource: Resource): Location {
  return rangeOfNode(resource.scope.file.file, resourceNameNode(resource));
}

/** Node of a member path inside a resource object, if literally present. */
export function resourceMemberNode(resource: Resource, path: (string | number)[]): Node | undefined {
  return findNodeAtLocation(resource.node, path);
}

export function resourceMemberLocation(resource: Resource, path: (string | number)[]): Location {
  const n = resourceMemberNode(resource, path);
  return n ? rangeOfNode(resource.scope.file.file, n) : resourceLocation(resource);
}

/**
 * A resource's name for messages: the literal name, else the name as written in the template
 * (the expression text), so that `[format('apimnsg{0}', uniqueString(resourceGroup().id))]`
 * reads as the user wrote it.
 */
export function resourceName(resource: Resource): string {
  if (typeof resource.name === 'string') return resource.name;
  const node = findNodeAtLocation(resource.node, ['name']);
  if (node && node.type === 'string') {
    const raw = String(node.value);
    return raw.length > 80 ? raw.slice(0, 79) + '…' : raw;
  }
  return displayValue(resource.name);
}

export function resourceLabel(resource: Resource): string {
  const shortType = resource.type.split('/').slice(-1)[0];
  return `${shortType} '${resourceName(resource)}'`;
}

export function serviceLabel(service: ApimService): string {
  return `API Management service '${resourceName(service.resource)}'`;
}

export function locationLabel(loc: ApimLocation): string {
  const region = isUnknown(loc.location) ? 'its resource group location' : displayValue(loc.location);
  return loc.isPrimary ? `primary location (${region})` : `additional location ${region}`;
}

/** Related information pointing at the APIM service (its subnetResourceId for the location when known). */
export function relatedToService(service: ApimService, loc?: ApimLocation, message?: string): RelatedInformation {
  const origin = loc?.subnetIdOrigin;
  return {
    location: origin ? locationOfOrigin(origin) : resourceLocation(service.resource),
    message: message ?? `${serviceLabel(service)}${loc && origin ? ' uses this subnet' : ''}`,
  };
}

export interface FindingInit {
  related?: RelatedInformation[];
  fixes?: Fix[];
  profile?: Profile;
  noFixReason?: string;
  data?: Record<string, unknown>;
}

export function makeFinding(ruleId: string, severity: Severity, location: Location, message: string, init: FindingInit = {}): Finding {
  const f: Finding = {
    ruleId,
    severity,
    message,
    location,
    related: init.related ?? [],
    fixes: init.fixes ?? [],
  };
  if (init.profile) f.profile = init.profile;
  if (init.noFixReason) f.noFixReason = init.noFixReason;
  if (init.data) f.data = init.data;
  return f;
}

/** Normalizes an Azure region name for comparison ("West Europe" = "westeurope"). */
export function normalizeRegion(v: Value): string | undefined {
  return typeof v === 'string' ? v.replace(/\s+/g, '').toLowerCase() : undefined;
}

/** The number of units of a location (sku.capacity), 1 when absent or unknown. */
export function unitsOf(capacity: Value): number {
  return typeof capacity === 'number' && capacity > 0 ? Math.floor(capacity) : 1;
}

/**
 * The subscription part of a resource id value: a literal GUID, an Unknown (symbolic part), or
 * undefined when the id has no `/subscriptions/` segment or is not a string.
 */
export function subscriptionOfId(id: Value | undefined): Value | undefined {
  if (typeof id === 'string') {
    const m = /^\/subscriptions\/([^/]+)/i.exec(id.trim());
    return m ? m[1] : undefined;
  }
  if (isUnknown(id) && id.parts) {
    const [first, second, third] = id.parts;
    if (typeof first !== 'string') return undefined;
    const lit = first.trim();
    const m = /^\/subscriptions\/([^/]+)/i.exec(lit);
    if (m) {
      // The GUID is literal if followed by a slash within this literal part.
      if (lit.length > m[0].length && lit[m[0].length] === '/') return m[1];
      if (lit.length === m[0].length && typeof second !== 'string' && second !== undefined) return undefined;
      return m[1];
    }
    if (/^\/subscriptions\/$/i.test(lit) && second !== undefined && typeof second !== 'string') {
      if (third === undefined || (typeof third === 'string' && third.startsWith('/'))) return second;
    }
  }
  return undefined;
}

/** The subscription the resource is deployed to, in its own scope (literal, or the canonical unknown). */
export function deploymentSubscription(resource: Resource): Value {
  return resource.scope.evaluateString('[subscription().subscriptionId]');
}

/** Every resource `from` depends on, transitively (explicit dependsOn, and the deployments that contain it). */
export function dependencyClosure(from: Resource): Set<Resource> {
  const seen = new Set<Resource>();
  const stack: Resource[] = [from];
  for (let s: Resource['scope'] | undefined = from.scope; s; s = s.parent) {
    if (s.deployment) stack.push(s.deployment);
  }
  while (stack.length) {
    const r = stack.pop()!;
    for (const d of r.dependsOn()) {
      if (!seen.has(d)) {
        seen.add(d);
        stack.push(d);
      }
    }
  }
  return seen;
}

/** Whether `from` is deployed after `target` (depends on it, its child, or a deployment that holds it). */
export function dependsOnResource(from: Resource, target: Resource): boolean {
  const closure = dependencyClosure(from);
  for (const d of closure) {
    for (let p: Resource | undefined = d; p; p = p.parent) if (p === target) return true;
  }
  for (let s: Resource['scope'] | undefined = target.scope; s; s = s.parent) {
    if (s.deployment && closure.has(s.deployment)) return true;
  }
  return false;
}

const EXPR = /^\[(?!\[)([\s\S]*)\]$/;

/**
 * The `dependsOn` entry by which a resource of the same scope can name a top-level `target`: its
 * symbolic name in languageVersion 2.0 templates, else `[resourceId('<type>', <name>)]` built
 * from the target's own `name` text. Undefined when the target is in another scope or a child.
 */
export function dependsOnEntry(from: Resource, target: Resource): string | undefined {
  if (from.scope !== target.scope || target.inline || target.parent) return undefined;
  if (target.symbolicName) return target.symbolicName;
  const nameNode = resourceMemberNode(target, ['name']);
  if (!nameNode || nameNode.type !== 'string') return undefined;
  const raw = nameNode.value as string;
  const m = EXPR.exec(raw);
  const nameArg = m ? m[1].trim() : `'${raw.replace(/'/g, "''")}'`;
  return `[resourceId('${target.type}', ${nameArg})]`;
}
