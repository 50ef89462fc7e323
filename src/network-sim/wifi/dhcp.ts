import { ipToNumber, numberToIp } from "../address.ts";
import type { Clock } from "../clock/clock.ts";

export interface Lease {
  readonly ip: string;
  readonly mac: string;
  /** The name the device's last request carried (DHCP option 12), as a router's lease table shows it. */
  hostname: string;
  /** Clock time (ms) when the lease runs out. */
  expiresAt: number;
}

/**
 * A DHCP server for one access point: a pool of addresses, one lease per MAC, one lease per address.
 * Two cursors make a fleet's leases O(1) amortised instead of a walk of the pool per lease: below
 * `freeFrom` every address held a lease in force when it was passed, none running out before
 * `heldUntil` (a renewal only extends a lease); below `boundFrom` every address holds a lease,
 * in force or not. A lease taken away moves a cursor back to its address.
 */
export class DhcpServer {
  private readonly leases = new Map<string, Lease>();
  /** Address (as a number) -> key of its lease in `leases`. */
  private readonly byAddress = new Map<number, string>();
  private readonly first: number;
  private readonly last: number;
  private freeFrom: number;
  private heldUntil = Infinity;
  private boundFrom: number;
  /** False while the server does not answer at all (a fault): every request goes unanswered. */
  answering = true;

  constructor(
    private readonly clock: Clock,
    readonly poolStart: string,
    readonly poolEnd: string,
    readonly leaseSeconds: number,
  ) {
    this.first = this.freeFrom = this.boundFrom = ipToNumber(poolStart);
    this.last = ipToNumber(poolEnd);
  }

  /** Leases an address to `mac`: the one it had before if any, else the lowest free one; null when the pool is exhausted. */
  lease(mac: string, hostname: string): Lease | null {
    if (!this.answering) return null;
    const now = this.clock.now();
    const expiresAt = now + this.leaseSeconds * 1000;
    const existing = this.leases.get(mac);
    if (existing) {
      existing.expiresAt = expiresAt;
      existing.hostname = hostname;
      return existing;
    }
    // A lease passed over may have run out since: look again from the start.
    if (now >= this.heldUntil) [this.freeFrom, this.heldUntil] = [this.first, Infinity];
    for (let n = this.freeFrom; n <= this.last; n++) {
      const old = this.leaseAt(n);
      if (old && old.expiresAt > now) {
        this.heldUntil = Math.min(this.heldUntil, old.expiresAt);
        continue;
      }
      if (old) this.remove(this.byAddress.get(n)!);
      const lease: Lease = { ip: numberToIp(n), mac, hostname, expiresAt };
      this.add(mac, lease);
      this.freeFrom = n + 1;
      this.heldUntil = Math.min(this.heldUntil, expiresAt);
      return lease;
    }
    this.freeFrom = this.last + 1;
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
    for (let n = this.boundFrom; n <= this.last; n++) {
      if (this.byAddress.has(n)) continue;
      this.add(mac, { ip: numberToIp(n), mac, hostname, expiresAt: this.clock.now() });
      this.boundFrom = n + 1;
      return;
    }
    this.boundFrom = this.last + 1;
  }

  /** The client gives its address back (or a phantom lease ends). */
  release(mac: string): void {
    this.remove(mac);
  }

  /**
   * The client found `ip` (its own lease's address) in use (ARP) and declined it: the address is
   * kept out of the pool for the lease time, as a DHCP server does with a declined address.
   */
  decline(mac: string, ip: string): void {
    this.remove(mac);
    this.remove(`declined ${ip}`);
    this.add(`declined ${ip}`, { ip, mac: "declined", hostname: "", expiresAt: this.clock.now() + this.leaseSeconds * 1000 });
  }

  /** The leases in force, lowest address first. */
  table(): Lease[] {
    const now = this.clock.now();
    return [...this.leases.values()].filter((l) => l.expiresAt > now).sort((a, b) => ipToNumber(a.ip) - ipToNumber(b.ip));
  }

  private leaseAt(n: number): Lease | undefined {
    const key = this.byAddress.get(n);
    return key === undefined ? undefined : this.leases.get(key);
  }

  private add(key: string, lease: Lease): void {
    this.leases.set(key, lease);
    this.byAddress.set(ipToNumber(lease.ip), key);
  }

  private remove(key: string): void {
    const lease = this.leases.get(key);
    if (!lease) return;
    this.leases.delete(key);
    const n = ipToNumber(lease.ip);
    if (this.byAddress.get(n) === key) this.byAddress.delete(n);
    this.freeFrom = Math.min(this.freeFrom, n);
    this.boundFrom = Math.min(this.boundFrom, n);
  }
}
