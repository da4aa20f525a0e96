/**
 * The NSG verdicts of every APIM location, computed once per analysis and shared by
 * nsg-blocks-required-port, nsg-blocks-optional-port, unverifiable-network and the report.
 */
import { getNodePath, type Node } from 'jsonc-parser';
import type { Finding, Fix, Location } from '../findings';
import type { Resource, Template } from '../template/model';
import type { ApimLocation, ApimService } from '../network/chain-model';
import type { RuleContext } from './context';
import { collectNsgRules, evaluateRows, describeRule, describeBlocked, type NsgRuleCollection, type NsgRuleView, type RowVerdict } from '../network/nsg';
import { rowsFor, type Direction, type RequirementRow, type FixRule } from '../requirements';
import { isArray, isObject, type Value } from '../expressions/value';
import { inVnetMode, modeOf, tierName, rangeOfNode, resourceLocation, resourceMemberNode, resourceName, serviceLabel, type Profile } from './util';
import { choosePriorities, insertNsgRules, addNsgRuleResources, ruleNameFromPurpose, MAX_PRIORITY, type NsgRuleSpec } from '../fixes';

export interface LocationNsgAnalysis {
  service: ApimService;
  loc: ApimLocation;
  profile: Profile;
  nsg: Resource;
  collection: NsgRuleCollection;
  rows: RequirementRow[];
  verdicts: RowVerdict[];
}

const cache = new WeakMap<RuleContext, LocationNsgAnalysis[]>();

/** Evaluates, for each APIM location whose subnet and NSG are in the template, every row of its profile. */
export function nsgAnalyses(ctx: RuleContext): LocationNsgAnalysis[] {
  const hit = cache.get(ctx);
  if (hit) return hit;
  const out: LocationNsgAnalysis[] = [];
  for (const service of ctx.services) {
    if (!inVnetMode(service)) continue;
    const mode = modeOf(service) as 'External' | 'Internal';
    const profile = ctx.profileFor(service);
    const multiRegion = service.locations.length > 1;
    const tier = tierName(service.skuName);
    for (const loc of service.locations) {
      if (loc.subnet.status !== 'resolved' || loc.nsg.status !== 'resolved') continue;
      const subnet = loc.subnet.target;
      const nsg = loc.nsg.target;
      const rows = rowsFor(profile, mode, multiRegion, tier);
      if (rows.length === 0) continue;
      const collection = collectNsgRules(ctx.template, nsg);
      const space = subnet.vnet ? subnet.vnet.properties().addressSpace : undefined;
      const vnetAddressSpace: Value[] = isObject(space) && isArray(space.addressPrefixes) ? space.addressPrefixes : [];
      const verdicts = evaluateRows(collection.rules, rows, {
        subnetPrefixes: subnet.addressPrefixes,
        vnetAddressSpace,
        region: loc.location,
      });
      out.push({ service, loc, profile, nsg, collection, rows, verdicts });
    }
  }
  cache.set(ctx, out);
  return out;
}

/** Where an NSG finding goes when a default rule decides: the `securityRules` key, else the NSG's name. */
export function nsgAnchor(a: LocationNsgAnalysis): Location {
  const valueNode = a.collection.securityRulesOrigin?.node;
  const keyNode: Node | undefined = valueNode?.parent?.type === 'property' ? valueNode.parent.children?.[0] : undefined;
  if (keyNode && a.collection.securityRulesOrigin) return rangeOfNode(a.collection.securityRulesOrigin.file, keyNode);
  const inNsg = resourceMemberNode(a.nsg, ['properties', 'securityRules']);
  if (inNsg?.parent?.children?.[0]) return rangeOfNode(a.nsg.scope.file.file, inNsg.parent.children[0]);
  return resourceLocation(a.nsg);
}

function knownPriorities(rules: NsgRuleView[]): { priority: number; direction: string }[] {
  const out: { priority: number; direction: string }[] = [];
  for (const r of rules) {
    if (r.isDefault) continue;
    if (typeof r.priority === 'number' && typeof r.direction === 'string') out.push({ priority: r.priority, direction: r.direction });
  }
  return out;
}

/** The priority under which a new Allow must go for a blocked verdict: the lowest deciding custom priority. */
export function decidingBound(v: RowVerdict): number {
  let bound = MAX_PRIORITY + 1;
  for (const b of v.blocked) {
    if (!b.rule.isDefault && typeof b.rule.priority === 'number') bound = Math.min(bound, b.rule.priority);
  }
  return bound;
}

export interface RuleInsertion {
  fix?: Fix;
  noFixReason?: string;
}

/** The Allow rule a fix inserts for one direction of a row, with a name unique among `names` (updated). */
export function specFor(row: RequirementRow, fr: FixRule, priority: number, names: Set<string>): NsgRuleSpec {
  const name = ruleNameFromPurpose(row.purpose, fr.direction, names);
  names.add(name.toLowerCase());
  return {
    name,
    priority,
    direction: fr.direction,
    protocol: fr.protocol,
    sourcePortRange: fr.sourcePortRange,
    ...(fr.destinationPortRanges ? { destinationPortRanges: fr.destinationPortRanges } : { destinationPortRange: fr.destinationPortRange }),
    sourceAddressPrefix: fr.sourceAddressPrefix,
    destinationAddressPrefix: fr.destinationAddressPrefix,
    description: `API Management (${row.profile} row ${row.row}): ${row.purpose}`,
  };
}

/**
 * Builds the edit that inserts Allow rules for the given blocked verdicts into the NSG, where the
 * template keeps its rules; or says why no fix is offered. When only some of the rules have a free
 * priority below their deny, the fix inserts those and `noFixReason` says why the others cannot be.
 */
export function insertAllowRules(
  template: Template,
  a: LocationNsgAnalysis,
  verdicts: RowVerdict[],
  id: string,
  titleOf: string | ((rulesInserted: number) => string),
  isPreferred: boolean,
): RuleInsertion {
  const col = a.collection;
  const opaque = col.rules.find((r) => r.kind === 'opaque');
  if (!col.securityRulesLiteral && col.securityRulesOrigin && !col.usesChildResources) {
    return { noFixReason: `the NSG's securityRules are not written literally in this template (${col.securityRulesOrigin.via ?? 'built by an expression'}), so no rule is inserted automatically` };
  }
  if (opaque && !col.securityRulesLiteral && !col.usesChildResources) {
    return { noFixReason: `the NSG's rules are built by an expression (${opaque.opaqueReason ?? opaque.via ?? 'not literal'}), so no rule is inserted automatically` };
  }
  const requests: { direction: string; below: number; row: RequirementRow; fr: FixRule }[] = [];
  for (const v of verdicts) {
    const fr = v.row.fixRules.find((f) => f.direction === v.direction);
    if (!fr) continue;
    requests.push({ direction: v.direction, below: decidingBound(v), row: v.row, fr });
  }
  if (requests.length === 0) return { noFixReason: 'this requirement has no rule to insert' };
  const allPriorities = choosePriorities(knownPriorities(col.rules), requests.map((r) => ({ direction: r.direction, below: r.below })));
  const missing = requests.findIndex((_, i) => allPriorities[i] === undefined);
  const missingReason =
    missing >= 0
      ? `no free priority exists below ${requests[missing].below} in the ${requests[missing].direction.toLowerCase()} direction, so an Allow rule cannot be placed before the deny`
      : undefined;
  // The rules that can be placed are still inserted (e.g. the outbound half of an inbound and
  // outbound row whose inbound deny sits at 100): the finding stays, saying why the rest cannot be.
  const placeable = requests.filter((_, i) => allPriorities[i] !== undefined);
  if (placeable.length === 0) return { noFixReason: missingReason };
  const priorities = allPriorities.filter((p) => p !== undefined);
  const base = typeof titleOf === 'string' ? titleOf : titleOf(placeable.length);
  const title = missingReason ? `${base} (partly: ${missingReason})` : base;
  const names = new Set(col.rules.map((r) => r.name.toLowerCase()));
  const specs = placeable.map((r, i) => specFor(r.row, r.fr, priorities[i]!, names));
  const nsgFile = a.nsg.scope.file;
  let edits;
  if (col.usesChildResources && !col.securityRulesLiteral) {
    const nameNode = resourceMemberNode(a.nsg, ['name']);
    const resourcesNode = a.nsg.node.parent?.type === 'array' || a.nsg.node.parent?.type === 'property' ? a.nsg.node.parent : undefined;
    if (!nameNode || nameNode.type !== 'string' || !resourcesNode) return { noFixReason: 'the NSG name is not a string in this template' };
    const containerNode = resourcesNode.type === 'property' ? resourcesNode.parent! : resourcesNode;
    const depends = a.nsg.symbolicName ? [a.nsg.symbolicName] : [`[resourceId('Microsoft.Network/networkSecurityGroups', ${armArg(nameNode.value as string)})]`];
    edits = addNsgRuleResources(nsgFile.text, nsgFile.file, getNodePath(containerNode), nameNode.value as string, specs, { dependsOn: depends });
  } else {
    edits = insertNsgRules(nsgFile.text, nsgFile.file, [...getNodePath(a.nsg.node), 'properties', 'securityRules'], specs);
  }
  if (!edits) return { noFixReason: 'the NSG could not be edited safely in this text' };
  return { fix: { id, title, isPreferred, edits }, ...(missingReason ? { noFixReason: missingReason } : {}) };
}

/** A resource name as an ARM function argument: the inner expression of "[...]", else a quoted literal. */
export function armArg(name: string): string {
  const m = /^\[(?!\[)([\s\S]*)\]$/.exec(name);
  return m ? m[1].trim() : `'${name.replace(/'/g, "''")}'`;
}

/**
 * The table a row comes from and its number: "stv1 row 4", "stv2 row 6", or "v2 row 1" for the v2
 * tiers' own rules (PremiumV2 injection), which are not rows of the service's profile table (requirements.md:
 * "the v2 tiers have only their own rules").
 */
export function rowLabel(row: RequirementRow): string {
  return `${row.profile} row ${row.row}`;
}

export function directionText(d: Direction): string {
  return d === 'Inbound' ? 'inbound' : 'outbound';
}

export { describeRule };

/** The findings of nsg-blocks-required-port / nsg-blocks-optional-port: one per blocked row and NSG. */
export function nsgBlockFindings(ctx: RuleContext, cls: 'required' | 'optional'): Finding[] {
  const ruleId = cls === 'required' ? 'nsg-blocks-required-port' : 'nsg-blocks-optional-port';
  const severity = cls === 'required' ? 'error' : 'warning';
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const a of nsgAnalyses(ctx)) {
    const blockedAll = a.verdicts.filter((v) => v.status === 'blocked');
    const byRow = new Map<RequirementRow, RowVerdict[]>();
    for (const v of blockedAll) {
      if (v.row.class !== cls) continue;
      const list = byRow.get(v.row) ?? [];
      list.push(v);
      byRow.set(v.row, list);
    }
    if (byRow.size === 0) continue;
    const fixAll = insertAllowRules(
      ctx.template,
      a,
      blockedAll,
      'add-all-apim-rules',
      (n) => (n === blockedAll.length ? `Add all ${n} missing API Management rules to NSG '${displayName(a.nsg)}'` : `Add ${n} of the ${blockedAll.length} missing API Management rules to NSG '${displayName(a.nsg)}'`),
      false,
    );
    for (const [row, verdicts] of byRow) {
      const first = verdicts[0];
      const custom = verdicts.flatMap((v) => v.blocked).find((b) => !b.rule.isDefault && b.rule.accessOrigin);
      const location = custom?.rule.accessOrigin ? rangeOfNode(custom.rule.accessOrigin.file, custom.rule.accessOrigin.node) : nsgAnchor(a);
      const key = `${row.id}@${location.file}:${location.range.offset}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const parts = verdicts.map((v) => {
        const cls0 = v.row.classes.find((c) => c.direction === v.direction);
        const traffic = cls0 ? `${targetText(cls0.source)} → ${targetText(cls0.destination)}` : v.row.trafficText;
        return `${directionText(v.direction)} ${v.row.protocolText} ${traffic}: ${describeBlocked(v).join('; ')}`;
      });
      const bound = Math.min(...verdicts.map(decidingBound));
      const single = insertAllowRules(ctx.template, a, verdicts, `insert-nsg-rule:${row.id}`, `Add an Allow rule for "${row.purpose}" (${rowLabel(row)}) to NSG '${displayName(a.nsg)}'`, true);
      const fixes: Fix[] = [];
      if (single.fix) fixes.push(single.fix);
      if (fixAll.fix && blockedAll.length > 1) fixes.push(fixAll.fix);
      // The seed's sentence is about the seed's table: only for stv1 rows (a v2 tier's own row is not from the seed).
      const seedNote = row.profile === 'stv1' ? ' "If any of these ports are unavailable, API Management may not operate properly and may become inaccessible" (seed).' : '';
      const message =
        `NSG '${displayName(a.nsg)}' on the subnet of ${serviceName(a.service)} blocks what API Management needs for "${row.purpose}" (${rowLabel(row)}, ${cls}): ` +
        `${parts.join('; ')}.${seedNote} ` +
        `Add an Allow rule for ${row.destinationPorts.join(', ')}/${row.protocolText}${bound <= MAX_PRIORITY ? ` with a priority below ${bound}` : ''}.` +
        // rules.md: when the fix cannot be offered (e.g. a deny at priority 100) "the message says why"
        (single.noFixReason ? (single.fix ? ` The quick fix does only part of it: ${single.noFixReason}.` : ` No quick fix is offered: ${single.noFixReason}.`) : '');
      const related = [
        {
          location: a.loc.subnetIdOrigin ? rangeOfNode(a.loc.subnetIdOrigin.file, a.loc.subnetIdOrigin.node) : resourceLocation(a.service.resource),
          message: `${serviceName(a.service)} is deployed into the subnet this NSG protects`,
        },
      ];
      out.push({
        ruleId,
        severity,
        message,
        location,
        related,
        fixes,
        profile: a.profile,
        ...(single.noFixReason ? { noFixReason: single.noFixReason } : {}),
        data: {
          row: row.row,
          rowId: row.id,
          profile: a.profile,
          blocked: verdicts.map((v) => ({ direction: v.direction, ports: v.blocked.map((b) => b.portsText).join(', ') })),
        },
      });
    }
  }
  return out;
}

function targetText(t: { kind: string; tag?: string }): string {
  return t.kind === 'apimSubnet' ? 'APIM subnet' : t.tag ?? '?';
}

function displayName(r: Resource): string {
  return resourceName(r);
}

function serviceName(s: ApimService): string {
  return serviceLabel(s);
}
