/**
 * The simulation's time source. Everything that waits (association delay, DHCP, time.sleep,
 * socket timeouts) goes through a Clock, so a virtual clock can replace real time without
 * touching the models.
 */
export interface Clock {
  /** Milliseconds since the clock started; monotonic. */
  now(): number;
  /** Runs `fn` after `ms` milliseconds. Returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
  /**
   * Virtual clocks only: a guest engine starts (+1) or stops (-1) running code, e.g. blocks in a
   * host call. A virtual clock moves only while no guest runs.
   */
  guestRunning?(delta: 1 | -1): void;
  /**
   * Virtual clocks only: a guest spinning in a loop (256 iterations, see loop-ticks.ts) pauses here,
   * and the loop's CPU time passes as simulated time; without it, real time passes by itself.
   */
  busyLoop?(signal: AbortSignal): Promise<void>;
}

/** Wall-clock time, for runs that talk to real sockets. */
export class RealClock implements Clock {
  private readonly origin = performance.now();

  now(): number {
    return performance.now() - this.origin;
  }

  setTimer(ms: number, fn: () => void): () => void {
    // Node timers may fire up to a millisecond early by performance.now(); a sleep never returns early.
    const due = this.now() + ms;
    let handle: NodeJS.Timeout;
    const arm = (delay: number) => {
      handle = setTimeout(() => (this.now() >= due ? fn() : arm(due - this.now())), Math.max(0, delay));
    };
    arm(ms);
    return () => clearTimeout(handle);
  }
}

/** Resolves after `ms` on `clock`; rejects with the signal's reason if aborted first. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      cancel();
      reject(signal!.reason);
    };
    const cancel = clock.setTimer(ms, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
