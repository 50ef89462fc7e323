import type { Segment } from "../tcp/pipe.ts";
import type { FaultType } from "./fault.ts";
import { deliver } from "./timed-pipe.ts";

/**
 * The peer shuts down its sending side (FIN) `after` the connection opened, and keeps reading:
 * the script's recv() returns b'' while its own sends still arrive. Downstream by default: the
 * side that connected is the one that sees the FIN.
 */
export const halfClose: FaultType = {
  name: "half_close",
  kind: "tcp",
  summary: "FIN after the given time in one direction only (downstream by default); the other stays open",
  params: { after: "duration" },
  defaultDirections: ["downstream"],
  create: ({ after = 0 }) => ({
    start: (scope) => {
      scope.onConnection((c) => {
        for (const d of scope.directions) {
          c.wrap(d, (next) => {
            let shut = false;
            const wait = Math.max(0, c.openedAt + Number(after) - scope.clock.now());
            scope.clock.setTimer(wait, () => {
              if (shut || !scope.active) return;
              shut = true;
              next.fin();
            });
            const pass = (segment: Segment) => shut || deliver(next, segment);
            return {
              data: (chunk) => pass({ kind: "data", chunk }),
              fin: () => pass({ kind: "fin" }),
              rst: () => pass({ kind: "rst" }),
            };
          });
        }
      });
    },
  }),
};
