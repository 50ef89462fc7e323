import { MARK_STACK_BYTES, MARK_STACK_ENTRIES, MARK_STACK_WORD } from "./gc-mark-stack.ts";

/**
 * py/gc.c's mark stack, which the worker gives the collector (gc-mark-stack.ts), and whether a
 * collection filled it, counted for the benchmarks and tests (never shown to a script).
 *
 * gc_mark_subtree pushes every unmarked child of a block on the stack; a child found when it is
 * full sets gc_stack_overflow, and gc_deal_with_stack_overflow then scans the whole heap again
 * (py/gc.c v1.27.0 457-527, 549-567): that collection costs ≈ 2× (the .py echo's 0.17-0.20 ms
 * became 0.27-0.34 ms, commit 17b82ca). With the firmware's 64 entries, how deep the marking of
 * the guest library went decided it, and that moved with its objects' hash order (gc-mark-stack.ts);
 * this is the guard of the larger stack. The overflow flag is cleared before the rescan, so it
 * cannot be read after a collection: the stack's last entry is. It is zeroed before each
 * collection, and non-zero after one when the stack was full at some point (it fit exactly, or
 * overflowed).
 */

/**
 * py/mpstate.h (v1.27.0) mp_state_mem_t with MICROPY_GC_SPLIT_HEAP: the first area (8 words), the
 * overflow flag, gc_block_stack[64], gc_area_stack[64], gc_auto_collect_enabled (a uint16_t, padded),
 * gc_alloc_amount, gc_alloc_threshold. Offsets in bytes from the first area.
 */
const STACK_SIZE = 64;
const THRESHOLD = 8 * 4 + 4 + 2 * STACK_SIZE * 4 + 4 + 4;

/** Collections, and those whose mark stack filled: [0] and [1], shared by every board's worker in the process. */
export type CollectionCounts = Int32Array;

const processCounts: CollectionCounts = new Int32Array(new SharedArrayBuffer(8));

/** The counts a new board's worker adds to (engine.ts). */
export function sharedCollectionCounts(): CollectionCounts {
  return processCounts;
}

/** Collections of the .py boards run in this process so far, and how many of them filled the mark stack. */
export function collectionCounts(): { collections: number; filled: number } {
  return { collections: Atomics.load(processCounts, 0), filled: Atomics.load(processCounts, 1) };
}

export interface MarkStackGuard {
  /** Before a collection: the stack's last slot emptied. */
  arm(): void;
  /** After it: counted, and counted as filled when the stack filled. */
  count(): void;
}

/**
 * The guard of the heap whose first area and threshold word collector.ts found. `memory` reads the
 * current memory. At start-up, after a collection: a layout other than the one above, or a collector
 * not given its stack there (worker.ts, gc-mark-stack.ts giveMarkStack), stops the worker.
 */
export function markStackGuard(memory: () => Int32Array, firstArea: number, thresholdAddress: number, counts: CollectionCounts): MarkStackGuard {
  const words = memory();
  const stack = words[(firstArea + MARK_STACK_WORD) >> 2]!;
  if (thresholdAddress - firstArea !== THRESHOLD || stack === 0 || words[((firstArea + MARK_STACK_WORD) >> 2) + 1] !== MARK_STACK_ENTRIES) {
    throw new Error("MicroPython: py/gc.c's mark stack is not where expected");
  }
  /** The last entry's area (an entry: the block's index, its area's address). */
  const last = ((stack + MARK_STACK_BYTES) >> 2) - 1;
  return {
    arm() {
      memory()[last] = 0;
    },
    count() {
      Atomics.add(counts, 0, 1);
      if (memory()[last] !== 0) Atomics.add(counts, 1, 1);
    },
  };
}
