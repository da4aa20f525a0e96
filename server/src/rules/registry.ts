/**
 * The explicit rule registry: every rule id of rules.md, in catalog order.
 */
import type { Rule, RuleMeta } from './rule';
import { unsupportedSku } from './unsupported-sku';
import { missingSubnet } from './missing-subnet';
import { missingRegionSubnet } from './missing-region-subnet';
import { vnetRegionMismatch } from './vnet-region-mismatch';
import { crossSubscriptionSubnet } from './cross-subscription-subnet';
import { sharedSubnet } from './shared-subnet';
import { subnetDelegated } from './subnet-delegated';
import { subnetTooSmall } from './subnet-too-small';
import { missingNsg } from './missing-nsg';
import { nsgBlocksRequiredPort } from './nsg-blocks-required-port';
import { nsgBlocksOptionalPort } from './nsg-blocks-optional-port';
import { forcedTunneling } from './forced-tunneling';
import { expressrouteForcedTunneling } from './expressroute-forced-tunneling';
import { customDns } from './custom-dns';
import { internalMultiRegion } from './internal-multi-region';
import { internalPublicIp } from './internal-public-ip';
import { publicIpRequirements } from './public-ip-requirements';
import { privateBackendUnreachable } from './private-backend-unreachable';
import { unverifiableNetwork } from './unverifiable-network';

export const RULES: readonly Rule[] = [
  unsupportedSku,
  missingSubnet,
  missingRegionSubnet,
  vnetRegionMismatch,
  crossSubscriptionSubnet,
  sharedSubnet,
  subnetDelegated,
  subnetTooSmall,
  missingNsg,
  nsgBlocksRequiredPort,
  nsgBlocksOptionalPort,
  forcedTunneling,
  expressrouteForcedTunneling,
  customDns,
  internalMultiRegion,
  internalPublicIp,
  publicIpRequirements,
  privateBackendUnreachable,
  unverifiableNetwork,
];

/** Pseudo-rule for documents that are not valid JSON (reported at the first syntax error). */
export const INVALID_JSON: RuleMeta = {
  id: 'invalid-json',
  description: 'The file is not valid JSON; what could be recovered is still analyzed.',
  defaultSeverity: 'error',
  profiles: 'all',
  hasFix: false,
};

/** Pseudo-rule for files skipped by a limit (size cap, nesting depth). */
export const FILE_SKIPPED: RuleMeta = {
  id: 'file-skipped',
  description: 'The file was not analyzed because it exceeds a configured limit.',
  defaultSeverity: 'warning',
  profiles: 'all',
  hasFix: false,
};

/** Every rule id a finding can carry, with metadata (for SARIF, docs, settings). */
export const ALL_RULE_META: readonly RuleMeta[] = [...RULES, INVALID_JSON, FILE_SKIPPED];

export function ruleMeta(id: string): RuleMeta | undefined {
  return ALL_RULE_META.find((r) => r.id === id);
}
