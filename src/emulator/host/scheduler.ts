/**
 * Callbacks the board schedules for the script (Timer, Pin.irq), like MicroPython's
 * mp_sched_schedule(): they queue here and the guest runs them at its next host call (every host
 * reply says when some are due), or inside a blocking call woken for them (blocking-wake.ts), one
 * at a time, never nested.
 */
export class Scheduler {
  /** `depth`: the port's MICROPY_SCHEDULER_DEPTH; `queued`: called when a callback is queued. */
  constructor(
    private readonly depth = 4,
    private readonly queued: () => void = () => {},
  ) {}

  private queue: [handler: number, arg: number | string | null][] = [];
  private wake: (() => void) | null = null;
  /**
   * Whether the guest runs callbacks now: from a take that finds some (or a call woken for them)
   * to the take that finds none. A blocking call made meanwhile waits as it is: callbacks never nest.
   */
  running = false;
  /** Whether the script gave the board a callback (a Timer's, a Pin.irq's): until then no blocking call waits for one. */
  armed = false;
  /** machine.Timers armed now (machine_timer.ts): a sleep ending as one fires lets it fire first (modtime.ts). */
  timers = 0;

  /** `handler` is the guest's id for the callback; `arg` what it is called with (a pin, a timer). */
  schedule(handler: number, arg: number | string | null): void {
    // The firmware's queue holds MICROPY_SCHEDULER_DEPTH entries; beyond it, schedule() fails and the event is lost (py/scheduler.c:159-177).
    if (this.queue.length >= this.depth) return;
    this.queue.push([handler, arg]);
    const wake = this.wake;
    this.wake = null;
    wake?.();
    this.queued();
  }

  get pending(): boolean {
    return this.queue.length > 0;
  }

  /**
   * The first due callback (none or one), for the guest to run; then schedDone. One at a time, as
   * the firmware runs at most one per pending check (py/scheduler.c:105-114): the code that checks
   * goes on between them.
   */
  take(): [number, number | string | null][] {
    const due = this.queue.splice(0, 1);
    this.running = due.length > 0;
    return due;
  }

  /**
   * Calls `wake` once when a callback is queued (a wait cut short to run it). One wait at a time
   * (the guest's blocking call): a new one replaces the last; `off` drops it if it is still `wake`.
   */
  onScheduled(wake: () => void): void {
    this.wake = wake;
  }

  off(wake: () => void): void {
    if (this.wake === wake) this.wake = null;
  }

  /** Resolves when a callback is queued (through onScheduled: a later wait replaces this one). */
  whenScheduled(): Promise<void> {
    if (this.pending) return Promise.resolve();
    return new Promise((resolve) => this.onScheduled(resolve));
  }

  clear(): void {
    this.queue = [];
    this.wake = null;
    this.running = this.armed = false;
  }
}
