/**
 * QuickJS's WebAssembly with a memory import that starts small. The build asks for 16 MiB
 * (256 pages) up front; a board needs the static data, the 5 MiB C stack above it and what its
 * heap has grown to (about 6 MiB). V8 counts every instance's memory as external memory and runs
 * its GC by that count, so with 1,000 boards the 16 MiB floor alone made it collect ~116 times
 * (docs/benchmarks.md). The binary is patched in place: the import's minimum drops to one page,
 * and each instance gets a `WebAssembly.Memory` of the size it needs (snapshot.ts).
 *
 * The import is also marked shared. V8 leaves shared memories out of its external-memory count
 * (`BackingStore::PerIsolateAccountingLength` is 0 for them), so boards' memories no longer start
 * a full collection every ~10 boards, each walking every board's JavaScript objects: that made boot
 * per board grow with N (docs/benchmarks.md, "Session 4"). Only the pages a board touches cost RSS;
 * a dead board's memory goes with its instance at the next collection. Nothing else changes for
 * a single-threaded instance (no atomics are used; the buffer is a SharedArrayBuffer, which
 * TextDecoder and the typed arrays of the glue and raw-ffi.ts read as any other).
 */
import { KIND_MEMORY, WasmReader } from "../wasm-reader.ts";

/** The patched binary, and the first address above the C stack: a fresh instance needs memory up to here. */
export interface SmallMemoryWasm {
  bytes: Uint8Array;
  stackTop: number;
  /** The end of the data segments' bytes: the statics the binary initialises (the zeroed ones, bss, follow). */
  dataEnd: number;
}

const SECTION_IMPORT = 2;
const SECTION_GLOBAL = 6;
const SECTION_DATA = 11;
const I32_CONST = 0x41;
/** Limits flag: shared memory (the threads proposal; it requires a maximum, which the build has). */
const SHARED = 2;

export function smallMemoryWasm(original: Uint8Array): SmallMemoryWasm {
  const bytes = Uint8Array.prototype.slice.call(original);
  const r = new WasmReader(bytes, 8); // after the magic and version
  let patched = false;
  let stackTop = -1;
  let dataEnd = -1;
  while (r.at < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.at + size;
    if (id === SECTION_IMPORT) {
      for (let count = r.u32(); count > 0; count--) {
        r.name();
        r.name();
        const kind = r.byte();
        if (kind !== KIND_MEMORY) {
          r.skipImport(kind);
          continue;
        }
        const flags = r.byte();
        if (!(flags & 1)) throw new Error("boardsim: unsupported quickjs-emscripten build (memory without a maximum)");
        bytes[r.at - 1] = flags | SHARED;
        // The minimum, rewritten as 1 in the same number of LEB128 bytes (padding is valid LEB128).
        const start = r.at;
        r.u32();
        for (let i = start; i < r.at; i++) bytes[i] = i === start ? (r.at - start > 1 ? 0x81 : 0x01) : i === r.at - 1 ? 0x00 : 0x80;
        if (flags & 1) r.u32();
        patched = true;
      }
    } else if (id === SECTION_GLOBAL) {
      // Emscripten's first global is __stack_pointer, `i32.const` of the stack's top (it grows down).
      r.u32();
      r.at += 2; // i32, mutable
      if (r.byte() === I32_CONST) stackTop = r.u32();
    } else if (id === SECTION_DATA) {
      for (let count = r.u32(); count > 0; count--) {
        // Emscripten's segments are active, in memory 0 at an `i32.const` offset (flag 0); any other kind is not this build.
        if (r.u32() !== 0 || r.byte() !== I32_CONST) throw new Error("boardsim: unsupported quickjs-emscripten build (data segments)");
        const offset = r.u32();
        r.at++; // end
        const length = r.u32();
        dataEnd = Math.max(dataEnd, offset + length);
        r.at += length;
      }
    }
    r.at = end;
  }
  if (!patched || stackTop <= 0) throw new Error("boardsim: unsupported quickjs-emscripten build (memory import)");
  if (dataEnd <= 0 || dataEnd >= stackTop) throw new Error("boardsim: unsupported quickjs-emscripten build (data below the stack)");
  return { bytes, stackTop, dataEnd };
}
