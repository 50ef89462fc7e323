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
 * poll and a run without, each timed from call to call (the Python between them included), and the
 * calls until the next trial wait the faster way (sleeping unless polling wins clearly, twice in a row). A call
 * that blocks (a sleep, a recv waiting for the network) counts only up to CAP_MS. An idle board
 * makes no call, so it never polls.
 */

/**
 * The longest poll (ms): the worker's for a reply, longer than the main thread's wake-up on an idle
 * vCPU plus a quick answer; the main thread's for a board's next data call, longer than the Python
 * of a tight loop between two (a readinto loop: 25-40 µs on this machine).
 */
export const POLL_MS = 0.05;
/** Calls timed each way per trial. */
const TRIAL_CALLS = 32;
/** Calls waited the chosen way between two trials. */
const CHOSEN_CALLS = 448;
/**
 * Polling must cut the calls' time by this share to win a trial: the poll costs CPU, the sleep
 * none, and the trials of a busy echo (calls 0.2-1.3 ms apart, bursty) differed by 10-30 % either
 * way by chance (session 16).
 */
const MARGIN = 0.2;
/** At most this much of one call's time counts in a trial: a blocking call would swamp the others, and a poll gains little on calls further apart. */
const CAP_MS = 0.5;

export class AdaptiveSpin {
  /** Call number within the cycle: the first 2 × TRIAL_CALLS a trial (one run polled, one slept), then the chosen way. */
  private call = 0;
  /** Whether this cycle's trial polls first (alternating, so a drift in the work favours neither). */
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
    const at = this.call;
    this.call = (at + 1) % (2 * TRIAL_CALLS + CHOSEN_CALLS);
    if (at === 2 * TRIAL_CALLS) this.choose();
    const trial = at < 2 * TRIAL_CALLS;
    const poll = trial ? at < TRIAL_CALLS === this.pollFirst : this.pollChosen;
    this.last = trial ? { start, way: poll ? "polled" : "slept" } : undefined;
    if (!poll) return ready();
    while (!ready()) if (this.now() - start >= this.limitMs) return false;
    return true;
  }

  /** Polling wins a trial if it cuts both the calls' total time (which a core lost under load shows) and their median (which a few blocking calls do not sway). */
  private choose(): void {
    const { polled, slept } = this.times;
    const wins = sum(polled) < sum(slept) * (1 - MARGIN) && median(polled) < median(slept) * (1 - MARGIN);
    this.pollChosen = wins && this.won;
    this.won = wins;
    polled.length = slept.length = 0;
    this.pollFirst = !this.pollFirst;
  }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;
