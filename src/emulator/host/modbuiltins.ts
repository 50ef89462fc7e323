import { errorcodeTable } from "../../boards/errno.ts";
import type { BoardContext, HostCalls } from "./context.ts";

/** How long guest code may run before a polling host call lets the event loop take a turn. */
const YIELD_EVERY_MS = 10;

/** What every guest library needs: the board's tables, print() to the console, and a yield from busy loops. */
export function modbuiltins(board: BoardContext) {
  return {
    boardInfo: () => ({
      board: board.profile.id,
      errorcode: errorcodeTable(board.profile.errno),
      socket: board.profile.socket.constants,
      network: board.profile.wlan.constants,
      modules: [...(board.profile.vendorModules ?? [])],
      console: board.serial !== null,
    }),
    write: (text: string): null => {
      board.console(text);
      return null;
    },
    /** Called from the script's loops: lets timers and sockets move while guest code spins. */
    poll: (): null | Promise<null> => {
      if (board.clock.busyLoop) return board.clock.busyLoop(board.signal).then(() => null);
      return performance.now() - board.lastYield < YIELD_EVERY_MS ? null : nextTurn(board.signal);
    },
  } satisfies HostCalls<"modbuiltins">;
}

/** Resolves on the event loop's next turn, or rejects when the signal aborts first. */
function nextTurn(signal: AbortSignal): Promise<null> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearImmediate(turn);
      reject(signal.reason);
    };
    const turn = setImmediate(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(null);
    });
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
