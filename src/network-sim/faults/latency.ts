import type { FaultType } from "./fault.ts";
import { timedPipe } from "./timed-pipe.ts";

/** Toxiproxy's latency: every segment arrives `ms` later, ± up to `jitter` (seeded), in order. */
export const latency: FaultType = {
  name: "latency",
  kind: "tcp",
  summary: "each segment arrives ms later (± jitter), in order",
  params: { ms: "duration", jitter: "duration" },
  create: ({ ms = 100, jitter = 0 }) => ({
    start: (scope) => {
      const delay = () => Math.max(0, Number(ms) + (scope.random() * 2 - 1) * Number(jitter));
      scope.onConnection((c) => {
        for (const d of scope.directions) c.wrap(d, (next) => timedPipe(next, scope.clock, (_s, now) => now + delay(), () => scope.active));
      });
    },
  }),
};
