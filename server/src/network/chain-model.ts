/**
 * The resolved network chain of every APIM service: APIM → (per location) subnet → VNet → NSG /
 * route table. CONTRACT between network/chain.ts (builds it from a Template) and rules/.
 */
import type { Value } from '../expressions/value';
import type { Origin, Resource } from '../template/model';

/** A link of the chain: found in the template, outside it, undecidable, or not configured. */
export type Link<T> =
  | { status: 'resolved'; target: T; certain: boolean }
  | { status: 'external'; reason: string; id: Value }
  | { status: 'unknown'; reason: string; id?: Value }
  | { status: 'none' };

export interface SubnetInfo {
  /** The subnet: a child `Microsoft.Network/virtualNetworks/subnets` resource or an inline pseudo-resource. */
  resource: Resource;
  /** The VNet the subnet belongs to (in the template), when known. */
  vnet?: Resource;
  /** Evaluated `addressPrefix` / `addressPrefixes` of the subnet (strings or unknowns). */
  addressPrefixes: Value[];
  /** Evaluated `networkSecurityGroup.id`, undefined when the subnet has none. */
  nsgId?: Value;
  routeTableId?: Value;
  /** Evaluated `delegations` array (empty when none). */
  delegations: Value[];
  /** Evaluated `serviceEndpoints` array (empty when none). */
  serviceEndpoints: Value[];
}

export interface ApimLocation {
  /** 0 = primary location, 1.. = additionalLocations[i-1]. */
  index: number;
  isPrimary: boolean;
  location: Value;
  /** The `additionalLocations[i]` entry node (primary: the APIM resource's `location` node). */
  origin?: Origin;
  /** `virtualNetworkConfiguration` object of this location, undefined when absent. */
  vnetConfigOrigin?: Origin;
  subnetId?: Value;
  subnetIdOrigin?: Origin;
  /** `publicIpAddressId` of this location, when any. */
  publicIpAddressId?: Value;
  publicIpOrigin?: Origin;
  sku?: Value;
  subnet: Link<SubnetInfo>;
  vnet: Link<Resource>;
  nsg: Link<Resource>;
  routeTable: Link<Resource>;
}

export interface ApimService {
  resource: Resource;
  apiVersion?: string;
  skuName: Value;
  skuNameOrigin?: Origin;
  skuCapacity: Value;
  /** 'None' when absent. */
  virtualNetworkType: Value;
  vnetTypeOrigin?: Origin;
  publicIpAddressId?: Value;
  locations: ApimLocation[];
}
