import type { BoardContext, HostCalls } from "./context.ts";

/**
 * Callbacks the board schedules for the script (Timer, Pin.irq), like MicroPython's
 * mp_sched_schedule(): they queue here and the guest runs them at its next host call (every host
 * reply says when some are due), or when a sleep wakes for them, one at a time, never nested.
 */
export class Scheduler {
  private queue: [handler: number, arg: number | string | null][] = [];
  private wake: (() => void) | null = null;

  /** `handler` is the guest's id for the callback; `arg` what it is called with (a pin, a timer). */
  schedule(handler: number, arg: number | string | null): void {
    // The firmware's queue holds MICROPY_SCHEDULER_DEPTH (4) entries (py/mpconfig.h); beyond it, schedule() fails and the event is lost.
    if (this.queue.length >= 4) return;
    this.queue.push([handler, arg]);
    this.wake?.();
  }

  get pending(): boolean {
    return this.queue.length > 0;
  }

  /** The due callbacks, in order; the guest runs them. */
  take(): [number, number | string | null][] {
    const due = this.queue;
    this.queue = [];
    return due;
  }

  /** Resolves when a callback is queued (a sleep cut short to run it). */
  whenScheduled(): Promise<void> {
    if (this.pending) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = null;
        resolve();
      };
    });
  }

  clear(): void {
    this.queue = [];
    this.wake = null;
  }
}

/** The host calls the guests run due callbacks with (py/scheduler.c's mp_handle_pending, guest side). */
export function schedulerCalls(board: BoardContext) {
  return {
    /** The callbacks due now, [handler, arg] each, for the guest to run. */
    schedTake: () => board.scheduler.take(),
    /** Whether callbacks are due (the TS guest asks after its calls once it has a callback). */
    schedPending: (): boolean => board.scheduler.pending,
  } satisfies HostCalls<"scheduler">;
}
