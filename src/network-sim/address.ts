/** IPv4 helpers: dotted strings in the guest API, 32-bit numbers for arithmetic. */

export type SocketAddress = readonly [ip: string, port: number];

export function ipToNumber(ip: string): number {
  const parts = ip.split(".");
  if (parts.length !== 4) throw new Error(`not an IPv4 address: ${ip}`);
  return parts.reduce((acc, part) => {
    const octet = Number(part);
    if (!/^\d{1,3}$/.test(part) || octet > 255) throw new Error(`not an IPv4 address: ${ip}`);
    return acc * 256 + octet;
  }, 0);
}

export function numberToIp(n: number): string {
  // No array per call: a DHCP server tries one address after another (dhcp.ts, lease).
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function isIPv4(ip: string): boolean {
  try {
    ipToNumber(ip);
    return true;
  } catch {
    return false;
  }
}

export function formatMac(mac: Uint8Array): string {
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join(":");
}
