/**
 * Address sets of NSG rules: `*`, service tags (optionally regional), IPv4 CIDRs, and the
 * coverage relations of requirements.md ("How a requirement is evaluated"):
 *
 * - `*`, `Any`, `0.0.0.0/0` cover everything.
 * - `Internet` covers every public service tag (ApiManagement, Storage, Sql, EventHub, ...).
 * - `AzureCloud` covers every Azure service tag.
 * - `Tag` covers `Tag.<region>`; a regional tag covers `Tag` traffic of the APIM region
 *   (regions compared case- and space-insensitively).
 * - `VirtualNetwork`, the VNet's address space and any CIDR containing the APIM subnet prefix
 *   cover the APIM subnet.
 * - Only `AzureLoadBalancer`, `*` or a CIDR containing 168.63.129.16 cover AzureLoadBalancer.
 * - Application security groups cover nothing (handled by the caller: they are not prefixes).
 * - Service tags compare case-insensitively. IPv6 prefixes cover nothing (except `*`).
 *
 * Results are three-valued: an Unknown prefix, subnet prefix or region yields `undefined` with
 * the reason; `silent` marks undecidable comparisons nobody can know (a region given as
 * `resourceGroup().location` against a literal regional tag).
 */
import { Unknown, isUnknown, valuesEqual, type Tri, type Value } from '../expressions/value';
import { cachedParser } from './parse-cache';

/** The address class a requirement row talks about. */
export type AddressTarget = { kind: 'apimSubnet' } | { kind: 'tag'; tag: string };

export interface AddressEnv {
  /** Evaluated address prefix(es) of the APIM subnet (strings or Unknowns); empty when unknown. */
  subnetPrefixes: Value[];
  /** Evaluated `addressSpace.addressPrefixes` of the APIM VNet; empty when unknown. */
  vnetAddressSpace: Value[];
  /** The APIM location (region) of this subnet. */
  region: Value;
}

export interface Coverage {
  value: Tri;
  /** Why it could not be decided (value undefined). */
  reason?: string;
  /** Undecidable by nature (no info finding wanted). */
  silent?: boolean;
}

const YES: Coverage = { value: true };
const NO: Coverage = { value: false };

// ---------------------------------------------------------------------------------------------
// IPv4 CIDR math

/** A parsed IPv4 prefix (shared: parseCidr caches them). */
export interface Cidr {
  /** Network address as an unsigned 32-bit number (host bits cleared). */
  readonly base: number;
  readonly len: number;
}

/** Parses "10.0.0.0/24" or a bare address "10.0.0.5" (= /32); undefined otherwise (incl. IPv6). */
export const parseCidr: (text: string) => Cidr | undefined = cachedParser(parseCidrUncached);

function parseCidrUncached(text: string): Cidr | undefined {
  const m = /^\s*(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?\s*$/.exec(text);
  if (!m) return undefined;
  const o = [m[1], m[2], m[3], m[4]].map(Number);
  if (o.some((x) => x > 255)) return undefined;
  const len = m[5] !== undefined ? Number(m[5]) : 32;
  if (len > 32) return undefined;
  const addr = ((o[0] << 24) >>> 0) + (o[1] << 16) + (o[2] << 8) + o[3];
  return { base: (addr & maskOf(len)) >>> 0, len };
}

function maskOf(len: number): number {
  return len === 0 ? 0 : (~0 << (32 - len)) >>> 0;
}

/** True when `outer` contains every address of `inner`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.len > inner.len) return false;
  return ((inner.base & maskOf(outer.len)) >>> 0) === outer.base;
}

export function cidrToString(c: Cidr): string {
  return `${c.base >>> 24}.${(c.base >>> 16) & 255}.${(c.base >>> 8) & 255}.${c.base & 255}/${c.len}`;
}

/** Number of addresses of a prefix length (IPv4). */
export function cidrSize(len: number): number {
  return 2 ** (32 - len);
}

export function isIpv6(text: string): boolean {
  return text.includes(':');
}

const AZURE_LB_ADDRESS = parseCidr('168.63.129.16/32')!;

const NON_PUBLIC_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '168.63.129.16/32'].map(
  (s) => parseCidr(s)!,
);

/** True when the IPv4 prefix lies outside the private/reserved ranges (a public address). */
export function isPublicCidr(c: Cidr): boolean {
  if (c.len === 0) return false;
  return !NON_PUBLIC_RANGES.some((r) => cidrContains(r, c) || cidrContains(c, r));
}

// ---------------------------------------------------------------------------------------------
// Service tags

/** Tags that are not public Internet address ranges. */
const NON_PUBLIC_TAGS = new Set(['virtualnetwork', 'azureloadbalancer', 'azureplatformdns', 'azureplatformimds', 'azureplatformlkm']);
/** Tags that are not Azure service tags (not covered by AzureCloud). */
const NON_AZURE_TAGS = new Set(['internet', 'virtualnetwork', 'azureloadbalancer', 'azureplatformdns', 'azureplatformimds', 'azureplatformlkm']);
/** Tags whose dotted suffix is not a region. */
const DOTTED_NON_REGIONAL = new Set(['azurefrontdoor.backend', 'azurefrontdoor.frontend', 'azurefrontdoor.firstparty']);

/** The well-known service tags (documentation, fix validation); any other word is treated as a tag too. */
export const KNOWN_SERVICE_TAGS = [
  'Internet',
  'VirtualNetwork',
  'AzureLoadBalancer',
  'AzureCloud',
  'ApiManagement',
  'Storage',
  'Sql',
  'EventHub',
  'ServiceBus',
  'AzureKeyVault',
  'AzureMonitor',
  'AzureActiveDirectory',
  'AzureConnectors',
  'AzureTrafficManager',
  'AzureFrontDoor.Backend',
  'AzureFrontDoor.Frontend',
  'GatewayManager',
  'AppService',
  'AzureContainerRegistry',
  'MicrosoftContainerRegistry',
] as const;

/** A parsed service tag (shared: parseTag caches them). */
export interface TagRef {
  /** Lower-cased tag without region, e.g. "sql", "azurefrontdoor.backend". */
  readonly base: string;
  /** Normalized region (lower case, no spaces) for regional tags like "Sql.WestEurope". */
  readonly region?: string;
}

/** Normalizes a region name: "West Europe" = "westeurope". */
export function normalizeRegion(text: string): string {
  return text.replace(/\s+/g, '').toLowerCase();
}

const TAG_RE = /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9][A-Za-z0-9 ]*)?$/;

/** Parses a service tag; undefined for `*`, CIDRs, IPv6 and other text. */
export const parseTag: (text: string) => TagRef | undefined = cachedParser(parseTagUncached);

function parseTagUncached(text: string): TagRef | undefined {
  const s = text.trim();
  if (!TAG_RE.test(s) || s.toLowerCase() === 'any') return undefined;
  const lower = s.toLowerCase();
  if (DOTTED_NON_REGIONAL.has(lower)) return { base: lower };
  const dot = lower.indexOf('.');
  if (dot < 0) return { base: lower };
  return { base: lower.slice(0, dot), region: normalizeRegion(lower.slice(dot + 1)) };
}

export function isAllAddresses(text: string): boolean {
  const s = text.trim();
  return s === '*' || s === '0.0.0.0/0' || (s.length === 3 && s.toLowerCase() === 'any');
}

/** Does tag `outerBase` (no region) cover the address set of tag `innerBase`? */
function tagBaseCovers(outerBase: string, innerBase: string): boolean {
  if (outerBase === innerBase) return true;
  if (outerBase === 'internet') return !NON_PUBLIC_TAGS.has(innerBase);
  if (outerBase === 'azurecloud') return !NON_AZURE_TAGS.has(innerBase);
  return false;
}

function regionMatches(tagRegion: string, env: AddressEnv): Coverage {
  const r = env.region;
  if (typeof r === 'string') return { value: normalizeRegion(r) === tagRegion };
  if (isUnknown(r) && r.candidates && r.candidates.length > 0 && r.candidates.every((c) => typeof c === 'string')) {
    const hits = r.candidates.map((c) => normalizeRegion(c as string) === tagRegion);
    if (hits.every((h) => h)) return YES;
    if (hits.every((h) => !h)) return NO;
  }
  return {
    value: undefined,
    reason: `the APIM region (${isUnknown(r) ? r.reason : 'not given'}) cannot be compared with the regional tag's region '${tagRegion}'`,
    silent: true,
  };
}

// ---------------------------------------------------------------------------------------------
// Coverage of a requirement's address class by one rule prefix

/** Does one rule prefix (evaluated) cover the requirement's address class? */
export function prefixCovers(prefix: Value, target: AddressTarget, env: AddressEnv): Coverage {
  if (isUnknown(prefix)) return unknownPrefixCovers(prefix, target, env);
  if (typeof prefix !== 'string') return NO;
  if (isAllAddresses(prefix)) return YES;
  if (target.kind === 'apimSubnet') return stringCoversSubnet(prefix, env);
  return stringCoversTag(prefix, target.tag, env);
}

function stringCoversTag(prefix: string, targetTag: string, env: AddressEnv): Coverage {
  const inner = parseTag(targetTag);
  if (!inner) return NO;
  if (inner.base === 'azureloadbalancer') {
    const c = parseCidr(prefix);
    if (c) return { value: cidrContains(c, AZURE_LB_ADDRESS) };
    const t = parseTag(prefix);
    return { value: !!t && t.base === 'azureloadbalancer' && !t.region };
  }
  const t = parseTag(prefix);
  if (!t) return NO; // a CIDR (other than 0.0.0.0/0) or IPv6 never covers a whole service tag
  if (!tagBaseCovers(t.base, inner.base)) return NO;
  if (inner.region) {
    // Target is itself regional: an unregional outer covers it; a regional outer must be the same region.
    if (!t.region) return YES;
    return { value: t.region === inner.region };
  }
  if (!t.region) return YES;
  return regionMatches(t.region, env);
}

function stringCoversSubnet(prefix: string, env: AddressEnv): Coverage {
  const t = parseTag(prefix);
  if (t) return { value: t.base === 'virtualnetwork' && !t.region };
  if (isIpv6(prefix)) return NO;
  const outer = parseCidr(prefix);
  if (!outer) return NO;
  // The subnet's own prefixes, when known.
  if (env.subnetPrefixes.length > 0) {
    let result: Coverage = YES;
    for (const sp of env.subnetPrefixes) {
      const c = oneSubnetPrefix(outer, prefix, sp, env);
      if (c.value === false) return c;
      if (c.value === undefined && result.value === true) result = c;
    }
    return result;
  }
  return viaVnetSpace(outer, prefix, env) ?? {
    value: undefined,
    reason: `the APIM subnet's address prefix is not known, so '${prefix}' cannot be compared with it`,
  };
}

function oneSubnetPrefix(outer: Cidr, prefixText: string, sp: Value, env: AddressEnv): Coverage {
  if (typeof sp === 'string') {
    if (isIpv6(sp)) return YES; // an IPv6 subnet prefix is not what an IPv4 rule is about
    const inner = parseCidr(sp);
    if (inner) return { value: cidrContains(outer, inner) };
    return NO;
  }
  if (isUnknown(sp)) {
    if (sp.candidates && sp.candidates.length > 0 && sp.candidates.every((c) => typeof c === 'string')) {
      const hits = sp.candidates.map((c) => {
        const ic = parseCidr(c as string);
        return !!ic && cidrContains(outer, ic);
      });
      if (hits.every((h) => h)) return YES;
      if (hits.every((h) => !h)) return NO;
    }
    const v = viaVnetSpace(outer, prefixText, env);
    if (v) return v;
    return { value: undefined, reason: `the APIM subnet prefix is not known (${sp.reason})` };
  }
  return NO;
}

/** Coverage of the subnet derived from the VNet address space (the subnet lies inside it). */
function viaVnetSpace(outer: Cidr, _prefixText: string, env: AddressEnv): Coverage | undefined {
  const spaces = env.vnetAddressSpace.filter((s): s is string => typeof s === 'string' && !isIpv6(s));
  if (spaces.length === 0 || spaces.length !== env.vnetAddressSpace.filter((s) => !(typeof s === 'string' && isIpv6(s))).length) return undefined;
  const parsed = spaces.map(parseCidr);
  if (parsed.some((p) => !p)) return undefined;
  if (parsed.every((p) => cidrContains(outer, p!))) return YES;
  return undefined;
}

function unknownPrefixCovers(prefix: Unknown, target: AddressTarget, env: AddressEnv): Coverage {
  if (prefix.candidates && prefix.candidates.length > 0) {
    const results = prefix.candidates.map((c) => prefixCovers(c, target, env));
    if (results.every((r) => r.value === true)) return YES;
    if (results.every((r) => r.value === false)) return NO;
  }
  if (target.kind === 'apimSubnet') {
    // Symbolically the same value as the subnet prefix or the (single) VNet address space.
    if (env.subnetPrefixes.length > 0 && env.subnetPrefixes.every((sp) => valuesEqual(prefix, sp, { ignoreCase: true }) === true)) return YES;
    if (env.vnetAddressSpace.some((a) => valuesEqual(prefix, a, { ignoreCase: true }) === true)) return YES;
  } else {
    // A regional tag built from the APIM region: concat('Sql.', resourceGroup().location).
    const parts = prefix.parts;
    if (parts && parts.length === 2 && typeof parts[0] === 'string' && parts[0].endsWith('.') && isUnknown(parts[1])) {
      const base = parseTag(parts[0].slice(0, -1));
      const inner = parseTag(target.tag);
      if (base && inner && !base.region) {
        if (!tagBaseCovers(base.base, inner.base) || inner.base === 'azureloadbalancer') return NO;
        if (valuesEqual(parts[1], env.region, { ignoreCase: true }) === true) return YES;
        return { value: undefined, reason: `the region of '${parts[0]}{${parts[1].key}}' is not known`, silent: true };
      }
    }
  }
  return { value: undefined, reason: prefix.reason };
}

/**
 * Does the union of a rule's prefixes cover the APIM subnet although no single prefix does
 * (e.g. the subnet split in two halves)? Only for literal IPv4 CIDRs and a literal subnet.
 */
export function prefixUnionCoversSubnet(prefixes: Value[], env: AddressEnv): boolean {
  if (prefixes.length < 2) return false; // a union of at least two prefixes
  const subnet = env.subnetPrefixes.filter((s) => !(typeof s === 'string' && isIpv6(s)));
  if (subnet.length === 0 || !subnet.every((s) => typeof s === 'string' && parseCidr(s))) return false;
  const ranges: [number, number][] = [];
  for (const p of prefixes) {
    const c = typeof p === 'string' ? parseCidr(p) : undefined;
    if (c) ranges.push([c.base, c.base + cidrSize(c.len) - 1]);
  }
  if (ranges.length < 2) return false;
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return subnet.every((s) => {
    const c = parseCidr(s as string)!;
    const lo = c.base;
    const hi = c.base + cidrSize(c.len) - 1;
    return merged.some(([a, b]) => a <= lo && hi <= b);
  });
}

// ---------------------------------------------------------------------------------------------
// Coverage between two rule prefixes (client row: does a deny cover an allow's source?)

/** Does address prefix `outer` cover every address of prefix `inner`? */
export function prefixCoversPrefix(outer: Value, inner: Value, env: AddressEnv): Coverage {
  if (isUnknown(outer) || isUnknown(inner)) {
    if (!isUnknown(outer) && typeof outer === 'string' && isAllAddresses(outer)) return YES;
    if (valuesEqual(outer, inner, { ignoreCase: true }) === true) return YES;
    const u = (isUnknown(outer) ? outer : inner) as Unknown;
    return { value: undefined, reason: u.reason };
  }
  if (typeof outer !== 'string' || typeof inner !== 'string') return NO;
  if (isAllAddresses(outer)) return YES;
  if (isAllAddresses(inner)) return NO;
  if (outer.trim().toLowerCase() === inner.trim().toLowerCase()) return YES;
  const ot = parseTag(outer);
  const it = parseTag(inner);
  const oc = parseCidr(outer);
  const ic = parseCidr(inner);
  if (oc && ic) return { value: cidrContains(oc, ic) };
  if (ot && it) {
    if (it.base === 'azureloadbalancer' || ot.base === 'azureloadbalancer') return { value: ot.base === it.base && ot.region === it.region };
    if (!tagBaseCovers(ot.base, it.base)) return NO;
    if (!ot.region) return YES;
    return { value: ot.region === it.region };
  }
  if (ot && ic) {
    if (ot.region) return NO;
    if (ot.base === 'virtualnetwork') {
      const spaces = env.vnetAddressSpace.map((s) => (typeof s === 'string' ? parseCidr(s) : undefined));
      if (spaces.some((s) => s && cidrContains(s, ic))) return YES;
      if (env.subnetPrefixes.some((s) => typeof s === 'string' && parseCidr(s) && cidrContains(parseCidr(s)!, ic))) return YES;
      if (env.vnetAddressSpace.some((s) => !(typeof s === 'string'))) return { value: undefined, reason: 'the VNet address space is not known' };
      return NO;
    }
    if (ot.base === 'internet') {
      const spaces = env.vnetAddressSpace.map((s) => (typeof s === 'string' ? parseCidr(s) : undefined));
      if (spaces.some((s) => s && (cidrContains(s, ic) || cidrContains(ic, s)))) return NO;
      return { value: isPublicCidr(ic) };
    }
    if (ot.base === 'azureloadbalancer') return { value: cidrContains(AZURE_LB_ADDRESS, ic) };
    return NO; // a service tag's ranges are not known here: it does not cover an arbitrary CIDR
  }
  if (oc && it) {
    if (it.base === 'azureloadbalancer') return { value: cidrContains(oc, AZURE_LB_ADDRESS) };
    return NO;
  }
  return NO;
}
