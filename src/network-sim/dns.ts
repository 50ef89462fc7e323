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
  const match = /^([A-Za-z0-9.-]+)=(\d{1,3}(?:\.\d{1,3}){3})$/.exec(spec.trim());
  return match ? [match[1]!, match[2]!] : null;
}
