import type { Clock } from "../clock.ts";
import type { Pipe, Segment } from "../pipe.ts";

/**
 * A Pipe that passes each segment on at the time `dueAt` gives (from now and when the previous one
 * is due), never overtaking an earlier one: TCP delivers in order. While `active()` is false and
 * nothing waits, segments pass straight on.
 */
export function timedPipe(next: Pipe, clock: Clock, dueAt: (segment: Segment, now: number, previousDue: number) => number, active: () => boolean): Pipe {
  let previousDue = 0;
  let waiting = 0;
  const send = (segment: Segment) => {
    const now = clock.now();
    if (!active() && waiting === 0) return deliver(next, segment);
    previousDue = Math.max(dueAt(segment, now, previousDue), previousDue, now);
    waiting++;
    clock.setTimer(previousDue - now, () => {
      waiting--;
      deliver(next, segment);
    });
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
