/** lwIP's ephemeral range (TCP_LOCAL_PORT_RANGE_START 0xc000 … 0xffff), used on all three ports. */
const EPHEMERAL_FIRST = 0xc000;
const EPHEMERAL_LAST = 0xffff;

/** One board's local ports of one protocol: who holds which, and fresh ephemeral ports. */
export class PortTable<T extends { readonly isClosed: boolean }> {
  private readonly owners = new Map<number, T>();
  private nextEphemeral = EPHEMERAL_FIRST;

  /** Claims `port` for `owner`; false when another open socket holds it. */
  claim(port: number, owner: T): boolean {
    const holder = this.get(port);
    if (holder && holder !== owner) return false;
    this.owners.set(port, owner);
    return true;
  }

  release(port: number, owner: T): void {
    if (this.owners.get(port) === owner) this.owners.delete(port);
  }

  /** The open socket holding `port`. */
  get(port: number): T | undefined {
    const holder = this.owners.get(port);
    return holder && !holder.isClosed ? holder : undefined;
  }

  /** Claims the next free ephemeral port, as lwIP's bind-to-port-0 does. */
  claimEphemeral(owner: T): number {
    for (let tries = 0; tries <= EPHEMERAL_LAST - EPHEMERAL_FIRST; tries++) {
      const port = this.nextEphemeral;
      this.nextEphemeral = port === EPHEMERAL_LAST ? EPHEMERAL_FIRST : port + 1;
      if (this.claim(port, owner)) return port;
    }
    throw new Error("no free ephemeral port");
  }
}
