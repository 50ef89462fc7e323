import { randomBytes } from "node:crypto";
import { GuestException } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";

/**
 * The port's os functions that need the board's hardware: os.urandom(n), n bytes from its random
 * generator (ports/rp2/modos.c:31-40 the ring oscillator, ports/esp32/modos.c:39-53 esp_random(),
 * ports/esp8266/modos.c:38-47 the WDEV_HWRNG register), here the PC's.
 */
export function modos(_board: BoardContext) {
  return {
    osUrandom: (n: number): Uint8Array => {
      // vstr_init_len(n) with a negative n asks for more than any heap: UNVERIFIED what a board then
      // raises (the allocation of (size_t)n + 1 bytes wraps to 0); MemoryError chosen.
      if (n < 0) throw new GuestException("MemoryError", []);
      return new Uint8Array(randomBytes(n));
    },
  } satisfies HostCalls<"modos">;
}
