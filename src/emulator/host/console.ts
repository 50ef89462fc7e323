import type { BoardSerial } from "../console/board-serial.ts";
import type { HostValue } from "../host-api.ts";

/** Names of the console's own host calls: they do not count as running code (BoardSerial.running). */
export const CONSOLE_CALLS: ReadonlySet<string> = new Set(["serialRead", "serialWrite", "serialMode", "serialUnread"]);

/**
 * Host calls of the board's console (guest side: the worker's REPL loop, micropython/board-repl.ts,
 * and input()/sys.stdin). `signal` aborts a waiting read (Ctrl-C in input(), the board halted);
 * `reset` is machine.reset(): the runner reboots the board.
 */
export function consoleHostFunctions(serial: BoardSerial, signal: () => AbortSignal, reset: () => void, clearInterrupt: () => void) {
  return {
    /**
     * Prints `output` (the prompt), then up to `max` bytes the PC typed; waits for one. `repl`: the
     * REPL reads (Ctrl-C is a key from here on), and a Ctrl-C that came after the code ended is
     * dropped, as pyexec.c does (mp_hal_set_interrupt_char(-1); mp_handle_pending(false)).
     */
    serialRead: async (max: number, repl: boolean, output: Uint8Array | null): Promise<Uint8Array> => {
      if (repl) clearInterrupt();
      const printed = output && output.length > 0 ? serial.print(output) : null;
      const read = serial.read(max, repl, signal());
      await printed;
      return read;
    },
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
