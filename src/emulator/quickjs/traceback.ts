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

/** QuickJS's link error for a name a module does not export (quickjs.c js_resolve_module). */
const MISSING_EXPORT = /^Could not find export '([^']+)' in module '([^']+)'$/;

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
  if (name === "SyntaxError") {
    // py/runtime.c:1542 (mp_import_from): `from network import nope`
    const missing = MISSING_EXPORT.exec(message)?.[1];
    if (missing) return { pyType: "ImportError", text: `can't import name ${missing}` };
  }
  if (name === "RangeError") return { pyType: "ValueError", text: message };
  if (name === "Error" || !name) return { pyType: "Exception", text: message };
  return { pyType: name, text: message };
}

/**
 * A MicroPython-style traceback (outermost call first) for an uncaught error, with frames mapped
 * back to the script's own files and lines; frames of the guest library are left out. The
 * outermost anonymous frame is `<module>` when the stack starts at the script's top (`fromModule`),
 * not a callback's. With no
 * frames left, the exception line alone: the firmware prints the header only when the traceback
 * has entries (py/obj.c mp_obj_print_exception, `if (n > 0)`, v1.23.0).
 */
export function formatTraceback(error: GuestError, script: CompiledScript, entryFile: string, fromModule = true): { pyType: string; lines: string[] } {
  const frames: string[] = [];
  const jsFrames = (error.stack ?? "").split("\n").map((l) => FRAME.exec(l)).filter((m) => m !== null);
  jsFrames.forEach(([, fn, file, line, column], i) => {
    if (file !== entryFile) return;
    const pos = originalPositionFor(script.map, { line: Number(line), column: Number(column) - 1 });
    if (pos.line === null || pos.source === null) return;
    const source = pos.source === script.sourcePath ? script.displayName : path.relative(process.cwd(), pos.source);
    const outermost = fromModule && i === jsFrames.length - 1;
    const name = fn === "<anonymous>" || fn === "<eval>" ? (outermost ? "<module>" : "<lambda>") : fn!.replace(/^.*\./, "");
    frames.unshift(`  File "${source}", line ${pos.line}, in ${name}`);
  });
  const { pyType, text } = pythonException(error);
  const header = frames.length > 0 ? ["Traceback (most recent call last):"] : [];
  return { pyType, lines: [...header, ...frames, `${pyType}: ${text}`] };
}

/** The import that failed the script's link: its module, and the name it asked of it when that was missing. */
export interface FailedImport {
  module: string;
  name?: string;
}

/**
 * The guest module whose import failed the script's link (a name it does not export, or
 * `missingModule`, one the board has not, if that is the error), undefined for any other error.
 */
export function failedImport(error: GuestError, missingModule: string | undefined): FailedImport | undefined {
  if (error.name === "SyntaxError") {
    const missing = MISSING_EXPORT.exec(error.message);
    return missing ? { module: missing[2]!, name: missing[1]! } : undefined;
  }
  return error.name === "ImportError" && error.message === `no module named '${missingModule}'` ? { module: missingModule! } : undefined;
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A QuickJS stack line at the script's import of `module` (the bundle's, hoisted to its top), for
 * formatTraceback to map: a module that cannot load fails the script while it links, before any of
 * it runs, so QuickJS's error has no frame, where the firmware's traceback has the import's line
 * (py/builtinimport.c:454 raises in the frame of the import statement). For a missing name, the
 * import that names it (`{ name` or `, name`, not `as name`), as py/runtime.c:1542 raises at the
 * from-import of it, not the module's first import (else that). A re-export (`export * from`)
 * imports as well. Undefined without one.
 */
export function importFrame(code: string, failed: FailedImport, file: string): string | undefined {
  const from = (named: string) => new RegExp(`^(?:import|export)\\b[^;]*?${named}${escaped(JSON.stringify(failed.module))}`, "m").exec(code)?.index;
  const at = (failed.name === undefined ? undefined : from(`[{,]\\s*${escaped(failed.name)}(?![\\w$])[^;]*?`)) ?? from("");
  if (at === undefined) return undefined;
  return `    at <eval> (${file}:${code.slice(0, at).split("\n").length}:1)`;
}
