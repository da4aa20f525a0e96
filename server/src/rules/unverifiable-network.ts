/**
 * unverifiable-network: what could not be checked for an APIM location (a subnet, NSG or route
 * table outside the template, or a verdict decided by a value nobody can know), and what to check
 * by hand. One finding per APIM location at most.
 */
import type { Rule } from './rule';
import type { Finding } from '../findings';
import type { RuleContext } from './context';
import type { Link } from '../network/chain-model';
import { deploymentSubscription, inVnetMode, isV2Tier, locationLabel, locationOfOrigin, makeFinding, resourceLocation, serviceLabel, subscriptionOfId } from './util';
import { displayValue, valuesEqual } from '../expressions/value';
import { nsgAnalyses, rowLabel } from './nsg-analysis';
import { evaluateRouteTable } from '../network/routes';

function linkText(what: string, link: Link<unknown>): string | undefined {
  if (link.status === 'external') return `the ${what} is outside this template (${displayValue(link.id, 160)})`;
  if (link.status === 'unknown') return `the ${what} could not be resolved (${link.reason})`;
  return undefined;
}

export const unverifiableNetwork: Rule = {
  id: 'unverifiable-network',
  description: 'Part of the APIM network could not be checked from this template.',
  defaultSeverity: 'info',
  profiles: 'all',
  hasFix: false,
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = linkedTemplateNotes(ctx);
    const analyses = nsgAnalyses(ctx);
    for (const service of ctx.services) {
      if (!inVnetMode(service)) continue;
      const profile = ctx.profileFor(service);
      const scopeText = isV2Tier(service.skuName) ? 'the v2-tier subnet rules' : `the ${profile} ports table`;
      for (const loc of service.locations) {
        if (loc.subnetId === undefined || loc.subnetId === null || loc.subnetId === '') continue; // missing-subnet's
        const notes: string[] = [];
        const checks: string[] = [];
        const subnetText = linkText('subnet', loc.subnet);
        if (subnetText) {
          notes.push(subnetText);
          checks.push(`that the subnet is dedicated${profile === 'stv2' && !isV2Tier(service.skuName) ? ' or shared only as stv2 allows' : ''}, has no forced tunneling, and has an NSG that allows ${scopeText}`);
        } else if (loc.subnet.status === 'resolved') {
          const nsgText = linkText('NSG', loc.nsg);
          if (nsgText) {
            notes.push(nsgText);
            checks.push(`that it allows ${scopeText}`);
          }
          const rtText = linkText('route table', loc.routeTable);
          if (rtText) {
            notes.push(rtText);
            checks.push('that it does not send 0.0.0.0/0 away from the Internet without the API Management mitigations');
          }
          if (loc.routeTable.status === 'resolved') {
            const v = evaluateRouteTable(ctx.template, loc.routeTable.target);
            for (const d of v.defaultRoutes) if (d.forced === undefined && d.reason) notes.push(d.reason);
          }
        }
        for (const a of analyses) {
          if (a.loc !== loc) continue;
          for (const v of a.verdicts) {
            if (v.status !== 'unknown') continue;
            for (const u of v.unknown) {
              if (u.silent) continue;
              notes.push(`${v.direction.toLowerCase()} ${u.portsText} for "${v.row.purpose}" (${rowLabel(v.row)}) depends on ${u.reason}`);
            }
          }
        }
        const sub = subscriptionOfId(loc.subnetId);
        if (sub !== undefined && valuesEqual(sub, deploymentSubscription(service.resource), { ignoreCase: true }) === undefined && typeof sub === 'string') {
          notes.push(`the subnet id names subscription ${sub}, and the deployment's subscription is only known at deployment time`);
          checks.push('that the subnet is in the same subscription as the service (seed: "The subnet and the API Management service must be in the same subscription")');
        }
        if (notes.length === 0) continue;
        const unique = [...new Set(notes)];
        const where = loc.subnetIdOrigin ? locationOfOrigin(loc.subnetIdOrigin) : service.vnetTypeOrigin ? locationOfOrigin(service.vnetTypeOrigin) : resourceLocation(service.resource);
        out.push(
          makeFinding(
            'unverifiable-network',
            'info',
            where,
            `Could not fully check the network of the ${locationLabel(loc)} of ${serviceLabel(service)}: ${unique.slice(0, 6).join('; ')}${unique.length > 6 ? `; and ${unique.length - 6} more` : ''}. ` +
              (checks.length ? `Check by hand ${[...new Set(checks)].join(', and ')}.` : 'Check these values by hand against the requirements.'),
            { profile, data: { notes: unique } },
          ),
        );
      }
    }
    return out;
  },
};

/**
 * Deployments whose template could not be read (a templateLink by URI is never fetched, a
 * relativePath outside the workspace or unreadable, a link cycle): what they deploy — possibly APIM
 * services or their network — is not checked. One note per deployment, at its templateLink.
 */
function linkedTemplateNotes(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const d of ctx.template.diagnostics) {
    if (!d.origin || !/linked template|templateLink|template spec|nested deployments deeper/i.test(d.message)) continue;
    const where = locationOfOrigin(d.origin);
    const key = `${where.file}:${where.range.offset}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(
      makeFinding(
        'unverifiable-network',
        'info',
        where,
        `Could not check what this deployment deploys: ${d.message}. API Management services and network resources defined there are not analyzed; ` +
          `analyze that template on its own, or link it by relativePath inside the workspace.`,
      ),
    );
  }
  return out;
}
