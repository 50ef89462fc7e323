/** The Python builtins a chapter script uses: print, len, str, repr, bytes, tuple and the exceptions. */
import { bytes, utf8Encode } from "./bytes.ts";
import { EXCEPTIONS, exceptionFromHost, tuple } from "./exceptions.ts";
import { afterCall, call, call2, hasHandlers, hostFunction } from "./host.ts";
import { repr, str } from "./repr.ts";

const PRINT_KEYWORDS = new Set(["sep", "end"]);
const write = hostFunction("write");

/** Python's keyword arguments arrive as a trailing options object: `print("x", { end: "" })`. */
function isPrintKeywords(value: unknown): value is { sep?: string; end?: string } {
  if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => PRINT_KEYWORDS.has(k));
}

/**
 * The line goes to `write` as text, except bytes, which go as they are and the engine writes their
 * repr (engine.ts, native.ts's quote): the chapter's server prints every chunk it receives, and its
 * repr need not cross into the sandbox and back. One value (that server's case) takes the shortest
 * path: every step here costs ≈ 0.3-1 µs in the interpreter.
 */
export function print(...args: unknown[]): void {
  let count = args.length;
  if (count === 1) {
    const arg = args[0];
    if (typeof arg === "string") {
      call2(write, arg, "\n"); // its answer is dropped (engine.ts DROPPING)
      return;
    }
    // recv's bytes (the chapter server's print(data)): its class read once instead of instanceof
    // (a global lookup and a native call) and a search of four prototypes for __str__, and the
    // host called here as call2 would (one interpreted frame less): ≈ 1 µs of ≈ 6 per print on a
    // quiet machine. Any other bytes-like value goes the general way below, to the same text.
    if (typeof arg === "object" && arg !== null && (arg as object).constructor === bytes) {
      try {
        write(arg, "\n");
      } catch (error) {
        throw exceptionFromHost(error);
      }
      if (hasHandlers) afterCall();
      return;
    }
  }
  let sep = " ";
  let end = "\n";
  const last = args[count - 1];
  if (typeof last === "object" && isPrintKeywords(last)) {
    count--;
    sep = String(last.sep ?? " ");
    end = String(last.end ?? "\n");
  }
  // call's arguments, its name first: applied, not spread (see call in host.ts). Each text a part
  // of its own, joined by the host: a concatenation in the guest would copy a big one in the board's
  // heap (a rope, read through a UTF-8 copy of it there too).
  const parts: unknown[] = ["write"];
  for (let i = 0; i < count; i++) {
    if (i > 0) parts.push(sep);
    const arg = args[i];
    parts.push(printsAsBytes(arg) ? arg : str(arg));
  }
  parts.push(end);
  (call as (...a: unknown[]) => void).apply(undefined, parts);
}

/** Bytes without a str() of their own: the engine writes their repr. */
function printsAsBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && typeof (value as { __str__?: unknown }).__str__ !== "function";
}

export function len(value: unknown): number {
  if (value instanceof Uint8Array) return value.length; // first: recv's bytes, in every loop of a server
  if (typeof value === "string") return codePoints(value);
  if (Array.isArray(value)) return value.length;
  if (value instanceof Map || value instanceof Set) return value.size;
  if (value !== null && typeof value === "object") return Object.keys(value).length;
  throw new TypeError(`object of type '${typeName(value)}' has no len()`);
}

/**
 * A str's length in code points, as MicroPython's len of a str (py/objstrunicode.c:107, v1.23.0,
 * utf8_charlen): the string's UTF-16 units less one per surrogate pair
 * (a lone surrogate counts one, as Array.from counted it). Counted by the regex engine, which
 * allocates nothing per character: Array.from made an array of every character (5,000 of them
 * raised MemoryError on the ESP8266). An 8-bit string holds no surrogates: one native scan.
 */
const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
function codePoints(text: string): number {
  let count = text.length;
  SURROGATE_PAIR.lastIndex = 0;
  while (SURROGATE_PAIR.test(text)) count--;
  return count;
}

export function typeName(value: unknown): string {
  if (value === null || value === undefined) return "NoneType";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "string") return "str";
  if (value instanceof bytes || value instanceof Uint8Array) return "bytes";
  if (Array.isArray(value)) return "list";
  if (typeof value === "function") return "function";
  return "dict";
}

/** Installs the builtins as non-enumerable globals. */
export function installBuiltins(): void {
  const globals: Record<string, unknown> = { print, len, str, repr, bytes, tuple, ...EXCEPTIONS };
  for (const [name, value] of Object.entries(globals)) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
  }
  // str.encode(), so `"Hello".encode()` gives bytes as in Python.
  Object.defineProperty(String.prototype, "encode", {
    value(this: string) {
      return utf8Encode(this);
    },
    configurable: true,
  });
}
