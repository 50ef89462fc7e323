/**
 * py/gc.c gc_sweep_free_blocks (v1.27.0 lines 612-658) visits every block of an area up to
 * `gc_last_used_block`, one allocation table entry (2 bits) at a time with a switch on its kind:
 * a free block is passed over, a head not marked is freed and starts freeing the tail blocks after
 * it, a marked head is turned back to a head and keeps them. On a board that is the whole pool at
 * every collection (the held spare reaches the pool's end, spare-heap.ts): ≈ 20,000 blocks on a
 * Pico W, 3-4 ns each, half of a collection's time in the interpreter (docs/benchmarks.md, session
 * 22), though most of the pool is free (the board's heap after a collection), the tails of long
 * objects (the spare's pieces, a dead recv's bytes) or runs of 1-block objects.
 *
 * The build cannot be rebuilt here, so before it is compiled the sweep's loop gets a loop at its
 * top that passes over a table word (16 blocks) at a time while the word is all free (nothing
 * changes) or all tails (freed at once, the word set to 0, while a dead head's tail is being
 * freed, else kept, the last used block then the word's last), and else over a table byte (4
 * blocks) that is all free, all tails, 4 marked heads (turned back to heads: the last used block
 * the byte's last, free_tail 0: the library's small objects) or 4 heads not marked (freed, free_tail
 * 1). Exactly what the entry loop does for those entries (AT_FREE: no case; AT_TAIL:
 * ATB_ANY_TO_FREE if free_tail, else last_used_block; AT_MARK: ATB_MARK_TO_HEAD, free_tail 0,
 * last_used_block; AT_HEAD: freed, free_tail 1), so every collection leaves the same table and the
 * same `gc_last_used_block`. It runs from a byte's first block only, and only while the word or
 * byte ends before gc_last_used_block (one block at least is left for the entry loop's own test at
 * its end, `block <= gc_last_used_block`, to end the sweep as before); any other byte goes to the
 * entry loop, which goes on block by block to the next byte.
 * In this build MICROPY_GC_HOOK_LOOP is empty (py/mpconfig.h:763-764), CLEAR_ON_SWEEP and
 * MICROPY_PY_GC_COLLECT_RETVAL are off (the compiled loop has no memset and no count).
 *
 * The loop must be found exactly once as the pinned build compiled it: another build fails here
 * rather than run with code in the wrong place.
 */

import { codeOnce, withCodeInserted } from "./wasm-code.ts";

const BLOCK = 0x02, LOOP = 0x03, IF = 0x04, ELSE = 0x05, END = 0x0b, BR = 0x0c, BR_IF = 0x0d, BR_TABLE = 0x0e, VOID = 0x40;
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22;
const I32_LOAD = 0x28, I32_LOAD8_U = 0x2d, I32_STORE = 0x36, I32_STORE8 = 0x3a, I32_CONST = 0x41;
const I32_EQZ = 0x45, I32_EQ = 0x46, I32_NE = 0x47, I32_GT_U = 0x4b, I32_LE_U = 0x4d, I32_ADD = 0x6a, I32_AND = 0x71, I32_XOR = 0x73, I32_SHL = 0x74, I32_SHR_U = 0x76;
/** A memory access's alignment (as a power of 2) and offset: a byte's, or any address. */
const BYTE = [0, 0];

/**
 * The sweep's locals: the area, the block, the last used block, free_tail, the table byte's
 * address, the byte, the entry's shift, its kind, and the bits the byte loses.
 */
const AREA = 6, I = 3, LAST_USED = 4, FREE_TAIL = 11, AT = 10, ENTRY = 5, SHIFT = 7, KIND = 9, CLEAR = 8;
/** mp_state_mem_area_t's fields read (py/mpstate.h:84-99, 32-bit): gc_alloc_table_start, gc_last_used_block. */
const TABLE_START = 4, LAST_USED_BLOCK = 28;

/**
 * Lines 625-654 as the build compiled them: `for (block = 0; block <= area->gc_last_used_block;
 * block++) switch (ATB_GET_KIND(area, block))`, its cases jumped to by a br_table on the kind (the
 * entry's bits cleared by `clear`: 3 to free, 2 to turn a mark back to a head), `block++` and the
 * test at the end. The skip goes right after `loop`.
 */
const SWEEP_LOOP = [
  ...[LOOP, VOID, I32_CONST, 3, LOCAL_SET, CLEAR, BLOCK, VOID, BLOCK, VOID, BLOCK, VOID, BLOCK, VOID],
  ...[LOCAL_GET, AREA, I32_LOAD, 2, TABLE_START, LOCAL_GET, I, I32_CONST, 2, I32_SHR_U, I32_ADD, LOCAL_TEE, AT, I32_LOAD8_U, ...BYTE, LOCAL_TEE, ENTRY],
  ...[LOCAL_GET, I, I32_CONST, 1, I32_SHL, I32_CONST, 6, I32_AND, LOCAL_TEE, SHIFT, I32_SHR_U, I32_CONST, 3, I32_AND, LOCAL_TEE, KIND],
  ...[BR_TABLE, 4, 3, 2, 0, 1, 3, END],
  // AT_TAIL: freed if free_tail (on to the store), else the last used block
  ...[I32_CONST, 1, LOCAL_SET, KIND, LOCAL_GET, FREE_TAIL, BR_IF, 1, I32_CONST, 0, LOCAL_SET, FREE_TAIL, LOCAL_GET, I, LOCAL_SET, LAST_USED, BR, 2, END],
  // AT_MARK: to AT_HEAD, the last used block, free_tail 0
  ...[I32_CONST, 0, LOCAL_SET, KIND, I32_CONST, 2, LOCAL_SET, CLEAR, LOCAL_GET, I, LOCAL_SET, LAST_USED, END],
  ...[LOCAL_GET, AT, LOCAL_GET, ENTRY, LOCAL_GET, CLEAR, LOCAL_GET, SHIFT, I32_SHL, I32_CONST, 0x7f, I32_XOR, I32_AND, I32_STORE8, ...BYTE],
  ...[LOCAL_GET, KIND, LOCAL_SET, FREE_TAIL, END],
  ...[LOCAL_GET, I, I32_CONST, 1, I32_ADD, LOCAL_TEE, I, LOCAL_GET, AREA, I32_LOAD, 2, LAST_USED_BLOCK, I32_LE_U, BR_IF, 0, END],
];
/** Where the loop's body starts: after `loop`. */
const TOP = 2;

/** 0xaaaaaaaa, 16 AT_TAIL entries, as a signed LEB128; the byte values 0xaa (4 tails), 0xff (4 marks) and 0x55 (4 heads) follow. */
const ALL_TAILS = [0xaa, 0xd5, 0xaa, 0xd5, 0x7a];
const TAILS = [0xaa, 0x01], MARKS = [0xff, 0x01], HEADS = [0xd5, 0x00];

/**
 * At the loop's top, while the block is a table byte's first: if it is a word's first too, 16
 * more blocks are still at most gc_last_used_block and the word is 0 (all free) or all tails, on
 * past the word (the tails freed, the word 0, if free_tail, else the last used block the word's
 * last); else if 4 more blocks are still at most gc_last_used_block and the byte is all free, all
 * tails, 4 marks or 4 heads, on past the byte as the entry loop would leave it; else on to the
 * entry loop. The byte's address and the byte (AT, ENTRY) are the entry loop's own scratch, set
 * again before it reads them.
 */
function skip(): number[] {
  const lastUsed = [LOCAL_GET, AREA, I32_LOAD, 2, LAST_USED_BLOCK];
  const next = (n: number, depth: number) => [LOCAL_GET, I, I32_CONST, n, I32_ADD, LOCAL_SET, I, BR, depth];
  const kept = (n: number) => [LOCAL_GET, I, I32_CONST, n - 1, I32_ADD, LOCAL_SET, LAST_USED];
  return [
    ...[BLOCK, VOID, LOOP, VOID],
    ...[LOCAL_GET, I, I32_CONST, 3, I32_AND, BR_IF, 1],
    // a word: all free, all tails
    ...[BLOCK, VOID],
    ...[LOCAL_GET, I, I32_CONST, 15, I32_AND, BR_IF, 0],
    ...[LOCAL_GET, I, I32_CONST, 16, I32_ADD, ...lastUsed, I32_GT_U, BR_IF, 0],
    ...[LOCAL_GET, AREA, I32_LOAD, 2, TABLE_START, LOCAL_GET, I, I32_CONST, 2, I32_SHR_U, I32_ADD, LOCAL_TEE, AT, I32_LOAD, ...BYTE, LOCAL_TEE, ENTRY],
    ...[I32_EQZ, IF, VOID, ...next(16, 2), END],
    ...[LOCAL_GET, ENTRY, I32_CONST, ...ALL_TAILS, I32_NE, BR_IF, 0],
    ...[LOCAL_GET, FREE_TAIL, IF, VOID, LOCAL_GET, AT, I32_CONST, 0, I32_STORE, ...BYTE, ELSE, ...kept(16), END],
    ...next(16, 1),
    ...[END],
    // a byte: all free, all tails, 4 marks, 4 heads
    ...[LOCAL_GET, I, I32_CONST, 4, I32_ADD, ...lastUsed, I32_GT_U, BR_IF, 1],
    ...[LOCAL_GET, AREA, I32_LOAD, 2, TABLE_START, LOCAL_GET, I, I32_CONST, 2, I32_SHR_U, I32_ADD, LOCAL_TEE, AT, I32_LOAD8_U, ...BYTE, LOCAL_SET, ENTRY],
    ...[BLOCK, VOID],
    ...[LOCAL_GET, ENTRY, I32_EQZ, BR_IF, 0],
    ...[LOCAL_GET, ENTRY, I32_CONST, ...TAILS, I32_EQ, IF, VOID],
    ...[LOCAL_GET, FREE_TAIL, IF, VOID, LOCAL_GET, AT, I32_CONST, 0, I32_STORE8, ...BYTE, ELSE, ...kept(4), END, BR, 1, END],
    ...[LOCAL_GET, ENTRY, I32_CONST, ...MARKS, I32_EQ, IF, VOID],
    ...[LOCAL_GET, AT, I32_CONST, ...HEADS, I32_STORE8, ...BYTE, I32_CONST, 0, LOCAL_SET, FREE_TAIL, ...kept(4), BR, 1, END],
    ...[LOCAL_GET, ENTRY, I32_CONST, ...HEADS, I32_NE, BR_IF, 2],
    ...[LOCAL_GET, AT, I32_CONST, 0, I32_STORE8, ...BYTE, I32_CONST, 1, LOCAL_SET, FREE_TAIL],
    ...[END],
    ...next(4, 0),
    ...[END, END],
  ];
}

/** The wasm with gc_sweep_free_blocks passing over whole words and bytes of the allocation table where it can; `wasm` is left as it is. */
export function withGcSweepSkip(wasm: Uint8Array): Uint8Array {
  const at = codeOnce(wasm, SWEEP_LOOP, "gc_sweep_free_blocks's loop");
  return withCodeInserted(wasm, [{ at: at + TOP, bytes: skip() }]);
}
