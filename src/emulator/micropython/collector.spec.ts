import { describe, expect, it } from "vitest";
import { freeBlockCounts, freeBlocks } from "./collector.ts";

/** A block's 2 bits in its allocation table byte, the lowest block in the low bits; 0 is free (py/gc.c AT_FREE, BLOCK_SHIFT). */
const isFree = (byte: number, block: number) => ((byte >> (2 * block)) & 3) === 0;

/**
 * Two areas (py/mpstate.h mp_state_mem_area_t: next, table start, table length, ...): one table
 * starts and ends off a word boundary, one lies on words; random, zero and full stretches. A byte
 * just outside each table is 0 (free) and must not count. Returns the memory and each table's bytes.
 */
function twoAreas(): { memory: Int32Array; tables: Uint8Array[] } {
  const memory = new Int32Array(4096);
  const bytes = new Uint8Array(memory.buffer);
  const areas = [
    { at: 64, table: 1001, length: 3003 },
    { at: 128, table: 8000, length: 4000 },
  ];
  let seed = 7;
  areas.forEach(({ at, table, length }, i) => {
    memory[at >> 2] = areas[i + 1]?.at ?? 0;
    memory[(at >> 2) + 1] = table;
    memory[(at >> 2) + 2] = length;
    for (let k = 0; k < length; k++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      // Random bytes where most blocks are free (short and long runs), then zero and full stretches.
      const random = seed & 255 & (seed >> 8) & (seed >> 16);
      bytes[table + k] = k % 900 < 300 ? random : k % 900 < 600 ? 0 : 0xaa;
    }
  });
  bytes[1000] = bytes[4004] = bytes[7999] = bytes[12000] = 0;
  return { memory, tables: areas.map(({ table, length }) => bytes.subarray(table, table + length)) };
}

describe("freeBlocks", () => {
  it("counts every free block of each area's allocation table, word-aligned or not", () => {
    const { memory, tables } = twoAreas();
    let expected = 0;
    for (const table of tables) for (const byte of table) for (let block = 0; block < 4; block++) if (isFree(byte, block)) expected++;
    expect(freeBlocks(memory, 64)).toBe(expected);
  });
});

describe("freeBlockCounts", () => {
  it.each([5, 16, 40])("counts the free blocks in runs of at least %i, block by block, a run ending with its area, all free blocks and the longest run", (minRun) => {
    const { memory, tables } = twoAreas();
    let expected = 0;
    let largest = 0;
    for (const table of tables) {
      let run = 0;
      for (const byte of table) {
        for (let block = 0; block < 4; block++) {
          if (isFree(byte, block)) run++;
          else {
            if (run >= minRun) expected += run;
            largest = Math.max(largest, run);
            run = 0;
          }
        }
      }
      if (run >= minRun) expected += run;
      largest = Math.max(largest, run);
    }
    expect(expected).toBeGreaterThan(0);
    expect(freeBlockCounts(memory, 64, minRun)).toEqual({ free: freeBlocks(memory, 64), inRuns: expected, largest });
  });
});
