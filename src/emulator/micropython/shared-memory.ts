/**
 * MicroPython's WebAssembly memory made shared, so that the main thread can reach a script that
 * runs without a host call (`while True: pass`): it writes the scheduler's state there, as an
 * interrupt handler of the firmware does (attention.ts), and the VM sees it at its next branch.
 *
 * The module defines its memory (no import: the glue's realm gets no object from outside,
 * realm.ts), with a maximum (emscripten's 2 GiB): a shared memory needs one. Only the limits' flag
 * changes, 0x01 (a maximum) to 0x03 (a maximum, shared); the memory grows in place and its buffer
 * is a SharedArrayBuffer, which the worker posts to the main thread (worker.ts).
 */
import { uleb } from "../wasm-reader.ts";
import { section } from "./wasm-code.ts";

const MEMORY_SECTION = 5;
const HAS_MAXIMUM = 0x01;
const SHARED_WITH_MAXIMUM = 0x03;

export function withSharedMemory(wasm: Uint8Array): Uint8Array {
  const memories = section(wasm, MEMORY_SECTION);
  if (!memories) throw new Error("micropython.wasm: no memory section");
  const { value: count, next: flags } = uleb(wasm, memories.start);
  if (count !== 1 || wasm[flags] !== HAS_MAXIMUM) throw new Error(`micropython.wasm: expected one memory with a maximum, found ${count} (flags ${wasm[flags]})`);
  const patched = wasm.slice();
  patched[flags] = SHARED_WITH_MAXIMUM;
  return patched;
}
