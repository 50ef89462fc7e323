import type { BoardSerial } from "../console/board-serial.ts";
import { GuestException, type HostValue } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";

/** The console's host calls: they do not count as running code (BoardSerial.running). */
export const CONSOLE_CALLS: ReadonlySet<string> = new Set(["serialRead", "serialWrite", "serialMode", "serialUnread"]);

/**
 * The board's console, as the ports' mphalport.c serves stdin/stdout (guest side: the worker's
 * REPL loop, micropython/board-repl.ts, and sys.stdin/input()).
 */
export function mphalport(board: BoardContext) {
  const serial = (): BoardSerial => {
    if (!board.serial) throw new GuestException("OSError", [19]); // ENODEV: a script run has no console to read
    return board.serial;
  };
  return {
    /**
     * Prints `output` (the prompt), then up to `max` bytes the PC typed; waits for one. `repl`: the
     * REPL reads (Ctrl-C is a key from here on), and a Ctrl-C that came after the code ended is
     * dropped, as pyexec.c does (mp_hal_set_interrupt_char(-1); mp_handle_pending(false)); null
     * when Timer or Pin.irq callbacks are due first: the REPL's wait for a key runs them
     * (mp_hal_stdin_rx_chr's mp_event_wait_indefinite, ports/rp2/mphalport.c:149 and
     * py/scheduler.c:259; MICROPY_EVENT_POLL_HOOK, ports/esp32/mphalport.c:124; v1.23.0).
     */
    serialRead: async (max: number, repl: boolean, output: Uint8Array | null): Promise<Uint8Array | null> => {
      if (repl) board.clearInterrupt();
      const printed = output && output.length > 0 ? serial().print(output) : null;
      const due = new AbortController();
      const read = serial().read(max, repl, repl ? AbortSignal.any([board.signal, due.signal]) : board.signal);
      await printed;
      if (!repl || !(read instanceof Promise)) return read;
      read.catch(() => {}); // given up below: the bytes stay queued for the next read
      const callbacks = board.scheduler.whenScheduled().then(() => null);
      const first = await Promise.race([read, callbacks]);
      if (first === null) due.abort();
      return first;
    },
    serialWrite: (data: Uint8Array): null | Promise<null> => serial().print(data),
    /** The firmware's pyexec mode: read with null, set with true (raw REPL) or false (friendly). */
    serialMode: (raw: boolean | null): HostValue => {
      serial().started = true; // the first call of the firmware's boot (board-repl.ts)
      if (raw !== null) serial().rawRepl = raw;
      return { raw: serial().rawRepl, closed: serial().isClosed };
    },
    serialUnread: (data: Uint8Array): null => (serial().unread(data), null),
    /**
     * micropython.kbd_intr(c) (py/modmicropython.c → shared/runtime/interrupt_char.c
     * mp_hal_set_interrupt_char): the byte that raises KeyboardInterrupt while code runs, -1 none.
     * Without a console (a script run) there is nothing to set.
     */
    serialInterruptChar: (c: number): null => {
      if (board.serial) board.serial.interruptChar = c;
      return null;
    },
  } satisfies HostCalls<"mphalport">;
}
