import { describe, expect, it } from "vitest";
import { heldFree } from "./held-free.ts";

/** py/gc.c's kinds: free, head, tail, mark. */
const [FREE, HEAD, TAIL, MARK] = [0, 1, 2, 3];
const AREA = 64;
/** MP_STATE_MEM(gc_last_free_area): static data, outside the area and the pool. */
const LAST_FREE_AREA = 128;
const TABLE = 256;
const POOL = 1024;
const BLOCKS = 16;

/** One area (py/mpstate.h mp_state_mem_area_t: next, table start, table length, finaliser table, pool start, pool end, last free table byte) with the blocks' kinds given. */
function heap(kinds: number[]): { memory: Int32Array; kinds: () => number[] } {
  const memory = new Int32Array(1024);
  const bytes = new Uint8Array(memory.buffer);
  memory.set([0, TABLE, BLOCKS / 4, TABLE + BLOCKS / 4, POOL, POOL + BLOCKS * 16, 3], AREA >> 2);
  kinds.forEach((kind, block) => (bytes[TABLE + (block >> 2)] |= kind << (2 * (block & 3))));
  return { memory, kinds: () => kinds.map((_, block) => (bytes[TABLE + (block >> 2)]! >> (2 * (block & 3))) & 3) };
}

//             0     1     2     3     4     5     6     7     8     9     10    11    12    13    14    15
const KINDS = [HEAD, FREE, FREE, HEAD, TAIL, FREE, HEAD, FREE, FREE, FREE, HEAD, TAIL, TAIL, FREE, FREE, FREE];

describe("heldFree", () => {
  it("holds each run of free blocks as one object, marks its head before a collection, and frees them all again", () => {
    const { memory, kinds } = heap(KINDS);
    const held = heldFree(() => memory, { firstArea: AREA, lastFreeArea: LAST_FREE_AREA });
    held.hold();
    expect(kinds()).toEqual([HEAD, HEAD, TAIL, HEAD, TAIL, HEAD, HEAD, HEAD, TAIL, TAIL, HEAD, TAIL, TAIL, HEAD, TAIL, TAIL]);
    held.mark();
    expect([1, 5, 7, 13].map((block) => kinds()[block])).toEqual([MARK, MARK, MARK, MARK]);
    memory[LAST_FREE_AREA >> 2] = 4000; // a second area's, where the last 1-block allocation was
    held.release();
    expect(kinds()).toEqual(KINDS);
    // gc_alloc's search starts at the first area, at the first freed block's table byte (py/gc.c gc_free)
    expect([memory[LAST_FREE_AREA >> 2], memory[(AREA >> 2) + 6]]).toEqual([AREA, 0]);
  });

  it("frees a run whose head a collection's sweep did not reach (still marked), and refuses one freed meanwhile", () => {
    const { memory, kinds } = heap(KINDS);
    const held = heldFree(() => memory, { firstArea: AREA, lastFreeArea: LAST_FREE_AREA });
    held.hold();
    held.mark();
    held.release();
    expect(kinds()).toEqual(KINDS);
    held.hold();
    new Uint8Array(memory.buffer)[TABLE + 3] = TAIL; // blocks 13-15 freed
    expect(() => held.release()).toThrow();
    expect(kinds()[1]).toBe(HEAD); // none freed then
  });
});
