import { sleep } from "../../network-sim/clock/clock.ts";
import { milliseconds } from "./arguments.ts";
import type { BoardContext, HostCalls } from "./context.ts";

/** MicroPython's time module (extmod/modtime.c): the board's clock. */
export function modtime(board: BoardContext) {
  return {
    sleepMs: (ms: number): Promise<null> => sleep(board.clock, milliseconds(ms), board.signal).then(() => null),
    ticksMs: (): number => Math.floor(board.clock.now()),
    epochSeconds: (): number => Math.floor((board.bootEpochMs + board.clock.now()) / 1000),
  } satisfies HostCalls<"modtime">;
}
