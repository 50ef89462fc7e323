/** The Python builtins a chapter script uses: print, len, str, repr, bytes, tuple and the exceptions. */
import { bytes, toArrayBuffer, utf8Encode } from "./bytes.ts";
import { EXCEPTIONS, tuple } from "./exceptions.ts";
import { call } from "./host.ts";
import { repr, str } from "./repr.ts";

const PRINT_KEYWORDS = new Set(["sep", "end"]);

/** Python's keyword arguments arrive as a trailing options object: `print("x", { end: "" })`. */
function isPrintKeywords(value: unknown): value is { sep?: string; end?: string } {
  if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => PRINT_KEYWORDS.has(k));
}

/**
 * The line goes to `write` as text, except bytes, which go as they are and the engine writes their
 * repr (engine.ts, native.ts's quote): the chapter's server prints every chunk it receives, and its
 * repr need not cross into the sandbox and back.
 */
export function print(...args: unknown[]): void {
  const options = args.length > 0 && isPrintKeywords(args[args.length - 1]) ? (args.pop() as { sep?: string; end?: string }) : {};
  const sep = String(options.sep ?? " ");
  // call's arguments, its name first: applied, not spread (see call in host.ts).
  const parts: unknown[] = ["write"];
  let text = "";
  args.forEach((arg, i) => {
    if (i > 0) text += sep;
    if (arg instanceof Uint8Array && typeof (arg as { __str__?: unknown }).__str__ !== "function") {
      parts.push(text, toArrayBuffer(arg));
      text = "";
    } else text += str(arg);
  });
  parts.push(text + String(options.end ?? "\n"));
  (call as (...a: unknown[]) => void).apply(undefined, parts);
}

export function len(value: unknown): number {
  if (typeof value === "string") return Array.from(value).length;
  if (Array.isArray(value) || value instanceof Uint8Array) return value.length;
  if (value instanceof Map || value instanceof Set) return value.size;
  if (value !== null && typeof value === "object") return Object.keys(value).length;
  throw new TypeError(`object of type '${typeName(value)}' has no len()`);
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
