import type { FaultType } from "./fault.ts";
import { timedPipe } from "./timed-pipe.ts";

/** Toxiproxy's bandwidth: the link carries at most `rate` bytes a second; the sender's buffer fills behind it. */
export const bandwidth: FaultType = {
  name: "bandwidth",
  kind: "tcp",
  summary: "at most rate bytes per second",
  params: { rate: "bytes" },
  create: ({ rate = 1024 }) => ({
    start: (scope) => {
      const msFor = (bytes: number) => (bytes * 1000) / Number(rate);
      scope.onConnection((c) => {
        for (const d of scope.directions) {
          c.wrap(d, (next) =>
            timedPipe(next, scope.clock, (s, now, previousDue) => Math.max(now, previousDue) + (s.kind === "data" ? msFor(s.chunk.length) : 0), () => scope.active),
          );
        }
      });
    },
  }),
};
