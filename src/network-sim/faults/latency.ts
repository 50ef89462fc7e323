import type { Clock } from "../clock/clock.ts";
import type { Pipe } from "../tcp/pipe.ts";
import type { FaultType } from "./fault.ts";
import { timedPipe } from "./timed-pipe.ts";

/** A Pipe where every segment arrives `delay()` ms later, in order. */
export function latencyPipe(next: Pipe, clock: Clock, delay: () => number, active: () => boolean): Pipe {
  return timedPipe(next, clock, (_s, now) => now + delay(), active);
}

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
        for (const d of scope.directions) c.wrap(d, (next) => latencyPipe(next, scope.clock, delay, () => scope.active));
      });
    },
  }),
};
