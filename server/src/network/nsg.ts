/**
 * NSG security rules: collection from a Template (inline `properties.securityRules`, property
 * copy loops, rules from parameters/variables, child `networkSecurityGroups/securityRules`
 * resources) and the flow evaluator of requirements.md ("How a requirement is evaluated").
 *
 * Pure and never throws on user input: anything that cannot be known is an Unknown and yields an
 * `unknown` verdict that says which value could not be known.
 */
import { Unknown, isArray, isObject, isUnknown, displayValue, symbolicConcat, type StringPart, type Value, type ValueObject } from '../expressions/value';
import type { Origin, Resource, Template } from '../template/model';
import type { Direction, RequirementRow, TrafficClass } from '../requirements/types';
import { prefixCovers, prefixCoversPrefix, prefixUnionCoversSubnet, type AddressEnv, type AddressTarget, type Coverage } from './addresses';
import { PortSet, parsePortRange } from './ports';
import { normalizeProtocol, protocolMatches } from './protocols';

export const SECURITY_RULE_TYPE = 'Microsoft.Network/networkSecurityGroups/securityRules';

export interface NsgRuleView {
  /** Display name ("Deny_All_Internet_Outbound"; symbolic form when built from an unknown). */
  name: string;
  nameValue: Value;
  priority: Value;
  direction: Value;
  access: Value;
  protocol: Value;
  /** Address prefixes, singular and plural merged; an Unknown element = an unknown list or entry. */
  sourcePrefixes: Value[];
  destinationPrefixes: Value[];
  /** Application security groups (cover nothing). */
  sourceAsgs: Value[];
  destinationAsgs: Value[];
  /** Port ranges, singular and plural merged. */
  sourcePorts: Value[];
  destinationPorts: Value[];
  isDefault: boolean;
  /** inline: in `securityRules`; child: a securityRules resource; default: Azure's; opaque: a rule (or list) whose content is unknown. */
  kind: 'inline' | 'child' | 'default' | 'opaque';
  /** For opaque rules: why the content is unknown. */
  opaqueReason?: string;
  /** `condition` of a child rule resource when it is not known to be true. */
  condition?: Value;
  nsg?: Resource;
  /** The child resource, for kind 'child'. */
  resource?: Resource;
  /** The evaluated rule `properties` object. */
  properties?: ValueObject;
  /** Where the rule object is (literal text, or built by an expression / copy loop: see `via`). */
  origin?: Origin;
  /** Where the `access` value is (where a finding about this rule goes). */
  accessOrigin?: Origin;
  priorityOrigin?: Origin;
  /** True when the rule's text is literal (a fix may edit it and insert next to it). */
  literal: boolean;
  /** Why it is not literal (e.g. "built by a copy loop over parameter 'rules'"). */
  via?: string;
}

export interface NsgRuleCollection {
  rules: NsgRuleView[];
  /** Origin of the NSG's `securityRules` value (literal array: fixes insert into it). */
  securityRulesOrigin?: Origin;
  /** True when `properties.securityRules` is a literal array in the text. */
  securityRulesLiteral: boolean;
  /** True when the template keeps (some of) this NSG's rules as child resources. */
  usesChildResources: boolean;
}

// ---------------------------------------------------------------------------------------------
// Collection

function str(v: Value): string {
  return displayValue(v);
}

/** Merges a singular and a plural property into one list of values. */
function listProp(props: ValueObject, singular: string, plural: string): Value[] {
  const out: Value[] = [];
  const s = props[singular];
  // A port written as a number (`"destinationPortRange": 443`) is that port, not an absent range.
  if (typeof s === 'string' ? s.trim() !== '' : isUnknown(s) || typeof s === 'number') out.push(s);
  const p = props[plural];
  if (isArray(p)) for (const x of p) out.push(x);
  else if (isUnknown(p)) out.push(p);
  return out;
}

function asgList(props: ValueObject, key: string): Value[] {
  const v = props[key];
  if (isArray(v)) return v.slice();
  if (isUnknown(v)) return [v];
  return [];
}

type RuleBase = Pick<NsgRuleView, 'kind' | 'nsg' | 'resource' | 'origin' | 'literal' | 'via'> & { nameValue: Value };

function ruleFromProps(base: RuleBase, props: ValueObject, template: Template | undefined): NsgRuleView {
  // One literal with every field, not `{ ...base, ... }`: objects made by spreading and then
  // extending get a new hidden class each time, which made this the slowest step of the collection.
  return {
    kind: base.kind,
    nsg: base.nsg,
    resource: base.resource,
    nameValue: base.nameValue,
    origin: base.origin,
    literal: base.literal,
    via: base.via,
    name: str(base.nameValue),
    priority: props.priority ?? null,
    direction: props.direction ?? null,
    access: props.access ?? null,
    protocol: props.protocol ?? null,
    sourcePrefixes: listProp(props, 'sourceAddressPrefix', 'sourceAddressPrefixes'),
    destinationPrefixes: listProp(props, 'destinationAddressPrefix', 'destinationAddressPrefixes'),
    sourceAsgs: asgList(props, 'sourceApplicationSecurityGroups'),
    destinationAsgs: asgList(props, 'destinationApplicationSecurityGroups'),
    sourcePorts: listProp(props, 'sourcePortRange', 'sourcePortRanges'),
    destinationPorts: listProp(props, 'destinationPortRange', 'destinationPortRanges'),
    isDefault: false,
    properties: props,
    accessOrigin: propertyOriginOf(template, props, 'access'),
    priorityOrigin: propertyOriginOf(template, props, 'priority'),
  };
}

function propertyOriginOf(template: Template | undefined, props: ValueObject, key: string): Origin | undefined {
  return template ? safe(() => template.propertyOrigin(props, key)) : undefined;
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

function opaqueRule(nsg: Resource | undefined, nameValue: Value, reason: string, origin: Origin | undefined, kind: NsgRuleView['kind'] = 'opaque'): NsgRuleView {
  const u = new Unknown(`opaque:${reason}`, reason);
  return {
    name: str(nameValue),
    nameValue,
    priority: u,
    direction: u,
    access: u,
    protocol: u,
    sourcePrefixes: [u],
    destinationPrefixes: [u],
    sourceAsgs: [],
    destinationAsgs: [],
    sourcePorts: [u],
    destinationPorts: [u],
    isDefault: false,
    kind,
    opaqueReason: reason,
    ...(nsg ? { nsg } : {}),
    ...(origin ? { origin } : {}),
    literal: false,
    via: reason,
  };
}

/** Splits a full child name "nsg/rule" into parent and leaf (symbolic strings supported). */
export function splitChildName(name: Value): { parent: Value; leaf: Value } | undefined {
  if (typeof name === 'string') {
    const i = name.lastIndexOf('/');
    if (i < 0) return undefined;
    return { parent: name.slice(0, i), leaf: name.slice(i + 1) };
  }
  if (isUnknown(name) && name.parts) {
    const parts = name.parts;
    for (let k = parts.length - 1; k >= 0; k--) {
      const p = parts[k];
      if (typeof p === 'string' && p.includes('/')) {
        const i = p.lastIndexOf('/');
        const before: StringPart[] = [...parts.slice(0, k), p.slice(0, i)];
        const after: StringPart[] = [p.slice(i + 1), ...parts.slice(k + 1)];
        return { parent: symbolicConcat(before), leaf: symbolicConcat(after) };
      }
    }
  }
  return undefined;
}

/** Is `child` (a child-type resource) a child of `parent`: nested, `parent` symbolic name, or "parent/child" name? */
export function isChildOf(template: Template, child: Resource, parent: Resource): boolean {
  if (child.parent) return child.parent === parent;
  // languageVersion 2.0 `"parent": "symbolicName"` (when the builder did not link it).
  const p = safe(() => child.member('parent'));
  if (typeof p === 'string' && parent.symbolicName !== undefined) return p === parent.symbolicName;
  const split = splitChildName(child.name);
  if (!split) return false;
  const eq = safe(() => template.equal(split.parent, parent.name, true));
  return eq === true;
}

/** Collects an NSG's security rules with their origins (inline and child resources). */
export function collectNsgRules(template: Template, nsg: Resource): NsgRuleCollection {
  const rules: NsgRuleView[] = [];
  let securityRulesOrigin: Origin | undefined;
  let securityRulesLiteral = false;
  const props = safe(() => nsg.properties()) ?? {};
  if (isObject(props)) {
    const sr = props.securityRules;
    securityRulesOrigin = safe(() => template.propertyOrigin(props, 'securityRules'));
    const arrOrigin = sr !== undefined ? safe(() => template.originOf(sr)) : undefined;
    if (isArray(sr)) {
      securityRulesLiteral = !!(securityRulesOrigin?.literal ?? arrOrigin?.literal);
      sr.forEach((item, i) => {
        const origin = safe(() => template.originOf(item));
        if (isObject(item)) {
          const nameValue: Value = item.name ?? `securityRules[${i}]`;
          const p = item.properties;
          const base: RuleBase = {
            kind: 'inline',
            nsg,
            nameValue,
            origin,
            literal: origin?.literal ?? false,
            via: !origin ? 'built by an expression' : !origin.literal && origin.via ? origin.via : undefined,
          };
          if (isObject(p)) rules.push(ruleFromProps(base, p, template));
          else rules.push(opaqueRule(nsg, nameValue, isUnknown(p) ? `the properties of rule '${str(nameValue)}' are not known (${p.reason})` : `rule '${str(nameValue)}' has no properties`, origin));
        } else if (isUnknown(item)) {
          rules.push(opaqueRule(nsg, `securityRules[${i}]`, `security rule ${i + 1} is not known (${item.reason})`, origin));
        }
      });
    } else if (isUnknown(sr)) {
      rules.push(opaqueRule(nsg, 'securityRules', `the NSG's security rules are not known (${sr.reason})`, securityRulesOrigin));
    }
  }
  let usesChildResources = false;
  for (const child of safe(() => template.resourcesOfType(SECURITY_RULE_TYPE)) ?? []) {
    if (!isChildOf(template, child, nsg)) continue;
    usesChildResources = true;
    const cond = child.condition;
    if (cond === false) continue;
    const split = splitChildName(child.name);
    const nameValue = split ? split.leaf : child.name;
    const origin: Origin = {
      file: child.scope.file.file,
      node: child.node,
      literal: child.copyIndex === undefined && !child.copyCountUnknown,
      ...(child.copyIndex !== undefined || child.copyCountUnknown ? { via: 'built by a resource copy loop' } : {}),
    };
    const p = safe(() => child.properties());
    const base: RuleBase = { kind: 'child', nsg, resource: child, nameValue, origin, literal: origin.literal, via: origin.via };
    const view = isObject(p) ? ruleFromProps(base, p, template) : opaqueRule(nsg, nameValue, `the properties of rule '${str(nameValue)}' are not known`, origin, 'child');
    if (cond !== true && cond !== undefined) view.condition = cond;
    rules.push(view);
  }
  return { rules, ...(securityRulesOrigin ? { securityRulesOrigin } : {}), securityRulesLiteral, usesChildResources };
}

/** The NSG's custom security rules (inline and child resources). */
export function collectSecurityRules(template: Template, nsg: Resource): NsgRuleView[] {
  return collectNsgRules(template, nsg).rules;
}

// ---------------------------------------------------------------------------------------------
// Azure default rules

function defaultRule(name: string, priority: number, direction: Direction, src: string, dst: string, access: 'Allow' | 'Deny'): NsgRuleView {
  return {
    name,
    nameValue: name,
    priority,
    direction,
    access,
    protocol: '*',
    sourcePrefixes: [src],
    destinationPrefixes: [dst],
    sourceAsgs: [],
    destinationAsgs: [],
    sourcePorts: ['*'],
    destinationPorts: ['*'],
    isDefault: true,
    kind: 'default',
    literal: false,
    via: 'Azure default rule',
  };
}

const DEFAULTS: Record<Direction, NsgRuleView[]> = {
  Inbound: [
    defaultRule('AllowVnetInBound', 65000, 'Inbound', 'VirtualNetwork', 'VirtualNetwork', 'Allow'),
    defaultRule('AllowAzureLoadBalancerInBound', 65001, 'Inbound', 'AzureLoadBalancer', '*', 'Allow'),
    defaultRule('DenyAllInBound', 65500, 'Inbound', '*', '*', 'Deny'),
  ],
  Outbound: [
    defaultRule('AllowVnetOutBound', 65000, 'Outbound', 'VirtualNetwork', 'VirtualNetwork', 'Allow'),
    defaultRule('AllowInternetOutBound', 65001, 'Outbound', '*', 'Internet', 'Allow'),
    defaultRule('DenyAllOutBound', 65500, 'Outbound', '*', '*', 'Deny'),
  ],
};

/** Azure's default rules of a direction (requirements.md table), `isDefault: true`. */
export function defaultRules(direction: Direction): NsgRuleView[] {
  return DEFAULTS[direction].slice();
}

// ---------------------------------------------------------------------------------------------
// Evaluation

export interface TriReason {
  value: boolean | undefined;
  reason?: string;
  silent?: boolean;
}

const T: TriReason = { value: true };
const F: TriReason = { value: false };

/** Three-valued "and": false when either is, else the first unknown, else true. */
function and(a: TriReason, b: TriReason): TriReason {
  if (a.value === false || b.value === false) return F;
  if (a.value === undefined) return a;
  if (b.value === undefined) return b;
  return T;
}

/** "rule 'x'" / "default rule 'DenyAllOutBound'" with priority. */
export function describeRule(rule: NsgRuleView): string {
  const p = typeof rule.priority === 'number' ? ` (priority ${rule.priority})` : '';
  return `${rule.isDefault ? 'default rule ' : ''}'${rule.name}'${p}`;
}

function unknownOf(rule: NsgRuleView, what: string, v: Unknown): TriReason {
  if (rule.kind === 'opaque' || (rule.opaqueReason && rule.kind === 'child')) return { value: undefined, reason: rule.opaqueReason };
  return { value: undefined, reason: `${what} of rule '${rule.name}' is not known (${v.reason})` };
}

function numberOf(v: Value): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return Number(v);
  return undefined;
}

type Access = 'Allow' | 'Deny';
type TrafficProtocol = RequirementRow['protocol'];

/**
 * What a rule's evaluation needs that does not depend on the requirement row, computed once per
 * evaluateRows call. The parts that do (protocol match, address coverage of the row's traffic
 * class) are filled in on first use: within one call the address environment is fixed, so they
 * only depend on the protocol and on the class target.
 */
interface PreparedRule {
  rule: NsgRuleView;
  /** Position among the evaluated rules (custom rules, then the defaults): orders equal priorities. */
  index: number;
  inbound: TriReason;
  outbound: TriReason;
  condition: TriReason;
  priority: number | undefined;
  priorityUnknown?: TriReason;
  access: Access | undefined;
  accessUnknown?: TriReason;
  /** Source ports of the rule; undefined when unknown (reason in sourcePortsUnknown). */
  sourcePorts: PortSet | undefined;
  sourcePortsUnknown?: TriReason;
  /** Destination ports of the rule; undefined when unknown (reason in portsUnknown). */
  ports: PortSet | undefined;
  portsUnknown?: TriReason;
  protocols: Partial<Record<TrafficProtocol, TriReason>>;
  /** Address coverage by class target (coverKey) of the rule's destination / source prefixes. */
  destinationCover: Map<string, TriReason>;
  sourceCover: Map<string, TriReason>;
}

/** The rule against one row's traffic class. */
interface Compiled {
  prep: PreparedRule;
  /** Everything but the destination port. */
  base: TriReason;
  /** For the client row: applies except for the source address. */
  baseNoSource: TriReason;
}

function directionOf(rule: NsgRuleView, dir: Direction): TriReason {
  const d = rule.direction;
  if (typeof d === 'string') return d.trim().toLowerCase() === dir.toLowerCase() ? T : F;
  if (isUnknown(d)) {
    if (d.candidates && d.candidates.length > 0 && d.candidates.every((c) => typeof c === 'string')) {
      const hits = d.candidates.map((c) => (c as string).toLowerCase() === dir.toLowerCase());
      if (hits.every((h) => h)) return T;
      if (hits.every((h) => !h)) return F;
    }
    return unknownOf(rule, 'direction', d);
  }
  return F;
}

function protocolHit(text: string, proto: TrafficProtocol): boolean {
  const n = normalizeProtocol(text);
  return !!n && protocolMatches(n, proto);
}

function protocolOf(rule: NsgRuleView, proto: TrafficProtocol): TriReason {
  const p = rule.protocol;
  if (typeof p === 'string') return protocolHit(p, proto) ? T : F;
  if (isUnknown(p)) {
    if (p.candidates && p.candidates.length > 0 && p.candidates.every((c) => typeof c === 'string')) {
      const hits = p.candidates.map((c) => protocolHit(c as string, proto));
      if (hits.every((h) => h)) return T;
      if (hits.every((h) => !h)) return F;
    }
    return unknownOf(rule, 'protocol', p);
  }
  return F;
}

function portsOf(rule: NsgRuleView, list: Value[], what: string): { set?: PortSet; unknown?: TriReason } {
  let acc = PortSet.EMPTY;
  for (const v of list) {
    if (isUnknown(v)) return { unknown: unknownOf(rule, what, v) };
    let p: PortSet | undefined;
    if (typeof v === 'string') p = parsePortRange(v);
    else if (typeof v === 'number' && Number.isInteger(v)) p = PortSet.single(v);
    if (p) acc = acc.union(p);
  }
  return { set: acc };
}

function addressesCover(rule: NsgRuleView, prefixes: Value[], asgs: Value[], target: AddressTarget, env: AddressEnv, what: string): TriReason {
  void asgs; // application security groups cover nothing
  let u: TriReason | undefined;
  for (const p of prefixes) {
    const c: Coverage = prefixCovers(p, target, env);
    if (c.value === true) return T;
    if (c.value === undefined && !u) {
      u = isUnknown(p)
        ? { ...unknownOf(rule, what, p), ...(c.silent ? { silent: true } : {}) }
        : { value: undefined, reason: `${what} '${str(p)}' of rule '${rule.name}': ${c.reason ?? 'not decidable'}`, ...(c.silent ? { silent: true } : {}) };
    }
  }
  if (target.kind === 'apimSubnet' && prefixUnionCoversSubnet(prefixes, env)) return T;
  return u ?? F;
}

function accessOf(rule: NsgRuleView): { access?: Access; unknown?: TriReason; invalid?: boolean } {
  const a = rule.access;
  if (typeof a === 'string') {
    const s = a.trim().toLowerCase();
    if (s === 'allow') return { access: 'Allow' };
    if (s === 'deny') return { access: 'Deny' };
    return { invalid: true };
  }
  if (isUnknown(a)) {
    if (a.candidates && a.candidates.length > 0 && a.candidates.every((c) => typeof c === 'string')) {
      const set = new Set(a.candidates.map((c) => (c as string).toLowerCase()));
      if (set.size === 1 && set.has('allow')) return { access: 'Allow' };
      if (set.size === 1 && set.has('deny')) return { access: 'Deny' };
    }
    return { unknown: unknownOf(rule, 'access', a) };
  }
  return { invalid: true };
}

function conditionOf(rule: NsgRuleView): TriReason {
  const c = rule.condition;
  if (c === undefined || c === true) return T;
  if (c === false) return F;
  return { value: undefined, reason: `the condition of rule '${rule.name}' is not known (${isUnknown(c) ? c.reason : str(c)})` };
}

/** The row-independent part of a rule; undefined when the rule never applies (an access that is no access). */
function prepare(rule: NsgRuleView, index: number): PreparedRule | undefined {
  const acc = accessOf(rule);
  if (acc.invalid) return undefined;
  const sp = portsOf(rule, rule.sourcePorts, 'source port range');
  const dp = portsOf(rule, rule.destinationPorts, 'destination port range');
  const prio = numberOf(rule.priority);
  return {
    rule,
    index,
    inbound: directionOf(rule, 'Inbound'),
    outbound: directionOf(rule, 'Outbound'),
    condition: conditionOf(rule),
    priority: prio,
    priorityUnknown:
      prio !== undefined
        ? undefined
        : isUnknown(rule.priority)
          ? unknownOf(rule, 'priority', rule.priority)
          : { value: undefined, reason: `priority of rule '${rule.name}' is not a number` },
    access: acc.access,
    accessUnknown: acc.unknown,
    sourcePorts: sp.set,
    sourcePortsUnknown: sp.unknown,
    ports: dp.set,
    portsUnknown: dp.unknown,
    protocols: {},
    destinationCover: new Map(),
    sourceCover: new Map(),
  };
}

/** Memo key of a class target: its tag, or a key no tag can be for the APIM subnet. */
function coverKey(target: AddressTarget): string {
  return target.kind === 'tag' ? target.tag : '\u0000apimSubnet';
}

/** Whether the rule's destination (or source) prefixes cover the target, memoized per target. */
function covers(p: PreparedRule, side: 'destination' | 'source', target: AddressTarget, env: AddressEnv): TriReason {
  const memo = side === 'destination' ? p.destinationCover : p.sourceCover;
  const key = coverKey(target);
  let c = memo.get(key);
  if (c === undefined) {
    const r = p.rule;
    c =
      side === 'destination'
        ? addressesCover(r, r.destinationPrefixes, r.destinationAsgs, target, env, 'destination address prefix')
        : addressesCover(r, r.sourcePrefixes, r.sourceAsgs, target, env, 'source address prefix');
    memo.set(key, c);
  }
  return c;
}

/** The rule against one row's traffic class; undefined when it cannot apply to it. */
function compile(p: PreparedRule, cls: TrafficClass, protocol: TrafficProtocol, srcPorts: PortSet, env: AddressEnv): Compiled | undefined {
  const dir = cls.direction === 'Inbound' ? p.inbound : p.outbound;
  if (dir.value === false) return undefined;
  const proto = (p.protocols[protocol] ??= protocolOf(p.rule, protocol));
  if (proto.value === false) return undefined;
  const spCover: TriReason = p.sourcePorts ? (p.sourcePorts.covers(srcPorts) ? T : F) : p.sourcePortsUnknown!;
  const dst = covers(p, 'destination', cls.destination, env);
  const src = covers(p, 'source', cls.source, env);
  const baseNoSource = and(and(and(and(dir, p.condition), proto), spCover), dst);
  return { prep: p, base: and(baseNoSource, src), baseNoSource };
}

function appliesAt(c: Compiled, port: number, noSource = false): TriReason {
  const ports = c.prep.ports;
  const portMatch: TriReason = ports ? (ports.has(port) ? T : F) : c.prep.portsUnknown!;
  return and(noSource ? c.baseNoSource : c.base, portMatch);
}

export interface BlockedGroup {
  rule: NsgRuleView;
  ports: PortSet;
  portsText: string;
}

export interface UnknownGroup {
  reason: string;
  /** The rule whose unknown value decides, when one does. */
  rule?: NsgRuleView;
  ports: PortSet;
  portsText: string;
  /** Undecidable by nature (e.g. a region nobody can know): no info finding wanted. */
  silent: boolean;
}

export interface AllowedGroup {
  rule: NsgRuleView;
  ports: PortSet;
  /** Client row: the narrower source that reaches the ports, when not Internet itself. */
  viaSource?: Value;
}

export interface RowVerdict {
  row: RequirementRow;
  direction: Direction;
  /** The ports of the class (destination ports). */
  ports: PortSet;
  /** satisfied: every port allowed; blocked: some port blocked; unknown: none blocked, some unknown. */
  status: 'satisfied' | 'blocked' | 'unknown';
  allowed: PortSet;
  allowedBy: AllowedGroup[];
  blocked: BlockedGroup[];
  unknown: UnknownGroup[];
}

type SegResult =
  | { kind: 'allowed'; rule: NsgRuleView; viaSource?: Value }
  | { kind: 'blocked'; rule: NsgRuleView }
  | { kind: 'unknown'; reason: string; rule?: NsgRuleView; silent: boolean };

function ruleOrder(a: PreparedRule, b: PreparedRule): number {
  return (a.priority ?? 0) - (b.priority ?? 0) || a.index - b.index;
}

const ALLOW_ONLY: readonly Access[] = ['Allow'];
const DENY_ONLY: readonly Access[] = ['Deny'];
const EITHER: readonly Access[] = ['Allow', 'Deny'];

/** The accesses a rule may have. */
function accessesOf(p: PreparedRule): readonly Access[] {
  return p.access === 'Allow' ? ALLOW_ONLY : p.access === 'Deny' ? DENY_ONLY : EITHER;
}

/** The first-match decision for one port over the ordered rules (plus unknown-priority rules). */
function decide(ordered: Compiled[], floating: Compiled[], port: number): SegResult {
  const uncertain: { rule: NsgRuleView; reason: TriReason; accesses: readonly Access[] }[] = [];
  let decided: { access: Access; rule: NsgRuleView } | undefined;
  let hardUnknown: { rule: NsgRuleView; reason: TriReason } | undefined;
  for (const c of ordered) {
    const app = appliesAt(c, port);
    if (app.value === false) continue;
    const p = c.prep;
    if (app.value === true && p.access) {
      decided = { access: p.access, rule: p.rule };
      break;
    }
    const reason = app.value === undefined ? app : p.accessUnknown!;
    uncertain.push({ rule: p.rule, reason, accesses: accessesOf(p) });
    if (app.value === true) {
      // Applies for sure, access unknown: nothing after it matters.
      hardUnknown = { rule: p.rule, reason };
      break;
    }
  }
  for (const c of floating) {
    const app = appliesAt(c, port);
    if (app.value === false) continue;
    uncertain.push({ rule: c.prep.rule, reason: c.prep.priorityUnknown!, accesses: accessesOf(c.prep) });
  }
  if (hardUnknown || !decided) {
    const u = hardUnknown ?? uncertain[0];
    if (!u) return { kind: 'unknown', reason: 'no rule decides', silent: false };
    return { kind: 'unknown', reason: u.reason.reason ?? 'not known', rule: u.rule, silent: !!u.reason.silent };
  }
  const changer = uncertain.find((u) => u.accesses.some((a) => a !== decided!.access));
  if (changer) return { kind: 'unknown', reason: changer.reason.reason ?? 'not known', rule: changer.rule, silent: !!changer.reason.silent };
  return decided.access === 'Allow' ? { kind: 'allowed', rule: decided.rule } : { kind: 'blocked', rule: decided.rule };
}

/** Client row: is the port reachable from some narrower source a custom Allow opens before a covering deny? */
function narrowerReach(ordered: Compiled[], port: number, env: AddressEnv): { reached?: { rule: NsgRuleView; source: Value }; maybe?: { rule: NsgRuleView; reason: string; silent: boolean } } {
  let maybe: { rule: NsgRuleView; reason: string; silent: boolean } | undefined;
  for (let i = 0; i < ordered.length; i++) {
    const c = ordered[i].prep;
    if (c.rule.isDefault || c.access !== 'Allow' || c.priority === undefined) continue;
    const app = appliesAt(ordered[i], port, true);
    if (app.value === false) continue;
    for (const src of c.rule.sourcePrefixes) {
      // Is there an earlier deny that covers this source for this port?
      let blocked: TriReason = F;
      for (let j = 0; j < i; j++) {
        const d = ordered[j].prep;
        if (d.access === 'Allow') continue;
        const dApp = appliesAt(ordered[j], port, true);
        if (dApp.value === false) continue;
        let cov: TriReason = F;
        for (const dp of d.rule.sourcePrefixes) {
          const cc = prefixCoversPrefix(dp, src, env);
          if (cc.value === true) {
            cov = T;
            break;
          }
          if (cc.value === undefined && cov.value === false) cov = { value: undefined, reason: cc.reason ?? 'not known', ...(cc.silent ? { silent: true } : {}) };
        }
        const dAcc: TriReason = d.access === 'Deny' ? T : d.accessUnknown ?? F;
        const b = and(and(dApp, cov), dAcc);
        if (b.value === true) {
          blocked = T;
          break;
        }
        if (b.value === undefined && blocked.value === false) blocked = b;
      }
      if (blocked.value === false && app.value === true) return { reached: { rule: c.rule, source: src } };
      if (!maybe && blocked.value !== true) {
        const r = app.value === undefined ? app : blocked;
        maybe = { rule: c.rule, reason: r.reason ?? 'not known', silent: !!r.silent };
      }
    }
  }
  return maybe ? { maybe } : {};
}

/** Elementary port segments of `ports` on which every rule behaves the same. */
function segments(ports: PortSet, ordered: Compiled[], floating: Compiled[]): [number, number][] {
  const iv = ports.intervals;
  if (iv.length === 0) return [];
  // Only the cuts strictly inside the span of `ports` split it (its own bounds are cuts already).
  const lo = iv[0][0];
  const hi = iv[iv.length - 1][1];
  const cuts: number[] = [];
  for (const [a, b] of iv) cuts.push(a, b + 1);
  for (const list of [ordered, floating]) {
    for (const c of list) {
      const rulePorts = c.prep.ports;
      if (!rulePorts) continue;
      for (const [a, b] of rulePorts.intervals) {
        if (a > lo && a <= hi) cuts.push(a);
        if (b + 1 > lo && b + 1 <= hi) cuts.push(b + 1);
      }
    }
  }
  cuts.sort((x, y) => x - y);
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i];
    if (a === cuts[i + 1]) continue; // a repeated cut
    if (ports.has(a)) out.push([a, cuts[i + 1] - 1]);
  }
  return out;
}

/**
 * An NSG's rules prepared for evaluation against one address environment (one evaluateRows
 * call): the custom rules are prepared once; Azure's defaults are appended per direction
 * unless the rules already include them.
 */
interface PreparedRules {
  rules: NsgRuleView[];
  env: AddressEnv;
  /** The prepared custom rules by position; undefined for a rule that never applies or cannot be evaluated. */
  custom: (PreparedRule | undefined)[];
  /** Per direction: the rules that may apply in it (custom rules, then defaults), in priority order (ruleOrder). */
  byDirection: Partial<Record<Direction, PreparedRule[]>>;
}

function prepareRules(rules: NsgRuleView[], env: AddressEnv): PreparedRules {
  return { rules, env, custom: rules.map((r, i) => safe(() => prepare(r, i))), byDirection: {} };
}

function rulesOfDirection(prepared: PreparedRules, direction: Direction): PreparedRule[] {
  let list = prepared.byDirection[direction];
  if (list) return list;
  list = [];
  const n = prepared.rules.length;
  const defaults = prepared.rules.some((r) => r.isDefault) ? [] : DEFAULTS[direction];
  for (let i = 0; i < n + defaults.length; i++) {
    const p = i < n ? prepared.custom[i] : safe(() => prepare(defaults[i - n], i));
    if (p && (direction === 'Inbound' ? p.inbound : p.outbound).value !== false) list.push(p);
  }
  // Rules of unknown priority sort as 0 here; the row evaluation keeps them apart, in index order.
  list.sort(ruleOrder);
  prepared.byDirection[direction] = list;
  return list;
}

/**
 * Evaluates one requirement row in one direction against an NSG's rules (custom rules; Azure's
 * defaults are appended unless already present). Every port of the row's destination ports is
 * allowed, blocked (by which rule), or unknown (which value decides).
 */
export function evaluateRow(rules: NsgRuleView[], row: RequirementRow, direction: Direction, env: AddressEnv): RowVerdict {
  return evaluatePrepared(prepareRules(rules, env), row, direction);
}

function evaluatePrepared(prepared: PreparedRules, row: RequirementRow, direction: Direction): RowVerdict {
  const env = prepared.env;
  const cls = row.classes.find((c) => c.direction === direction) ?? { direction, source: row.source, destination: row.destination };
  const ports = rowPorts(row.destinationPorts);
  const srcPorts = rowPorts(row.sourcePorts);
  // The rules in priority order, and those of unknown priority (in index order).
  const ordered: Compiled[] = [];
  const floating: Compiled[] = [];
  for (const p of rulesOfDirection(prepared, direction)) {
    const c = safe(() => compile(p, cls, row.protocol, srcPorts, env));
    if (c) (p.priority === undefined ? floating : ordered).push(c);
  }

  const results: { seg: [number, number]; res: SegResult }[] = [];
  for (const seg of segments(ports, ordered, floating)) {
    let res = decide(ordered, floating, seg[0]);
    if (row.clientRow && res.kind !== 'allowed') {
      const n = narrowerReach(ordered, seg[0], env);
      if (n.reached) res = { kind: 'allowed', rule: n.reached.rule, viaSource: n.reached.source };
      else if (n.maybe && res.kind === 'blocked') res = { kind: 'unknown', reason: n.maybe.reason, rule: n.maybe.rule, silent: n.maybe.silent };
    }
    results.push({ seg, res });
  }
  return summarize(row, direction, ports, results);
}

function rowPorts(list: string[]): PortSet {
  let acc = PortSet.EMPTY;
  for (const s of list) acc = acc.union(parsePortRange(s) ?? PortSet.EMPTY);
  return acc;
}

function summarize(row: RequirementRow, direction: Direction, ports: PortSet, results: { seg: [number, number]; res: SegResult }[]): RowVerdict {
  const allowedBy: AllowedGroup[] = [];
  const blocked = new Map<NsgRuleView, BlockedGroup>();
  const unknown = new Map<string, UnknownGroup>();
  let allowed = PortSet.EMPTY;
  for (const { seg, res } of results) {
    const set = PortSet.range(seg[0], seg[1]);
    if (res.kind === 'allowed') {
      allowed = allowed.union(set);
      const g = allowedBy.find((x) => x.rule === res.rule && x.viaSource === res.viaSource);
      if (g) g.ports = g.ports.union(set);
      else allowedBy.push({ rule: res.rule, ports: set, ...(res.viaSource !== undefined ? { viaSource: res.viaSource } : {}) });
    } else if (res.kind === 'blocked') {
      const g = blocked.get(res.rule);
      if (g) g.ports = g.ports.union(set);
      else blocked.set(res.rule, { rule: res.rule, ports: set, portsText: '' });
    } else {
      const g = unknown.get(res.reason);
      if (g) g.ports = g.ports.union(set);
      else unknown.set(res.reason, { reason: res.reason, ...(res.rule ? { rule: res.rule } : {}), ports: set, portsText: '', silent: res.silent });
    }
  }
  const blockedList = [...blocked.values()];
  for (const g of blockedList) g.portsText = g.ports.toString();
  const unknownList = [...unknown.values()];
  for (const g of unknownList) g.portsText = g.ports.toString();
  return {
    row,
    direction,
    ports,
    status: blockedList.length > 0 ? 'blocked' : unknownList.length > 0 ? 'unknown' : 'satisfied',
    allowed,
    allowedBy,
    blocked: blockedList,
    unknown: unknownList,
  };
}

/** Evaluates every direction of every row (the rules are prepared once for all of them). */
export function evaluateRows(rules: NsgRuleView[], rows: readonly RequirementRow[], env: AddressEnv): RowVerdict[] {
  const prepared = prepareRules(rules, env);
  const out: RowVerdict[] = [];
  for (const row of rows) for (const d of row.directions) out.push(evaluatePrepared(prepared, row, d));
  return out;
}

/** "ports 9350-9354 blocked by 'Deny_All_Internet_Outbound' (priority 999)" for each deciding rule. */
export function describeBlocked(v: RowVerdict): string[] {
  return v.blocked.map((b) => `${b.ports.isAll() ? 'all ports' : b.ports.size() === 1 ? `port ${b.portsText}` : `ports ${b.portsText}`} blocked by ${describeRule(b.rule)}`);
}

/** A rule view from ARM-shape security-rule properties (no template; tests, fix previews). */
export function ruleFromArmProperties(name: Value, props: ValueObject): NsgRuleView {
  return ruleFromProps({ kind: 'inline', nameValue: name, literal: true }, props, undefined);
}
