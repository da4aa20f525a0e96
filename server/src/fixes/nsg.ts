/**
 * NSG fix builders: security rule objects (inline and child-resource shapes), a free priority
 * below the deciding deny, descriptive unique rule names, inserting rules where the template
 * keeps them, and creating an NSG with rules associated with a subnet.
 */
import type { TextEdit } from '../findings';
import { childResourceName, createAndAssociate, DEFAULT_NETWORK_API_VERSION, type CreateAndAssociateOptions } from './arm';
import { addResources, insertArrayElements, type PathOrNode } from './json-edit';

export const NSG_TYPE = 'Microsoft.Network/networkSecurityGroups';
export const NSG_RULE_TYPE = 'Microsoft.Network/networkSecurityGroups/securityRules';
/** Azure's range of custom NSG rule priorities. */
export const MIN_PRIORITY = 100;
export const MAX_PRIORITY = 4096;

export type PortSpec = string | number;

export interface NsgRuleSpec {
  name: string;
  priority: number;
  /** Inbound / Outbound (any case). */
  direction: string;
  /** Tcp, Udp, Icmp, * (any case; "Any" means *). */
  protocol: string;
  /** Default Allow. */
  access?: string;
  sourcePortRange?: PortSpec;
  sourcePortRanges?: PortSpec[];
  destinationPortRange?: PortSpec;
  destinationPortRanges?: PortSpec[];
  sourceAddressPrefix?: string;
  sourceAddressPrefixes?: string[];
  destinationAddressPrefix?: string;
  destinationAddressPrefixes?: string[];
  description?: string;
}

function canonical(value: string, choices: string[]): string {
  const v = value.trim();
  return choices.find((c) => c.toLowerCase() === v.toLowerCase()) ?? v;
}

function normalizeProtocol(p: string): string {
  const v = (p ?? '*').trim();
  if (v === '' || /^any$/i.test(v)) return '*';
  return canonical(v, ['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', '*']);
}

/** Single vs plural form: one value → `<name>`, several → `<name>s`; nothing → '*'. */
function pair(single: string, one: unknown, many: unknown[] | undefined, fallback: string | undefined): Record<string, unknown> {
  const list = (many ?? []).map(String);
  if (list.length > 1) return { [single.endsWith('x') ? single + 'es' : single + 's']: list };
  if (list.length === 1) return { [single]: list[0] };
  if (one !== undefined) return { [single]: String(one) };
  return fallback === undefined ? {} : { [single]: fallback };
}

/** The `properties` of a security rule, in the order ARM quickstarts write them. */
export function buildNsgRuleProperties(spec: NsgRuleSpec): Record<string, unknown> {
  return {
    description: spec.description,
    protocol: normalizeProtocol(spec.protocol),
    ...pair('sourcePortRange', spec.sourcePortRange, spec.sourcePortRanges, '*'),
    ...pair('destinationPortRange', spec.destinationPortRange, spec.destinationPortRanges, '*'),
    ...pair('sourceAddressPrefix', spec.sourceAddressPrefix, spec.sourceAddressPrefixes, '*'),
    ...pair('destinationAddressPrefix', spec.destinationAddressPrefix, spec.destinationAddressPrefixes, '*'),
    access: canonical(spec.access ?? 'Allow', ['Allow', 'Deny']),
    priority: spec.priority,
    direction: canonical(spec.direction, ['Inbound', 'Outbound']),
  };
}

/** An inline security rule: `{ name, properties }` (for an NSG's `properties.securityRules`). */
export function buildNsgRule(spec: NsgRuleSpec): { name: string; properties: Record<string, unknown> } {
  return { name: spec.name, properties: buildNsgRuleProperties(spec) };
}

export interface NsgRuleResourceOptions {
  apiVersion?: string;
  /** dependsOn entries (the NSG's resourceId, or its symbolic name in a languageVersion 2.0 template). */
  dependsOn?: string[];
}

/** A top-level child security rule resource: type, apiVersion, name '<nsg>/<rule>', properties, dependsOn. */
export function buildNsgRuleResource(nsgName: string, spec: NsgRuleSpec, opts: NsgRuleResourceOptions = {}): Record<string, unknown> {
  return {
    type: NSG_RULE_TYPE,
    apiVersion: opts.apiVersion ?? DEFAULT_NETWORK_API_VERSION,
    name: childResourceName(nsgName, spec.name),
    properties: buildNsgRuleProperties(spec),
    dependsOn: opts.dependsOn && opts.dependsOn.length ? opts.dependsOn : undefined,
  };
}

/**
 * A priority for a new rule in `direction`: unique among `existing` rules of that direction and
 * numerically lower than `below` (the deciding deny's priority), within 100..4096. Prefers
 * `preferred`, then the next multiple of 10 after the last rule evaluated before `below`
 * (the new rule lands right after them, just before the deny), then the highest free multiple of
 * 10, then any free value. Undefined when none exists (e.g. a deny at 100).
 */
export function choosePriority(
  existing: readonly { priority: number; direction: string }[],
  direction: string,
  below: number,
  preferred?: number,
): number | undefined {
  const dir = String(direction).toLowerCase();
  const used = new Set<number>();
  for (const r of existing) {
    if (r && String(r.direction).toLowerCase() === dir && Number.isFinite(r.priority)) used.add(r.priority);
  }
  const limit = Math.min(Number.isFinite(below) ? Math.ceil(below) : MAX_PRIORITY + 1, MAX_PRIORITY + 1);
  const free = (p: number): boolean => Number.isInteger(p) && p >= MIN_PRIORITY && p < limit && !used.has(p);
  if (preferred !== undefined && free(preferred)) return preferred;
  let maxBefore = -1;
  for (const p of used) if (p < limit && p > maxBefore) maxBefore = p;
  const next = maxBefore < MIN_PRIORITY ? MIN_PRIORITY : Math.floor(maxBefore / 10) * 10 + 10;
  if (free(next)) return next;
  for (let p = Math.floor((limit - 1) / 10) * 10; p >= MIN_PRIORITY; p -= 10) if (free(p)) return p;
  for (let p = limit - 1; p >= MIN_PRIORITY; p--) if (free(p)) return p;
  return undefined;
}

/**
 * Priorities for several new rules at once (each request sees the ones chosen before it).
 * An entry is undefined when no priority exists for that request.
 */
export function choosePriorities(
  existing: readonly { priority: number; direction: string }[],
  requests: readonly { direction: string; below: number; preferred?: number }[],
): (number | undefined)[] {
  const taken = existing.slice();
  return requests.map((r) => {
    const p = choosePriority(taken, r.direction, r.below, r.preferred);
    if (p !== undefined) taken.push({ priority: p, direction: r.direction });
    return p;
  });
}

const SMALL_WORDS = new Set(['a', 'an', 'and', 'the', 'for', 'of', 'on', 'to', 'in', 'with', 'from', 'by', 'or']);
const MAX_NAME = 80;

/**
 * A descriptive NSG rule name from a purpose, e.g. ("APIM management endpoint", "Inbound") →
 * `Allow_APIM_Management_Endpoint_Inbound`; unique (case-insensitive) among `existingNames` by a
 * numeric suffix; valid for Azure (letters, digits, `_`, at most 80 characters).
 */
export function ruleNameFromPurpose(purpose: string, direction: string, existingNames: Iterable<string> = []): string {
  const dir = /^out/i.test(String(direction)) ? 'Outbound' : 'Inbound';
  let words = String(purpose ?? '')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0 && !SMALL_WORDS.has(w.toLowerCase()));
  if (words.length > 0 && /^allow$/i.test(words[0])) words = words.slice(1);
  words = words.filter((w) => !/^(inbound|outbound)$/i.test(w));
  const title = words.map((w) => w[0].toUpperCase() + w.substring(1));
  const taken = new Set<string>();
  for (const n of existingNames) taken.add(String(n).toLowerCase());
  const build = (suffix: string): string => {
    const tail = '_' + dir + suffix;
    let middle = '';
    for (const w of title) {
      if (('Allow' + middle + '_' + w + tail).length > MAX_NAME) break;
      middle += '_' + w;
    }
    return 'Allow' + middle + tail;
  };
  const base = build('');
  if (!taken.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) {
    const n = build('_' + i);
    if (!taken.has(n.toLowerCase())) return n;
  }
}

/** Appends security rules to an inline `securityRules` array (path of the array; created when absent). */
export function insertNsgRules(text: string, file: string, securityRulesPath: PathOrNode, specs: NsgRuleSpec[]): TextEdit[] | undefined {
  return insertArrayElements(text, file, securityRulesPath, specs.map(buildNsgRule));
}

/** Appends one security rule to an inline `securityRules` array. */
export function insertNsgRule(text: string, file: string, securityRulesPath: PathOrNode, spec: NsgRuleSpec): TextEdit[] | undefined {
  return insertNsgRules(text, file, securityRulesPath, [spec]);
}

export interface NsgRuleResourcesOptions extends NsgRuleResourceOptions {
  /** Symbolic names for a languageVersion 2.0 container (default: derived from the rule names). */
  symbolicNames?: string[];
}

/**
 * Adds security rules as `Microsoft.Network/networkSecurityGroups/securityRules` child resources
 * of the NSG named `nsgName` to a resources container (array or symbolic-name object).
 */
export function addNsgRuleResources(
  text: string,
  file: string,
  resourcesPath: PathOrNode,
  nsgName: string,
  specs: NsgRuleSpec[],
  opts: NsgRuleResourcesOptions = {},
): TextEdit[] | undefined {
  return addResources(
    text,
    file,
    resourcesPath,
    specs.map((s, i) => ({
      resource: buildNsgRuleResource(nsgName, s, opts),
      symbolicName: opts.symbolicNames?.[i],
      symbolicBase: s.name,
    })),
  );
}

export interface CreateNsgOptions extends CreateAndAssociateOptions {
  rules: NsgRuleSpec[];
}

/**
 * Adds an NSG with `rules` (inline `securityRules`) and associates it with the subnet:
 * `properties.networkSecurityGroup.id = [resourceId('Microsoft.Network/networkSecurityGroups', name)]`
 * on the inline subnet or subnet resource, and the NSG added to the owner's dependsOn (resourceId
 * in array-form templates, the symbolic name in languageVersion 2.0 templates).
 */
export function createNsgWithRulesAndAssociate(text: string, file: string, opts: CreateNsgOptions): TextEdit[] | undefined {
  try {
    return createAndAssociate(
      text,
      file,
      NSG_TYPE,
      'networkSecurityGroup',
      { securityRules: opts.rules.map(buildNsgRule) },
      opts,
      'nsg',
    );
  } catch {
    return undefined;
  }
}
