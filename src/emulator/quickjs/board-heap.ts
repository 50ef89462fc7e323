/**
 * The board's heap inside its QuickJS instance (issue 14). QuickJS's own memory limit cannot be
 * it in this build: under Emscripten its js_def_malloc_usable_size returns 0 (quickjs.c, bellard
 * 2025-09-13, `#elif defined(EMSCRIPTEN) return 0;`), so the runtime counts every block as its
 * 8-byte MALLOC_OVERHEAD whatever its size; the limit stopped only a single allocation larger
 * than the whole heap, and an ESP8266 script (37 KB heap) held 27 MB in 8 KiB Uint8Arrays.
 *
 * So the limit is malloc's own. The board's WebAssembly memory has a fixed size (it cannot grow),
 * and once the snapshot is in it every free byte is taken except one block of the board's heap
 * size, which is then let go: whatever the guest allocates (QuickJS's objects, array buffers,
 * strings, the host's answers in raw-ffi.ts) comes out of that block, and past it malloc fails
 * and QuickJS raises its out-of-memory error, which the guest library turns into MemoryError.
 * Two blocks are kept aside for the host: asyncify's buffer for a suspended host call (held for the
 * run: suspend-block.ts), and a spare the host lets go to raise MemoryError in a full heap.
 */
import { GuestException } from "../host-api.ts";
import type { MallocBudget } from "./malloc-budget.ts";
import type { SuspendBlock } from "./suspend-block.ts";

export const PAGE = 65536;
/** Asyncify's buffer: the glue asks for 12 + its data size (at most ASYNCIFY_STACK_SIZE, 81,920 bytes) at each suspension. */
const SUSPEND_BYTES = 12 + 81_920;
/** Enough for the host's error object and the guest library's exception made from it. */
const SPARE_BYTES = 4096;
/** Free blocks from this size up are each taken whole (takeFree). */
const WHOLE_FROM = 4096;
/** Below it, the sizes the rest is taken in, largest first: the last (1 byte) takes malloc's smallest chunk. */
const SMALL_SIZES = [2048, 256, 16, 1];
/**
 * QuickJS's objects and bytecode take more room than MicroPython's: the same WiFi-and-sockets
 * script left a 25,000-byte block free on the .py ESP8266 and 10,351 on the TS one with the same
 * heap (UNVERIFIED beyond that script). So a TS board gets its heap × 1.5, for a script to hold
 * about what the .py one holds on the board.
 */
const QUICKJS_ROOM = 1.5;
/** QuickJS counts a block as 8 bytes here (MALLOC_OVERHEAD); a collection comes after heap / 256 new blocks (ESP8266: ~150). */
const COUNTED_BLOCK_BYTES = 8;
const GC_HEAP_FRACTION = 256;
/**
 * And a collection each time the heap has grown by room / GROWTH_FRACTION bytes (malloc-budget.ts):
 * the garbage made between two collections is then at most that (and what the next object's
 * creation allocates), which a heap with room to spare holds, as MicroPython's collect-and-retry
 * would. A heap fuller than that still raises MemoryError where the firmware would collect first.
 */
const GROWTH_FRACTION = 4;

export interface Malloc {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

/**
 * Takes every free block of a memory of `limit` bytes that refuses to grow: their addresses and
 * sizes. Each free block of WHOLE_FROM bytes or more is taken whole, largest first (the largest
 * request malloc grants, found by halving: dlmalloc hands out a block whole when what is left of it
 * would be smaller than a block header), then the rest in SMALL_SIZES. Taken in fixed sizes, a large
 * block was cut in a dozen pieces, each with a header on a page nothing else used; in a template
 * those pages were copied into every board (a page fault each), in a board they were touched.
 * `granted` gets every malloc that succeeded, in order, as its size (kept) or minus its size (a
 * probe, freed at once): replayFree repeats them in a memory in the same state.
 */
export function takeFree(em: Malloc, limit: number, granted: number[] = []): [number, number][] {
  const blocks: [number, number][] = [];
  const take = (ptr: number, size: number) => {
    blocks.push([ptr, size]);
    granted.push(size);
  };
  for (let size = limit; size >= WHOLE_FROM; ) {
    if (!grants(em, size, granted)) size = largestGrant(em, size, granted);
    if (size < WHOLE_FROM) break;
    take(em._malloc(size), size);
  }
  for (const size of SMALL_SIZES) for (let ptr = em._malloc(size); ptr !== 0; ptr = em._malloc(size)) take(ptr, size);
  return blocks;
}

/** Whether malloc grants `size` bytes now: the block is freed at once, and recorded in `granted` as a probe (minus its size). */
function grants(em: Malloc, size: number, granted: number[]): boolean {
  const ptr = em._malloc(size);
  if (ptr !== 0) {
    em._free(ptr);
    granted.push(-size);
  }
  return ptr !== 0;
}

/** The largest request below `denied` that malloc grants now (0 if none), found by halving; the granted probes recorded in `granted`. */
function largestGrant(em: Malloc, denied: number, granted: number[]): number {
  let size = 0;
  while (denied - size > 1) {
    const middle = Math.floor((size + denied) / 2);
    if (grants(em, middle, granted)) size = middle;
    else denied = middle;
  }
  return size;
}

/**
 * Repeats what reserve's first board did, `granted` (its layout, then takeFree), without its failed
 * mallocs (each made emscripten try to grow the memory three times). The probes are repeated too:
 * the first one granted is what moved malloc's break up to the memory's end (a request near the end
 * fails until then, dlmalloc asking the system for whole 64 KiB steps). Returns the blocks kept, in
 * order, or undefined if a malloc failed: not a memory in that state.
 */
function replayFree(em: Malloc, granted: readonly number[]): number[] | undefined {
  const kept: number[] = [];
  for (const size of granted) {
    const ptr = em._malloc(Math.abs(size));
    if (ptr === 0) return undefined;
    if (size < 0) em._free(ptr);
    else kept.push(ptr);
  }
  return kept;
}

/**
 * dlmalloc's chunk for a request of `bytes` in this build (32-bit, no footers): the request and its
 * 4-byte head, in 8-byte steps, at least 16 bytes (malloc.c: pad_request, MIN_CHUNK_SIZE).
 */
function chunkBytes(bytes: number): number {
  return Math.max(16, (bytes + 4 + 7) & ~7);
}

/**
 * The host's blocks and the heap, from the free memory's start up: the spare, asyncify's buffer, the
 * heap's block (`heapSize` bytes), a 1-byte block after it, as far up as the memory reaches. Returns
 * the first three, or undefined if they do not fit so; every malloc is recorded in `granted`
 * (replayFree). Only where the blocks lie changes (the heap is one free block of the same size as
 * before, between blocks held): each block's head is on a page a board touches anyway. The spare's
 * is on the last page of the snapshot (it ends there); asyncify's buffer's is on its first page,
 * where a suspension writes its data; the heap's on the first page the guest allocates in; and the
 * heap ends on the memory's last page, where malloc keeps its top chunk's foot (written as the
 * template's break reached the end). Laid out as malloc hands them (a fill after the heap, the
 * leftover taken at the memory's end), in a memory one heap larger than the template's, the heads
 * fell on 8 pages touched for nothing else, ≈ 8 page faults per board (≈ 15 µs each on the bench's
 * VM). Asyncify's block takes what the others leave: it is never touched past its data.
 */
function layOut(em: Malloc & { HEAPU8: Uint8Array }, heapSize: number, granted: number[]): number[] | undefined {
  const malloc = (bytes: number) => {
    const ptr = em._malloc(bytes);
    if (ptr !== 0) granted.push(bytes);
    return ptr;
  };
  const spare = malloc(SPARE_BYTES);
  // Only the largest probe is kept for replayFree (it moved malloc's break as far as any did): each
  // probe leaves the top chunk's head where it ended, on a page of its own (4 more per board).
  const largest = largestGrant(em, em.HEAPU8.byteLength, []);
  // A request 4 bytes short of a multiple of 8 has a chunk of exactly that size: the heap's block
  // and the last one then fill what is left of the largest chunk malloc grants.
  const suspendBytes = chunkBytes(largest) - chunkBytes(heapSize) - chunkBytes(1) - 4;
  if (spare === 0 || suspendBytes < SUSPEND_BYTES) return undefined;
  granted.push(-largest);
  const suspendBlock = malloc(suspendBytes);
  const heap = malloc(heapSize);
  malloc(1);
  return suspendBlock === 0 || heap === 0 ? undefined : [spare, suspendBlock, heap];
}

/** The board's memory has no room for its heap and the host's blocks (laid out as asked). */
export class NoRoomForHeap extends Error {
  constructor() {
    super("boardsim: the board's memory has no room for its heap");
  }
}

/**
 * What the memory's `grow` throws: emscripten's resize catches and drops it (and tries up to three
 * sizes per failed malloc), so one error made once spares a stack capture per try; a board's
 * `reserve` alone fails five mallocs on purpose.
 */
const HEAP_FULL = new RangeError("the board's heap is full");

/** What an uncaught null stands for when an allocation had just failed (traceback.ts makes it MemoryError). */
export const OUT_OF_MEMORY = { name: "InternalError", message: "out of memory", stack: "" };

/** MicroPython's text when an allocation fails (py/runtime.c v1.23.0, m_malloc_fail, line 1643). */
function memoryError(bytes: number): GuestException {
  return new GuestException("MemoryError", [`memory allocation failed, allocating ${bytes} bytes`]);
}

/**
 * Makes `em`'s `_malloc` throw MemoryError where malloc returns NULL. quickjs-emscripten's own
 * allocations call it (its ModuleMemory: evalCode's source text, a module loader's answer,
 * newString, newArrayBuffer) and write what they asked for without a check (quickjs-emscripten-core
 * 0.32.0, src/memory.ts, newHeapCharPointer): in an instance's memory, which cannot grow, a script
 * longer than the room left was written at address 0, over the build's statics, and the compile
 * then ran on them ("memory access out of bounds", or garbage). The glue's own calls (asyncify's
 * buffer) and the host's (the exports: direct-calls.ts) are not this property and still see NULL.
 */
export function checkMalloc(em: Malloc): void {
  const malloc = em._malloc;
  em._malloc = (bytes) => {
    const ptr = malloc(bytes);
    if (ptr === 0) throw memoryError(bytes);
    return ptr;
  };
}

export class BoardHeap {
  private spare = 0;
  private failed = false;

  /** Memory pages for a snapshot of `snapshotPages` and a heap of `heapBytes` (the rest of the last pages is taken). */
  static pages(snapshotPages: number, heapBytes: number): number {
    return snapshotPages + Math.ceil((BoardHeap.room(heapBytes) + SUSPEND_BYTES + SPARE_BYTES) / PAGE) + 1;
  }

  /** The free bytes a TS script gets for a board heap of `heapBytes`. */
  static room(heapBytes: number): number {
    return Math.round(heapBytes * QUICKJS_ROOM);
  }

  private readonly words: Int32Array;
  private gcEvery = 0;

  /**
   * `memory` was made with its maximum at its initial size: a growth request means malloc found no
   * room. `gc` locates QuickJS's block count and collection threshold (snapshot.ts, findGcFields).
   */
  constructor(
    private readonly em: Malloc & { HEAPU8: Uint8Array },
    memory: object,
    private readonly gc: { size: number; threshold: number },
    private readonly suspend: SuspendBlock,
    private readonly budget: MallocBudget,
  ) {
    this.words = new Int32Array(em.HEAPU8.buffer);
    Object.defineProperty(memory, "grow", {
      value: () => {
        this.failed = true;
        this.words[gc.threshold >> 2] = 0; // a collection at the next object made
        throw HEAP_FULL;
      },
    });
  }

  /**
   * Leaves exactly the room for `heapBytes` free for the guest (and the host's two blocks held).
   * Returns the mallocs it made (layOut's, then takeFree's fill of the rest). `granted`, returned by
   * a board whose memory was the same (same snapshot and heap): makes those again (replayFree).
   * `taken`: bytes of the room the guest already holds in the snapshot (its compiled script).
   * `atTop`: the free memory is one chunk up to the memory's end, malloc's break there (a template
   * with the board's script, in a memory of the same size): the blocks are laid out there (layOut);
   * NoRoomForHeap if they do not fit so. Else they are taken as malloc hands them.
   */
  reserve(heapBytes: number, granted?: readonly number[], taken = 0, atTop = false): readonly number[] {
    // The fill's failed mallocs (takeFree's) ask for a collection at the next object made (the
    // memory's grow): one whole collection of the guest library's objects at every board's boot, for
    // nothing (≈ 0.2-0.3 ms of a 5 ms boot in a fleet). The threshold is put back as it was; pace()
    // then brings it down to the heap's pace, as for a board whose fill had not failed.
    const threshold = this.words[this.gc.threshold >> 2]!;
    let kept: number[];
    if (granted) {
      const replayed = replayFree(this.em, granted);
      if (!replayed) throw new Error("boardsim: the board's memory differs from its snapshot's");
      kept = replayed;
    } else {
      const made: number[] = [];
      const heapSize = Math.max(1, BoardHeap.room(heapBytes) - taken);
      const laid = atTop ? layOut(this.em, heapSize, made) : [SUSPEND_BYTES, SPARE_BYTES, heapSize].map((bytes) => this.em._malloc(bytes));
      if (!laid || laid.includes(0)) throw new NoRoomForHeap();
      if (!atTop) made.push(SUSPEND_BYTES, SPARE_BYTES, heapSize);
      takeFree(this.em, this.em.HEAPU8.byteLength, made);
      kept = laid;
      granted = made;
    }
    this.words[this.gc.threshold >> 2] = threshold;
    const [first, second, heap] = kept as [number, number, number];
    const [spare, suspendBlock] = atTop ? [first, second] : [second, first];
    this.spare = spare;
    this.suspend.hold(suspendBlock, SUSPEND_BYTES);
    this.em._free(heap);
    this.failed = false;
    this.gcEvery = Math.floor(heapBytes / GC_HEAP_FRACTION) * COUNTED_BLOCK_BYTES;
    this.pace();
    this.budget.threshold.value = this.gc.threshold;
    this.budget.budget.value = Math.floor(BoardHeap.room(heapBytes) / GROWTH_FRACTION);
    this.budget.remaining.value = this.budget.budget.value;
    return granted;
  }

  /**
   * Whether the heap has a free block of `bytes` now: one taken and given back, and the heap's
   * state kept as it was either way (a failure reported to no one, no collection asked for, the
   * growth budget as before).
   */
  hasRoom(bytes: number): boolean {
    const { failed } = this;
    const threshold = this.words[this.gc.threshold >> 2]!;
    const remaining = this.budget.remaining.value;
    const ptr = this.em._malloc(bytes);
    if (ptr !== 0) this.em._free(ptr);
    this.failed = failed;
    this.words[this.gc.threshold >> 2] = threshold;
    this.budget.remaining.value = remaining;
    return ptr !== 0;
  }

  /** A block for the host's answer; MemoryError in the guest when the heap has no room for it. */
  allocate(bytes: number): number {
    const ptr = this.em._malloc(bytes);
    if (ptr === 0) throw memoryError(bytes);
    return ptr;
  }

  /**
   * Before the host raises an error in the guest: in a heap too full for the error, the spare
   * makes room. Only then: the spare given to a guest that goes on allocating would be filled.
   */
  roomForError(): void {
    if (this.spare === 0) return;
    const failed = this.failed;
    const room = this.em._malloc(SPARE_BYTES);
    this.failed = failed;
    if (room !== 0) this.em._free(room);
    else this.releaseSpare();
  }

  private releaseSpare(): void {
    if (this.spare === 0) return;
    this.em._free(this.spare);
    this.spare = 0;
  }

  /**
   * At each host call: the next collection is paced, and the spare is taken back once the heap has
   * room for it twice over (the guest keeps the room it was given to handle its MemoryError).
   */
  atHostCall(): void {
    this.pace();
    if (this.spare !== 0) return;
    const failed = this.failed;
    const room = this.em._malloc(2 * SPARE_BYTES);
    if (room !== 0) {
      this.em._free(room);
      this.spare = this.em._malloc(SPARE_BYTES);
    }
    this.failed = failed;
  }

  /**
   * MicroPython collects when an allocation finds no room, then retries it (py/gc.c, gc_alloc);
   * QuickJS frees most garbage at once (reference counts) but collects cycles only when its count
   * of blocks passes a threshold (quickjs.c js_trigger_gc), which it sets to 1.5 × its count after
   * each collection: with the library's thousands of blocks, far more than a board's heap holds. So
   * at each host call (a loop's tick reaches the host every 64 iterations) the next collection is
   * brought to within a fraction of the heap's worth of blocks, and a failed allocation asks for
   * one at once (the script's MemoryError is raised; its retry finds the cycles collected).
   */
  private pace(): void {
    const next = this.words[this.gc.size >> 2]! + this.gcEvery;
    if ((this.words[this.gc.threshold >> 2]! >>> 0) > next) this.words[this.gc.threshold >> 2] = next;
  }

  /** Before the guest suspends: asyncify's buffer is the block kept for it. */
  beforeSuspend(): void {
    this.suspend.arm();
  }

  /**
   * Whether an allocation failed for lack of room since last asked. If one did, the spare is let go:
   * the guest gets room to make its MemoryError and start its catch block (restocked at the next
   * host call that finds room), as MicroPython keeps an emergency exception for a full heap.
   */
  takeFailure(): boolean {
    const failed = this.failed;
    this.failed = false;
    if (failed) this.releaseSpare();
    return failed;
  }
}
