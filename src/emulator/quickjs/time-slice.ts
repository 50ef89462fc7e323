/**
 * The backstop for guest code the loop ticks (loop-ticks.ts) cannot reach: code compiled at run
 * time (`(0, eval)(…)`, `Function(…)`) and regular expressions that backtrack for ever. All boards
 * share Node's one thread, and Node runs timers, sockets and signal handlers (Ctrl-C, --timeout)
 * only between turns: a guest that never reaches the host stops every board. QuickJS calls an
 * interrupt handler every few thousand instructions; it cannot suspend the guest (only a host
 * call can), so past its slice the guest is ended (QuickJS throws an uncatchable error) and the
 * board reports it. Every host call (a loop tick's poll included) starts a fresh slice.
 */
export const GUEST_SLICE_MS = 2000;

export const SLICE_MESSAGE = `the script ran ${GUEST_SLICE_MS / 1000} s without a break (code from eval() or Function(), or a regular expression), and was stopped`;

/**
 * How often a guest that keeps the event loop (no loop tick, no suspending call: recursion, eval)
 * has what its host holds for the next turn handed on (the CLI's console batch, console/stdio.ts):
 * a line printed before a long computation shows when printed, not when the computation ends.
 */
export const BUSY_MS = 50;

export class TimeSlice {
  private since = performance.now();
  /** When the event loop last had a turn (or `onBusy` last ran while it had none). */
  private busySince = this.since;
  /** The guest came back from a suspension since the interrupt handler last looked: the event loop had a turn. */
  private turned = false;
  /** A host call since the interrupt handler last looked: the slice starts afresh there. */
  private renewed = false;
  /** Whether the guest was ended for running past its slice. */
  exceeded = false;

  /** `onBusy`: the guest has kept the event loop BUSY_MS since it last let it turn. */
  constructor(private readonly onBusy: () => void = () => {}) {}

  /**
   * The guest reached the host. The clock is read at the next interrupt
   * check instead (every few thousand instructions): a server calls the host several times per
   * chunk, and performance.now() costs ≈ 0.1 µs on Node 20.
   */
  renew(): void {
    this.renewed = true;
  }

  /** The guest resumed from a host call that suspended it: the event loop had its turn. */
  resumed(): void {
    this.renewed = true;
    this.turned = true;
  }

  /** QuickJS's interrupt handler: true ends the guest. */
  readonly interrupt = (): boolean => {
    const now = performance.now();
    if (this.turned) {
      this.turned = false;
      this.busySince = now;
    } else if (now - this.busySince >= BUSY_MS) {
      this.busySince = now;
      this.onBusy();
    }
    if (this.renewed) {
      this.renewed = false;
      this.since = now;
      return false;
    }
    if (now - this.since < GUEST_SLICE_MS) return false;
    this.exceeded = true;
    return true;
  };
}
