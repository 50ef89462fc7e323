import type { Clock } from "../../src/network-sim/clock/clock.ts";
import { TimerQueue } from "../../src/network-sim/clock/timer-queue.ts";

/** A clock that only moves when the test says so, for stepping the WiFi model through its states. */
export class ManualClock implements Clock {
  private time = 0;
  private readonly timers = new TimerQueue();

  now(): number {
    return this.time;
  }

  setTimer(ms: number, fn: () => void): () => void {
    return this.timers.add(this.time + Math.max(0, ms), fn);
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (let next = this.timers.peek(); next && next.at <= end; next = this.timers.peek()) {
      this.time = next.at;
      this.timers.shift()!.fn();
    }
    this.time = end;
  }
}
