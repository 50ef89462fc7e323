import { GuestException, type HostValue } from "../host-api.ts";

/**
 * Helpers the guest library calls as native code: text work that is the same on every board and
 * far too slow in the sandbox's interpreter (a 1 KiB bytes repr costs ~0.5 ms there, ~5 µs here),
 * yet on the chapter server's hot path (`print(data)` for every chunk).
 */
export const NATIVE_HELPERS: Record<string, (...args: never[]) => HostValue> = {
  /** repr() of a str or bytes, as MicroPython's mp_str_print_quoted writes it. */
  quote: (value: string | Uint8Array): string => {
    const isBytes = typeof value !== "string";
    const codes = isBytes ? value : Array.from(value, (c) => c.codePointAt(0)!);
    const q = codes.includes(0x27) && !codes.includes(0x22) ? 0x22 : 0x27;
    let out = (isBytes ? "b" : "") + String.fromCharCode(q);
    for (const c of codes) {
      if (c === q || c === 0x5c) out += "\\" + String.fromCharCode(c);
      else if (c >= 0x20 && c !== 0x7f && (!isBytes || c < 0x80)) out += String.fromCodePoint(c);
      else if (c === 0x0a) out += "\\n";
      else if (c === 0x0d) out += "\\r";
      else if (c === 0x09) out += "\\t";
      else out += "\\x" + c.toString(16).padStart(2, "0");
    }
    return out + String.fromCharCode(q);
  },
  utf8Encode: (text: string): Uint8Array => new TextEncoder().encode(text),
  /** bytes.decode(): invalid UTF-8 raises UnicodeError, as on the board. */
  utf8Decode: (data: Uint8Array): string => {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(data);
    } catch {
      throw new GuestException("UnicodeError", []);
    }
  },
};
