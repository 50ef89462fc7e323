import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { newQuickJSAsyncWASMModuleFromVariant, RELEASE_ASYNC } from "quickjs-emscripten";
import { describe, expect, it } from "vitest";
import { templateChunks } from "./snapshot.ts";
import { smallMemoryWasm } from "./wasm-memory.ts";

const CHUNK = 4096;
/** More than any call of this test uses of the C stack below its top. */
const STACK_USED = 1024 * 1024;

describe("the pinned QuickJS build's memory", () => {
  it("holds nothing between the statics a snapshot compares and the top of the C stack", async () => {
    const require = createRequire(import.meta.url);
    const layout = smallMemoryWasm(await readFile(require.resolve("@jitl/quickjs-wasmfile-release-asyncify/wasm")));
    expect(layout.dataEnd).toBeGreaterThan(0);
    expect(layout.dataEnd).toBeLessThan(layout.stackTop - 4 * STACK_USED);

    // The stock module (its own memory; the same layout): a runtime that parsed, ran and collected.
    const module = await newQuickJSAsyncWASMModuleFromVariant(RELEASE_ASYNC);
    const ctx = module.newContext();
    const code = `const o = JSON.parse(JSON.stringify({ a: [1, 2, 3], s: "x".repeat(5000) })); /a+(b)/.exec("aab"); Math.random(); Promise.resolve(1).then(() => 2); try { null.x } catch (e) { String(e) } o.s.length`;
    expect(ctx.unwrapResult(ctx.evalCode(code)).consume((h) => ctx.getNumber(h))).toBe(5000);
    ctx.runtime.executePendingJobs();
    const heap = (module as unknown as { module: { HEAPU8: Uint8Array } }).module.HEAPU8;

    const compared = templateChunks(heap.byteLength, layout);
    const stackUse = Math.floor((layout.stackTop - STACK_USED) / CHUNK);
    const outside: number[] = [];
    for (let chunk = 0; chunk < heap.byteLength / CHUNK; chunk++) {
      if (compared.some(([first, end]) => chunk >= first && chunk < end) || chunk >= stackUse) continue;
      if (heap.subarray(chunk * CHUNK, (chunk + 1) * CHUNK).some((byte) => byte !== 0)) outside.push(chunk * CHUNK);
    }
    expect(outside).toEqual([]);
    // The zeroed statics (bss) are written past the data segments: the room is needed.
    const bss = heap.subarray(layout.dataEnd, compared[0]![1] * CHUNK);
    expect(bss.some((byte) => byte !== 0)).toBe(true);
    ctx.dispose();
  });
});
