/** IPv4 CIDR arithmetic for parseCidr, cidrSubnet and cidrHost (exact ARM semantics for IPv4). */

export interface Ipv4Cidr {
  /** Address as an unsigned 32-bit number (host bits as written, not masked). */
  address: number;
  prefix: number;
}

export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return undefined;
    n = n * 256 + o;
  }
  return n;
}

export function formatIpv4(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const m = /^\s*([0-9.]+)\/(\d{1,2})\s*$/.exec(text);
  if (!m) return undefined;
  const address = parseIpv4(m[1]);
  const prefix = Number(m[2]);
  if (address === undefined || prefix > 32) return undefined;
  return { address, prefix };
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function networkOf(c: Ipv4Cidr): number {
  return (c.address & maskOf(c.prefix)) >>> 0;
}

export function sizeOf(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** parseCidr result object for IPv4. /31 and /32 have no reserved addresses. */
export function describeIpv4(c: Ipv4Cidr): { network: string; netmask: string; broadcast: string; firstUsable: string; lastUsable: string; cidr: number } {
  const net = networkOf(c);
  const bcast = net + sizeOf(c.prefix) - 1;
  const small = c.prefix >= 31;
  return {
    network: formatIpv4(net),
    netmask: formatIpv4(maskOf(c.prefix)),
    broadcast: formatIpv4(bcast),
    firstUsable: formatIpv4(small ? net : net + 1),
    lastUsable: formatIpv4(small ? bcast : bcast - 1),
    cidr: c.prefix,
  };
}

/** cidrSubnet: the subnetIndex-th /newPrefix inside c, or an error message. */
export function ipv4Subnet(c: Ipv4Cidr, newPrefix: number, index: number): string | { error: string } {
  if (!Number.isInteger(newPrefix) || newPrefix < c.prefix || newPrefix > 32) {
    return { error: `new CIDR /${newPrefix} must be between /${c.prefix} and /32` };
  }
  const count = 2 ** (newPrefix - c.prefix);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    return { error: `subnet index ${index} is out of range (0..${count - 1})` };
  }
  return `${formatIpv4(networkOf(c) + index * sizeOf(newPrefix))}/${newPrefix}`;
}

/** cidrHost: the hostIndex-th usable address (index 0 = first usable). */
export function ipv4Host(c: Ipv4Cidr, index: number): string | { error: string } {
  const net = networkOf(c);
  const size = sizeOf(c.prefix);
  const small = c.prefix >= 31;
  const first = small ? net : net + 1;
  const usable = small ? size : size - 2;
  if (!Number.isInteger(index) || index < 0 || index >= usable) {
    return { error: `host index ${index} is out of range (0..${usable - 1})` };
  }
  return formatIpv4(first + index);
}
