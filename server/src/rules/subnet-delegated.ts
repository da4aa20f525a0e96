/**
 * subnet-delegated: the APIM subnet has a delegation (classic tiers), or lacks the one a v2 tier
 * needs (requirements.md: StandardV2/PremiumV2 integration → Microsoft.Web/serverFarms, PremiumV2
 * injection → Microsoft.Web/hostingEnvironments).
 */
import { getNodePath } from 'jsonc-parser';
import type { Rule } from './rule';
import type { Finding, Fix } from '../findings';
import type { RuleContext } from './context';
import type { Resource } from '../template/model';
import { inVnetMode, isV2Tier, locationOfOrigin, makeFinding, modeOf, relatedToService, resourceLocation, serviceLabel, tierName } from './util';
import { isObject, displayValue, type Value } from '../expressions/value';
import { removeDelegations, setDelegation } from '../fixes';

export function delegationService(d: Value): Value {
  if (!isObject(d)) return null;
  const props = d.properties;
  // a delegation without serviceName (e.g. half-typed) is null, never undefined (displayValue)
  return (isObject(props) ? props.serviceName : d.serviceName) ?? null;
}

export const subnetDelegated: Rule = {
  id: 'subnet-delegated',
  description: 'The APIM subnet has a delegation (classic tiers) or lacks the one a v2 tier needs.',
  defaultSeverity: 'error',
  profiles: 'all',
  hasFix: true,
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    for (const service of ctx.services) {
      if (!inVnetMode(service)) continue;
      const tier = tierName(service.skuName);
      if (tier === undefined) continue;
      const v2 = isV2Tier(service.skuName);
      const required = v2 ? (modeOf(service) === 'Internal' ? 'Microsoft.Web/hostingEnvironments' : 'Microsoft.Web/serverFarms') : undefined;
      const seen = new Set<Resource>();
      for (const loc of service.locations) {
        if (loc.subnet.status !== 'resolved') continue;
        const info = loc.subnet.target;
        const subnet = info.resource;
        if (seen.has(subnet)) continue;
        seen.add(subnet);
        const props = subnet.properties();
        const origin = ctx.template.propertyOrigin(props, 'delegations');
        const file = ctx.template.files.get(subnet.scope.file.file) ?? subnet.scope.file;
        const services = info.delegations.map(delegationService);
        const related = [relatedToService(service, loc)];
        if (!v2) {
          if (info.delegations.length === 0) continue;
          const fixes: Fix[] = [];
          if (origin?.literal) {
            const edits = removeDelegations(file.text, file.file, getNodePath(subnet.node));
            // The title names what is removed (every delegation of the subnet goes).
            const names = services.every((x) => typeof x === 'string') ? ` (${services.join(', ')})` : '';
            const what = info.delegations.length === 1 ? `the delegation${names ? ` to ${services[0]}` : ''}` : `the ${info.delegations.length} delegations${names}`;
            if (edits) fixes.push({ id: 'remove-delegation', title: `Remove ${what} from the APIM subnet`, isPreferred: true, edits });
          }
          out.push(
            makeFinding(
              'subnet-delegated',
              'error',
              origin ? locationOfOrigin(origin) : resourceLocation(subnet),
              `The subnet of ${serviceLabel(service)} is delegated to ${services.map((s) => displayValue(s)).join(', ')}: the subnet of a ${tier === 'developer' ? 'Developer' : 'Premium'} tier service must have no delegation ` +
                `(it must be dedicated to API Management). Remove the delegation.`,
              { related, fixes, noFixReason: fixes.length ? undefined : 'the delegations are not written literally in this template' },
            ),
          );
          continue;
        }
        const ok = services.length === 1 && typeof services[0] === 'string' && services[0].toLowerCase() === required!.toLowerCase();
        if (ok) continue;
        if (services.some((s) => typeof s !== 'string')) continue; // decided by an unknown value
        const fixes: Fix[] = [];
        if (origin === undefined || origin.literal) {
          const edits = setDelegation(file.text, file.file, getNodePath(subnet.node), required!);
          // setDelegation replaces any other delegation: the title says so.
          const replaced = services.length === 0 ? '' : ` (replacing the delegation${services.length > 1 ? 's' : ''} to ${services.join(', ')})`;
          if (edits) fixes.push({ id: 'set-delegation', title: `Delegate the subnet to ${required}${replaced}`, isPreferred: true, edits });
        }
        const what = services.length === 0 ? 'has no delegation' : `is delegated to ${services.map((s) => displayValue(s)).join(', ')}`;
        out.push(
          makeFinding(
            'subnet-delegated',
            'error',
            origin ? locationOfOrigin(origin) : resourceLocation(subnet),
            `The subnet of ${serviceLabel(service)} (${tier === 'premiumv2' ? 'PremiumV2' : 'StandardV2'}, ${modeOf(service)}) ${what}: ` +
              `VNet ${modeOf(service) === 'Internal' ? 'injection' : 'integration'} of the v2 tiers needs a dedicated subnet delegated to ${required}. Set that delegation.`,
            { related, fixes },
          ),
        );
      }
    }
    return out;
  },
};
