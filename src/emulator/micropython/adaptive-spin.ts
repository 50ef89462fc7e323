/**
 * Waiting for the other thread's reply: a short busy poll before sleeping, kept only while the
 * calls go faster with it.
 *
 * A thread asleep in Atomics.wait is woken by the kernel, and on a virtual machine whose idle vCPUs
 * halt at once (haltpoll with guest_halt_poll_ns=0) a wake-up across vCPUs cost tens of µs: a .py
 * board's host call is two of them (docs/benchmarks.md, sessions 15 and 16). Polling the word
 * first finds the reply without the wake-up. But under load the poll takes the core the other
 * thread needs to answer, and the CPU time it burns is charged to this thread's fair share, which
 * its Python then lacks (sessions 13 and 15: a fixed 40-50 µs poll lost), even though most replies
 * still come within it. So the waiter measures what it is for: now and then a run of calls with the
 * poll and a run without (TRIAL_MS each), each call timed from call to call (the Python between them included), and the
 * calls until the next trial wait the faster way: sleeping, unless polling won clearly twice in a
 * row. A call that blocks (a sleep, a recv waiting for the network) counts only up to CAP_MS. An
 * idle board makes no call, so it never polls.
 */

/**
 * The longest poll (ms): the worker's for a reply, longer than the main thread's wake-up on an idle
 * vCPU plus a quick answer; the main thread's for a board's next data call, longer than the Python
 * of a tight loop between two (a readinto loop: 25-40 µs on this machine).
 */
export const POLL_MS = 0.05;
/**
 * Each way of a trial lasts this long (ms) and at least TRIAL_MIN_CALLS calls: long enough for the
 * kernel's fair share to show (a poll's CPU is charged to the thread, which the scheduler evens out
 * over a few ms: runs of 32 calls, 2-5 ms, favoured polling under load, session 16).
 */
const TRIAL_MS = 20;
const TRIAL_MIN_CALLS = 8;
/** How long the calls wait the chosen way until the next trial (ms). */
const CHOSEN_MS = 400;
/**
 * Polling must cut the calls' time by this share to win a trial: the poll costs CPU, the sleep
 * none, and the trials of a busy echo (calls 0.2-1.3 ms apart, bursty) differed by 10-30 % either
 * way by chance (session 16).
 */
const MARGIN = 0.2;
/** At most this much of one call's time counts in a trial: a blocking call would swamp the others, and a poll gains little on calls further apart. */
const CAP_MS = 0.5;

export class AdaptiveSpin {
  /** The trial's run now (the first or second way) or the chosen way's stretch, and when it started. */
  private phase: "first" | "second" | "chosen" = "first";
  private phaseStart: number | undefined;
  /** Whether this trial polls first (alternating, so a drift in the work favours neither). */
  private pollFirst = true;
  /** The trial's calls' times each way, and what the last call was (its time ends when the next starts). */
  private readonly times = { polled: [] as number[], slept: [] as number[] };
  private last: { start: number; way: keyof AdaptiveSpin["times"] } | undefined;
  /** Whether polling won the last trial; it is chosen after two wins in a row (one trial's noise does not switch it on). */
  private won = false;
  private pollChosen = false;

  constructor(
    /** The longest poll, in ms. */
    private readonly limitMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether the calls between trials poll (the last trials' choice). */
  get polling(): boolean {
    return this.pollChosen;
  }

  /** Waits until `ready()`, polling first if that is the way now, then with `sleep()` (which may return early: it is called again). */
  wait(ready: () => boolean, sleep: () => void): void {
    if (!this.poll(ready)) while (!ready()) sleep();
  }

  /**
   * The start of a wait: polls `ready()` for up to the limit if that is the way now; returns
   * whether it is true (if not, the caller sleeps until it is: Atomics.wait, or waitAsync).
   */
  poll(ready: () => boolean): boolean {
    const start = this.now();
    if (this.last) this.times[this.last.way].push(Math.min(start - this.last.start, CAP_MS));
    this.advance(start);
    const poll = this.phase === "chosen" ? this.pollChosen : (this.phase === "first") === this.pollFirst;
    this.last = this.phase === "chosen" ? undefined : { start, way: poll ? "polled" : "slept" };
    if (!poll) return ready();
    while (!ready()) if (this.now() - start >= this.limitMs) return false;
    return true;
  }

  /** Moves to the next run or stretch once this one has lasted its time (and a run its calls). */
  private advance(now: number): void {
    this.phaseStart ??= now;
    const elapsed = now - this.phaseStart;
    const calls = this.times.polled.length + this.times.slept.length;
    if (this.phase === "chosen" ? elapsed < CHOSEN_MS : elapsed < TRIAL_MS || calls < TRIAL_MIN_CALLS * (this.phase === "first" ? 1 : 2)) return;
    this.phaseStart = now;
    if (this.phase === "first") this.phase = "second";
    else if (this.phase === "second") {
      this.choose();
      // A first win is tried again at once: polling starts after two in a row.
      this.phase = this.won && !this.pollChosen ? "first" : "chosen";
    } else this.phase = "first";
  }

  /** Polling wins a trial if it cuts both the calls' mean time (which a core lost under load shows) and their median (which a few blocking calls do not sway). */
  private choose(): void {
    const { polled, slept } = this.times;
    const wins = mean(polled) < mean(slept) * (1 - MARGIN) && median(polled) < median(slept) * (1 - MARGIN);
    this.pollChosen = wins && this.won;
    this.won = wins;
    polled.length = slept.length = 0;
    this.pollFirst = !this.pollFirst;
  }
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;
