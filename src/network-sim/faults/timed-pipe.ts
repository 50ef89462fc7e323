import type { Clock } from "../clock/clock.ts";
import type { Pipe, Segment } from "../tcp/pipe.ts";

/**
 * A Pipe that passes each segment on at the time `dueAt` gives (from now and when the previous one
 * is due), in the order they came: TCP delivers in order, so a segment never overtakes an earlier
 * one, whatever the clock's rounding. While `active()` is false and nothing waits, segments pass
 * straight on.
 */
export function timedPipe(next: Pipe, clock: Clock, dueAt: (segment: Segment, now: number, previousDue: number) => number, active: () => boolean): Pipe {
  const queue: { segment: Segment; due: number }[] = [];
  let previousDue = 0;
  let timerSet = false;
  const pump = () => {
    timerSet = false;
    while (queue.length > 0 && queue[0]!.due <= clock.now()) deliver(next, queue.shift()!.segment);
    if (queue.length > 0) {
      timerSet = true;
      clock.setTimer(queue[0]!.due - clock.now(), pump);
    }
  };
  const send = (segment: Segment) => {
    const now = clock.now();
    if (!active() && queue.length === 0) return deliver(next, segment);
    previousDue = Math.max(dueAt(segment, now, previousDue), previousDue, now);
    queue.push({ segment, due: previousDue });
    if (!timerSet) {
      timerSet = true;
      clock.setTimer(previousDue - now, pump);
    }
  };
  return {
    data: (chunk) => send({ kind: "data", chunk: chunk.slice() }),
    fin: () => send({ kind: "fin" }),
    rst: () => send({ kind: "rst" }),
  };
}

export function deliver(next: Pipe, segment: Segment): void {
  if (segment.kind === "data") next.data(segment.chunk);
  else if (segment.kind === "fin") next.fin();
  else next.rst();
}
