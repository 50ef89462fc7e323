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
  /** Whether the guest was ended for running past its slice. */
  exceeded = false;

  /** The guest reached the host, or came back from it. */
  renew(): void {
    this.since = performance.now();
  }

  /** QuickJS's interrupt handler: true ends the guest. */
  readonly interrupt = (): boolean => {
    if (performance.now() - this.since < GUEST_SLICE_MS) return false;
    this.exceeded = true;
    return true;
  };
}
