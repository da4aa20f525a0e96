/**
 * NSG rule protocols. A requirement's traffic is Tcp or Udp (AMQP is TCP). A rule's protocol is
 * one of `*` (alias `Any`), Tcp, Udp, Icmp, Esp, Ah; compared case-insensitively.
 */

export type TrafficProtocol = 'Tcp' | 'Udp';
export type RuleProtocol = '*' | 'Tcp' | 'Udp' | 'Icmp' | 'Esp' | 'Ah';

const NAMES: Record<string, RuleProtocol> = {
  '*': '*',
  any: '*',
  tcp: 'Tcp',
  udp: 'Udp',
  icmp: 'Icmp',
  esp: 'Esp',
  ah: 'Ah',
  // Requirement tables name AMQP; it runs over TCP.
  amqp: 'Tcp',
};

/** Normalizes a protocol name; undefined when it is not a protocol NSGs know. */
export function normalizeProtocol(text: string): RuleProtocol | undefined {
  return NAMES[text.trim().toLowerCase()];
}

/** True when a rule with protocol `rule` matches traffic of protocol `traffic`. */
export function protocolMatches(rule: RuleProtocol, traffic: TrafficProtocol | '*'): boolean {
  if (rule === '*') return true;
  if (traffic === '*') return false; // a single-protocol rule does not cover traffic of any protocol
  return rule === traffic;
}

/** The ARM spelling a fix writes: "Tcp", "Udp", "*". */
export function armProtocol(p: RuleProtocol | TrafficProtocol): string {
  return p;
}
