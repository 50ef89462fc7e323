import type { Clock } from "./clock.ts";

/** Event-loop turns without activity after which the work is taken as done. */
const QUIET_TURNS = 4;

/**
 * Holds a virtual clock still while work that no guest or timer drives goes on (Node's TLS turning
 * bytes into records takes a few event-loop turns): each call marks activity, and the clock stays
 * held until QUIET_TURNS turns pass without any. Without it the clock could jump to a far timer
 * (a timeout) while a handshake was half done. Real clocks need nothing.
 */
export function activityHold(clock: Clock): () => void {
  let held = false;
  let generation = 0;
  const later = (turns: number, fn: () => void): void => {
    setImmediate(() => (turns > 1 ? later(turns - 1, fn) : fn()));
  };
  return () => {
    if (!clock.guestRunning) return;
    const seen = ++generation;
    if (!held) {
      held = true;
      clock.guestRunning(1);
    }
    later(QUIET_TURNS, () => {
      if (!held || seen !== generation) return;
      held = false;
      clock.guestRunning!(-1);
    });
  };
}
