import { abortableWait } from "./abortable-wait.ts";
import { TimerQueue } from "./timer-queue.ts";

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

/**
 * Wall-clock time, for runs that talk to real sockets. Its timers fire in order (the earliest first,
 * ties in the order set) and never early: Node's own may fire up to a millisecond early by
 * performance.now(), and a sleep must not return before its time.
 */
const MAX_NODE_TIMER_MS = 2 ** 31 - 1;

export class RealClock implements Clock {
  private readonly origin = performance.now();
  private readonly timers = new TimerQueue();
  private armed: { at: number; disarm: () => void } | null = null;

  now(): number {
    return performance.now() - this.origin;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const cancel = this.timers.add(this.now() + Math.max(0, ms), fn);
    this.arm();
    return () => {
      cancel();
      this.arm();
    };
  }

  /** Keeps one Node timer set for the earliest queued timer (none when the queue is empty). */
  private arm(): void {
    const next = this.timers.peek();
    if (this.armed && this.armed.at === next?.at) return;
    this.armed?.disarm();
    this.armed = next ? { at: next.at, disarm: this.armFor(next.at - this.now()) } : null;
  }

  /** Calls fire() in `delay` ms; returns what cancels that. */
  private armFor(delay: number): () => void {
    // Due already (time.sleep_ms(0), a zero timeout): the next turn of the event loop, not Node's
    // setTimeout(0), which waits at least 1 ms. The firmware's sleep_ms(0) handles pending events
    // and returns (ports/rp2/mphalport.c v1.27.0 152-159, ports/esp32/mphalport.c mp_hal_delay_ms).
    if (delay <= 0) {
      const handle = setImmediate(() => this.fire());
      return () => clearImmediate(handle);
    }
    // Node's timers hold at most 2^31-1 ms (a longer delay fires after 1 ms, with a warning): a
    // longer wait is armed in steps, fire() re-arming until it is due.
    const handle = setTimeout(() => this.fire(), Math.min(MAX_NODE_TIMER_MS, delay));
    return () => clearTimeout(handle);
  }

  private fire(): void {
    this.armed = null;
    for (let next = this.timers.peek(); next && next.at <= this.now(); next = this.timers.peek()) this.timers.shift()!.fn();
    this.arm();
  }
}

/** Resolves after `ms` on `clock`; rejects with the signal's reason if aborted first. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return abortableWait(signal, (resolve) => clock.setTimer(ms, () => resolve()));
}
