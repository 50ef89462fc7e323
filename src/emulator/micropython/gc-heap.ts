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

/** Every area's address, the first first. */
export function areasOf(words: Int32Array, firstArea: number): number[] {
  const areas = [];
  for (let area = firstArea; area !== 0; area = words[(area >> 2) + AREA_NEXT]!) areas.push(area);
  return areas;
}

/** The area whose pool holds `address`, else 0. */
export function areaHolding(words: Int32Array, firstArea: number, address: number): number {
  for (let area = firstArea; area !== 0; area = words[(area >> 2) + AREA_NEXT]!) {
    if (address >= words[(area >> 2) + AREA_POOL]! && address < words[(area >> 2) + AREA_POOL_END]!) return area;
  }
  return 0;
}

/** mp_state_mem_area_t's word after its pool's end: gc_last_free_atb_index, where gc_alloc's search starts (py/mpstate.h v1.27.0). */
export const AREA_LAST_FREE_ATB = 6;

/** The 2-bit allocation table entry of `block` in the area whose table starts at byte `table`. */
export function blockKind(bytes: Uint8Array, table: number, block: number): number {
  return (bytes[table + Math.floor(block / BLOCKS_PER_ATB)]! >> (2 * (block % BLOCKS_PER_ATB))) & 3;
}

export function setBlockKind(bytes: Uint8Array, table: number, block: number, kind: number): void {
  const at = table + Math.floor(block / BLOCKS_PER_ATB);
  const shift = 2 * (block % BLOCKS_PER_ATB);
  bytes[at] = (bytes[at]! & ~(3 << shift)) | (kind << shift);
}

/** Where py/gc.c's allocator starts its search: the heap's first area and MP_STATE_MEM(gc_last_free_area)'s address (collector.ts). */
export interface HeapAreas {
  firstArea: number;
  lastFreeArea: number;
}

/**
 * As py/gc.c gc_free (v1.27.0 950-982) frees an object: its head `block` of `area` and the tail
 * blocks after it; gc_alloc's next search starts no higher in that area, and from the first area
 * when it started in another (gc_alloc, 797-825, searches the areas from gc_last_free_area on,
 * which its last 1-block allocation set). A board's heap is one area when its script runs
 * (worker.ts LIBRARY_ALLOWANCE; counted on the Pico W and ESP8266), but the port may add one
 * (py/gc.c gc_try_add_heap).
 */
export function freeObject(words: Int32Array, { firstArea, lastFreeArea }: HeapAreas, area: number, block: number): void {
  const bytes = new Uint8Array(words.buffer);
  if (words[lastFreeArea >> 2] !== area) words[lastFreeArea >> 2] = firstArea;
  const table = words[(area >> 2) + AREA_TABLE]!;
  const at = (area >> 2) + AREA_LAST_FREE_ATB;
  words[at] = Math.min(words[at]!, Math.floor(block / BLOCKS_PER_ATB));
  do setBlockKind(bytes, table, block++, AT_FREE);
  while (blockKind(bytes, table, block) === AT_TAIL);
}
