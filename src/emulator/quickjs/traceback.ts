import path from "node:path";
import { originalPositionFor } from "@jridgewell/trace-mapping";
import type { CompiledScript } from "./transpile.ts";

/** What QuickJS tells us of an uncaught error. */
export interface GuestError {
  name: string;
  message: string;
  stack: string;
}

const FRAME = /^\s*at (.+?) \((.+):(\d+):(\d+)\)$/;

/** The Python exception line for an error from the sandbox: JS error kinds become Python's. */
export function pythonException(error: GuestError): { pyType: string; text: string } {
  const { name, message } = error;
  if (name === "ReferenceError") {
    const id = /^'?([\w$]+)'? is not defined/.exec(message)?.[1];
    if (id) return { pyType: "NameError", text: `name '${id}' isn't defined` };
  }
  if (name === "TypeError") {
    const attr = /cannot read property '([^']+)' of (null|undefined)/.exec(message)?.[1];
    if (attr) return { pyType: "AttributeError", text: `'NoneType' object has no attribute '${attr}'` };
  }
  if (name === "InternalError") {
    if (/out of memory/.test(message)) return { pyType: "MemoryError", text: "memory allocation failed" };
    if (/stack overflow/.test(message)) return { pyType: "RuntimeError", text: "maximum recursion depth exceeded" };
  }
  if (name === "RangeError") return { pyType: "ValueError", text: message };
  if (name === "Error" || !name) return { pyType: "Exception", text: message };
  return { pyType: name, text: message };
}

/**
 * A MicroPython-style traceback (outermost call first) for an uncaught error, with frames mapped
 * back to the script's own files and lines; frames of the guest library are left out. With no
 * frames left, the exception line alone: the firmware prints the header only when the traceback
 * has entries (py/obj.c mp_obj_print_exception, `if (n > 0)`, v1.23.0).
 */
export function formatTraceback(error: GuestError, script: CompiledScript, entryFile: string): { pyType: string; lines: string[] } {
  const frames: string[] = [];
  const jsFrames = (error.stack ?? "").split("\n").map((l) => FRAME.exec(l)).filter((m) => m !== null);
  jsFrames.forEach(([, fn, file, line, column], i) => {
    if (file !== entryFile) return;
    const pos = originalPositionFor(script.map, { line: Number(line), column: Number(column) - 1 });
    if (pos.line === null || pos.source === null) return;
    const source = pos.source === script.sourcePath ? script.displayName : path.relative(process.cwd(), pos.source);
    const outermost = i === jsFrames.length - 1;
    const name = fn === "<anonymous>" || fn === "<eval>" ? (outermost ? "<module>" : "<lambda>") : fn!.replace(/^.*\./, "");
    frames.unshift(`  File "${source}", line ${pos.line}, in ${name}`);
  });
  const { pyType, text } = pythonException(error);
  const header = frames.length > 0 ? ["Traceback (most recent call last):"] : [];
  return { pyType, lines: [...header, ...frames, `${pyType}: ${text}`] };
}
