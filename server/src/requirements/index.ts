/**
 * Requirement profiles (requirements.md): which table applies to a service, and its rows.
 */
import { PROFILE_TABLES, STV1_ROWS, STV2_ROWS, tierInfo, v2SubnetRule } from './tables';
import type { Profile, RequirementRow, VnetMode } from './types';

export * from './types';
export * from './tables';

/** stv1 was retired on 2024-08-31; API versions from 2021-08-01 on deploy stv2. */
export const STV2_MIN_API_VERSION = '2021-08-01';

/**
 * The profile in force: forced `stv1`/`stv2`, or for `auto` stv1 when the APIM resource's
 * apiVersion is older than 2021-08-01 and no `publicIpAddressId` is given, else stv2.
 */
export function selectProfile(platform: 'auto' | 'stv1' | 'stv2', apimApiVersion: string | undefined, hasPublicIpAddressId: boolean): Profile {
  if (platform === 'stv1' || platform === 'stv2') return platform;
  if (hasPublicIpAddressId) return 'stv2';
  const m = apimApiVersion ? /^\s*(\d{4}-\d{2}-\d{2})/.exec(apimApiVersion) : null;
  if (!m) return 'stv2';
  return m[1] < STV2_MIN_API_VERSION ? 'stv1' : 'stv2';
}

/**
 * The rows a service must satisfy: the profile's table filtered by mode (External-only rows,
 * multi-region rows) for classic tiers; the v2 tiers' own rows (PremiumV2 injection: outbound
 * Storage 443; VNet integration: none) for StandardV2/PremiumV2. An unknown tier (undefined or
 * not an APIM SKU name) gets the profile table.
 */
export function rowsFor(profile: Profile, mode: VnetMode, multiRegion: boolean, tier?: string): RequirementRow[] {
  const info = tier !== undefined ? tierInfo(tier) : undefined;
  if (info && info.family === 'v2') {
    const rule = v2SubnetRule(info.name, mode);
    return rule ? rule.rows.slice() : [];
  }
  if (info && info.family === 'consumption') return [];
  return PROFILE_TABLES[profile].filter((r) => {
    if (r.modes === 'both') return true;
    if (r.modes === 'External') return mode === 'External';
    return mode === 'External' && multiRegion;
  });
}

/** Every row of a profile's table. */
export function tableOf(profile: Profile): readonly RequirementRow[] {
  return profile === 'stv1' ? STV1_ROWS : STV2_ROWS;
}
