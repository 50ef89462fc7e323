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
 * characters, packed into one little-endian word per byte value, and how many of them.
 */
const BYTE_TEXT = [0x27, 0x22].map((q) => {
  const chars = new Uint32Array(256);
  const lengths = new Uint8Array(256);
  for (let c = 0; c < 256; c++) {
    const text = quoted(c, q, true);
    lengths[c] = text.length;
    for (let i = 0; i < text.length; i++) chars[c] = (chars[c]! | (text.charCodeAt(i) << (8 * i))) >>> 0;
  }
  return { chars, lengths };
});
/**
 * Where a bytes repr is assembled: grown as needed, never shrunk (one board's print at a time).
 * Each byte's text is written as a whole word and the next overwrites what was past its length,
 * so the buffer keeps 3 bytes to spare.
 */
let reprBuffer = Buffer.alloc(4096);
let reprView = new DataView(reprBuffer.buffer, reprBuffer.byteOffset, reprBuffer.length);

/** Whether every byte prints as itself: printable ASCII, no quote, no backslash. */
function plainBytes(data: Uint8Array): boolean {
  for (const c of data) if (c < 0x20 || c >= 0x7f || c === 0x27 || c === 0x22 || c === 0x5c) return false;
  return true;
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
    if (typeof value !== "string") {
      // The chapter server prints every chunk it receives: text goes through in one piece.
      if (plainBytes(value)) return `b'${Buffer.from(value.buffer, value.byteOffset, value.length).toString("latin1")}'`;
      const q = value.includes(0x27) && !value.includes(0x22) ? 0x22 : 0x27;
      const { chars, lengths } = BYTE_TEXT[q === 0x27 ? 0 : 1]!;
      if (reprBuffer.length < 4 * value.length + 6) {
        reprBuffer = Buffer.alloc(4 * value.length + 6);
        reprView = new DataView(reprBuffer.buffer, reprBuffer.byteOffset, reprBuffer.length);
      }
      const out = reprBuffer;
      const view = reprView;
      out[0] = 0x62; // b
      out[1] = q;
      let at = 2;
      for (let i = 0; i < value.length; i++) {
        const c = value[i]!;
        view.setUint32(at, chars[c]!, true);
        at += lengths[c]!;
      }
      out[at++] = q;
      return out.toString("latin1", 0, at);
    }
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
  return [args.map((part) => (typeof part === "string" ? part : NATIVE_HELPERS.quote!(part as never))).join("")];
}
