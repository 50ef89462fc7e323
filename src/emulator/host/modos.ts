import { randomBytes } from "node:crypto";
import { GuestException, type HostValue } from "../host-api.ts";
import { argCount, integer } from "./arguments.ts";
import type { BoardContext, HostCalls } from "./context.ts";

/**
 * The port's os functions that need the board: os.urandom(n), n bytes from its random generator
 * (ports/rp2/modos.c:31-40 the ring oscillator, ports/esp32/modos.c:39-53 esp_random(),
 * ports/esp8266/modos.c:38-47 the WDEV_HWRNG register), here the PC's; os.dupterm()'s arguments.
 */
export function modos(board: BoardContext) {
  return {
    osUrandom: (n: number): Uint8Array => {
      // vstr_init_len(n) with a negative n asks for more than any heap: UNVERIFIED what a board then
      // raises (the allocation of (size_t)n + 1 bytes wraps to 0); MemoryError chosen.
      if (n < 0) throw new GuestException("MemoryError", []);
      return new Uint8Array(randomBytes(n));
    },
    /**
     * os.dupterm(stream_object[, index]) (extmod/os_dupterm.c v1.23.0:215-242): one or two
     * positional arguments, the index an int within the port's MICROPY_PY_OS_DUPTERM slots; the
     * slot it names (the guest holds the streams, _os_dupterm.py).
     */
    osDupterm: (count: number, keywords: number, index: HostValue): number => {
      argCount(count, keywords, 1, 2);
      const at = integer(index);
      if (at < 0 || at >= board.profile.port.duptermSlots) throw new GuestException("ValueError", ["invalid dupterm index"]);
      return at;
    },
  } satisfies HostCalls<"modos">;
}
