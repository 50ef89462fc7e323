import { isDeepStrictEqual } from "node:util";
import type { HostValue } from "../host-api.ts";
import type { Scheduler } from "./scheduler.ts";
import { WAKEABLE, type HostName } from "./table.ts";

/**
 * A blocking call's answer when callbacks (Timer, Pin.irq) came due while it waited. Compared by
 * identity: no value a host call returns (a script's own text, an SSID) can be it. It never reaches
 * a guest as a value: the .py engine answers with a bit beside the callbacks-due bit
 * (micropython/engine.ts), the TS engine throws a signal its guest catches (quickjs/raw-ffi.ts).
 */
export const WOKEN: HostValue = Object.freeze({});

/** The engines' own calls between the script's (busy time, console output): a parked wait goes on past them. */
const ASIDE: ReadonlySet<string> = new Set<HostName>(["poll", "write"]);

/**
 * Callbacks inside blocking calls, as the firmware runs them: a blocking call that a due callback
 * wakes answers WOKEN and parks (its wait goes on); the guest runs the callbacks and asks the same
 * call again, which gets the parked wait: its deadline (a socket's timeout, a sleep's end) is the
 * first call's. One host-side mechanism for sockets, select and sleep, for both guests.
 */
export class BlockingWake {
  private parked: { name: string; args: readonly HostValue[]; pending: Promise<HostValue> } | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    /** Ends the parked wait (aborts what it waits on): called only while no other call waits. */
    private readonly cancel: () => void,
  ) {}

  /**
   * Before call `name` runs, once the guest has run the callbacks: the parked wait if this is its
   * call asked again (same name and arguments), else null. Any other call ends the parked one: the
   * guest went on without it (asyncio's loop, whose wait a callback ended by setting a
   * ThreadSafeFlag, then polls other sockets or with timeout 0). The arguments are compared only
   * while a wait is parked: the guests ask again with equal ones (decoded anew on .py).
   */
  resume(name: string, args: readonly HostValue[]): Promise<HostValue> | null {
    const parked = this.parked;
    if (parked === null || this.scheduler.running || ASIDE.has(name)) return null;
    this.parked = null;
    if (parked.name === name && isDeepStrictEqual(parked.args, args)) return parked.pending;
    this.cancel();
    return null;
  }

  /**
   * Call `name` blocks on `pending`: a callback coming due first answers WOKEN and parks the wait.
   * No race before the script has a callback: with one, a TS 64-byte round trip (one blocked recv)
   * costs ≈ 8 µs more (docs/benchmarks.md). One promise more, not Promise.race's chain of three.
   */
  wait(name: string, args: readonly HostValue[], pending: Promise<HostValue>): Promise<HostValue> {
    if (!this.scheduler.armed || this.scheduler.running || !WAKEABLE.has(name)) return pending;
    if (this.scheduler.pending) return Promise.resolve(this.park(name, args, pending));
    return new Promise<HostValue>((resolve, reject) => {
      const woken = () => resolve(this.park(name, args, pending));
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

  private park(name: string, args: readonly HostValue[], pending: Promise<HostValue>): HostValue {
    pending.catch(() => {}); // ended while parked (Ctrl-C, the code's end): nobody asks for it
    this.parked = { name, args, pending };
    this.scheduler.running = true; // from here the guest runs callbacks: its calls are theirs
    return WOKEN;
  }

  /** Ctrl-C or the code's end aborts every wait: the parked one is forgotten, and the callbacks it ran end with a KeyboardInterrupt. */
  forget(): void {
    this.parked = null;
    this.scheduler.running = false;
  }
}
