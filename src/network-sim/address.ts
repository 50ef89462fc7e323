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
  return [24, 16, 8, 0].map((shift) => (Math.floor(n / 2 ** shift) & 255).toString()).join(".");
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
