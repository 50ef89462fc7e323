/** Python's bytes on top of Uint8Array, and UTF-8 through the engine's native helpers (no TextEncoder here). */
import { native } from "./host.ts";
import { repr } from "./repr.ts";

export class bytes extends Uint8Array {
  /** bytes.decode(): UTF-8 text; invalid UTF-8 raises UnicodeError as on the board. */
  decode(): string {
    return utf8Decode(this);
  }
  override toString(): string {
    return repr(this);
  }
}

export function utf8Encode(text: string): bytes {
  return new bytes(native<ArrayBuffer>("utf8Encode", text));
}

export function utf8Decode(data: Uint8Array): string {
  return native<string>("utf8Decode", data);
}

/**
 * What send() takes: anything with the buffer protocol, str included. A Uint8Array goes to the host
 * as it is: the host copies its bytes (raw-ffi.ts), never keeps the guest's buffer. A str goes as
 * it is too, and the host sends its UTF-8 (host/arguments.ts, bufferOf): the firmware sends a str's
 * own bytes (py/objstr.c, mp_obj_str_get_buffer), and an encoded copy in the board's heap made a
 * 30 kB str raise MemoryError on the ESP8266.
 */
export function toBuffer(value: unknown): Uint8Array | string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError("object with buffer protocol required");
}
