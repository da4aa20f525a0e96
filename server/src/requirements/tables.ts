/**
 * The requirement profiles as DATA (requirements.md): one table per profile, the v2 tiers' own
 * rules, and the tier table. No logic beyond building the row objects from the table text.
 */
import type { AddressTarget } from '../network/addresses';
import type { Direction, FixRule, RequirementProfile, RequirementRow, RowClass, RowMode, TrafficClass } from './types';

const SUBNET: AddressTarget = { kind: 'apimSubnet' };
const tag = (t: string): AddressTarget => ({ kind: 'tag', tag: t });

interface RowSpec {
  row: number;
  purpose: string;
  dirs: 'In' | 'Out' | 'InOut';
  protocolText: string;
  srcPorts?: string[];
  dstPorts: string[];
  /** Traffic class: 'subnet' for the APIM subnet, else a service tag. */
  from: string;
  to: string;
  /** Tags the quick fix writes (source, destination). */
  fixFrom: string;
  fixTo: string;
  modes: RowMode;
  class: RowClass;
  seedSource?: string;
  seedDestination?: string;
  seed?: RequirementRow['seed'];
  clientRow?: boolean;
  fixName: string;
}

function target(t: string): AddressTarget {
  return t === 'subnet' ? SUBNET : tag(t);
}

function build(profile: RequirementProfile, s: RowSpec): RequirementRow {
  const directions: Direction[] = s.dirs === 'In' ? ['Inbound'] : s.dirs === 'Out' ? ['Outbound'] : ['Inbound', 'Outbound'];
  const protocol = /udp/i.test(s.protocolText) ? 'Udp' : 'Tcp';
  const srcPorts = s.srcPorts ?? ['*'];
  const classes: TrafficClass[] = directions.map((direction) => ({ direction, source: target(s.from), destination: target(s.to) }));
  const fixRules: FixRule[] = directions.map((direction) => {
    const r: FixRule = {
      name: directions.length > 1 ? `${s.fixName}_${direction}` : s.fixName,
      protocol,
      sourcePortRange: srcPorts.join(','),
      sourceAddressPrefix: s.fixFrom,
      destinationAddressPrefix: s.fixTo,
      access: 'Allow',
      direction,
    };
    if (s.dstPorts.length === 1) r.destinationPortRange = s.dstPorts[0];
    else r.destinationPortRanges = s.dstPorts.slice();
    return r;
  });
  const show = (t: string) => (t === 'subnet' ? 'APIM subnet' : t);
  return {
    profile,
    row: s.row,
    id: `${profile}-${s.row}`,
    purpose: s.purpose,
    directions,
    protocol,
    protocolText: s.protocolText,
    sourcePorts: srcPorts,
    destinationPorts: s.dstPorts,
    ...(s.seedSource !== undefined ? { seedSource: s.seedSource, seedDestination: s.seedDestination } : {}),
    ...(s.seed ? { seed: s.seed } : {}),
    source: target(s.from),
    destination: target(s.to),
    classes,
    trafficText: `${show(s.from)} → ${show(s.to)}`,
    modes: s.modes,
    class: s.class,
    ...(s.clientRow ? { clientRow: true } : {}),
    fixRules,
  };
}

const EI = 'External & Internal';
const seed = (ports: string, direction: string, protocol: string, purpose: string, sourceDestination: string, accessType: string) => ({
  ports,
  direction,
  protocol,
  purpose,
  sourceDestination,
  accessType,
});

/** stv1: the seed document's ports table (requirements.md "stv1 ports table"), verbatim. */
const STV1_SPEC: RowSpec[] = [
  { row: 1, purpose: 'Client communication to API Management', dirs: 'In', protocolText: 'TCP', dstPorts: ['80', '443'], from: 'Internet', to: 'subnet', fixFrom: 'Internet', fixTo: 'VirtualNetwork', modes: 'External', class: 'required', seedSource: 'INTERNET', seedDestination: 'VIRTUAL_NETWORK', clientRow: true, fixName: 'Allow_APIM_Client_Inbound', seed: seed('* / 80, 443', 'Inbound', 'TCP', 'Client communication to API Management', 'INTERNET / VIRTUAL_NETWORK', 'External') },
  { row: 2, purpose: 'Management endpoint for Azure portal and Powershell', dirs: 'In', protocolText: 'TCP', dstPorts: ['3443'], from: 'ApiManagement', to: 'subnet', fixFrom: 'ApiManagement', fixTo: 'VirtualNetwork', modes: 'both', class: 'required', seedSource: 'INTERNET', seedDestination: 'VIRTUAL_NETWORK', fixName: 'Allow_APIM_Management_Inbound', seed: seed('* / 3443', 'Inbound', 'TCP', 'Management endpoint for Azure portal and Powershell', 'INTERNET / VIRTUAL_NETWORK', EI) },
  { row: 3, purpose: 'Dependency on Azure Storage and Azure Service Bus (and OCSP/CRL for SSL)', dirs: 'Out', protocolText: 'TCP', dstPorts: ['80', '443'], from: 'subnet', to: 'Internet', fixFrom: 'VirtualNetwork', fixTo: 'Internet', modes: 'both', class: 'required', seedSource: 'VIRTUAL_NETWORK', seedDestination: 'INTERNET', fixName: 'Allow_APIM_Storage_ServiceBus_Outbound', seed: seed('* / 80, 443', 'Outbound', 'TCP', 'Dependency on Azure Storage and Azure Service Bus', 'VIRTUAL_NETWORK / INTERNET', EI) },
  { row: 4, purpose: 'Dependency on Azure SQL', dirs: 'Out', protocolText: 'TCP', dstPorts: ['1433'], from: 'subnet', to: 'Sql', fixFrom: 'VirtualNetwork', fixTo: 'Internet', modes: 'both', class: 'required', seedSource: 'VIRTUAL_NETWORK', seedDestination: 'INTERNET', fixName: 'Allow_APIM_Sql_Outbound', seed: seed('* / 1433', 'Outbound', 'TCP', 'Dependency on Azure SQL', 'VIRTUAL_NETWORK / INTERNET', EI) },
  { row: 5, purpose: 'Dependency on Azure SQL V12', dirs: 'Out', protocolText: 'TCP', dstPorts: ['11000-11999'], from: 'subnet', to: 'Sql', fixFrom: 'VirtualNetwork', fixTo: 'Internet', modes: 'both', class: 'required', seedSource: 'VIRTUAL_NETWORK', seedDestination: 'INTERNET', fixName: 'Allow_APIM_SqlV12_11000_Outbound', seed: seed('* / 11000 - 11999', 'Outbound', 'TCP', 'Dependency on Azure SQL V12', 'VIRTUAL_NETWORK / INTERNET', EI) },
  { row: 6, purpose: 'Dependency on Azure SQL V12', dirs: 'Out', protocolText: 'TCP', dstPorts: ['14000-14999'], from: 'subnet', to: 'Sql', fixFrom: 'VirtualNetwork', fixTo: 'Internet', modes: 'both', class: 'required', seedSource: 'VIRTUAL_NETWORK', seedDestination: 'INTERNET', fixName: 'Allow_APIM_SqlV12_14000_Outbound', seed: seed('* / 14000 - 14999', 'Outbound', 'TCP', 'Dependency on Azure SQL V12', 'VIRTUAL_NETWORK / INTERNET', EI) },
  { row: 7, purpose: 'Dependency on Service Bus', dirs: 'Out', protocolText: 'TCP', dstPorts: ['9350-9354'], from: 'subnet', to: 'ServiceBus', fixFrom: 'VirtualNetwork', fixTo: 'Internet', modes: 'both', class: 'required', seedSource: 'VIRTUAL_NETWORK', seedDestination: 'INTERNET', fixName: 'Allow_APIM_ServiceBus_Outbound', seed: seed('* / 9350 - 9354', 'Outbound', 'TCP', 'Dependency on Service Bus', 'VIRTUAL_NETWORK / INTERNET', EI) },
  { row: 8, purpose: 'Dependency for Log to event Hub policy', dirs: 'Out', protocolText: 'TCP (AMQP)', dstPorts: ['5671'], from: 'subnet', to: 'EventHub', fixFrom: 'VirtualNetwork', fixTo: 'Internet', modes: 'both', class: 'optional', seedSource: 'VIRTUAL_NETWORK', seedDestination: 'INTERNET', fixName: 'Allow_APIM_EventHub_Outbound', seed: seed('* / 5671', 'Outbound', 'AMQP', 'Dependency for Log to event Hub policy', 'VIRTUAL_NETWORK / INTERNET', EI) },
  { row: 9, purpose: 'Dependency on Redis Cache', dirs: 'InOut', protocolText: 'UDP', srcPorts: ['6381-6383'], dstPorts: ['6381-6383'], from: 'subnet', to: 'subnet', fixFrom: 'VirtualNetwork', fixTo: 'VirtualNetwork', modes: 'both', class: 'required', seedSource: 'VIRTUAL_NETWORK', seedDestination: 'VIRTUAL_NETWORK', fixName: 'Allow_APIM_Redis', seed: seed('6381 - 6383 / 6381 - 6383', 'Inbound & Outbound', 'UDP', 'Dependency on Redis Cache', 'VIRTUAL_NETWORK / VIRTUAL_NETWORK', EI) },
  { row: 10, purpose: 'Dependency on Azure File Share for GIT', dirs: 'Out', protocolText: 'TCP', dstPorts: ['445'], from: 'subnet', to: 'Storage', fixFrom: 'VirtualNetwork', fixTo: 'Internet', modes: 'both', class: 'optional', seedSource: 'VIRTUAL_NETWORK', seedDestination: 'INTERNET', fixName: 'Allow_APIM_FileShare_Outbound', seed: seed('* / 445', 'Outbound', 'TCP', 'Dependency on Azure File Share for GIT', 'VIRTUAL_NETWORK / INTERNET', EI) },
  { row: 11, purpose: 'Azure Infrastructure Load Balancer', dirs: 'In', protocolText: 'TCP', dstPorts: ['*'], from: 'AzureLoadBalancer', to: 'subnet', fixFrom: 'AzureLoadBalancer', fixTo: 'VirtualNetwork', modes: 'both', class: 'required', seedSource: 'AZURE_LOAD_BALANCER', seedDestination: 'VIRTUAL_NETWORK', fixName: 'Allow_AzureLoadBalancer_Inbound', seed: seed('* / *', 'Inbound', 'TCP', 'Azure Infrastructure Load Balancer', 'AZURE_LOAD_BALANCER / VIRTUAL_NETWORK', EI) },
];

/** stv1 rows built from the seed table above. */
export const STV1_ROWS: readonly RequirementRow[] = STV1_SPEC.map((s) => build('stv1', s));

type S2 = [number, string, RowSpec['dirs'], string, string[], string, string, RowMode, RowClass, string];
// row, purpose, dir, proto, dst ports, source, destination (table tags), mode, class, fix name
const STV2_SPEC: S2[] = [
  [1, 'Client communication to API Management', 'In', 'TCP', ['80', '443'], 'Internet', 'VirtualNetwork', 'External', 'required', 'Allow_APIM_Client_Inbound'],
  [2, 'Management endpoint for Azure portal and PowerShell', 'In', 'TCP', ['3443'], 'ApiManagement', 'VirtualNetwork', 'both', 'required', 'Allow_APIM_Management_Inbound'],
  [3, 'Azure Infrastructure Load Balancer', 'In', 'TCP', ['6390'], 'AzureLoadBalancer', 'VirtualNetwork', 'both', 'required', 'Allow_AzureLoadBalancer_Inbound'],
  [4, 'Azure Traffic Manager routing', 'In', 'TCP', ['443'], 'AzureTrafficManager', 'VirtualNetwork', 'External-multi-region', 'required', 'Allow_TrafficManager_Inbound'],
  [5, 'Validation and management of certificates', 'Out', 'TCP', ['80'], 'VirtualNetwork', 'Internet', 'both', 'required', 'Allow_APIM_Certificates_Outbound'],
  [6, 'Dependency on Azure Storage', 'Out', 'TCP', ['443'], 'VirtualNetwork', 'Storage', 'both', 'required', 'Allow_APIM_Storage_Outbound'],
  [7, 'Access to Azure SQL endpoints', 'Out', 'TCP', ['1433'], 'VirtualNetwork', 'Sql', 'both', 'required', 'Allow_APIM_Sql_Outbound'],
  [8, 'Access to Azure Key Vault', 'Out', 'TCP', ['443'], 'VirtualNetwork', 'AzureKeyVault', 'both', 'required', 'Allow_APIM_KeyVault_Outbound'],
  [9, 'Diagnostics logs and metrics, Resource Health, Application Insights', 'Out', 'TCP', ['1886', '443'], 'VirtualNetwork', 'AzureMonitor', 'both', 'required', 'Allow_APIM_Monitor_Outbound'],
  [10, 'Microsoft Entra ID / Graph', 'Out', 'TCP', ['443'], 'VirtualNetwork', 'AzureActiveDirectory', 'both', 'optional', 'Allow_APIM_EntraID_Outbound'],
  [11, 'Managed connections', 'Out', 'TCP', ['443'], 'VirtualNetwork', 'AzureConnectors', 'both', 'optional', 'Allow_APIM_Connectors_Outbound'],
  [12, 'Log to Event Hubs policy', 'Out', 'TCP', ['5671', '5672', '443'], 'VirtualNetwork', 'EventHub', 'both', 'optional', 'Allow_APIM_EventHub_Outbound'],
  [13, 'External Azure Cache for Redis', 'InOut', 'TCP', ['6380'], 'VirtualNetwork', 'VirtualNetwork', 'both', 'optional', 'Allow_APIM_ExternalRedis'],
  [14, 'Internal cache sync between units', 'InOut', 'TCP', ['6381-6383'], 'VirtualNetwork', 'VirtualNetwork', 'both', 'optional', 'Allow_APIM_CacheSync'],
  [15, 'Rate-limit counter sync', 'InOut', 'UDP', ['4290'], 'VirtualNetwork', 'VirtualNetwork', 'both', 'optional', 'Allow_APIM_RateLimitSync'],
  [16, 'Machine health monitoring', 'In', 'TCP', ['6391'], 'AzureLoadBalancer', 'VirtualNetwork', 'both', 'optional', 'Allow_APIM_HealthMonitoring_Inbound'],
];

/** stv2: the current reference for classic tiers (requirements.md "stv2 ports table"). */
export const STV2_ROWS: readonly RequirementRow[] = STV2_SPEC.map(([row, purpose, dirs, protocolText, dstPorts, src, dst, modes, cls, fixName]) =>
  build('stv2', {
    row,
    purpose,
    dirs,
    protocolText,
    dstPorts,
    // VirtualNetwork in this table is the APIM subnet (inbound destination, outbound source, VNet→VNet rows).
    from: src === 'VirtualNetwork' ? 'subnet' : src,
    to: dst === 'VirtualNetwork' ? 'subnet' : dst,
    fixFrom: src,
    fixTo: dst,
    modes,
    class: cls,
    ...(row === 1 ? { clientRow: true } : {}),
    fixName,
  }),
);

/** PremiumV2 VNet injection: the NSG must allow outbound Storage 443 (requirements.md, v2 tiers). */
export const V2_INJECTION_ROWS: readonly RequirementRow[] = [
  build('v2', {
    row: 1,
    purpose: 'VNet injection: dependency on Azure Storage',
    dirs: 'Out',
    protocolText: 'TCP',
    dstPorts: ['443'],
    from: 'subnet',
    to: 'Storage',
    fixFrom: 'VirtualNetwork',
    fixTo: 'Storage',
    modes: 'both',
    class: 'required',
    fixName: 'Allow_APIM_Storage_Outbound',
  }),
];

export const PROFILE_TABLES: Readonly<Record<RequirementProfile, readonly RequirementRow[]>> = {
  stv1: STV1_ROWS,
  stv2: STV2_ROWS,
  v2: V2_INJECTION_ROWS,
};

// ---------------------------------------------------------------------------------------------
// Tiers

export type VnetSupport = 'injection' | 'integration' | 'unsupported';

export interface TierInfo {
  /** SKU name as ARM spells it. */
  name: string;
  family: 'classic' | 'v2' | 'consumption';
  /** What `virtualNetworkType` External / Internal means on this tier. */
  external: VnetSupport;
  internal: VnetSupport;
  /** Maximum number of units (Developer has 1). */
  maxUnits?: number;
  /** Subnet addresses used per unit (stv2: 2 per unit, 1 for Developer). */
  addressesPerUnit: number;
}

export const TIERS: readonly TierInfo[] = [
  { name: 'Developer', family: 'classic', external: 'injection', internal: 'injection', maxUnits: 1, addressesPerUnit: 1 },
  { name: 'Premium', family: 'classic', external: 'injection', internal: 'injection', addressesPerUnit: 2 },
  { name: 'Basic', family: 'classic', external: 'unsupported', internal: 'unsupported', addressesPerUnit: 2 },
  { name: 'Standard', family: 'classic', external: 'unsupported', internal: 'unsupported', addressesPerUnit: 2 },
  { name: 'Consumption', family: 'consumption', external: 'unsupported', internal: 'unsupported', addressesPerUnit: 0 },
  { name: 'BasicV2', family: 'v2', external: 'unsupported', internal: 'unsupported', addressesPerUnit: 2 },
  { name: 'StandardV2', family: 'v2', external: 'integration', internal: 'unsupported', addressesPerUnit: 2 },
  { name: 'PremiumV2', family: 'v2', external: 'integration', internal: 'injection', addressesPerUnit: 2 },
];

/** Tier by SKU name, case-insensitive; undefined for names that are not APIM tiers. */
export function tierInfo(name: string): TierInfo | undefined {
  const n = name.trim().toLowerCase();
  return TIERS.find((t) => t.name.toLowerCase() === n);
}

/** The tiers that support VNet injection in the given mode (fix suggestions: Developer, Premium). */
export function tiersSupporting(mode: 'External' | 'Internal'): TierInfo[] {
  return TIERS.filter((t) => (mode === 'External' ? t.external : t.internal) !== 'unsupported');
}

export interface V2SubnetRule {
  tier: 'StandardV2' | 'PremiumV2';
  mode: 'External' | 'Internal';
  kind: 'integration' | 'injection';
  /** The delegation service name the subnet must have. */
  delegation: string;
  /** Largest allowed prefix length (a /27 or bigger subnet). */
  minPrefixLength: number;
  dedicated: true;
  nsgRequired: true;
  /** Requirement rows the NSG must satisfy. */
  rows: readonly RequirementRow[];
}

/** v2 tiers (beyond the seed, both profiles): VNet integration and injection rules as data. */
export const V2_SUBNET_RULES: readonly V2SubnetRule[] = [
  { tier: 'StandardV2', mode: 'External', kind: 'integration', delegation: 'Microsoft.Web/serverFarms', minPrefixLength: 27, dedicated: true, nsgRequired: true, rows: [] },
  { tier: 'PremiumV2', mode: 'External', kind: 'integration', delegation: 'Microsoft.Web/serverFarms', minPrefixLength: 27, dedicated: true, nsgRequired: true, rows: [] },
  { tier: 'PremiumV2', mode: 'Internal', kind: 'injection', delegation: 'Microsoft.Web/hostingEnvironments', minPrefixLength: 27, dedicated: true, nsgRequired: true, rows: V2_INJECTION_ROWS },
];

/** The v2 subnet rule for a tier and mode; undefined when the tier is not v2 or the mode is unsupported. */
export function v2SubnetRule(tier: string, mode: 'External' | 'Internal'): V2SubnetRule | undefined {
  const t = tier.trim().toLowerCase();
  return V2_SUBNET_RULES.find((r) => r.tier.toLowerCase() === t && r.mode === mode);
}

/** Classic-tier subnet facts (stv2): minimum /29, 5 Azure-reserved addresses, 1 more for Internal. */
export const CLASSIC_SUBNET = { minPrefixLength: 29, reservedAddresses: 5, internalLoadBalancerAddresses: 1 } as const;
