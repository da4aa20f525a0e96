/**
 * unsupported-sku: a VNet mode on a tier that cannot join a VNet in that mode.
 * Seed: "VNET connectivity is available in the Premium and Developer tiers."
 * requirements.md "Tiers and modes": StandardV2 integrates with External only, PremiumV2 both.
 */
import { getNodePath } from 'jsonc-parser';
import type { Rule } from './rule';
import type { Finding, Fix, RelatedInformation } from '../findings';
import type { RuleContext } from './context';
import type { ApimService } from '../network/chain-model';
import type { ParameterDecl } from '../template/model';
import { isUnknown } from '../expressions/value';
import {
  makeFinding,
  modeOf,
  tierName,
  tierSupportsMode,
  tierDisplay,
  serviceLabel,
  locationOfOrigin,
  rangeOfNode,
  resourceMemberLocation,
  unitsOf,
} from './util';
import { setProperty, restrictAllowedValuesFix } from '../fixes';

const PARAM_REF = /^\[\s*parameters\(\s*'([^']+)'\s*\)\s*\]$/i;

export const unsupportedSku: Rule = {
  id: 'unsupported-sku',
  description: 'The APIM tier cannot be injected into a virtual network in the configured mode.',
  defaultSeverity: 'error',
  profiles: 'all',
  hasFix: true,
  check(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    for (const service of ctx.services) {
      const f = checkService(ctx, service);
      if (f) out.push(f);
    }
    return out;
  },
};

interface SkuSource {
  /** The value in force (parameter file, else default, else the literal). */
  effective?: string;
  /** Where the effective value comes from, for the message. */
  effectiveFrom: 'literal' | 'default' | 'parameter file' | 'expression';
  /** Values the sku may still take (allowedValues), when the sku is a parameter. */
  admitted: string[];
  param?: ParameterDecl;
}

function skuSource(ctx: RuleContext, service: ApimService): SkuSource {
  const node = service.skuNameOrigin?.node;
  const raw = node && node.type === 'string' ? (node.value as string) : undefined;
  const m = raw ? PARAM_REF.exec(raw) : null;
  const param = m ? service.resource.scope.parameters.get(m[1].toLowerCase()) : undefined;
  const value = service.skuName;
  const admitted = (param?.allowedValues ?? (isUnknown(value) ? value.candidates ?? [] : [])).filter(
    (v): v is string => typeof v === 'string',
  );
  if (typeof value === 'string') {
    let from: SkuSource['effectiveFrom'] = raw === undefined || !raw.startsWith('[') ? 'literal' : 'expression';
    if (param) from = param.supplied ? 'parameter file' : 'default';
    return { effective: value, effectiveFrom: from, admitted, param };
  }
  void ctx;
  return { effectiveFrom: 'expression', admitted, param };
}

function checkService(ctx: RuleContext, service: ApimService): Finding | undefined {
  const mode = modeOf(service);
  if (mode !== 'External' && mode !== 'Internal') return undefined;
  const src = skuSource(ctx, service);
  const location = service.skuNameOrigin
    ? locationOfOrigin(service.skuNameOrigin)
    : resourceMemberLocation(service.resource, ['sku']);
  const related: RelatedInformation[] = [];
  if (service.vnetTypeOrigin) {
    related.push({ location: locationOfOrigin(service.vnetTypeOrigin), message: `virtualNetworkType is '${mode}' here` });
  }
  if (src.param?.defaultValueNode) {
    related.push({ location: rangeOfNode(service.resource.scope.file.file, src.param.defaultValueNode), message: `default value of parameter '${src.param.name}'` });
  }
  if (src.param?.allowedValuesNode) {
    related.push({ location: rangeOfNode(service.resource.scope.file.file, src.param.allowedValuesNode), message: `allowed values of parameter '${src.param.name}'` });
  }
  const why = reason(mode);
  const capacity = unitsOf(service.skuCapacity);
  const preferDeveloper = capacity <= 1 && (typeof service.skuCapacity === 'number' || service.skuCapacity === undefined || service.skuCapacity === null);

  const effTier = src.effective !== undefined ? tierName(src.effective) : undefined;
  if (effTier !== undefined && tierSupportsMode(effTier, mode) === false) {
    const fromText =
      src.effectiveFrom === 'default'
        ? ` (the default of parameter '${src.param?.name}')`
        : src.effectiveFrom === 'parameter file'
          ? ` (the value of parameter '${src.param?.name}' in the parameter file)`
          : src.effectiveFrom === 'expression'
            ? ' (computed by an expression)'
            : '';
    const message =
      `${serviceLabel(service)} uses the ${tierDisplay(effTier)} tier${fromText} with virtualNetworkType '${mode}', ` +
      `which that tier does not support: ${why} Change the sku to Developer or Premium.`;
    const fixes: Fix[] = [];
    let noFixReason: string | undefined;
    if (src.effectiveFrom === 'literal' && service.skuNameOrigin) {
      for (const target of ['Developer', 'Premium']) {
        const edits = setProperty(ctx.template.files.get(service.skuNameOrigin.file)?.text ?? '', service.skuNameOrigin.file, getNodePath(service.skuNameOrigin.node), target);
        if (edits) fixes.push({ id: `set-sku:${target}`, title: `Change the sku to ${target}`, isPreferred: (target === 'Developer') === preferDeveloper, edits });
      }
    } else if (src.effectiveFrom === 'default' && src.param?.defaultValueNode) {
      const file = service.resource.scope.file;
      for (const target of ['Developer', 'Premium']) {
        const edits = setProperty(file.text, file.file, getNodePath(src.param.defaultValueNode), target);
        if (!edits) continue;
        if (src.param.allowedValues && !src.param.allowedValues.some((v) => typeof v === 'string' && v.toLowerCase() === target.toLowerCase())) {
          continue; // the parameter's allowedValues would reject the new default
        }
        fixes.push({ id: `set-sku:${target}`, title: `Change the default of parameter '${src.param.name}' to ${target}`, isPreferred: (target === 'Developer') === preferDeveloper, edits });
      }
      if (fixes.length === 0) noFixReason = `the allowedValues of parameter '${src.param.name}' admit neither Developer nor Premium`;
      // The allowedValues admit only one of the two: that one is the preferred action (else
      // applying every preferred fix would leave this fixable finding, rules.md convergence).
      if (fixes.length > 0 && !fixes.some((f) => f.isPreferred)) fixes[0].isPreferred = true;
    } else if (src.effectiveFrom === 'parameter file') {
      noFixReason = `the value comes from the parameter file; change parameter '${src.param?.name}' there`;
    } else {
      noFixReason = 'the sku is computed by an expression';
    }
    return makeFinding('unsupported-sku', 'error', location, message, { related, fixes, noFixReason, data: { tier: tierDisplay(effTier), mode } });
  }

  // The value in force is fine (or unknown): warn when the parameter still admits a bad tier.
  const bad = src.admitted.filter((v) => {
    const t = tierName(v);
    return t !== undefined && tierSupportsMode(t, mode) === false;
  });
  if (bad.length === 0) return undefined;
  const good = src.admitted.filter((v) => !bad.includes(v));
  if (src.effective === undefined && good.length === 0) {
    // Every value the sku may take is unsupported: that is certain, hence an error.
    const message =
      `${serviceLabel(service)} has virtualNetworkType '${mode}' but every allowed sku (${bad.join(', ')}) is a tier that does not support it: ${why} ` +
      `Allow Developer or Premium.`;
    return makeFinding('unsupported-sku', 'error', location, message, { related, noFixReason: 'no allowed value supports the VNet mode; add Developer or Premium to the allowed values' });
  }
  const label = src.param ? `parameter '${src.param.name}'` : 'the sku';
  const message =
    `${serviceLabel(service)} has virtualNetworkType '${mode}' but ${label} still allows ${bad.join(', ')}, ` +
    `a tier that cannot be deployed that way: ${why} Restrict the allowed values to tiers that support VNet mode.`;
  const fixes: Fix[] = [];
  if (src.param?.allowedValuesNode) {
    const file = service.resource.scope.file;
    const keep = good.length > 0 ? good : ['Developer', 'Premium'];
    const restricted = restrictAllowedValuesFix(file.text, file.file, getNodePath(src.param.allowedValuesNode), keep);
    const edits = restricted?.edits;
    // The title says all the fix does: the default is replaced too when the restriction removes it.
    const def = restricted?.defaultChange;
    const defText = def ? ` and change its default from ${def.from} to ${def.to}` : '';
    if (edits) fixes.push({ id: 'restrict-allowed-values', title: `Restrict the allowed values of parameter '${src.param.name}' to ${keep.join(', ')}${defText}`, isPreferred: true, edits });
  }
  return makeFinding('unsupported-sku', 'warning', location, message, {
    related,
    fixes,
    noFixReason: fixes.length ? undefined : 'the allowed values are not written literally in this template',
    data: { mode, admitted: bad },
  });
}

function reason(mode: 'External' | 'Internal'): string {
  return mode === 'External'
    ? 'VNet connectivity is available in the Premium and Developer tiers (and VNet integration in StandardV2/PremiumV2).'
    : 'VNet connectivity is available in the Premium and Developer tiers (and VNet injection in PremiumV2); StandardV2 supports only External integration.';
}
