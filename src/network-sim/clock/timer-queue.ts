export interface QueuedTimer {
  readonly at: number;
  readonly fn: () => void;
}

interface Entry extends QueuedTimer {
  seq: number;
  cancelled: boolean;
}

/**
 * Timers in the order they fire: the earliest first, and those due at the same moment in the order
 * they were set (a fault's pipe schedules segments that must arrive in order).
 */
export class TimerQueue {
  private readonly timers: Entry[] = [];
  private seq = 0;

  /** Adds a timer due at `at`; returns a function that cancels it. */
  add(at: number, fn: () => void): () => void {
    // A time that is no number would sort to the head and never come due, holding every timer behind it.
    if (!Number.isFinite(at)) throw new RangeError(`timer at ${at}`);
    const timer: Entry = { at, fn, seq: this.seq++, cancelled: false };
    let low = 0;
    let high = this.timers.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const t = this.timers[mid]!;
      if (t.at < timer.at || (t.at === timer.at && t.seq < timer.seq)) low = mid + 1;
      else high = mid;
    }
    this.timers.splice(low, 0, timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** The next timer to fire, if any (it stays queued). */
  peek(): QueuedTimer | undefined {
    while (this.timers[0]?.cancelled) this.timers.shift();
    return this.timers[0];
  }

  /** Removes and returns the next timer to fire. */
  shift(): QueuedTimer | undefined {
    const next = this.peek();
    this.timers.shift();
    return next;
  }
}
