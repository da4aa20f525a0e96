/** Types of the requirement profiles (requirements.md). */
import type { AddressTarget } from '../network/addresses';

export type Profile = 'stv1' | 'stv2';
/** `v2` = the StandardV2/PremiumV2 tiers' own rules (beyond the seed, both profiles). */
export type RequirementProfile = Profile | 'v2';
export type Direction = 'Inbound' | 'Outbound';
export type RowMode = 'External' | 'both' | 'External-multi-region';
export type RowClass = 'required' | 'optional';
export type VnetMode = 'External' | 'Internal';

/** The security-rule properties (ARM shape) a quick fix inserts for a row, one per direction. */
export interface FixRule {
  /** Suggested descriptive rule name (the fix makes it unique). */
  name: string;
  protocol: 'Tcp' | 'Udp' | '*';
  sourcePortRange: string;
  /** Present when the row has one destination port range. */
  destinationPortRange?: string;
  /** Present when the row has several destination ports. */
  destinationPortRanges?: string[];
  sourceAddressPrefix: string;
  destinationAddressPrefix: string;
  access: 'Allow';
  direction: Direction;
}

/** The traffic class of a row in one direction. */
export interface TrafficClass {
  direction: Direction;
  source: AddressTarget;
  destination: AddressTarget;
}

export interface RequirementRow {
  profile: RequirementProfile;
  /** 1-based row number as in requirements.md's table. */
  row: number;
  /** Stable id, e.g. "stv1-4". */
  id: string;
  purpose: string;
  directions: Direction[];
  /** Traffic protocol ('Tcp' also for AMQP). */
  protocol: 'Tcp' | 'Udp' | '*';
  /** Protocol as the table writes it ("TCP", "TCP (AMQP)", "UDP"). */
  protocolText: string;
  sourcePorts: string[];
  destinationPorts: string[];
  /** stv1: the seed's own source / destination words (INTERNET, VIRTUAL_NETWORK, AZURE_LOAD_BALANCER). */
  seedSource?: string;
  seedDestination?: string;
  /** stv1: the seed's own row text, verbatim (ports, direction, protocol, purpose, access type). */
  seed?: { ports: string; direction: string; protocol: string; purpose: string; sourceDestination: string; accessType: string };
  /** Address class of the traffic (the first direction's; In & Out rows are APIM subnet → APIM subnet). */
  source: AddressTarget;
  destination: AddressTarget;
  /** The traffic class per direction. */
  classes: TrafficClass[];
  /** Source → destination as the table shows it, e.g. "APIM subnet → Sql", "Internet → VirtualNetwork". */
  trafficText: string;
  modes: RowMode;
  class: RowClass;
  /** The client-communication row (External: 80, 443 from Internet), evaluated with narrower sources. */
  clientRow?: boolean;
  fixRules: FixRule[];
}
