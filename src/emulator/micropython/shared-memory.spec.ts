import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { withSharedMemory } from "./shared-memory.ts";

const wasm = () => new Uint8Array(readFileSync(createRequire(import.meta.url).resolve("@micropython/micropython-webassembly-pyscript/micropython.wasm")));

/** The project's types have no WebAssembly value; engine.ts reaches it the same way. */
const { Module, Instance } = (
  globalThis as unknown as {
    WebAssembly: { Module: new (bytes: Uint8Array) => object; Instance: new (module: object, imports: object) => { exports: Record<string, unknown> } };
  }
).WebAssembly;

describe("withSharedMemory on the pinned interpreter (1.27.0)", () => {
  it("changes one byte, the memory's limits flag 0x01 to 0x03; the memory keeps its sizes and its buffer is a SharedArrayBuffer", () => {
    const original = wasm();
    const patched = withSharedMemory(original);
    const changed = [...original.keys()].filter((i) => original[i] !== patched[i]);
    expect(changed).toHaveLength(1);
    expect([original[changed[0]!], patched[changed[0]!]]).toEqual([0x01, 0x03]);
    // The memory alone (a module of its section only): instantiated, shared, 259 pages, growing in place.
    const section = patched.subarray(changed[0]! - 1, changed[0]! + 6);
    const module = new Module(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, section.length, ...section, 7, 10, 1, 6, 109, 101, 109, 111, 114, 121, 2, 0));
    const memory = new Instance(module, {}).exports.memory as { buffer: ArrayBuffer; grow(pages: number): number };
    const before = memory.buffer;
    expect(before).toBeInstanceOf(SharedArrayBuffer);
    expect(before.byteLength).toBe(259 * 65536);
    new Uint8Array(before)[7] = 42;
    memory.grow(1);
    expect(new Uint8Array(memory.buffer)[7]).toBe(42);
    expect(new Uint8Array(before)[7]).toBe(42); // the old buffer stays valid (a shared memory is never detached)
  });

  it("refuses a module whose memory is not one with a maximum", () => {
    const original = wasm();
    expect(() => withSharedMemory(withSharedMemory(original))).toThrow(/expected one memory with a maximum/);
  });
});
