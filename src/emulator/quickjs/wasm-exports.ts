/**
 * QuickJS's WebAssembly without the exports no one calls. V8 makes each function export of an
 * instance a JavaScript function of its own as the instance is made (InstanceBuilder::ProcessExports:
 * its function object, shared info, export data and interned name), and the glue then wraps each in
 * asyncify's rest-argument closure and records it in a Map (its `instrumentWasmExports`): per board,
 * for every one of the build's 110 exports. 37 of them nothing can call:
 * - 28 the glue never reads (asyncify's and emscripten's helpers the minifier left unnamed);
 * - 3 it stores in locals it never reads (`dynCall_iii`, `dynCall_vii`, `dynCall_vi`);
 * - 6 C functions no JavaScript calls (UNCALLED): quickjs-emscripten's FFI class binds them, but
 *   neither its library (quickjs-emscripten-core) nor boardsim calls them (wasm-exports.spec.ts
 *   reads both); the glue's `_QTS_...` for them stays undefined, so a call would fail at once
 *   (`... is not a function`), never run other code.
 * The export section is rewritten without them; no function, index or body changes. Measured
 * (load 4-6, paired): an instance and its glue ≈ 0.2-0.27 ms less (half in V8, half in the glue);
 * a fleet of 100 ≈ 22 page faults, 0.07 MiB and 0.57 ms of CPU less per board, of 1,000 ≈ 3 page
 * faults and 0.44 ms of CPU (the heap's pages are reused there).
 */
import { KIND_FUNCTION, sections, ulebBytes, WasmReader, withSections } from "../wasm-reader.ts";

const SECTION_EXPORT = 7;

/** C functions of the build that no JavaScript calls: the build's self-tests and probes, and one the library does not use. */
export const UNCALLED = ["QTS_TestStringArg", "QTS_BuildIsDebug", "QTS_BuildIsAsyncify", "QTS_BuildIsSanitizeLeak", "QTS_GetDebugLogEnabled", "QTS_GetModuleNamespace"] as const;

/**
 * The function exports the glue can call, by export name: those it keeps where it calls them from
 * (`d._QTS_Eval=b.qa`, `Y=b.Oa` for a local it reads), the one it calls on the exports object
 * itself (the constructors, `Z.v()`), and none of UNCALLED. Throws if the glue is not laid out as read here.
 */
export function calledExports(glue: string): Set<string> {
  const unsupported = () => new Error("boardsim: unsupported quickjs-emscripten build (export uses)");
  // The function that receives the instance: `var e=Z=b.exports;` ... `return Z}`.
  const start = /var [\w$]+=([\w$]+)=([\w$]+)\.exports;/.exec(glue);
  if (!start) throw unsupported();
  const [, all, param] = start as unknown as [string, string, string];
  const end = glue.indexOf(`return ${all}}`, start.index);
  if (end < 0) throw unsupported();
  const receive = glue.slice(start.index + start[0].length, end);
  const called = new Set<string>();
  const uncalled = new Set<string>(UNCALLED);
  const escape = (text: string) => text.replace(/\$/g, "\\$");
  for (const [, target, name] of receive.matchAll(new RegExp(`([\\w$.]+)=\\s*${escape(param)}\\.([\\w$]+)(?![\\w$])`, "g"))) {
    const cFunction = /^[\w$]+\._(\w+)$/.exec(target!)?.[1];
    if (cFunction !== undefined) {
      if (!uncalled.delete(cFunction)) called.add(name!);
      continue;
    }
    // A local: read if it occurs anywhere but its declaration and this assignment.
    const uses = glue.match(new RegExp(`(?<![\\w$.])${escape(target!)}(?![\\w$])`, "g"))?.length ?? 0;
    if (uses > 2) called.add(name!);
  }
  for (const [, name] of glue.matchAll(new RegExp(`(?<![\\w$.])${escape(all)}\\.([\\w$]+)\\(`, "g"))) called.add(name!);
  if (uncalled.size > 0 || called.size === 0) throw unsupported();
  return called;
}

/** `bytes` (a module) with only the function exports in `keep`, and every export of another kind. */
export function withoutExports(bytes: Uint8Array, keep: ReadonlySet<string>): Uint8Array {
  const exports = sections(bytes).find(([id]) => id === SECTION_EXPORT)?.[1];
  if (!exports) throw new Error("boardsim: unsupported quickjs-emscripten build (no exports)");
  const r = new WasmReader(exports);
  const kept: Uint8Array[] = [];
  for (let n = r.u32(); n > 0; n--) {
    const from = r.at;
    const name = r.name();
    const kind = r.byte();
    r.u32();
    if (kind !== KIND_FUNCTION || keep.has(name)) kept.push(exports.subarray(from, r.at));
  }
  return withSections(bytes, new Map([[SECTION_EXPORT, [ulebBytes(kept.length), ...kept]]]));
}
