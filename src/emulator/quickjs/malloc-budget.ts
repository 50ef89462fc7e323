/**
 * A collection once the heap has grown by so many bytes (issue 14). MicroPython collects when an
 * allocation finds no room and retries it (py/gc.c v1.23.0, gc_alloc, lines 748-807). QuickJS
 * collects only as it makes an object, when its count of memory passes a threshold (quickjs.c,
 * JS_NewObjectFromShape: `js_trigger_gc(ctx->rt, sizeof(JSObject))`, its one call site), and in
 * this build that count is 8 bytes a block whatever the block's size (board-heap.ts): 4 KB buffers
 * left in cycles filled an ESP8266's heap long before a collection, and a failed malloc is
 * out-of-memory at once (js_malloc: JS_ThrowOutOfMemory, no retry). Nothing inside malloc reaches
 * the host unless it fails, and a collection there would re-enter malloc.
 *
 * So the binary counts bytes itself: the functions exported as malloc and free get new bodies,
 * which call the old ones (moved to two new functions) and count each block's size as dlmalloc
 * keeps it (the head word before the block, less its flag bits): malloc takes it from `remaining`,
 * free gives it back (never above `budget`). When `remaining` drops below 0 (the heap grew by
 * `budget` bytes that no free gave back: garbage a collection may find, or data kept), malloc
 * writes 0 over QuickJS's collection threshold (the address in `threshold`, as board-heap.ts's
 * grow does) and starts again from `budget`: the collection runs where QuickJS runs it, at the
 * next object made, never inside malloc. Every malloc and free of the build are these (QuickJS's,
 * calloc's, realloc's when it moves a block, the glue's, the host's through the exports); a
 * realloc that resizes a block in place is not counted. A block freed at once is given back, so
 * a loop that only makes and drops buffers (an echo server) is not collected more. Until a board
 * sets the globals, `remaining` never runs out (a template's runs are unchanged).
 */

import { KIND_FUNCTION, KIND_GLOBAL, sections, slebBytes, ulebBytes, WasmReader, withSections } from "../wasm-reader.ts";

/** The exports added: three mutable i32 globals. */
export const BUDGET_EXPORTS = { remaining: "boardsimRemaining", budget: "boardsimBudget", threshold: "boardsimThreshold" } as const;

const SECTION_TYPE = 1;
const SECTION_IMPORT = 2;
const SECTION_FUNCTION = 3;
const SECTION_GLOBAL = 6;
const SECTION_EXPORT = 7;
const SECTION_CODE = 10;
const I32 = 0x7f;
const NEVER = 0x7fff_ffff;

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...ulebBytes(bytes.length), ...bytes];
}

/** `bytes` (a module) with its exported `malloc` and `free` (their export names) counting bytes as above. */
export function withMallocBudget(bytes: Uint8Array, names: { malloc: string; free: string }): Uint8Array {
  const all = sections(bytes);
  const section = (id: number) => {
    const found = all.find(([each]) => each === id)?.[1];
    if (!found) throw new Error("boardsim: unsupported quickjs-emscripten build (malloc budget)");
    return new WasmReader(found);
  };
  /** A section's bytes after its count (its vector's items). */
  const afterCount = (id: number) => {
    const r = section(id);
    r.u32();
    return r.bytes.subarray(r.at);
  };

  // Imported functions and globals come first in their index spaces.
  let importedFunctions = 0;
  let importedGlobals = 0;
  let r = section(SECTION_IMPORT);
  for (let count = r.u32(); count > 0; count--) {
    r.name();
    r.name();
    const kind = r.byte();
    if (kind === KIND_FUNCTION) importedFunctions++;
    if (kind === KIND_GLOBAL) importedGlobals++;
    r.skipImport(kind);
  }
  r = section(SECTION_EXPORT);
  let malloc = -1;
  let free = -1;
  const exports = r.u32();
  for (let count = exports; count > 0; count--) {
    const exported = r.name();
    const kind = r.byte();
    const index = r.u32() - importedFunctions;
    if (kind === KIND_FUNCTION && exported === names.malloc) malloc = index;
    if (kind === KIND_FUNCTION && exported === names.free) free = index;
  }
  r = section(SECTION_FUNCTION);
  const types: number[] = [];
  for (let count = r.u32(); count > 0; count--) types.push(r.u32());
  r = section(SECTION_TYPE);
  const signatures: string[] = [];
  for (let count = r.u32(); count > 0; count--) {
    const start = r.at;
    r.byte(); // 0x60
    for (let vector = 0; vector < 2; vector++) {
      const length = r.u32(); // read before `at` moves by it
      r.at += length;
    }
    signatures.push(r.bytes.subarray(start, r.at).join(","));
  }
  if (malloc < 0 || signatures[types[malloc]!] !== [0x60, 1, I32, 1, I32].join(",") || free < 0 || signatures[types[free]!] !== [0x60, 1, I32, 0].join(",")) {
    throw new Error("boardsim: unsupported quickjs-emscripten build (malloc budget)");
  }
  const globals = section(SECTION_GLOBAL).u32();
  r = section(SECTION_CODE);
  // Each body's entry (its size, then its bytes), as [start, end] in the section.
  const entries: [number, number][] = [];
  const codeCount = r.u32();
  for (let i = 0; i < codeCount; i++) {
    const start = r.at;
    const size = r.u32();
    r.at += size;
    entries.push([start, r.at]);
  }
  const code = r.bytes;

  // The old bodies become two new functions, after every existing one (no index moves).
  const oldMalloc = importedFunctions + types.length;
  const oldFree = oldMalloc + 1;
  const [remaining, budget, threshold] = [0, 1, 2].map((i) => importedGlobals + globals + i) as [number, number, number];
  const GET = 0x23;
  const SET = 0x24;
  // dlmalloc's chunk size: the head word before the block, less its 3 flag bits (the same on malloc and free).
  const chunkSize = (local: number) => [0x20, local, 0x41, 4, 0x6b, 0x28, 2, 0, 0x41, ...slebBytes(-8), 0x71];
  const wrappedMalloc = [
    1, 1, I32, // one i32 local: the block
    0x20, 0, 0x10, ...ulebBytes(oldMalloc), 0x22, 1, 0x04, 0x40, // if (block = malloc'(size)) {
    GET, ...ulebBytes(remaining), ...chunkSize(1), 0x6b, SET, ...ulebBytes(remaining), //   remaining -= its size
    GET, ...ulebBytes(remaining), 0x41, 0, 0x48, 0x04, 0x40, //   if (remaining < 0) {
    GET, ...ulebBytes(threshold), 0x41, 0, 0x36, 2, 0, //     *threshold = 0
    GET, ...ulebBytes(budget), SET, ...ulebBytes(remaining), //     remaining = budget
    0x0b, 0x0b, // } }
    0x20, 1, // return block
    0x0b,
  ];
  const wrappedFree = [
    0, // no locals
    0x20, 0, 0x04, 0x40, // if (ptr) {
    GET, ...ulebBytes(remaining), ...chunkSize(0), 0x6a, SET, ...ulebBytes(remaining), //   remaining += its size
    GET, ...ulebBytes(remaining), GET, ...ulebBytes(budget), 0x4a, 0x04, 0x40, //   if (remaining > budget)
    GET, ...ulebBytes(budget), SET, ...ulebBytes(remaining), //     remaining = budget
    0x0b, 0x0b, // } }
    0x20, 0, 0x10, ...ulebBytes(oldFree), // free'(ptr)
    0x0b,
  ];
  const global = (value: number) => [I32, 1, 0x41, ...slebBytes(value), 0x0b];
  const replaced = new Map<number, (Uint8Array | number[])[]>([
    [SECTION_FUNCTION, [ulebBytes(types.length + 2), afterCount(SECTION_FUNCTION), ulebBytes(types[malloc]!), ulebBytes(types[free]!)]],
    [SECTION_GLOBAL, [ulebBytes(globals + 3), afterCount(SECTION_GLOBAL), global(NEVER), global(NEVER), global(0)]],
    [SECTION_EXPORT, [
      ulebBytes(exports + 3),
      afterCount(SECTION_EXPORT),
      [...name(BUDGET_EXPORTS.remaining), KIND_GLOBAL, ...ulebBytes(remaining)],
      [...name(BUDGET_EXPORTS.budget), KIND_GLOBAL, ...ulebBytes(budget)],
      [...name(BUDGET_EXPORTS.threshold), KIND_GLOBAL, ...ulebBytes(threshold)],
    ]],
    [SECTION_CODE, (() => {
      // The section's bytes as they are, but for the two bodies replaced; the old ones at the end.
      const [first, second] = malloc < free ? [malloc, free] : [free, malloc];
      const entry = (i: number) => code.subarray(entries[i]![0], entries[i]![1]);
      const wrapped = (i: number) => (i === malloc ? wrappedMalloc : wrappedFree);
      return [
        ulebBytes(codeCount + 2),
        code.subarray(entries[0]![0], entries[first]![0]),
        [...ulebBytes(wrapped(first).length), ...wrapped(first)],
        code.subarray(entries[first]![1], entries[second]![0]),
        [...ulebBytes(wrapped(second).length), ...wrapped(second)],
        code.subarray(entries[second]![1]),
        entry(malloc),
        entry(free),
      ];
    })()],
  ]);
  return withSections(bytes, replaced);
}

/** An instance's three globals (WebAssembly.Global objects: `value` reads and writes them). */
export type MallocBudget = Record<keyof typeof BUDGET_EXPORTS, { value: number }>;

export function mallocBudget(exports: Record<string, unknown>): MallocBudget {
  const global = (key: keyof typeof BUDGET_EXPORTS) => exports[BUDGET_EXPORTS[key]] as { value: number };
  return { remaining: global("remaining"), budget: global("budget"), threshold: global("threshold") };
}
