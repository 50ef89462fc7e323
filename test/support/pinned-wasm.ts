/**
 * The pinned interpreter's WebAssembly (1.27.0), for the specs of the patches engine.ts makes to it
 * before compiling (gc-alloc-skip.ts, gc-alloc-tails.ts, gc-sweep-skip.ts): its bytes, its functions' bodies, and a
 * fresh interpreter from patched or unpatched bytes.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { expect } from "vitest";
import { loadSandboxedMicroPython, type SandboxedMicroPython } from "../../src/emulator/micropython/realm.ts";
import { functionBodies as bodiesOf } from "../../src/emulator/micropython/wasm-code.ts";

/** A new copy of the file's bytes. */
export const pinnedWasm = () => new Uint8Array(readFileSync(createRequire(import.meta.url).resolve("@micropython/micropython-webassembly-pyscript/micropython.wasm")));

/** WebAssembly.validate and compile (the project's types have no WebAssembly value; engine.ts reaches compile() the same way). */
export const { validate, compile } = (
  globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean; compile(bytes: Uint8Array): Promise<WebAssembly.Module> } }
).WebAssembly;

/** Each function's body (locals and code), in the code section's order. */
export function functionBodies(module: Uint8Array): Buffer[] {
  return bodiesOf(module).map(({ start, end }) => Buffer.from(module.subarray(start, end)));
}

/** An interpreter compiled from `bytes` with a 64 KiB heap that may grow, no host hooks, its output to `out`. */
export async function freshInterpreter(bytes: Uint8Array, out: number[]): Promise<SandboxedMicroPython> {
  return loadSandboxedMicroPython(64 * 1024, {
    wasm: await compile(bytes),
    onInvokes: () => {},
    invokesPerCall: 1 << 30,
    onSafePoint: () => {},
    onAttention: () => {},
    mayGrowHeap: () => true,
    consoleByte: (byte) => out.push(byte),
    stdinByte: null,
    glueMessage: () => {},
  });
}

/** What `code` prints in a fresh interpreter compiled from `bytes` (a patch's workload, run on the patched and the unpatched build). */
export async function printedBy(bytes: Uint8Array, code: string): Promise<string> {
  const out: number[] = [];
  const sandboxed = await freshInterpreter(bytes, out);
  sandboxed.mp.runPython(code);
  return Buffer.from(out).toString();
}

/**
 * Checks that `patched` is `original` with `length` bytes inserted in one function, `offset` bytes
 * into the first place its body has the bytes `at`, and is valid; returns the inserted bytes.
 */
export function insertedCode(original: Uint8Array, patched: Uint8Array, at: readonly number[], offset: number, length: number): Buffer {
  expect(validate(patched)).toBe(true);
  const before = functionBodies(original);
  const after = functionBodies(patched);
  expect(after).toHaveLength(before.length);
  const changed = before.flatMap((body, index) => (body.equals(after[index]!) ? [] : [index]));
  expect(changed).toHaveLength(1);
  const [old, now] = [before[changed[0]!]!, after[changed[0]!]!];
  const top = old.indexOf(Buffer.from(at)) + offset;
  expect(Buffer.concat([old.subarray(0, top), now.subarray(top, top + length), old.subarray(top)]).equals(now)).toBe(true);
  return now.subarray(top, top + length);
}

/**
 * Python for the patches' workloads: `rnd(n)`, a pseudo-random number below n from a fixed seed
 * (small ints only: a long int would leave garbage blocks everywhere), `blocks(n)`, one
 * allocation of exactly n heap blocks (a tuple's 2 words and 4 n - 2 items), and `placed(n, size,
 * kept)`, n allocations of size() blocks each, their addresses printed (where the allocator found
 * room), about half of them appended to `kept`.
 */
export const HEAP_WORKLOAD_HELPERS = `seed = 1
def rnd(n):
    global seed
    seed = (seed * 75 + 74) % 65537
    return seed % n
def blocks(n):
    return (0,) * (4 * n - 2)
def placed(n, size, kept):
    for k in range(n):
        o = blocks(size())
        print(id(o))
        if rnd(2):
            kept.append(o)
`;

/**
 * The first heap area's state (py/mpstate.h mp_state_mem_area_t, v1.27.0 84-99, 32-bit: next, the
 * allocation table's start and bytes, the finaliser table, the pool's start and end, the last free
 * table byte, the last used block), found by its pool's start, which mem_info(1)'s layout gives.
 */
export function firstArea(words: Int32Array, layout: string): number {
  const pool = parseInt(/GC memory layout; from ([0-9a-f]+):/.exec(layout)![1]!, 16);
  const found = [];
  for (let i = 4; i + 1 < words.length; i++) if (words[i] === pool && words[i + 1]! - pool === words[i - 2]! * 64 && words[i - 3]! < pool) found.push((i - 4) * 4);
  expect(found).toHaveLength(1);
  return found[0]!;
}
