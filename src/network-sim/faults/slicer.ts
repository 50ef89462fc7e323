import type { FaultType } from "./fault.ts";
import { timedPipe } from "./timed-pipe.ts";

/**
 * Toxiproxy's slicer: data goes in small segments of about `size` bytes (± `variation`), `delay`
 * apart, so the receiver's recv() returns a piece at a time.
 */
export const slicer: FaultType = {
  name: "slicer",
  kind: "tcp",
  summary: "data in segments of about size bytes (± variation), delay apart",
  params: { size: "bytes", variation: "bytes", delay: "duration" },
  check: ({ size = 1 }) => (Number(size) > 0 ? undefined : "size must be at least 1 byte"),
  create: ({ size = 1, variation = 0, delay = 1 }) => ({
    start: (scope) => {
      const pieceSize = () => Math.max(1, Math.round(Number(size) + (scope.random() * 2 - 1) * Number(variation)));
      scope.onConnection((c) => {
        for (const d of scope.directions) {
          c.wrap(d, (next) => {
            const spaced = timedPipe(next, scope.clock, (_s, now, previousDue) => Math.max(now, previousDue) + Number(delay), () => scope.active);
            return {
              data: (chunk) => {
                if (!scope.active) return spaced.data(chunk);
                for (let at = 0; at < chunk.length; ) {
                  const n = pieceSize();
                  spaced.data(chunk.subarray(at, at + n));
                  at += n;
                }
              },
              fin: () => spaced.fin(),
              rst: () => spaced.rst(),
            };
          });
        }
      });
    },
  }),
};
