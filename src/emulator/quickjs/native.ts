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
 * Each byte as repr(bytes) writes it: at most 4 ASCII characters packed into one little-endian
 * word (BYTE_CHARS) and their count (BYTE_WIDTHS); bytes b between ' quotes at b, between " quotes
 * at 256 + b.
 */
const BYTE_CHARS = new Int32Array(512);
const BYTE_WIDTHS = new Uint8Array(512);
[0x27, 0x22].forEach((q, table) => {
  for (let c = 0; c < 256; c++) {
    const text = quoted(c, q, true);
    for (let i = 0; i < text.length; i++) BYTE_CHARS[256 * table + c]! |= text.charCodeAt(i) << (8 * i);
    BYTE_WIDTHS[256 * table + c] = text.length;
  }
});
/**
 * A bytes repr is made REPR_CHUNK bytes at a time: copied into `reprInput`, written into
 * `reprOutput` (each byte's text as a whole word, the next overwriting what was past its width).
 * Buffers that never change let the optimised loop read and write them without reloading where
 * they are: a 1 KiB print's text ≈ 40 % faster than reading the guest's memory in place.
 */
const REPR_CHUNK = 4096;
const reprInput = new Uint8Array(REPR_CHUNK);
const reprOutput = Buffer.alloc(4 * REPR_CHUNK + 8);
const reprView = new DataView(reprOutput.buffer, reprOutput.byteOffset, reprOutput.length);

/** repr(bytes) as mp_str_print_quoted writes it (py/objstr.c), with print's "\n" after it when asked. */
function bytesRepr(value: Uint8Array, newline: boolean): string {
  const length = value.length; // not read per byte (a getter)
  if (length <= REPR_CHUNK) return reprOutput.toString("latin1", 0, reprInto(value, newline));
  const q = quoteOf(value);
  const table = q === 0x27 ? 0 : 256;
  reprOutput[0] = 0x62; // b
  reprOutput[1] = q;
  let at = 2;
  let text = "";
  let start = 0;
  for (; length - start > REPR_CHUNK; start += REPR_CHUNK) {
    reprInput.set(value.subarray(start, start + REPR_CHUNK));
    text += reprOutput.toString("latin1", 0, reprChunk(REPR_CHUNK, table, at));
    at = 0;
  }
  reprInput.set(value.subarray(start));
  at = reprChunk(length - start, table, at);
  reprOutput[at++] = q;
  if (newline) reprOutput[at++] = 0x0a;
  return text + reprOutput.toString("latin1", 0, at);
}

/** repr(value), and "\n" when asked, written into reprOutput for a value of at most REPR_CHUNK bytes; returns their length. */
function reprInto(value: Uint8Array, newline: boolean): number {
  const q = quoteOf(value);
  reprOutput[0] = 0x62; // b
  reprOutput[1] = q;
  reprInput.set(value);
  let at = reprChunk(value.length, q === 0x27 ? 0 : 256, 2);
  reprOutput[at++] = q;
  if (newline) reprOutput[at++] = 0x0a;
  return at;
}

/** The quote repr(bytes) uses: ' unless the bytes hold a ' and no " (mp_str_print_quoted). */
function quoteOf(value: Uint8Array): number {
  return value.includes(0x27) && !value.includes(0x22) ? 0x22 : 0x27;
}

/** Writes the texts of reprInput's first `n` bytes (quotes `table`) into reprOutput from `at`; returns where they end. */
function reprChunk(n: number, table: number, at: number): number {
  for (let i = 0; i < n; i++) {
    const c = table + reprInput[i]!;
    reprView.setInt32(at, BYTE_CHARS[c]!, true);
    at += BYTE_WIDTHS[c]!;
  }
  return at;
}

const UTF8_ENCODER = new TextEncoder();
const UTF8_DECODER = new TextDecoder("utf-8", { fatal: true });

/**
 * Helpers the guest library calls as native code: text work that is the same on every board and
 * far too slow in the sandbox's interpreter (a 1 KiB bytes repr costs ~0.5 ms there, ~3.5 µs here),
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
  /**
   * A rejection no code can handle (guest/dropped.ts): the text to print, or null when it ends the
   * script. A board's engine answers (engine.ts, QuickJsEngine.unretrieved); the template runs no script.
   */
  unretrieved: (): null => null,
  /** A Timer's or Pin.irq's callback's uncaught error as the board prints it: a board's engine answers (engine.ts, QuickJsEngine.callbackError). */
  callbackError: (): string => "",
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
 * builtins.ts), the bytes written as their repr; a single text goes through as it is. `asBytes`:
 * the console takes bytes (ConsoleOut.bytes), and print(data)'s line (up to REPR_CHUNK bytes of
 * data) goes to it as the repr's bytes, lent for the call (the next repr writes over them): making
 * that line a string and collecting it cost ≈ 6 % of the chapter server's work per chunk.
 */
export function consoleText(args: readonly HostValue[], asBytes = false): readonly HostValue[] {
  if (args.length === 1) return args;
  // print(data): the chapter server's line for every chunk it receives.
  if (args.length === 2 && args[0] instanceof Uint8Array && args[1] === "\n") {
    return [asBytes && args[0].length <= REPR_CHUNK ? reprOutput.subarray(0, reprInto(args[0], true)) : bytesRepr(args[0], true)];
  }
  return [args.map((part) => (typeof part === "string" ? part : NATIVE_HELPERS.quote!(part as never))).join("")];
}
