/**
 * The simulated router's DNS: the names it answers (a lab file's `hosts:`, `--hosts NAME=IP`), and
 * nothing else: the internet is not simulated, so every other name fails as the board's lookup fails.
 */
export class Dns {
  private readonly table = new Map<string, string>();

  constructor(hosts: Readonly<Record<string, string>> = {}) {
    for (const [name, ip] of Object.entries(hosts)) this.add(name, ip);
  }

  /** DNS names are case-insensitive (RFC 4343). */
  add(name: string, ip: string): void {
    this.table.set(name.toLowerCase(), ip);
  }

  /** The address the router gives for `name`, or null when it has none. */
  resolve(name: string): string | null {
    return this.table.get(name.toLowerCase()) ?? null;
  }
}

/** `NAME=IP` as --hosts takes it; null when malformed. */
export function parseHostEntry(spec: string): [name: string, ip: string] | null {
  const match = /^([^=]*)=(.*)$/.exec(spec.trim());
  return match && hostEntryProblem(match[1]!, match[2]!) === null ? [match[1]!, match[2]!] : null;
}

/**
 * Why `name` → `ip` cannot be one of the router's names (--hosts, a lab file's hosts:, Lab({ hosts })),
 * or null when it can: a name of letters, digits, '.' and '-' (never a NUL: a board reads a name as a
 * C string, so could not ask for it), at most 253 of them, and an IPv4 address.
 */
export function hostEntryProblem(name: string, ip: unknown): string | null {
  if (!/^[A-Za-z0-9.-]+$/.test(name)) return `must be a host name: letters, digits, '.' and '-', e.g. broker.local, not ${JSON.stringify(name)}`;
  // RFC 1035 2.3.4 (255 octets on the wire: 253 characters of text); lwIP refuses longer (netutils.ts lookup).
  if (name.length > 253) return `must be a host name of at most 253 characters, not ${name.length}`;
  if (typeof ip !== "string" || !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(ip)) {
    return `must map a host name to an IPv4 address, e.g. broker.local: 192.168.1.2, not ${JSON.stringify(ip)}`;
  }
  return null;
}
