import type { Segment } from "../tcp/pipe.ts";
import type { FaultType } from "./fault.ts";
import { deliver } from "./timed-pipe.ts";

/**
 * Toxiproxy's timeout: nothing gets through (segments are held, as unacknowledged data is
 * retransmitted) until the fault ends, then everything held arrives; with `timeout`, the connection
 * is reset that long after the stall began. A script with settimeout() sees ETIMEDOUT meanwhile.
 */
export const stall: FaultType = {
  name: "stall",
  kind: "tcp",
  summary: "hold every segment until the fault ends; with timeout, reset the connection after it",
  params: { timeout: "duration" },
  create: ({ timeout }) => ({
    start: (scope) => {
      const released: (() => void)[] = [];
      scope.onConnection((c) => {
        if (timeout !== undefined) scope.clock.setTimer(Number(timeout), () => scope.active && c.reset());
        for (const d of scope.directions) {
          c.wrap(d, (next) => {
            const held: Segment[] = [];
            released.push(() => held.splice(0).forEach((s) => deliver(next, s)));
            const pass = (segment: Segment) => (scope.active ? held.push(segment) : deliver(next, segment));
            return {
              data: (chunk) => pass({ kind: "data", chunk: chunk.slice() }),
              fin: () => pass({ kind: "fin" }),
              rst: () => pass({ kind: "rst" }),
            };
          });
        }
      });
      return () => released.forEach((release) => release());
    },
  }),
};
