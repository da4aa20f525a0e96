/**
 * Builders for the rule tables' fixtures: small ARM templates written as objects and serialized
 * with 2-space indentation, so each case states only what it is about.
 */
export const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

export type Obj = Record<string, unknown>;

export function template(resources: Obj[], extra: Obj = {}): string {
  return JSON.stringify({ $schema: SCHEMA, contentVersion: '1.0.0.0', ...extra, resources }, null, 2) + '\n';
}

export interface SubnetSpec {
  name: string;
  prefix?: string;
  nsg?: string;
  routeTable?: string;
  delegations?: string[];
  serviceEndpoints?: string[];
}

export function vnet(name: string, subnets: SubnetSpec[], opts: { location?: string; space?: string[]; dns?: string[] } = {}): Obj {
  return {
    type: 'Microsoft.Network/virtualNetworks',
    apiVersion: '2023-11-01',
    name,
    location: opts.location ?? 'westeurope',
    properties: {
      addressSpace: { addressPrefixes: opts.space ?? ['10.0.0.0/16'] },
      ...(opts.dns ? { dhcpOptions: { dnsServers: opts.dns } } : {}),
      subnets: subnets.map((s) => ({
        name: s.name,
        properties: {
          addressPrefix: s.prefix ?? '10.0.1.0/24',
          ...(s.nsg ? { networkSecurityGroup: { id: `[resourceId('Microsoft.Network/networkSecurityGroups', '${s.nsg}')]` } } : {}),
          ...(s.routeTable ? { routeTable: { id: `[resourceId('Microsoft.Network/routeTables', '${s.routeTable}')]` } } : {}),
          ...(s.delegations ? { delegations: s.delegations.map((d) => ({ name: d.replace('/', '.'), properties: { serviceName: d } })) } : {}),
          ...(s.serviceEndpoints ? { serviceEndpoints: s.serviceEndpoints.map((e) => ({ service: e })) } : {}),
        },
      })),
    },
  };
}

export interface RuleSpec {
  name: string;
  priority: number;
  direction: 'Inbound' | 'Outbound';
  access?: 'Allow' | 'Deny';
  protocol?: string;
  src?: string;
  dst?: string;
  ports?: string | string[];
  srcPorts?: string;
}

export function securityRule(r: RuleSpec): Obj {
  return {
    name: r.name,
    properties: {
      protocol: r.protocol ?? 'Tcp',
      sourcePortRange: r.srcPorts ?? '*',
      ...(Array.isArray(r.ports) ? { destinationPortRanges: r.ports } : { destinationPortRange: r.ports ?? '*' }),
      sourceAddressPrefix: r.src ?? '*',
      destinationAddressPrefix: r.dst ?? '*',
      access: r.access ?? 'Allow',
      priority: r.priority,
      direction: r.direction,
    },
  };
}

export function nsg(name: string, rules: RuleSpec[], location = 'westeurope'): Obj {
  return {
    type: 'Microsoft.Network/networkSecurityGroups',
    apiVersion: '2023-11-01',
    name,
    location,
    properties: { securityRules: rules.map(securityRule) },
  };
}

/** The inbound rules a correct stv2 NSG needs (outbound is open by Azure's defaults). */
export const STV2_INBOUND: RuleSpec[] = [
  { name: 'Client', priority: 100, direction: 'Inbound', src: 'Internet', dst: 'VirtualNetwork', ports: ['80', '443'] },
  { name: 'Management', priority: 110, direction: 'Inbound', src: 'ApiManagement', dst: 'VirtualNetwork', ports: '3443' },
  { name: 'LoadBalancer', priority: 120, direction: 'Inbound', src: 'AzureLoadBalancer', dst: 'VirtualNetwork', ports: '6390' },
];

export interface ApimSpec {
  name?: string;
  apiVersion?: string;
  sku?: string;
  capacity?: number;
  location?: string;
  vnetType?: string;
  /** Subnet id expression, or a resourceId built from vnet/subnet names. */
  subnetId?: string;
  vnet?: string;
  subnet?: string;
  publicIpAddressId?: string;
  additionalLocations?: Obj[];
  dependsOn?: string[];
}

export function apim(s: ApimSpec = {}): Obj {
  const subnetId =
    s.subnetId ??
    (s.vnet ? `[resourceId('Microsoft.Network/virtualNetworks/subnets', '${s.vnet}', '${s.subnet ?? 'apim'}')]` : undefined);
  return {
    type: 'Microsoft.ApiManagement/service',
    apiVersion: s.apiVersion ?? '2023-05-01-preview',
    name: s.name ?? 'contoso-apim',
    location: s.location ?? 'westeurope',
    sku: { name: s.sku ?? 'Developer', capacity: s.capacity ?? 1 },
    ...(s.dependsOn ? { dependsOn: s.dependsOn } : {}),
    properties: {
      publisherEmail: 'admin@contoso.com',
      publisherName: 'Contoso',
      ...(s.vnetType ? { virtualNetworkType: s.vnetType } : {}),
      ...(subnetId ? { virtualNetworkConfiguration: { subnetResourceId: subnetId } } : {}),
      ...(s.publicIpAddressId ? { publicIpAddressId: s.publicIpAddressId } : {}),
      ...(s.additionalLocations ? { additionalLocations: s.additionalLocations } : {}),
    },
  };
}

/** A complete, correct stv2 External deployment: VNet, NSG with the inbound rules, APIM. */
export function goodStv2(over: ApimSpec = {}, subnet: Partial<SubnetSpec> = {}): string {
  return template([
    nsg('apim-nsg', STV2_INBOUND),
    vnet('vnet', [{ name: 'apim', nsg: 'apim-nsg', ...subnet }]),
    apim({ vnetType: 'External', vnet: 'vnet', dependsOn: ["[resourceId('Microsoft.Network/virtualNetworks', 'vnet')]"], ...over }),
  ]);
}
