import { describe, expect, it } from "vitest";
import { freeBlocks } from "./collector.ts";

/** An allocation table byte holds 4 blocks of 2 bits each; 0 is a free block (py/gc.c AT_FREE). */
const freeIn = (byte: number) => [0, 2, 4, 6].filter((shift) => ((byte >> shift) & 3) === 0).length;

describe("freeBlocks", () => {
  it("counts every free block of each area's allocation table, word-aligned or not", () => {
    const memory = new Int32Array(4096);
    const bytes = new Uint8Array(memory.buffer);
    // Two areas (py/mpstate.h mp_state_mem_area_t: next, table start, table length, ...): one table
    // starts and ends off a word boundary, one lies on words; random, zero and full stretches.
    const areas = [
      { at: 64, table: 1001, length: 3003 },
      { at: 128, table: 8000, length: 4000 },
    ];
    let expected = 0;
    let seed = 7;
    areas.forEach(({ at, table, length }, i) => {
      memory[at >> 2] = areas[i + 1]?.at ?? 0;
      memory[(at >> 2) + 1] = table;
      memory[(at >> 2) + 2] = length;
      for (let k = 0; k < length; k++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const byte = k % 900 < 300 ? seed & 255 : k % 900 < 600 ? 0 : 0xaa;
        bytes[table + k] = byte;
        expected += freeIn(byte);
      }
    });
    // A byte just outside each table is not counted.
    bytes[1000] = bytes[4004] = bytes[7999] = bytes[12000] = 0;
    expect(freeBlocks(memory, 64)).toBe(expected);
  });
});
