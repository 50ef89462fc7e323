import { GuestException, type HostValue } from "../host-api.ts";

/** How MicroPython's mp_str_print_quoted writes one character (code point `c`) between `q` quotes. */
function quoted(c: number, q: number, isBytes: boolean): string {
  if (c === q || c === 0x5c) return "\\" + String.fromCharCode(c);
  if (c >= 0x20 && c !== 0x7f && (!isBytes || c < 0x80)) return String.fromCodePoint(c);
  if (c === 0x0a) return "\\n";
  if (c === 0x0d) return "\\r";
  if (c === 0x09) return "\\t";
  return "\\x" + c.toString(16).padStart(2, "0");
}

/**
 * Each byte as repr(bytes) writes it, between ' quotes and between " quotes: at most 4 ASCII
 * characters packed into one little-endian word, with their count (1, 2 or 4) in the bits ASCII
 * leaves clear: bit 7 set for 2, bits 7 and 15 for 4 (one table read per byte).
 */
const BYTE_TEXT = [0x27, 0x22].map((q) => {
  const words = new Int32Array(256);
  for (let c = 0; c < 256; c++) {
    const text = quoted(c, q, true);
    for (let i = 0; i < text.length; i++) words[c]! |= text.charCodeAt(i) << (8 * i);
    words[c]! |= text.length === 2 ? 0x80 : text.length === 4 ? 0x8080 : 0;
  }
  return words;
});
/** A BYTE_TEXT word without its count bits. */
const CHARS = 0x7f7f7f7f;
/**
 * Where a bytes repr is assembled: grown as needed, never shrunk (one board's print at a time).
 * Each byte's text is written as a whole word and the next overwrites what was past its length,
 * so the buffer keeps 3 bytes to spare.
 */
let reprBuffer = Buffer.alloc(4096);
let reprView = new DataView(reprBuffer.buffer, reprBuffer.byteOffset, reprBuffer.length);

/** repr(bytes) as mp_str_print_quoted writes it (py/objstr.c), with print's "\n" after it when asked: one string made. */
function bytesRepr(value: Uint8Array, newline: boolean): string {
  const room = 4 * value.length + 4 + 3;
  if (reprBuffer.length < room) {
    reprBuffer = Buffer.alloc(room);
    reprView = new DataView(reprBuffer.buffer, reprBuffer.byteOffset, reprBuffer.length);
  }
  const out = reprBuffer;
  const view = reprView;
  const q = value.includes(0x27) && !value.includes(0x22) ? 0x22 : 0x27;
  const words = BYTE_TEXT[q === 0x27 ? 0 : 1]!;
  out[0] = 0x62; // b
  out[1] = q;
  let at = 2;
  const length = value.length; // not read per byte (a getter)
  for (let i = 0; i < length; i++) {
    const word = words[value[i]!]!;
    view.setInt32(at, word & CHARS, true);
    at += 1 + ((word >> 7) & 1) + ((word >> 14) & 2);
  }
  out[at++] = q;
  if (newline) out[at++] = 0x0a;
  return out.toString("latin1", 0, at);
}

const UTF8_ENCODER = new TextEncoder();
const UTF8_DECODER = new TextDecoder("utf-8", { fatal: true });

/**
 * Helpers the guest library calls as native code: text work that is the same on every board and
 * far too slow in the sandbox's interpreter (a 1 KiB bytes repr costs ~0.5 ms there, ~5 µs here),
 * yet on the chapter server's hot path (`print(data)` for every chunk).
 */
export const NATIVE_HELPERS: Record<string, (...args: never[]) => HostValue> = {
  /** repr() of a str or bytes, as MicroPython's mp_str_print_quoted writes it. */
  quote: (value: string | Uint8Array): string => {
    if (typeof value !== "string") return bytesRepr(value, false);
    const codes = Array.from(value, (c) => c.codePointAt(0)!);
    const q = codes.includes(0x27) && !codes.includes(0x22) ? 0x22 : 0x27;
    return String.fromCharCode(q) + codes.map((c) => quoted(c, q, false)).join("") + String.fromCharCode(q);
  },
  /**
   * Whether an allocation failed since last asked: QuickJS throws null when it has no room even
   * for its out-of-memory error. A board answers from its heap (snapshot.ts, nativesOf).
   */
  allocationFailed: (): boolean => false,
  /** Nothing: reaching the host is what paces the board's next collection (board-heap.ts). */
  pace: (): null => null,
  utf8Encode: (text: string): Uint8Array => UTF8_ENCODER.encode(text),
  /** bytes.decode(): invalid UTF-8 raises UnicodeError, as on the board. */
  utf8Decode: (data: Uint8Array): string => {
    try {
      return UTF8_DECODER.decode(data);
    } catch {
      throw new GuestException("UnicodeError", []);
    }
  },
};

/**
 * The text of the guest's `write` call: print() hands over its line as text and bytes (guest
 * builtins.ts), the bytes written as their repr; a single text goes through as it is.
 */
export function consoleText(args: readonly HostValue[]): readonly HostValue[] {
  if (args.length === 1) return args;
  // print(data): the chapter server's line for every chunk it receives.
  if (args.length === 2 && args[0] instanceof Uint8Array && args[1] === "\n") return [bytesRepr(args[0], true)];
  return [args.map((part) => (typeof part === "string" ? part : NATIVE_HELPERS.quote!(part as never))).join("")];
}
