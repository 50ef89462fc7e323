/**
 * py/gc.c gc_alloc looks for `n_blocks` free blocks first-fit, an allocation table byte (4 blocks,
 * 2 bits each) at a time from `gc_last_free_atb_index` (v1.27.0 lines 805-816). A collection sets
 * that index to 0 (gc_collect_end, 542-544) and only a 1-block allocation moves it on (856-861), so
 * each larger allocation (a 4 KiB bytes object from recv(4096)) walks every block in use below the
 * first hole big enough, one branch per block (≈ 1 ns): most of the 17-22 µs of a bytes(4096) with
 * a 1 MiB heap, 6-8 µs with this patch (issue 16, docs/benchmarks.md session 20).
 *
 * The build cannot be rebuilt here, so before it is compiled that loop gets a loop at its top
 * that passes over 8 table bytes (32 blocks) at a time while none of their entries is AT_FREE (0):
 * exactly what the byte loop concludes there (no run found, the free count back to 0), so every
 * allocation gets the same blocks and the index the same value. It stops 8 bytes or fewer before the
 * table's end, where the byte loop goes on as before (the byte after the table is AT_FREE, 98-102:
 * it must not be read as a block). MICROPY_GC_HOOK_LOOP, which the loop would call for each byte,
 * is empty in this port (py/mpconfig.h:763-764; ports/webassembly/mpconfigport.h has none).
 * The compiler made three more copies of the loop, left as they are: two for n_blocks == 1 (which
 * starts at the index, where the first free block was), and the search again after gc_try_add_heap
 * added an area (830-835), which a board never gets to: its heap is capped before a script runs
 * (worker.ts capHeap: malloc keeps 16 KiB) and gc_try_add_heap asks for the whole heap's size
 * again (300-322).
 *
 * The loop must be found exactly once as the pinned build compiled it: another build fails here
 * rather than run with code in the wrong place.
 */

import { codeOnce, withCodeInserted } from "./wasm-code.ts";

const BLOCK = 0x02, LOOP = 0x03, END = 0x0b, BR = 0x0c, BR_IF = 0x0d, VOID = 0x40;
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22;
const I32_LOAD = 0x28, I64_LOAD = 0x29, I32_LOAD8_U = 0x2d, I32_CONST = 0x41, I64_CONST = 0x42;
const I32_NE = 0x47, I32_LT_U = 0x49, I32_GT_U = 0x4b, I32_GE_U = 0x4f, I64_NE = 0x52, I32_ADD = 0x6a, I32_AND = 0x71;
const I64_AND = 0x83, I64_OR = 0x84, I64_SHR_U = 0x88;
/** A memory access's alignment (as a power of 2) and offset: a byte's, or any address. */
const BYTE = [0, 0];

/**
 * The search's locals: the area, i (the table byte's index), the table's length, the table's start,
 * n_blocks, n_free, the table byte, the free run found, and one more n_free is counted in by turns.
 */
const AREA = 6, I = 3, LENGTH = 8, TABLE = 9, N_BLOCKS = 4, N_FREE = 7, ENTRY = 2, RUN = 10, OTHER = 11;
/** mp_state_mem_area_t's fields read (py/mpstate.h:84-99, 32-bit): gc_alloc_table_start, gc_alloc_table_byte_len, gc_last_free_atb_index. */
const TABLE_START = 4, TABLE_BYTES = 8, LAST_FREE_ATB_INDEX = 24;

/**
 * Lines 805-815 for n_blocks > 1 as the build compiled them (the first search): `for (i = last free
 * index; i < length; i++)` each of the byte's 4 entries counted into n_free (`goto found` out of the
 * loop once it reaches n_blocks), else n_free = 0. `top`: where the loop's body starts.
 */
function searchLoop(): { code: number[]; top: number } {
  const head = [
    ...[LOCAL_GET, AREA, I32_LOAD, 2, LAST_FREE_ATB_INDEX, LOCAL_TEE, I],
    ...[LOCAL_GET, AREA, I32_LOAD, 2, TABLE_BYTES, LOCAL_TEE, LENGTH, I32_GE_U, BR_IF, 0],
    ...[LOCAL_GET, AREA, I32_LOAD, 2, TABLE_START, LOCAL_SET, TABLE],
    ...[I32_CONST, 0, LOCAL_SET, N_FREE],
    ...[LOOP, VOID],
  ];
  /** If `test` finds the entry free (ATB_n_IS_FREE): `to` = `from` + 1, and at n_blocks the run is found (`br` out `depth` levels). */
  const entryTest = (test: number[], from: number, to: number, depth: number) => [
    ...[BLOCK, VOID, LOCAL_GET, ENTRY, ...test, BR_IF, 0],
    ...[LOCAL_GET, from, I32_CONST, 1, I32_ADD, LOCAL_TEE, to, LOCAL_GET, N_BLOCKS, I32_LT_U, BR_IF, 0],
    ...[LOCAL_GET, to, LOCAL_SET, RUN, BR, depth, END],
  ];
  const body = [
    ...[I32_CONST, 0, LOCAL_SET, RUN],
    // The first entry, read with the byte.
    ...[BLOCK, VOID, LOCAL_GET, TABLE, LOCAL_GET, I, I32_ADD, I32_LOAD8_U, ...BYTE, LOCAL_TEE, ENTRY, I32_CONST, 3, I32_AND, BR_IF, 0],
    ...[LOCAL_GET, N_FREE, I32_CONST, 1, I32_ADD, LOCAL_TEE, RUN, LOCAL_GET, N_BLOCKS, I32_GE_U, BR_IF, 9, END],
    ...[I32_CONST, 0, LOCAL_SET, OTHER, I32_CONST, 0, LOCAL_SET, N_FREE],
    ...entryTest([I32_CONST, 0x0c, I32_AND], RUN, N_FREE, 8),
    ...entryTest([I32_CONST, 0x30, I32_AND], N_FREE, OTHER, 7),
    ...[I32_CONST, 0, LOCAL_SET, N_FREE],
    ...entryTest([I32_CONST, 0x3f, I32_GT_U], OTHER, N_FREE, 6), // 0xc0's entry is free below 64
    ...[LOCAL_GET, I, I32_CONST, 1, I32_ADD, LOCAL_TEE, I, LOCAL_GET, LENGTH, I32_NE, BR_IF, 0, END],
  ];
  return { code: [...head, ...body], top: head.length };
}

/** 0x5555555555555555 (the low bit of each entry) as a signed LEB128. */
const LOW_BITS = [0xd5, 0xaa, 0xd5, 0xaa, 0xd5, 0xaa, 0xd5, 0xaa, 0xd5, 0x00];

/**
 * At the loop's top: while 8 bytes beyond i are still in the table and each of the 32 entries of
 * table[i..i+7] (a little-endian word) has a bit set, ((w | w >> 1) & low bits) == low bits: i += 8, n_free = 0.
 */
function skip(): number[] {
  const word = [LOCAL_GET, TABLE, LOCAL_GET, I, I32_ADD, I64_LOAD, ...BYTE];
  return [
    ...[BLOCK, VOID, LOOP, VOID],
    ...[LOCAL_GET, I, I32_CONST, 8, I32_ADD, LOCAL_GET, LENGTH, I32_GE_U, BR_IF, 1],
    ...[...word, ...word, I64_CONST, 1, I64_SHR_U, I64_OR, I64_CONST, ...LOW_BITS, I64_AND, I64_CONST, ...LOW_BITS, I64_NE, BR_IF, 1],
    ...[LOCAL_GET, I, I32_CONST, 8, I32_ADD, LOCAL_SET, I, I32_CONST, 0, LOCAL_SET, N_FREE, BR, 0],
    ...[END, END],
  ];
}

/** The wasm with gc_alloc's search passing over full stretches of the allocation table 32 blocks at a time; `wasm` is left as it is. */
export function withGcAllocSkip(wasm: Uint8Array): Uint8Array {
  const { code: loop, top } = searchLoop();
  const at = codeOnce(wasm, loop, "gc_alloc's search for a run of free blocks");
  return withCodeInserted(wasm, [{ at: at + top, bytes: skip() }]);
}
