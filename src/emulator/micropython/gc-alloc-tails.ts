/**
 * py/gc.c gc_alloc marks the blocks after an allocation's head as its tail one at a time (v1.27.0
 * lines 870-872, "TODO for a run of many blocks can make this more efficient"): a read, an OR and a
 * write of the allocation table byte for each block, with the table's address read again each time.
 * A 4 KiB bytes object (each recv(4096), bytes(4096)) is 257 blocks, 64 whole table bytes: paired,
 * a recv(4096) from the read-ahead 3.47 → 2.96 µs and bytes(4096) 1.78 → 1.51 µs of CPU
 * (docs/benchmarks.md, session 25).
 *
 * The build cannot be rebuilt here, so before it is compiled that loop gets a test at its top: from
 * a block that is a table byte's first, with 4 blocks or more left to mark, every whole byte left is
 * set to 0xaa (4 tails) with memory.fill, and the loop goes on from the first block after them (or
 * ends, if none is left). Exactly what the loop does there: the run was found free (each entry
 * AT_FREE, 0), so each whole byte is 0 before, and 0 | AT_TAIL << 0 | ... | AT_TAIL << 6 = 0xaa.
 *
 * The loop must be found exactly once as the pinned build compiled it: another build fails here
 * rather than run with code in the wrong place.
 */

import { codeOnce, withCodeInserted } from "./wasm-code.ts";

const BLOCK = 0x02, LOOP = 0x03, END = 0x0b, BR_IF = 0x0d, VOID = 0x40;
const LOCAL_GET = 0x20, LOCAL_TEE = 0x22;
const I32_LOAD = 0x28, I32_LOAD8_U = 0x2d, I32_STORE8 = 0x3a, I32_CONST = 0x41;
const I32_LT_U = 0x49, I32_GT_U = 0x4b, I32_LE_U = 0x4d, I32_ADD = 0x6a, I32_SUB = 0x6b, I32_AND = 0x71, I32_OR = 0x72, I32_SHL = 0x74, I32_SHR_U = 0x76;
const MEMORY_FILL = [0xfc, 0x0b, 0x00];

/** The loop's locals as the build compiled them: the area, the block to mark (bl), the run's last block (end_block), a scratch address. */
const AREA = 6, BL = 3, END_BLOCK = 7, ADDRESS = 2;
/** mp_state_mem_area_t's gc_alloc_table_start (py/mpstate.h:84-99, 32-bit). */
const TABLE_START = 4;
/** 4 entries of AT_TAIL (2), a table byte's blocks all tails, as a signed LEB128 (170). */
const FOUR_TAILS = [0xaa, 0x01];

/**
 * Lines 870-872 as the build compiled them (after `loop`): the table byte of block bl gets AT_TAIL
 * (2) at bl's entry (`|= 2 << ((bl << 1) & 6)`), then bl++, while bl <= end_block.
 */
const TAIL_LOOP = [
  ...[LOOP, VOID],
  ...[LOCAL_GET, AREA, I32_LOAD, 2, TABLE_START, LOCAL_GET, BL, I32_CONST, 2, I32_SHR_U, I32_ADD, LOCAL_TEE, ADDRESS],
  ...[LOCAL_GET, ADDRESS, I32_LOAD8_U, 0, 0, I32_CONST, 2, LOCAL_GET, BL, I32_CONST, 1, I32_SHL, I32_CONST, 6, I32_AND, I32_SHL, I32_OR, I32_STORE8, 0, 0],
  ...[LOCAL_GET, BL, I32_CONST, 1, I32_ADD, LOCAL_TEE, BL, LOCAL_GET, END_BLOCK, I32_LE_U, BR_IF, 0, END],
];

/**
 * At the loop's top (inside `loop`, which `block` encloses): if bl is a byte's first block
 * (bl & 3 == 0) and end_block - bl >= 3, fill (end_block - bl + 1) >> 2 bytes from table + bl / 4
 * with 0xaa, bl += 4 × that; out of the loop (br 2) if bl > end_block, else on with the block-by-block body.
 */
function wholeBytes(): number[] {
  const left = [LOCAL_GET, END_BLOCK, LOCAL_GET, BL, I32_SUB]; // end_block - bl
  return [
    ...[BLOCK, VOID],
    ...[LOCAL_GET, BL, I32_CONST, 3, I32_AND, BR_IF, 0],
    ...[...left, I32_CONST, 3, I32_LT_U, BR_IF, 0],
    ...[LOCAL_GET, AREA, I32_LOAD, 2, TABLE_START, LOCAL_GET, BL, I32_CONST, 2, I32_SHR_U, I32_ADD],
    ...[I32_CONST, ...FOUR_TAILS, ...left, I32_CONST, 1, I32_ADD, I32_CONST, 2, I32_SHR_U, ...MEMORY_FILL],
    ...[LOCAL_GET, BL, ...left, I32_CONST, 1, I32_ADD, I32_CONST, 0x7c, I32_AND, I32_ADD, LOCAL_TEE, BL], // bl += (end_block - bl + 1) & ~3
    ...[LOCAL_GET, END_BLOCK, I32_GT_U, BR_IF, 2],
    END,
  ];
}

/** The wasm with gc_alloc marking an allocation's tail a table byte (4 blocks) at a time where it can; `wasm` is left as it is. */
export function withGcAllocTails(wasm: Uint8Array): Uint8Array {
  const at = codeOnce(wasm, TAIL_LOOP, "gc_alloc's loop marking a new object's tail blocks");
  return withCodeInserted(wasm, [{ at: at + 2, bytes: wholeBytes() }]);
}
