import type { Clock } from "../network-sim/clock/clock.ts";
import { FirmwareError, NetError } from "../network-sim/errors.ts";
import type { BoardProfile } from "../boards/profile.ts";
import { GuestException, type HostValue } from "./host-api.ts";
import { BlockingWake, WOKEN } from "./host/blocking-wake.ts";
import type { Scheduler } from "./host/scheduler.ts";

/** A host call as the guest makes it: plain values in, a value (or a promise of one) out. */
export type GuestCall = (...a: readonly HostValue[]) => HostValue | Promise<HostValue>;

/**
 * What every host call of one board passes through: Ctrl-C (raised in the call the script is
 * blocked in, or at its next one), settling of blocking calls (the clock is told whether the guest
 * runs), callbacks inside blocking calls (blocking-wake.ts), halting (a board switched off never
 * answers), and simulator errors turned into the board's own Python exceptions.
 */
export class HostCallGate {
  /** performance.now() when the guest last let the event loop take a turn (a blocking call settled). */
  lastYield = performance.now();
  private calls = new AbortController();
  /**
   * The calls of a blocking call parked while callbacks run inside it (blocking-wake.ts): Ctrl-C
   * then aborts only the callbacks' calls (`calls`), and the parked one waits on to its deadline.
   */
  private parkedCalls: AbortController | null = null;
  private pendingCalls = 0;
  private interruptPending = false;
  /** Whether the guest is running code now (not blocked in a host call): the clock is told. */
  private guestRunning = false;
  private halted = false;
  private readonly wake: BlockingWake;
  /** The engine's way to a script that runs without host calls (GuestHost.onWanted): Ctrl-C, a callback queued. */
  wanted: (() => void) | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly errno: BoardProfile["errno"],
    scheduler: Scheduler,
  ) {
    // Only a parked call waits when the guest moves on without it: aborting all ends just that one.
    this.wake = new BlockingWake(scheduler, () => this.abortCalls(new GuestException("KeyboardInterrupt", [])));
  }

  /** Aborted by Ctrl-C: every blocking host call waits on it. */
  get signal(): AbortSignal {
    return this.calls.signal;
  }

  get isHalted(): boolean {
    return this.halted;
  }

  /** From now on no host call answers (the board was switched off). */
  halt(): void {
    this.halted = true;
  }

  setGuestRunning(running: boolean): void {
    if (running === this.guestRunning) return;
    this.guestRunning = running;
    this.clock.guestRunning?.(running ? 1 : -1);
  }

  /**
   * Ctrl-C: raises KeyboardInterrupt in the script, in the call it is blocked in or at its next one.
   * While callbacks run inside a blocking call, in theirs: on the firmware the pending exception is
   * raised by the wait the callback is in (py/scheduler.c:224-235 mp_handle_pending, from
   * mp_event_handle_nowait in e.g. ports/rp2/mphalport.c:202-207 mp_hal_delay_ms), the scheduler's
   * mp_call_function_1_protected prints it (py/runtime_utils.c:30-40), and the outer wait's loop
   * goes on to its own deadline.
   */
  interrupt(): void {
    if (this.pendingCalls === 0) this.interruptPending = true;
    if (this.parkedCalls === null) this.abortCalls(new GuestException("KeyboardInterrupt", [])); // with none pending, only a parked call waits on it
    else this.abortCallbacksCalls();
    this.want(); // a script running without host calls polls at its next branch
  }

  /** The script is wanted (Ctrl-C, a callback due): its engine has it poll at its next branch. */
  want(): void {
    this.wanted?.();
  }

  /** Drops a Ctrl-C that came after the code ended, and the call it left parked. */
  clearInterrupt(): void {
    this.interruptPending = false;
    this.abortCalls(new GuestException("KeyboardInterrupt", []));
  }

  private abortCalls(reason: GuestException): void {
    this.wake.forget();
    const calls = this.calls;
    const parked = this.parkedCalls;
    this.calls = new AbortController();
    this.parkedCalls = null;
    calls.abort(reason);
    parked?.abort(reason);
  }

  private abortCallbacksCalls(): void {
    const calls = this.calls;
    this.calls = new AbortController();
    calls.abort(new GuestException("KeyboardInterrupt", []));
  }

  /** Runs host call `name` of a board not halted; `interruptible` is false for console calls, which a pending Ctrl-C does not stop. */
  call(name: string, fn: GuestCall, args: readonly HostValue[], interruptible: boolean): HostValue | Promise<HostValue> {
    if (this.interruptPending && interruptible) {
      this.interruptPending = false;
      throw new GuestException("KeyboardInterrupt", []);
    }
    try {
      const parked = this.wake.resume(name, args);
      if (parked !== null && this.parkedCalls !== null) {
        this.calls = this.parkedCalls; // the callbacks are done: Ctrl-C aborts the parked call again
        this.parkedCalls = null;
      }
      const result = parked ?? fn(...args);
      return result instanceof Promise ? this.settle(this.wake.wait(name, args, result)) : result;
    } catch (error) {
      throw this.asGuestException(error);
    }
  }

  /** One `then`, not an async function's await and finally: fewer microtask turns before the guest resumes. */
  private settle(pending: Promise<HostValue>): Promise<HostValue> {
    this.pendingCalls++;
    this.setGuestRunning(false);
    return pending.then(this.onAnswer, this.onFailure);
  }

  // Made once per board, not per blocking call (each call's pair was two closures more per round trip).
  private readonly onAnswer = (value: HostValue): HostValue | Promise<never> => {
    if (!this.resumed()) return new Promise<never>(() => {});
    if (value === WOKEN) {
      // Parked (blocking-wake.ts): the callbacks' calls get their own signal from here.
      this.parkedCalls = this.calls;
      this.calls = new AbortController();
    }
    return value;
  };
  private readonly onFailure = (error: unknown): Promise<never> => {
    if (!this.resumed()) return new Promise<never>(() => {});
    throw this.asGuestException(error);
  };

  /** A blocking call settled; false when the board was halted meanwhile: the guest never hears back. */
  private resumed(): boolean {
    this.pendingCalls--;
    this.lastYield = performance.now();
    if (this.halted) return false;
    this.setGuestRunning(true);
    return true;
  }

  private asGuestException(error: unknown): unknown {
    if (error instanceof NetError) return new GuestException("OSError", [this.errno[error.code]]);
    if (error instanceof FirmwareError) return new GuestException(error.pyType, [error.message]);
    return error;
  }
}
