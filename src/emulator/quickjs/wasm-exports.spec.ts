import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { exportNames } from "./direct-calls.ts";
import { restore, snapshotFor } from "./snapshot.ts";
import { calledExports, UNCALLED } from "./wasm-exports.ts";

const require = createRequire(import.meta.url);

/** Every C function called through an FFI object (`this.ffi.QTS_Eval(...)`, `getFFI().QTS_...`, `QTS_Eval_MaybeAsync` for an async binding) in `files`. */
async function ffiCalls(files: string[], calls = new Set<string>()): Promise<Set<string>> {
  for (const file of files) {
    for (const [, name] of (await readFile(file, "utf8")).matchAll(/(?:ffi|FFI\(\))\.(QTS_\w+)/g)) calls.add(name!.replace(/_MaybeAsync$/, ""));
  }
  return calls;
}

describe("the QuickJS build's exports", () => {
  it("keep every C function the library or boardsim calls, and drop only ones nothing calls", async () => {
    const glue = await readFile(require.resolve("@jitl/quickjs-wasmfile-release-asyncify/emscripten-module"), "utf8");
    const kept = calledExports(glue);
    const names = exportNames(glue);
    // quickjs-emscripten's library (its built files), and boardsim's own: through the FFI (raw-ffi.ts and others) and straight on the exports (direct-calls.ts).
    const library = path.dirname(require.resolve("quickjs-emscripten-core"));
    const ours = path.dirname(fileURLToPath(import.meta.url));
    const calls = await ffiCalls([
      ...(await readdir(library)).filter((name) => name.endsWith(".mjs")).map((name) => path.join(library, name)),
      ...(await readdir(ours)).filter((name) => name.endsWith(".ts") && !name.endsWith(".spec.ts")).map((name) => path.join(ours, name)),
    ]);
    expect(calls.size).toBeGreaterThan(50);
    expect(calls.has("QTS_RecoverableLeakCheck")).toBe(true); // the library's test module: `getFFI().QTS_RecoverableLeakCheck()`
    for (const name of ["malloc", "free", "QTS_NewArrayBuffer", "QTS_FreeValuePointer", "QTS_NewFloat64", "QTS_GetFloat64", "QTS_NewString"]) calls.add(name);
    for (const name of calls) expect({ name, kept: kept.has(names.get(name)!) }).toEqual({ name, kept: true });
    for (const name of UNCALLED) expect({ name, called: calls.has(name), kept: kept.has(names.get(name)!) }).toEqual({ name, called: false, kept: false });
  });

  it("are not on a board's instance when nothing calls them", async () => {
    const snapshot = await snapshotFor({ exportsSpec: true }, [], "globalThis.__modules = { m: { a: 1 } };");
    const board = await restore(snapshot, 64 * 1024);
    const em = (board.module as unknown as { module: Record<string, unknown> }).module;
    for (const name of UNCALLED) expect({ name, on: typeof em[`_${name}`] }).toEqual({ name, on: "undefined" });
    expect(typeof em._QTS_Eval).toBe("function");
    // The board runs code as any other.
    expect(board.ctx.unwrapResult(board.ctx.evalCode("__modules.m.a + 41")).consume((h) => board.ctx.getNumber(h))).toBe(42);
  });
});
