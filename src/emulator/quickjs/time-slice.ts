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

export class TimeSlice {
  private since = performance.now();
  /** A host call since the interrupt handler last looked: the slice starts afresh there. */
  private renewed = false;
  /** Whether the guest was ended for running past its slice. */
  exceeded = false;

  /**
   * The guest reached the host, or came back from it. The clock is read at the next interrupt
   * check instead (every few thousand instructions): a server calls the host several times per
   * chunk, and performance.now() costs ≈ 0.1 µs on Node 20.
   */
  renew(): void {
    this.renewed = true;
  }

  /** QuickJS's interrupt handler: true ends the guest. */
  readonly interrupt = (): boolean => {
    const now = performance.now();
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
