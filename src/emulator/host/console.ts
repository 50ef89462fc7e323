import type { BoardSerial } from "../console/board-serial.ts";
import type { HostValue } from "../host-api.ts";

/** Names of the console's own host calls: they do not count as running code (BoardSerial.running). */
export const CONSOLE_CALLS: ReadonlySet<string> = new Set(["write", "serialRead", "serialWrite", "serialMode", "serialUnread"]);

/**
 * Host calls of the board's console (guest side: the worker's REPL loop, micropython/board-repl.ts,
 * and input()/sys.stdin). `signal` aborts a waiting read (Ctrl-C in input(), the board halted);
 * `reset` is machine.reset(): the runner reboots the board.
 */
export function consoleHostFunctions(serial: BoardSerial, signal: () => AbortSignal, reset: () => void) {
  return {
    /** Up to `max` bytes the PC typed; waits for one. `repl`: the REPL reads (Ctrl-C is a key). */
    serialRead: (max: number, repl: boolean): Uint8Array | Promise<Uint8Array> => serial.read(max, repl, signal()),
    serialWrite: (data: Uint8Array): null | Promise<null> => serial.print(data),
    /** The firmware's pyexec mode: read with null, set with true (raw REPL) or false (friendly). */
    serialMode: (raw: boolean | null): HostValue => {
      if (raw !== null) serial.rawRepl = raw;
      return { raw: serial.rawRepl, closed: serial.isClosed };
    },
    serialUnread: (data: Uint8Array): null => (serial.unread(data), null),
    machineReset: (): Promise<null> => {
      reset();
      return new Promise(() => {}); // the board restarts: this call never returns
    },
  };
}
