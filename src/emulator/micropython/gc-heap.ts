/**
 * py/gc.c's heap as the worker reads it from the WebAssembly memory (v1.27.0, the pinned build):
 * blocks of MICROPY_BYTES_PER_GC_BLOCK bytes (py/mpconfig.h: 4 words), each with a 2-bit entry in
 * its area's allocation table (4 to a byte, the first block in the low bits), and the areas of
 * MICROPY_GC_SPLIT_HEAP (py/mpstate.h mp_state_mem_area_t), read as words from an area's address.
 */
export const BLOCK = 16;
export const BLOCKS_PER_ATB = 4;

/** py/gc.c AT_FREE, AT_HEAD, AT_TAIL, AT_MARK: a block's allocation table entry. */
export const AT_FREE = 0;
export const AT_HEAD = 1;
export const AT_TAIL = 2;
export const AT_MARK = 3;

/** mp_state_mem_area_t's words: next area (0: none), table start, table length in bytes, finaliser table, pool start, pool end. */
export const AREA_NEXT = 0;
export const AREA_TABLE = 1;
export const AREA_TABLE_BYTES = 2;
export const AREA_POOL = 4;
export const AREA_POOL_END = 5;

/** The area whose pool holds `address`, else 0. */
export function areaHolding(words: Int32Array, firstArea: number, address: number): number {
  for (let area = firstArea; area !== 0; area = words[(area >> 2) + AREA_NEXT]!) {
    if (address >= words[(area >> 2) + AREA_POOL]! && address < words[(area >> 2) + AREA_POOL_END]!) return area;
  }
  return 0;
}
