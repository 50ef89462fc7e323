import type { FaultType } from "./fault.ts";

/**
 * Toxiproxy's reset_peer: each connection is reset (RST both ways: the script sees ECONNRESET)
 * `after` its opening, or at once for one older than that when the fault starts.
 */
export const resetPeer: FaultType = {
  name: "reset_peer",
  kind: "tcp",
  summary: "reset each connection (RST) after it has been open for after",
  params: { after: "duration" },
  create: ({ after = 0 }) => ({
    start: (scope) => {
      scope.onConnection((c) => {
        const wait = Math.max(0, c.openedAt + Number(after) - scope.clock.now());
        scope.clock.setTimer(wait, () => scope.active && c.reset());
      });
    },
  }),
};
