import { sleep, type Clock } from "./clock.ts";
import { Notifier } from "../notifier.ts";
import { TimerQueue } from "./timer-queue.ts";

/**
 * Simulated time a guest's busy loop takes per 256 iterations (one `poll`): about 4 µs an iteration,
 * the order of a simple MicroPython loop on these boards (UNVERIFIED: no measurement in the facts docs).
 */
const BUSY_LOOP_MS = 1;

/** Why runUntil() stopped. */
export type RunResult = "done" | "limit" | "idle";

/**
 * Simulated time for tests: it stands still while any guest runs code, and jumps to the next timer
 * whenever every guest is blocked in a host call and nothing but timers is left to happen. Timers
 * due at the same moment fire in the order they were set, one per settled turn, so a run gives the
 * same result every time. No real sockets take part: their events would not wait for it.
 */
export class VirtualClock implements Clock {
  private time = 0;
  private readonly timers = new TimerQueue();
  private running = 0;
  private readonly idle = new Notifier();

  now(): number {
    return this.time;
  }

  setTimer(ms: number, fn: () => void): () => void {
    return this.timers.add(this.time + Math.max(0, ms), fn);
  }

  guestRunning(delta: 1 | -1): void {
    this.running += delta;
    if (this.running === 0) this.idle.notify();
  }

  busyLoop(signal: AbortSignal): Promise<void> {
    return sleep(this, BUSY_LOOP_MS, signal);
  }

  /**
   * Runs the simulation until `done()` holds, for at most `limitMs` of simulated time: "done", "limit"
   * (the time is up; the clock stands at the limit), or "idle" (no timer left: nothing more can happen).
   */
  async runUntil(done: () => boolean, limitMs: number): Promise<RunResult> {
    const deadline = this.time + limitMs;
    for (;;) {
      await this.settle();
      if (done()) return "done";
      const next = this.timers.peek();
      if (!next) return "idle";
      if (next.at > deadline) {
        this.time = deadline;
        return "limit";
      }
      this.timers.shift();
      this.time = next.at;
      next.fn();
    }
  }

  /** Lets `ms` of simulated time pass (everything due in it happens). */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await this.runUntil(() => false, ms);
    this.time = end;
  }

  /** Resolves once every guest is blocked and the promise reactions of what just happened have run. */
  private async settle(): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.running === 0) return;
      await this.idle.wait();
    }
  }
}
