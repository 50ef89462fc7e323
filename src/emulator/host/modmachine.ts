import type { BoardContext, HostCalls } from "./context.ts";

/** MicroPython's machine module: what needs the board itself (the rest is micropython/guest/machine.py). */
export function modmachine(board: BoardContext) {
  return {
    /** machine.reset(): the board restarts (the runner boots it again); this call never returns. */
    machineReset: (): Promise<null> => {
      board.machineReset();
      return new Promise(() => {});
    },
  } satisfies HostCalls<"modmachine">;
}
