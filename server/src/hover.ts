/**
 * Hover content (core, no LSP imports): on `virtualNetworkType`, `virtualNetworkConfiguration`
 * and `subnetResourceId` of an APIM service, the seed's operational notes and the requirement
 * profile in force; on a finding's range, the rule's description and docs link.
 * Uses the template model when given (evaluated apiVersion / sku / publicIpAddressId), a jsonc
 * parse of the text otherwise. Never throws on any text.
 */
import { parseTree, findNodeAtOffset, type Node } from 'jsonc-parser';
import type { Finding, OffsetRange } from './findings';
import type { Template, Resource } from './template/model';
import type { Platform } from './config/types';
import { isObject, isUnknown, type Value } from './expressions/value';
import { ruleMeta } from './rules/registry';
import { docsUrl } from './rules/rule';

export type Profile = 'stv1' | 'stv2';

/** First API version of the stv2-capable resource model (requirements.md: profiles). */
export const STV2_API_VERSION = '2021-08-01';

export interface HoverInput {
  text: string;
  offset: number;
  /** The analyzed model, when the analysis produced one for this same text. */
  template?: Template;
  /** Findings of this document (only those located in `file` are considered). */
  findings?: Finding[];
  /** The `file` the findings of this document carry. */
  file?: string;
  platform?: Platform;
  /** The profile the analysis used for an APIM resource (keeps hover and findings consistent). */
  profileFor?: (resource: Resource) => Profile | undefined;
}

export interface HoverResult {
  markdown: string;
  range: OffsetRange;
}

const APIM_TYPE = 'microsoft.apimanagement/service';
const VNET_KEYS = new Set(['virtualnetworktype', 'virtualnetworkconfiguration', 'subnetresourceid']);

/** Resolves the requirement profile (requirements.md) for an APIM service. */
export function resolveProfile(platform: Platform | undefined, apiVersion: string | undefined, hasPublicIp: boolean): { profile: Profile; why: string } {
  if (platform === 'stv1' || platform === 'stv2') return { profile: platform, why: `forced by the \`platform\` setting` };
  if (apiVersion && apiVersion < STV2_API_VERSION && !hasPublicIp) {
    return { profile: 'stv1', why: `apiVersion \`${apiVersion}\` is older than \`${STV2_API_VERSION}\` and no \`publicIpAddressId\` is set` };
  }
  if (!apiVersion) return { profile: 'stv2', why: 'apiVersion unknown; stv1 was retired on 2024-08-31' };
  if (hasPublicIp) return { profile: 'stv2', why: '`publicIpAddressId` is set (stv2 only)' };
  return { profile: 'stv2', why: `apiVersion \`${apiVersion}\` is \`${STV2_API_VERSION}\` or newer` };
}

export function hoverAt(input: HoverInput): HoverResult | undefined {
  try {
    return vnetHover(input) ?? findingHover(input);
  } catch {
    return undefined;
  }
}

function sameText(input: HoverInput): boolean {
  return !!input.template && input.template.main.text === input.text;
}

function vnetHover(input: HoverInput): HoverResult | undefined {
  const root = sameText(input) ? input.template!.main.root : parseTree(input.text, [], { allowTrailingComma: true });
  if (!root) return undefined;
  const hit = findNodeAtOffset(root, input.offset, true);
  if (!hit) return undefined;
  // nearest enclosing property with one of the VNet keys
  let prop: Node | undefined;
  for (let n: Node | undefined = hit; n; n = n.parent) {
    if (n.type === 'property' && n.children?.[0] && VNET_KEYS.has(String(n.children[0].value).toLowerCase())) {
      prop = n;
      break;
    }
  }
  if (!prop) return undefined;
  const key = String(prop.children![0].value);
  const resourceNode = enclosingApim(prop);
  if (!resourceNode) return undefined;
  const resource = sameText(input) ? input.template!.resources.find((r) => r.node === resourceNode || r.node.offset === resourceNode.offset) : undefined;
  const facts = apimFacts(resourceNode, resource);
  let { profile, why } = resolveProfile(input.platform, facts.apiVersion, facts.hasPublicIp);
  const analyzed = resource && input.profileFor ? input.profileFor(resource) : undefined;
  if (analyzed && analyzed !== profile) {
    profile = analyzed;
    why = 'as decided by the analysis of this template';
  }
  const findings = (input.findings ?? []).filter(
    (f) => (input.file === undefined || f.location.file === input.file) && f.location.range.offset <= input.offset && input.offset <= f.location.range.offset + f.location.range.length,
  );
  const lines: string[] = [];
  lines.push(`**APIM VNet** — \`${key}\``);
  lines.push('');
  const v2 = facts.sku && /^(standardv2|premiumv2|basicv2)$/i.test(facts.sku);
  lines.push(`Requirement profile in force: **${profile}** (${why}).${v2 ? ` The \`${facts.sku}\` tier uses v2 VNet integration/injection rules instead of the classic port tables.` : ''}`);
  if (facts.vnetType) lines.push(`\n\`virtualNetworkType\` evaluates to \`${facts.vnetType}\`${facts.sku ? ` on sku \`${facts.sku}\`` : ''}.`);
  lines.push('');
  if (key.toLowerCase() === 'virtualnetworktype') {
    lines.push('- `None` (default): no VNet. `External`: gateway and portal reachable from the internet through an external load balancer. `Internal`: reachable only from within the VNet through an internal load balancer.');
    lines.push('- VNet connectivity is available in the **Premium** and **Developer** tiers.');
  }
  lines.push('- The VIP address of the service **changes** each time the VNet is enabled or disabled, and when the service is moved from External to Internal or vice versa.');
  lines.push('- If you remove API Management from a VNet or change the one it is deployed in, the previously used VNet can remain **locked for up to 4 hours**: it cannot be deleted and no new resource can be deployed to it.');
  if (profile === 'stv1') {
    lines.push('- The subnet must be **dedicated**: no other resources except API Management instances, or the deployment fails; subnet and service must be in the same subscription.');
  } else {
    lines.push('- The subnet should be **dedicated** to API Management (the seed requires it; stv2 tolerates other resources), must have no delegation (classic tiers) and needs an NSG associated.');
  }
  for (const f of findings) lines.push('', ruleLine(f.ruleId));
  return { markdown: lines.join('\n'), range: { offset: prop.offset, length: prop.length } };
}

function findingHover(input: HoverInput): HoverResult | undefined {
  const findings = (input.findings ?? []).filter(
    (f) => (input.file === undefined || f.location.file === input.file) && f.location.range.offset <= input.offset && input.offset <= f.location.range.offset + f.location.range.length,
  );
  if (findings.length === 0) return undefined;
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const f of findings) {
    if (seen.has(f.ruleId)) continue;
    seen.add(f.ruleId);
    if (lines.length) lines.push('');
    lines.push(ruleLine(f.ruleId) + (f.profile ? ` Profile: **${f.profile}**.` : ''));
  }
  const r = findings[0].location.range;
  return { markdown: lines.join('\n'), range: { offset: r.offset, length: r.length } };
}

function ruleLine(ruleId: string): string {
  const meta = ruleMeta(ruleId);
  return `**${ruleId}**${meta ? ` (default ${meta.defaultSeverity}): ${meta.description}` : ''} [Rule documentation](${docsUrl(ruleId)})`;
}

/** The APIM resource object enclosing a `properties` subtree, or undefined. */
function enclosingApim(prop: Node): Node | undefined {
  let sawProperties = false;
  for (let n: Node | undefined = prop.parent; n; n = n.parent) {
    if (n.type === 'property' && n.children?.[0]?.value === 'properties') sawProperties = true;
    if (n.type === 'object' && sawProperties) {
      const t = member(n, 'type');
      if (t && t.type === 'string' && String(t.value).toLowerCase() === APIM_TYPE) return n;
      if (t) return undefined; // the nearest resource-like object is not APIM
    }
  }
  return undefined;
}

function member(obj: Node, name: string): Node | undefined {
  for (const p of obj.children ?? []) {
    if (p.type === 'property' && p.children?.[0]?.value === name) return p.children[1];
  }
  return undefined;
}

function str(v: Value | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function apimFacts(node: Node, resource: Resource | undefined): { apiVersion?: string; hasPublicIp: boolean; sku?: string; vnetType?: string } {
  if (resource) {
    const props = resource.properties();
    const sku = resource.sku();
    const pip = props.publicIpAddressId;
    return {
      apiVersion: resource.apiVersion,
      hasPublicIp: pip !== undefined && pip !== null && pip !== '',
      sku: isObject(sku) ? str(sku.name) : undefined,
      vnetType: isUnknown(props.virtualNetworkType) ? undefined : str(props.virtualNetworkType) ?? 'None',
    };
  }
  const api = member(node, 'apiVersion');
  const props = member(node, 'properties');
  const skuNode = member(node, 'sku');
  const skuName = skuNode && skuNode.type === 'object' ? member(skuNode, 'name') : undefined;
  const vt = props && props.type === 'object' ? member(props, 'virtualNetworkType') : undefined;
  const pip = props && props.type === 'object' ? member(props, 'publicIpAddressId') : undefined;
  const lit = (n: Node | undefined) => (n && n.type === 'string' && !String(n.value).startsWith('[') ? String(n.value) : undefined);
  return {
    apiVersion: lit(api),
    hasPublicIp: !!pip && pip.type !== 'null' && !(pip.type === 'string' && pip.value === ''),
    sku: lit(skuName),
    vnetType: lit(vt),
  };
}
