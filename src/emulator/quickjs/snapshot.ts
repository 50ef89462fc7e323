/**
 * Snapshot boot: QuickJS compiling the guest library (18 KB) for every board was most of a TS
 * board's boot (docs/benchmarks.md, "Boot per board"). A template instance runs the library once
 * per board kind (the library asks the board for its tables, `boardInfo`, as it starts); a board
 * then gets a fresh WebAssembly instance of the same compiled module, the template's memory
 * copied in, its heap (board-heap.ts: the memory has a fixed size), its own runtime settings on
 * top (engine.ts: interrupt handler, module loader, host functions) and its own Math.random seed.
 *
 * What lives where, in the pinned build (quickjs-emscripten 0.32.0, package.json):
 * - in WebAssembly memory, copied: QuickJS's runtime and context, the library's objects,
 *   malloc's state and the sbrk break (so a board's memory is at least the template's size);
 * - in WebAssembly globals, not copied: the C stack pointer and asyncify's state. The snapshot is
 *   taken between calls, where they are at their start values in every instance, and the C stack
 *   holds nothing live (nor is it read: templateChunks);
 * - in the emscripten module's JavaScript, per instance: asyncify's bookkeeping and the C-to-host
 *   callbacks, looked up by runtime and context pointer, so each board wraps the template's
 *   pointers in its own runtime and context objects (`restore`), which register them;
 * - the raw host functions' ids are in the template's function objects: raw-ffi.ts's `bind`
 *   gives a board's hosts the same ids.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { setFlagsFromString } from "node:v8";
import { Lifetime, QuickJSAsyncContext, QuickJSAsyncRuntime, QuickJSAsyncWASMModule, RELEASE_ASYNC } from "quickjs-emscripten";
import type { GuestHost, HostValue } from "../host-api.ts";
import { NATIVE_HELPERS } from "./native.ts";
import { BoardHeap, checkMalloc, NoRoomForHeap, PAGE, takeFree, type Malloc } from "./board-heap.ts";
import { lazyFfi } from "./lazy-ffi.ts";
import { mallocBudget, withMallocBudget, type MallocBudget } from "./malloc-budget.ts";
import { RawHostCalls } from "./raw-ffi.ts";
import { directCalls, exportNames, type DirectCalls, type ExportNames } from "./direct-calls.ts";
import { SuspendBlock } from "./suspend-block.ts";
import { calledExports, withoutExports } from "./wasm-exports.ts";
import { smallMemoryWasm } from "./wasm-memory.ts";

const GUEST_LIBRARY_FILE = "boardsim:guest";
/** Copy granularity: the OS page, so memory the template never touched stays untouched (RSS). */
const CHUNK = 4096;
const ZERO_CHUNK = new Uint8Array(CHUNK);
/** The memory import's maximum in the build (2 GiB). */
const MAX_PAGES = 32768;
/** Statics compared past the data segments' end (templateChunks). */
const STATICS_ROOM = 65536;

/** Where the build keeps what (wasm-memory.ts): its data segments end at `dataEnd`, its C stack below `stackTop`, its heap above. */
export interface Layout {
  stackTop: number;
  dataEnd: number;
}

/** A booted guest library, ready to copy into a board's instance. */
export interface Snapshot {
  /** Memory size when taken, in pages: the board's memory starts at this. */
  pages: number;
  /** Where the memory differs from a fresh instance's: [address, end) ranges, CHUNK-aligned, and their bytes in order. */
  ranges: [number, number][];
  bytes: Uint8Array;
  rt: number;
  ctx: number;
  /** Each guest module's export names (the module loader's source for `import x from "socket"`). */
  exports: Record<string, string[]>;
  /** Per board heap size, the mallocs BoardHeap.reserve makes in a board's memory (the same in every board of this snapshot). */
  fills: Map<number, readonly number[]>;
  /** With a script compiled into the template (script-snapshots.ts): its bytes, which count against a board's heap. */
  scriptBytes?: number;
  /** With a script: the heap it was compiled for, whose board's memory is the template's size (restore); unset where the heap does not fit there. */
  heapBytes?: number;
  /**
   * Chunks inside the blocks the template holds taken and zeroed (zeroFreeMemory) that it left as a
   * fresh instance has them: nothing can write there (no one has the blocks), so a template made from
   * this one need not read them (withScript).
   */
  idle: Set<number>;
}

/** One board's QuickJS: its WebAssembly instance and raw host-call binding. */
export interface BoardInstance {
  module: QuickJSAsyncWASMModule;
  raw: RawHostCalls;
  /** Asyncify's buffer, once the board's heap sets one aside. */
  suspend: SuspendBlock;
  direct: DirectCalls;
}

/** The engine's helpers, bound first in every instance (template and board: the same ids). */
export const NATIVES: GuestHost = {
  functionNames: Object.keys(NATIVE_HELPERS),
  call: (name, args) => (NATIVE_HELPERS[name] as (...a: readonly HostValue[]) => HostValue)(...args),
};

/** A board's helpers: the template's, and what its own heap says. */
export function nativesOf(heap: BoardHeap): GuestHost {
  return {
    functionNames: NATIVES.functionNames,
    call: (name, args) => (name === "allocationFailed" ? heap.takeFailure() : NATIVES.call(name, args)),
  };
}

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type WasmImports = Record<string, Record<string, unknown>>;
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
// Node has WebAssembly at run time; @types/node only declares its types, not the values.
const { compile, Instance, Memory } = (globalThis as unknown as {
  WebAssembly: {
    compile(bytes: Uint8Array): Promise<WebAssembly.Module>;
    Instance: new (module: WebAssembly.Module, imports: WasmImports) => WasmInstance;
    Memory: new (size: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  };
}).WebAssembly;

type Emscripten = ConstructorParameters<typeof QuickJSAsyncWASMModule>[0];
/** The build's emscripten module factory (ESM: a function), with the options used here. */
type ModuleLoader = (options: {
  wasmMemory: WasmMemory;
  instantiateWasm(imports: WasmImports, receive: (instance: WasmInstance) => void): WasmInstance["exports"];
}) => Promise<Emscripten>;
type AsyncFfi = Awaited<ReturnType<typeof RELEASE_ASYNC.importFFI>>;

let build: Promise<{ wasm: WebAssembly.Module; layout: Layout; loader: ModuleLoader; Ffi: AsyncFfi; names: ExportNames }> | undefined;
/**
 * QuickJS's WebAssembly, compiled once per process (each board instantiates its own copy), and
 * the build's emscripten loader and FFI class, imported once (quickjs-emscripten's
 * `newQuickJSAsyncWASMModuleFromVariant` imports them again for every instance), and the
 * export names of its C functions, read from the loader (direct-calls.ts). The module has only
 * the exports something calls (wasm-exports.ts): each one costs every board's instance.
 */
function quickJsBuild() {
  return (build ??= (async () => {
    // Baseline (Liftoff) code only: V8's optimising tier-up of the asyncified interpreter blocked the
    // event loop for 0.3-1.3 s after start, which delayed Ctrl-C and sockets; Liftoff-only is also
    // faster for runs this short (docs/reliability.md, "Ctrl-C latency").
    setFlagsFromString("--liftoff-only");
    const require = createRequire(import.meta.url);
    const small = smallMemoryWasm(await readFile(require.resolve("@jitl/quickjs-wasmfile-release-asyncify/wasm")));
    // The CommonJS build of the loader: the ES module one runs `await import("node:module")` in every
    // instance, a trip through the ES module loader (and its hooks' thread under tsx) per board.
    const loaderFile = require.resolve("@jitl/quickjs-wasmfile-release-asyncify/emscripten-module");
    const loader = require(loaderFile) as ModuleLoader;
    const glue = await readFile(loaderFile, "utf8");
    const names = exportNames(glue);
    const budgeted = withMallocBudget(small.bytes, { malloc: names.get("malloc")!, free: names.get("free")! });
    const [wasm, Ffi] = await Promise.all([compile(withoutExports(budgeted, calledExports(glue))), RELEASE_ASYNC.importFFI()]);
    return { wasm, layout: { stackTop: small.stackTop, dataEnd: small.dataEnd }, loader, Ffi, names };
  })());
}

/** An instance's malloc and free as the host calls them (its exports: NULL when full) and its bytes. */
type HeapMalloc = Malloc & { readonly HEAPU8: Uint8Array };

/**
 * A new QuickJS instance: the template's memory starts at what its static data and C stack need, or
 * at `pages`, and grows; a board's has `pages`, for good (board-heap.ts). Shared: see wasm-memory.ts.
 */
async function newInstance(pages?: number, grows = pages === undefined): Promise<BoardInstance & { memory: WasmMemory; layout: Layout; malloc: HeapMalloc; budget: MallocBudget }> {
  const { wasm, layout, loader, Ffi, names } = await quickJsBuild();
  const initial = pages ?? Math.ceil(layout.stackTop / PAGE);
  const memory = new Memory({ initial, maximum: grows ? MAX_PAGES : initial, shared: true });
  const suspend = new SuspendBlock();
  let exports: Record<string, unknown> = {};
  const em = await loader({
    wasmMemory: memory,
    instantiateWasm: (imports, receive) => {
      exports = new Instance(wasm, imports).exports;
      receive({ exports: suspend.around(exports, names) });
      return exports;
    },
  });
  suspend.check(em as unknown as Parameters<SuspendBlock["check"]>[0]);
  checkMalloc(em as unknown as Malloc);
  em.type = "async";
  const module = new QuickJSAsyncWASMModule(em, lazyFfi(Ffi, em));
  const direct = directCalls(exports, names);
  const malloc: HeapMalloc = { _malloc: direct.malloc, _free: direct.free, get HEAPU8() { return em.HEAPU8; } };
  return { module, raw: new RawHostCalls(module, direct), memory, suspend, direct, layout, malloc, budget: mallocBudget(exports) };
}

const snapshots = new Map<string, Promise<Snapshot>>();

/**
 * The snapshot for a board whose `boardInfo` is `info` and whose host has `functionNames`: taken
 * once per process for each such board kind.
 */
export function snapshotFor(info: HostValue, functionNames: readonly string[], library: string): Promise<Snapshot> {
  const key = snapshotKey(info, functionNames);
  let snapshot = snapshots.get(key);
  if (!snapshot) {
    snapshot = takeSnapshot(info, functionNames, library);
    snapshots.set(key, snapshot);
    snapshot.catch(() => snapshots.delete(key));
  }
  return snapshot;
}

/**
 * Per board info object (a board profile's info is one object: modbuiltins.ts), the last key made
 * and the names it was made from: a host may make its own names array (Boards share one, other hosts
 * such as the bench's stand-in do not), and comparing names costs less than hashing the text again.
 */
const lastKeys = new WeakMap<object, { names: readonly string[]; key: string }>();

export function snapshotKey(info: HostValue, names: readonly string[]): string {
  const make = () => shortKey(`${JSON.stringify(info)}\n${names.join(",")}`);
  if (typeof info !== "object" || info === null) return make();
  const last = lastKeys.get(info);
  if (last && last.names.length === names.length && last.names.every((name, i) => name === names[i])) return last.key;
  const key = make();
  lastKeys.set(info, { names, key });
  return key;
}

/**
 * Each key text's short name, given as it is first seen. The text is ≈ 8 KB (a board's tables and
 * host names), and script-snapshots.ts's key for every board began with it: a copy of it made flat
 * and hashed at each lookup, ≈ 9 KB of a fleet board's ≈ 250 KB of JavaScript allocations (N = 100:
 * each 4 KB allocated was a page of V8's young generation touched for the first time).
 */
const shortKeys = new Map<string, string>();

function shortKey(text: string): string {
  let key = shortKeys.get(text);
  if (key === undefined) shortKeys.set(text, (key = `board kind ${shortKeys.size}`));
  return key;
}

/**
 * A script compiled into a template as the module `file` (script-snapshots.ts), its `config`
 * module reading `__modules.config` (set by the board before it runs the script) with `configKeys`.
 */
export interface TemplateScript {
  code: string;
  file: string;
  configKeys: readonly string[];
}

/** The source of guest module `name` (each board's `__modules` object), undefined for an unknown name. */
export function guestModuleSource(name: string, exports: Record<string, string[]>): string | undefined {
  const keys = exports[name];
  return keys && `const m = globalThis.__modules[${JSON.stringify(name)}]; export default m; export const { ${keys.join(", ")} } = m;`;
}

async function takeSnapshot(info: HostValue, functionNames: readonly string[], library: string): Promise<Snapshot> {
  const { module, raw, memory, layout, malloc } = await newInstance();
  fresh ??= freshChunks(new Uint8Array(memory.buffer), layout);
  const ctx = module.newContext();
  gcFields ??= findGcFields(module, ctx);
  const open = () => true;
  const hostError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));
  // The library's only host call while it starts is boardInfo (guest/host.ts).
  const template: GuestHost = {
    functionNames,
    call: (name) => {
      if (name === "boardInfo") return info;
      throw new Error(`boardsim: the guest library called ${name} while it started`);
    },
  };
  raw.install(ctx, "__native", NATIVES, open, hostError);
  raw.install(ctx, "__host", template, open, hostError);
  stripFlagsOffset ??= findStripFlags(module, ctx);
  withoutSource(module, ctx, stripFlagsOffset, () => ctx.unwrapResult(ctx.evalCode(library, GUEST_LIBRARY_FILE)).dispose());
  const exports = ctx
    .unwrapResult(ctx.evalCode("Object.fromEntries(Object.entries(__modules).map(([k, v]) => [k, Object.keys(v)]))"))
    .consume((h) => ctx.dump(h) as Record<string, string[]>);
  randomStateOffset ??= findRandomState(module, ctx);
  const held = zeroFreeMemory(malloc, memory, "held");

  const internals = internalsOf(module, ctx);
  // The template instance is dropped here, its context never freed: the snapshot holds it.
  return capture(memory, layout, internals.rt, internals.ctx, exports, { held });
}

/**
 * A template's memory as a snapshot: what differs from a fresh instance's memory, not reading the
 * `idle` chunks of its base, if any. `held`: the blocks zeroFreeMemory took, for the snapshot's own idle chunks.
 */
function capture(memory: WasmMemory, layout: Layout, rt: number, ctx: number, exports: Record<string, string[]>, more: { held?: [number, number][]; idle?: Set<number>; scriptBytes?: number; heapBytes?: number }): Snapshot {
  const heap = new Uint8Array(memory.buffer);
  const ranges: [number, number][] = [];
  const changed = changedChunks(heap, layout, more.idle);
  for (const chunk of changed) {
    const last = ranges.at(-1);
    if (last && last[1] === chunk * CHUNK) last[1] += CHUNK;
    else ranges.push([chunk * CHUNK, (chunk + 1) * CHUNK]);
  }
  const bytes = new Uint8Array(ranges.reduce((sum, [start, end]) => sum + end - start, 0));
  let at = 0;
  for (const [start, end] of ranges) {
    bytes.set(heap.subarray(start, end), at);
    at += end - start;
  }
  const idle = new Set<number>();
  for (const [ptr, size] of more.held ?? []) for (let chunk = Math.ceil(ptr / CHUNK); (chunk + 1) * CHUNK <= ptr + size; chunk++) idle.add(chunk);
  for (const chunk of changed) idle.delete(chunk);
  return { pages: memory.buffer.byteLength / PAGE, ranges, bytes, rt, ctx, exports, fills: new Map(), scriptBytes: more.scriptBytes, heapBytes: more.heapBytes, idle };
}

/**
 * `base` with `script` compiled into it (script-snapshots.ts): a template restored from `base`, the
 * script compiled there, taken again. Costs a copy and the compile, not the library's boot again.
 * Compiled in a memory of the size a board with a heap of `heapBytes` has, as that board compiles
 * it when it has no template (restore): the same malloc layout, so the same bytes (in a larger
 * memory, chunks split otherwise and the count differed by 8-16 bytes, one small block of heap).
 */
export async function withScript(base: Snapshot, script: TemplateScript, heapBytes: number): Promise<Snapshot | undefined> {
  const { module, memory, layout, malloc } = await newInstance(BoardHeap.pages(base.pages, heapBytes));
  fresh ??= freshChunks(new Uint8Array(memory.buffer), layout);
  copySnapshot(base, new Uint8Array(memory.buffer));
  const ctx = wrap(module, base.rt, base.ctx);
  const scriptBytes = compiledBytes(malloc, memory, ctx, script, base.exports, heapBytes);
  if (scriptBytes === undefined) return undefined;
  zeroFreeMemory(malloc, memory, "free");
  return capture(memory, layout, base.rt, base.ctx, base.exports, { idle: base.idle, scriptBytes, heapBytes });
}

function copySnapshot(snapshot: Snapshot, memory: Uint8Array): void {
  let at = 0;
  for (const [start, end] of snapshot.ranges) {
    memory.set(snapshot.bytes.subarray(at, at + end - start), start);
    at += end - start;
  }
}

/**
 * The wrapper module that imports the script: compiling it in the template compiles the script and
 * the modules it imports, none of them run; a board runs the script by running one more.
 */
export const RUN_FILE = "boardsim:run";

/**
 * Compiles `script` in the template, without running it: QuickJS compiles and resolves a module's
 * imports at once, and runs it only when a module importing it runs (quickjs.c, __JS_evalInternal:
 * js_resolve_module before JS_EVAL_FLAG_COMPILE_ONLY returns). Returns the bytes it took; throws
 * if it does not compile (the board then compiles it and reports the error as it always did).
 * The bytes count against a board's heap as if the board had compiled the script, less one
 * wrapper (a second one, the same, measures it; the board compiles its own to run the script).
 */
function compileInto(em: HeapMalloc, memory: WasmMemory, ctx: QuickJSAsyncContext, script: TemplateScript, exports: Record<string, string[]>): number {
  const before = usedBytes(em, memory);
  ctx.runtime.setModuleLoader((name) => {
    if (name === script.file) return script.code;
    if (name === "config") return `const m = globalThis.__modules.config; export default m; export const { ${script.configKeys.join(", ")} } = m;`;
    return guestModuleSource(name, exports) ?? { error: new Error(`no module named '${name}'`) };
  });
  const compile = () => ctx.unwrapResult(ctx.evalCode(`import ${JSON.stringify(script.file)};`, RUN_FILE, { type: "module", compileOnly: true })).dispose();
  try {
    compile();
    const compiled = usedBytes(em, memory);
    compile();
    return Math.max(0, compiled - before - (usedBytes(em, memory) - compiled));
  } finally {
    ctx.runtime.removeModuleLoader();
  }
}

/**
 * The template's memory in use: its size less malloc's free chunks (taken to count them, then
 * freed). A chunk's size is in the word before the block, its low 3 bits flags (dlmalloc, the
 * build's malloc: `head`), so the count is exact, malloc's headers included.
 */
function usedBytes(em: HeapMalloc, memory: WasmMemory): number {
  const blocks = takeAllFree(em, memory);
  const heads = new Uint32Array(em.HEAPU8.buffer);
  const free = blocks.reduce((sum, [ptr]) => sum + (heads[(ptr - 4) >> 2]! & ~7), 0);
  for (const [ptr] of blocks) em._free(ptr);
  return memory.buffer.byteLength - free;
}

/**
 * Zeroes the template's free malloc memory and keeps it taken: compiling the library leaves freed
 * blocks full of garbage, which every board would copy and keep resident for nothing. Each free
 * block is taken (the memory may not grow meanwhile; large ones whole, so few of malloc's headers)
 * and zeroed, and stays taken in every board: pages of zeros are not copied. The free memory above
 * the template's last object (malloc's top chunk, up to the memory's end) is one block: kept taken
 * in a guest library's template (`top` "held": a board's heap lies above it, and a template made
 * from it need not read it, Snapshot.idle), given back in a template with a script ("free": its
 * boards lay out their heap there, BoardHeap.reserve). takeFree had taken it in pieces (103, 52,
 * 27, 14 and 2 pages above the guest library), and each piece's head was a page of its own that
 * every board copied.
 */
function zeroFreeMemory(em: HeapMalloc, memory: WasmMemory, top: "held" | "free"): [number, number][] {
  const taken = takeAllFree(em, memory);
  for (const [ptr, size] of taken) em.HEAPU8.fill(0, ptr, ptr + size);
  const { held, start } = giveBackTop(em, taken);
  if (top === "free" || start === undefined) return held;
  // The block ends 8 bytes into the top chunk's last page, where a template made from this one puts
  // its first objects (their head before them): no page of malloc's heads alone. A request of 4
  // less than a multiple of 8 has a chunk of exactly that size.
  const end = start + chunkSize(em, start);
  let blockEnd = Math.floor(end / CHUNK) * CHUNK + 8;
  if (blockEnd > end - 16) blockEnd -= CHUNK;
  const bytes = blockEnd - start - 4;
  if (bytes < CHUNK) return held;
  const ptr = em._malloc(bytes);
  if (ptr === start + 8) return [...held, [ptr, bytes]];
  if (ptr !== 0) em._free(ptr);
  return held;
}

/** The size of malloc's chunk at `start` (a block's chunk starts 8 bytes before it), from its head word. */
function chunkSize(em: HeapMalloc, start: number): number {
  return new Uint32Array(em.HEAPU8.buffer)[(start + 4) >> 2]! & ~7;
}

/**
 * The blocks of `taken` that reach up to malloc's top chunk (the memory's end) given back, highest
 * first, so that the free memory above the template's last object is one free chunk again (it
 * starts at `start`); the blocks still held are returned. The heads the merged blocks leave in its
 * bytes are zeroed.
 */
function giveBackTop(em: HeapMalloc, taken: [number, number][]): { held: [number, number][]; start?: number } {
  const size = (start: number) => chunkSize(em, start);
  const byAddress = [...taken].sort(([a], [b]) => b - a);
  // The top chunk left after takeFree, smaller than a block: it must end at the memory's end (its foot).
  const highest = byAddress[0] && byAddress[0][0] - 8;
  let above = highest === undefined ? -1 : highest + size(highest);
  if (above < 0 || above + size(above) < em.HEAPU8.byteLength - TOP_FOOT_ROOM) return { held: byAddress };
  let given = 0;
  for (const [ptr] of byAddress) {
    if (ptr - 8 + size(ptr - 8) !== above) break;
    em._free(ptr);
    above = ptr - 8;
    given++;
  }
  if (given === 0) return { held: byAddress };
  em.HEAPU8.fill(0, above + 8, above + size(above));
  return { held: byAddress.slice(given), start: above };
}

/** How far below the memory's end malloc's top chunk may end (its foot, TOP_FOOT_SIZE in dlmalloc: 40 bytes in this build). */
const TOP_FOOT_ROOM = 64;

/** What a template's memory throws when asked to grow while its free blocks are taken: made once (emscripten drops it). */
const TEMPLATE_FULL = new RangeError("the template's memory is full");

/** Every free block of a template's malloc (board-heap.ts, takeFree), the memory not allowed to grow meanwhile. */
function takeAllFree(em: Malloc, memory: WasmMemory): [number, number][] {
  Object.defineProperty(memory, "grow", {
    configurable: true,
    value: () => {
      throw TEMPLATE_FULL;
    },
  });
  try {
    return takeFree(em, memory.buffer.byteLength);
  } finally {
    delete (memory as { grow?: unknown }).grow;
  }
}

/**
 * Where a template's memory can differ from a fresh instance's, as [first, end) chunk indexes: the
 * statics below the C stack and the heap above it. The 5 MiB stack between is dead when a snapshot
 * is taken (no call is in progress), and it is not read: reading a page no one touched is a page
 * fault too (≈ 12 µs each on the bench's VM), and copying and comparing every page of a 7.8 MB
 * template took ≈ 3,800 of them, 45-170 ms per template (the two scripts of a fleet's first boards:
 * ≈ 1-3 ms per board of a fleet of 100). The zeroed statics (bss) follow the data segments: a
 * fresh instance writes them up to 3 KiB past the segments' end; STATICS_ROOM past it is compared.
 */
export function templateChunks(byteLength: number, layout: Layout): [number, number][] {
  return [
    [0, Math.ceil((layout.dataEnd + STATICS_ROOM) / CHUNK)],
    [Math.floor(layout.stackTop / CHUNK), byteLength / CHUNK],
  ];
}

/**
 * A fresh instance's memory where a template can change it (templateChunks), the chunks that are not
 * zero; zeros past its end. Read once per process: every fresh instance holds the same (start-up
 * writes the same statics and malloc state; restore relies on that too, copying only what differs).
 */
let fresh: Map<number, Uint8Array> | undefined;

function freshChunks(memory: Uint8Array, layout: Layout): Map<number, Uint8Array> {
  const chunks = new Map<number, Uint8Array>();
  for (const [first, end] of templateChunks(memory.byteLength, layout)) {
    for (let chunk = first; chunk < end; chunk++) {
      const bytes = memory.subarray(chunk * CHUNK, (chunk + 1) * CHUNK);
      if (Buffer.compare(bytes, ZERO_CHUNK) !== 0) chunks.set(chunk, bytes.slice());
    }
  }
  return chunks;
}

/** Indexes of the chunks of `heap` that differ from a fresh instance's, but for `idle` ones (not read). */
function changedChunks(heap: Uint8Array, layout: Layout, idle?: Set<number>): number[] {
  const found: number[] = [];
  // Buffer.compare is memcmp: a word loop in JavaScript took 14-17 ms over a 7.8 MB template.
  for (const [first, end] of templateChunks(heap.byteLength, layout)) {
    for (let chunk = first; chunk < end; chunk++) {
      if (idle?.has(chunk)) continue;
      if (Buffer.compare(heap.subarray(chunk * CHUNK, (chunk + 1) * CHUNK), fresh!.get(chunk) ?? ZERO_CHUNK) !== 0) found.push(chunk);
    }
  }
  return found;
}

/** A board's instance, ready to run (restore). `scriptBytes`: its script is compiled in, and took these bytes of its heap. */
export type RestoredBoard = BoardInstance & { ctx: QuickJSAsyncContext; heap: BoardHeap; scriptBytes?: number };

/**
 * A board's instance with the snapshot's runtime and context in it, as its own objects, and
 * `heapBytes` free for the script. `script`, for a snapshot without it: compiled in the instance
 * before the heap is set aside, as its template compiles it (withScript), so that the board
 * holds the same heap as the boards started from that template, to the block. Undefined when that
 * script is not compiled in: it did not compile, or took the whole heap (the caller then restores
 * a fresh instance, where the board compiles the script and reports why). Such an instance is not
 * one to set a heap aside in: a compile that failed at a full memory left it as it was then (an
 * ESP8266 compiling 71 KB of script ended in "the board's memory has no room for its heap").
 */
export async function restore(snapshot: Snapshot, heapBytes: number): Promise<RestoredBoard>;
export async function restore(snapshot: Snapshot, heapBytes: number, script: TemplateScript): Promise<RestoredBoard | undefined>;
export async function restore(snapshot: Snapshot, heapBytes: number, script?: TemplateScript): Promise<RestoredBoard | undefined> {
  const compiling = script !== undefined && snapshot.scriptBytes === undefined;
  // A template with the script was made in the memory of a board with this heap, its free memory
  // above the script one chunk (zeroFreeMemory): a board's memory is the same, its heap laid out
  // there (BoardHeap.reserve). Where that does not fit, in a memory one heap larger, as before.
  const atTop = snapshot.heapBytes === heapBytes && !compiling;
  const instance = await newInstance(atTop ? snapshot.pages : BoardHeap.pages(snapshot.pages, heapBytes));
  const memory = new Uint8Array(instance.memory.buffer);
  copySnapshot(snapshot, memory);
  seedRandom(memory, snapshot.ctx);
  const ctx = wrap(instance.module, snapshot.rt, snapshot.ctx);
  const scriptBytes = compiling ? compiledBytes(instance.malloc, instance.memory, ctx, script, snapshot.exports, heapBytes) : snapshot.scriptBytes;
  if (compiling && scriptBytes === undefined) return undefined;
  const heap = new BoardHeap(instance.malloc, instance.memory, {
    size: snapshot.rt + gcFields!.size,
    threshold: snapshot.rt + gcFields!.threshold,
  }, instance.suspend, instance.budget);
  // The fills counted are for the snapshot's memory as it is: a script compiled here changes it.
  let fills: readonly number[];
  try {
    fills = heap.reserve(heapBytes, compiling ? undefined : snapshot.fills.get(heapBytes), scriptBytes, atTop);
  } catch (error) {
    if (!atTop || !(error instanceof NoRoomForHeap)) throw error;
    snapshot.heapBytes = undefined;
    return restore(snapshot, heapBytes);
  }
  if (!compiling) snapshot.fills.set(heapBytes, fills);
  instance.raw.heap = heap;
  return { ...instance, ctx, heap, scriptBytes };
}

/**
 * compileInto's bytes, or undefined when the script does not compile or leaves no room in a heap of
 * `heapBytes`: the board then compiles it as it runs it, and reports the failure on its own board.
 * The one check of a compiled script's size, for a board's own compile and for a template's.
 */
function compiledBytes(em: HeapMalloc, memory: WasmMemory, ctx: QuickJSAsyncContext, script: TemplateScript, exports: Record<string, string[]>, heapBytes: number): number | undefined {
  try {
    const bytes = compileInto(em, memory, ctx, script, exports);
    return bytes < BoardHeap.room(heapBytes) ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/** quickjs-emscripten's runtime and context objects around existing pointers, as its `newContext` makes them. */
function wrap(module: QuickJSAsyncWASMModule, rtPtr: number, ctxPtr: number): QuickJSAsyncContext {
  type Args = ConstructorParameters<typeof QuickJSAsyncRuntime>[0];
  const { module: em, ffi, callbacks } = module as unknown as Args;
  const rt = new Lifetime(rtPtr as Args["rt"]["value"], undefined, (ptr) => {
    callbacks.deleteRuntime(ptr);
    ffi.QTS_FreeRuntime(ptr);
  });
  const runtime = new QuickJSAsyncRuntime({ module: em, ffi, rt, callbacks });
  const contexts = (runtime as unknown as { contextMap: Map<number, QuickJSAsyncContext> }).contextMap;
  const ctx = new Lifetime(ctxPtr as ReturnType<typeof ffi.QTS_NewContext>, undefined, (ptr) => {
    contexts.delete(ptr);
    callbacks.deleteContext(ptr);
    ffi.QTS_FreeContext(ptr);
  });
  const context = new QuickJSAsyncContext({ module: em, ctx, ffi, rt, ownedLifetimes: [runtime], runtime, callbacks });
  contexts.set(ctxPtr, context);
  runtime.context = context;
  return context;
}

/** The template's memory and its runtime's and context's addresses: quickjs-emscripten's private fields, read by the searches below. */
function internalsOf(module: QuickJSAsyncWASMModule, ctx: QuickJSAsyncContext): { em: { HEAPU8: Uint8Array }; rt: number; ctx: number } {
  const handles = ctx as unknown as { ctx: { value: number }; rt: { value: number } };
  return { em: (module as unknown as { module: { HEAPU8: Uint8Array } }).module, rt: handles.rt.value, ctx: handles.ctx.value };
}

/**
 * Where QuickJS keeps, in its JSRuntime, `malloc_state.malloc_size` (what it counts as allocated:
 * 8 bytes a block in this build, board-heap.ts) and `malloc_gc_threshold` (a collection runs when
 * an object is made and the count passes it: quickjs.c js_trigger_gc), as offsets from the
 * runtime's address. Found once, on the template's fresh runtime: the memory limit is set to a
 * marker and found (malloc_size is the word before it and is 8 × malloc_count, the word before
 * that), and the threshold is the one word after it holding its start value, 256 KiB.
 */
let gcFields: { size: number; threshold: number } | undefined;
const LIMIT_MARKER = 0x7abcdef1;
const GC_THRESHOLD_START = 256 * 1024;
const RUNTIME_SEARCH_WORDS = 64;

function findGcFields(module: QuickJSAsyncWASMModule, ctx: QuickJSAsyncContext): { size: number; threshold: number } {
  const { em, rt } = internalsOf(module, ctx);
  const words = () => new Int32Array(em.HEAPU8.buffer, rt, RUNTIME_SEARCH_WORDS);
  ctx.runtime.setMemoryLimit(LIMIT_MARKER);
  const limit = words().indexOf(LIMIT_MARKER);
  ctx.runtime.setMemoryLimit(-1);
  const runtime = words();
  const thresholds = [...runtime.keys()].filter((i) => i > limit && runtime[i] === GC_THRESHOLD_START);
  if (limit < 2 || runtime[limit - 1] !== 8 * runtime[limit - 2]! || runtime[limit - 1] === 0 || thresholds.length !== 1) {
    throw new Error("boardsim: unsupported quickjs-emscripten build (malloc state)");
  }
  return { size: (limit - 1) * 4, threshold: thresholds[0]! * 4 };
}

/**
 * The library's functions without their source text. QuickJS keeps each function's source for
 * Function.prototype.toString unless its runtime's `strip_flags` says otherwise (quickjs.c at the
 * pinned build's f1139494, js_parse_function_decl2: `if (!fd->strip_source) fd->source =
 * js_strndup(...)`, lines 36302 and 36331), and a nested function's text is inside its parent's:
 * the library's bundle (one function around all of it) was kept once whole and again in pieces,
 * ≈ 40 KB of the template that every board copied (≈ 10 of its ≈ 88 pages). Without it a library
 * function reads as a built-in one, `function print() { [native code] }` (js_function_toString),
 * not the library's internals. JS_SetStripInfo, which sets the flags, is not exported by the build,
 * so the flags' byte is found once (findStripFlags) and set around the library's compile only: a
 * script's own functions keep their text.
 */
let stripFlagsOffset: number | undefined;
/** quickjs.h: JS_STRIP_SOURCE. */
const STRIP_SOURCE = 1;

function withoutSource(module: QuickJSAsyncWASMModule, ctx: QuickJSAsyncContext, offset: number, compile: () => void): void {
  const { em, rt } = internalsOf(module, ctx);
  const at = rt + offset;
  em.HEAPU8[at] = STRIP_SOURCE;
  try {
    compile();
  } finally {
    em.HEAPU8[at] = 0;
  }
}

/**
 * The offset of `strip_flags` in JSRuntime (quickjs.c, struct JSRuntime, lines 297-305): a byte
 * after the SharedArrayBuffer functions (four pointers, all NULL here) and before the shape hash
 * table's `shape_hash_bits`, `shape_hash_size` (1 << bits), `shape_hash_count` (at most the size)
 * and `shape_hash` (a pointer). Checked on a function compiled with the flag set: its text is gone.
 */
function findStripFlags(module: QuickJSAsyncWASMModule, ctx: QuickJSAsyncContext): number {
  const { em, rt } = internalsOf(module, ctx);
  const words = new Int32Array(em.HEAPU8.buffer, rt, 2 * RUNTIME_SEARCH_WORDS);
  const found: number[] = [];
  for (let i = 5; i + 3 < words.length; i++) {
    const bits = words[i]!;
    const table = bits >= 4 && bits < 31 && words[i + 1] === 1 << bits && words[i + 2]! >= 0 && words[i + 2]! <= words[i + 1]! && words[i + 3] !== 0;
    if (table && words.subarray(i - 5, i).every((word) => word === 0)) found.push((i - 1) * 4);
  }
  let text = "";
  if (found.length === 1) withoutSource(module, ctx, found[0]!, () => (text = ctx.unwrapResult(ctx.evalCode("(function stripped() { return 1; }).toString()")).consume((h) => ctx.getString(h))));
  if (!text.includes("[native code]")) throw new Error("boardsim: unsupported quickjs-emscripten build (strip flags)");
  return found[0]!;
}

/**
 * Math.random: QuickJS keeps a xorshift64* state per context (`random_state`, seeded from the
 * clock in JS_NewContext, quickjs.c js_random_init), which the snapshot would give every board.
 * Its offset in JSContext is found once, on the template: the word whose xorshift64* step
 * predicts the value Math.random() returns and becomes the state it leaves.
 */
let randomStateOffset: number | undefined;
const SEARCH_BYTES = 2048;
const MASK64 = (1n << 64n) - 1n;

function xorshift64(x: bigint): bigint {
  x ^= x >> 12n;
  x ^= (x << 25n) & MASK64;
  x ^= x >> 27n;
  return x;
}

function findRandomState(module: QuickJSAsyncWASMModule, ctx: QuickJSAsyncContext): number {
  const { em, ctx: ctxPtr } = internalsOf(module, ctx);
  const view = () => new DataView(em.HEAPU8.buffer, ctxPtr, SEARCH_BYTES);
  const before = view();
  const states = Array.from({ length: SEARCH_BYTES / 8 }, (_, i) => before.getBigUint64(i * 8, true));
  const value = ctx.unwrapResult(ctx.evalCode("Math.random()")).consume((h) => ctx.getNumber(h));
  const after = view();
  const offset = states.findIndex((state, i) => {
    if (state === 0n) return false;
    const next = xorshift64(state);
    const bits = ((next * 0x2545f4914f6cdd1dn) & MASK64) >> 12n;
    return after.getBigUint64(i * 8, true) === next && Number(bits) / 2 ** 52 === value;
  });
  if (offset < 0) throw new Error("boardsim: unsupported quickjs-emscripten build (Math.random state)");
  return offset * 8;
}

/**
 * A fresh random, non-zero xorshift64* state for the board's context. From the host's Math.random:
 * a script's Math.random is no better on the board either (QuickJS seeds it from the clock).
 */
function seedRandom(heap: Uint8Array, ctxPtr: number): void {
  const view = new DataView(heap.buffer);
  const at = ctxPtr + randomStateOffset!;
  view.setUint32(at, Math.random() * 2 ** 32, true);
  view.setUint32(at + 4, Math.random() * 2 ** 32 || 1, true);
}
