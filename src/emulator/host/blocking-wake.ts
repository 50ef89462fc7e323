import type { HostValue } from "../host-api.ts";
import type { Scheduler } from "./scheduler.ts";
import { WAKEABLE, WOKEN, type HostName } from "./table.ts";

/** The engines' own calls between the script's (busy time, console output): a parked wait goes on past them. */
const ASIDE: ReadonlySet<string> = new Set<HostName>(["poll", "write"]);

/**
 * Callbacks inside blocking calls, as the firmware runs them: a blocking call that a due callback
 * wakes answers WOKEN and parks (its wait goes on); the guest runs the callbacks and asks the same
 * call again, which gets the parked wait: its deadline (a socket's timeout, a sleep's end) is the
 * first call's. One host-side mechanism for sockets, select and sleep, for both guests.
 */
export class BlockingWake {
  private parked: { name: string; pending: Promise<HostValue> } | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    /** Ends the parked wait (aborts what it waits on): called only while no other call waits. */
    private readonly cancel: () => void,
  ) {}

  /**
   * Before call `name` runs, once the guest has run the callbacks: the parked wait if this is its
   * call asked again, else null. Any other call ends the parked one: the guest went on without it
   * (asyncio's loop, whose wait a callback ended by setting a ThreadSafeFlag).
   */
  resume(name: string): Promise<HostValue> | null {
    const parked = this.parked;
    if (parked === null || this.scheduler.running || ASIDE.has(name)) return null;
    this.parked = null;
    if (parked.name === name) return parked.pending;
    this.cancel();
    return null;
  }

  /**
   * Call `name` blocks on `pending`: a callback coming due first answers WOKEN and parks the wait.
   * No race before the script has a callback: with one, a TS 64-byte round trip (one blocked recv)
   * costs ≈ 8 µs more (docs/benchmarks.md). One promise more, not Promise.race's chain of three.
   */
  wait(name: string, pending: Promise<HostValue>): Promise<HostValue> {
    if (!this.scheduler.armed || this.scheduler.running || !WAKEABLE.has(name)) return pending;
    if (this.scheduler.pending) return Promise.resolve(this.park(name, pending));
    return new Promise<HostValue>((resolve, reject) => {
      const woken = () => resolve(this.park(name, pending));
      this.scheduler.onScheduled(woken);
      pending.then(
        (value) => {
          this.scheduler.off(woken);
          resolve(value);
        },
        (error: unknown) => {
          this.scheduler.off(woken);
          reject(error);
        },
      );
    });
  }

  private park(name: string, pending: Promise<HostValue>): HostValue {
    pending.catch(() => {}); // ended while parked (Ctrl-C, the code's end): nobody asks for it
    this.parked = { name, pending };
    this.scheduler.running = true; // from here the guest runs callbacks: its calls are theirs
    return WOKEN;
  }

  /** Ctrl-C or the code's end aborts every wait: the parked one is forgotten, and the callbacks it ran end with a KeyboardInterrupt. */
  forget(): void {
    this.parked = null;
    this.scheduler.running = false;
  }
}
