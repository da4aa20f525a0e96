/** missing-nsg (stv2, v2 tiers): no network security group on the APIM subnet. */
import { getNodePath } from 'jsonc-parser';
import type { Rule } from './rule';
import type { Finding, Fix } from '../findings';
import type { RuleContext } from './context';
import type { Resource, Template } from '../template/model';
import { inVnetMode, isV2Tier, makeFinding, modeOf, relatedToService, resourceLocation, serviceLabel, tierName } from './util';
import { rowsFor, type RequirementRow } from '../requirements';
import { createNsgWithRulesAndAssociate, choosePriorities, MAX_PRIORITY, MIN_PRIORITY, type NsgRuleSpec } from '../fixes';
import { specFor } from './nsg-analysis';
import { splitName } from '../network/chain';

/**
 * `base`, or `base-2`, `base-3`, ...: a name no resource of `type` in the template has (literal
 * names, case-insensitive), so a created NSG or route table never collides with another one of
 * the same name (ARM rejects a resource defined twice; two APIM subnets named alike in two VNets
 * would otherwise both get '<subnet>-nsg').
 */
export function unusedResourceName(template: Template, type: string, base: string): string {
  const taken = new Set<string>();
  for (const r of template.resourcesOfType(type)) if (typeof r.name === 'string') taken.add(r.name.toLowerCase());
  if (!taken.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`.toLowerCase())) return `${base}-${i}`;
}

/** Allow rules for every required row (one per direction), priorities 100, 110, ... per direction. */
export function requiredRuleSpecs(rows: RequirementRow[]): NsgRuleSpec[] {
  const wanted = rows.filter((r) => r.class === 'required').flatMap((row) => row.fixRules.map((fr) => ({ row, fr })));
  const priorities = choosePriorities([], wanted.map((w) => ({ direction: w.fr.direction, below: MAX_PRIORITY + 1 })));
  const names = new Set<string>();
  return wanted.map(({ row, fr }, i) => specFor(row, fr, priorities[i] ?? MIN_PRIORITY + i * 10, names));
}

export const missingNsg: Rule = {
  id: 'missing-nsg',
  description: 'No network security group is associated with the APIM subnet.',
  defaultSeverity: 'error',
  profiles: 'stv2+v2',
  hasFix: true,
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    const seen = new Set<Resource>();
    for (const service of ctx.services) {
      if (!inVnetMode(service)) continue;
      const profile = ctx.profileFor(service);
      const v2 = isV2Tier(service.skuName);
      if (profile === 'stv1' && !v2) continue; // not checked under stv1 (the seed only says an NSG can be used)
      const mode = modeOf(service) as 'External' | 'Internal';
      for (const loc of service.locations) {
        if (loc.subnet.status !== 'resolved' || loc.nsg.status !== 'none') continue;
        const subnet = loc.subnet.target.resource;
        if (seen.has(subnet)) continue;
        seen.add(subnet);
        const rows = rowsFor(profile, mode, service.locations.length > 1, tierName(service.skuName));
        const specs = requiredRuleSpecs(rows);
        const fixes: Fix[] = [];
        const file = subnet.scope.file;
        const leaf = splitName(subnet.name).slice(-1)[0];
        const nsgName = unusedResourceName(ctx.template, 'Microsoft.Network/networkSecurityGroups', typeof leaf === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(leaf) ? `${leaf}-nsg` : 'apim-nsg');
        const edits = createNsgWithRulesAndAssociate(file.text, file.file, { name: nsgName, subnetPath: getNodePath(subnet.node), rules: specs });
        if (edits) {
          fixes.push({
            id: 'create-nsg',
            title: `Create NSG '${nsgName}' with the ${specs.length} required API Management rules (${v2 ? 'v2 tier' : profile}) and associate it with the subnet`,
            isPreferred: true,
            edits,
          });
        }
        const why = v2
          ? `VNet ${mode === 'Internal' ? 'injection' : 'integration'} of the v2 tiers requires an NSG on the subnet${mode === 'Internal' ? ' (allowing outbound Storage 443)' : ''}`
          : 'under stv2 an NSG must be associated with the APIM subnet: the internal load balancer denies inbound traffic by default, and management (3443 from ApiManagement) and load-balancer health (6390 from AzureLoadBalancer) traffic must be allowed explicitly';
        out.push(
          makeFinding(
            'missing-nsg',
            'error',
            resourceLocation(subnet),
            `The subnet of ${serviceLabel(service)} has no network security group: ${why}. Associate an NSG with the rules of the ${v2 ? 'v2 tier' : profile} profile.`,
            {
              profile: v2 ? undefined : profile,
              related: [relatedToService(service, loc, `${serviceLabel(service)} is deployed into this subnet`)],
              fixes,
              noFixReason: fixes.length ? undefined : 'the subnet is not written literally in this template',
            },
          ),
        );
      }
    }
    return out;
  },
};
