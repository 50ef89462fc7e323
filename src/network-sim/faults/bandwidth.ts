import type { Clock } from "../clock/clock.ts";
import type { Pipe } from "../tcp/pipe.ts";
import type { FaultType } from "./fault.ts";
import { timedPipe } from "./timed-pipe.ts";

/** A Pipe that carries at most `rate` bytes a second: each data segment waits for the ones before it. */
export function bandwidthPipe(next: Pipe, clock: Clock, rate: number, active: () => boolean): Pipe {
  const msFor = (bytes: number) => (bytes * 1000) / rate;
  return timedPipe(next, clock, (s, now, previousDue) => Math.max(now, previousDue) + (s.kind === "data" ? msFor(s.chunk.length) : 0), active);
}

/** Toxiproxy's bandwidth: the link carries at most `rate` bytes a second; the sender's buffer fills behind it. */
export const bandwidth: FaultType = {
  name: "bandwidth",
  kind: "tcp",
  summary: "at most rate bytes per second",
  params: { rate: "bytes" },
  check: ({ rate = 1024 }) => (Number(rate) > 0 ? undefined : "rate must be at least 1 byte a second"),
  create: ({ rate = 1024 }) => ({
    start: (scope) => {
      scope.onConnection((c) => {
        for (const d of scope.directions) c.wrap(d, (next) => bandwidthPipe(next, scope.clock, Number(rate), () => scope.active));
      });
    },
  }),
};
