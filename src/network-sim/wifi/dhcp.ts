import { ipToNumber, numberToIp } from "../address.ts";
import type { Clock } from "../clock/clock.ts";

export interface Lease {
  readonly ip: string;
  readonly mac: string;
  readonly hostname: string;
  /** Clock time (ms) when the lease runs out. */
  expiresAt: number;
}

/** A DHCP server for one access point: a pool of addresses, one lease per MAC. */
export class DhcpServer {
  private readonly leases = new Map<string, Lease>();
  /** False while the server does not answer at all (a fault): every request goes unanswered. */
  answering = true;

  constructor(
    private readonly clock: Clock,
    readonly poolStart: string,
    readonly poolEnd: string,
    readonly leaseSeconds: number,
  ) {}

  /** Leases an address to `mac`: the one it had before if any, else the lowest free one; null when the pool is exhausted. */
  lease(mac: string, hostname: string): Lease | null {
    if (!this.answering) return null;
    const now = this.clock.now();
    const expiresAt = now + this.leaseSeconds * 1000;
    const existing = this.leases.get(mac);
    if (existing) {
      existing.expiresAt = expiresAt;
      return existing;
    }
    const taken = new Set([...this.leases.values()].filter((l) => l.expiresAt > now).map((l) => l.ip));
    for (let n = ipToNumber(this.poolStart), end = ipToNumber(this.poolEnd); n <= end; n++) {
      const ip = numberToIp(n);
      if (taken.has(ip)) continue;
      for (const [oldMac, old] of this.leases) if (old.ip === ip) this.leases.delete(oldMac);
      const lease: Lease = { ip, mac, hostname, expiresAt };
      this.leases.set(mac, lease);
      return lease;
    }
    return null;
  }

  /**
   * A device the server has seen before: its lease has run out, but the server offers it the same
   * address again while no other device has taken it, the way a home router keeps its bindings
   * (dnsmasq, in many of them, also picks a client's address from its MAC; UNVERIFIED for the
   * routers of a classroom). Each remembered device gets the lowest address not yet bound.
   */
  remember(mac: string, hostname: string): void {
    if (this.leases.has(mac)) return;
    const bound = new Set([...this.leases.values()].map((l) => l.ip));
    for (let n = ipToNumber(this.poolStart), end = ipToNumber(this.poolEnd); n <= end; n++) {
      const ip = numberToIp(n);
      if (bound.has(ip)) continue;
      this.leases.set(mac, { ip, mac, hostname, expiresAt: this.clock.now() });
      return;
    }
  }

  /** The client gives its address back (or a phantom lease ends). */
  release(mac: string): void {
    this.leases.delete(mac);
  }

  /**
   * The client found `ip` in use (ARP) and declined it: the address is kept out of the pool for
   * the lease time, as a DHCP server does with a declined address.
   */
  decline(mac: string, ip: string): void {
    this.leases.delete(mac);
    this.leases.set(`declined ${ip}`, { ip, mac: "declined", hostname: "", expiresAt: this.clock.now() + this.leaseSeconds * 1000 });
  }

  /** The leases in force, lowest address first. */
  table(): Lease[] {
    const now = this.clock.now();
    return [...this.leases.values()].filter((l) => l.expiresAt > now).sort((a, b) => ipToNumber(a.ip) - ipToNumber(b.ip));
  }
}
