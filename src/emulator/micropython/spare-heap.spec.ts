import { describe, expect, it } from "vitest";
import { spareHeap } from "./spare-heap.ts";

/** py/gc.c's kinds: free, head, tail, mark. */
const [FREE, HEAD, TAIL, MARK] = [0, 1, 2, 3];
const AREA = 64;
/** MP_STATE_MEM(gc_last_free_area): static data, outside the area and the pool. */
const LAST_FREE_AREA = 128;
const TABLE = 256;
const POOL = 1024;
const BLOCKS = 64;
/** None and the types: static data, outside the pool. */
const NONE = 16;
const TUPLE = 32;
const BYTEARRAY = 48;

const at = (block: number) => POOL + block * 16;

/**
 * One area (py/mpstate.h mp_state_mem_area_t: next, table start, table length, finaliser table,
 * pool start, pool end) with the blocks' kinds given, and `objects`: a block's words from its start.
 */
function heap(kinds: number[], objects: Record<number, number[]>): { memory: Int32Array; kind: (block: number) => number } {
  const memory = new Int32Array(4096);
  const bytes = new Uint8Array(memory.buffer);
  memory.set([0, TABLE, BLOCKS / 4, TABLE + BLOCKS / 4, POOL, at(BLOCKS)], AREA >> 2);
  kinds.forEach((kind, block) => (bytes[TABLE + (block >> 2)] |= kind << (2 * (block & 3))));
  for (const [block, words] of Object.entries(objects)) memory.set(words, at(Number(block)) >> 2);
  return { memory, kind: (block) => (bytes[TABLE + (block >> 2)]! >> (2 * (block & 3))) & 3 };
}

/** (next, piece) tuples in blocks 0-2, a piece each in 3 and 5 whose bytes are blocks 10-11 and 12-14, the last tuple's piece None. */
const CHAIN = {
  0: [TUPLE, 2, at(1), at(3)],
  1: [TUPLE, 2, at(2), at(5)],
  2: [TUPLE, 2, NONE, NONE],
  3: [BYTEARRAY, 1, 20, at(10)],
  5: [BYTEARRAY, 1, 40, at(12)],
};
//           0     1     2     3     4     5     6     7     8     9     10    11    12    13    14    15
const KINDS = [HEAD, HEAD, HEAD, HEAD, FREE, HEAD, FREE, HEAD, TAIL, FREE, HEAD, TAIL, HEAD, TAIL, TAIL, HEAD];

describe("spareHeap", () => {
  it("marks the bytes of the chain's pieces before a collection, none other; let go, frees them at once and empties each bytearray", () => {
    const { memory, kind } = heap(KINDS, CHAIN);
    const spare = spareHeap(() => memory, { firstArea: AREA, lastFreeArea: LAST_FREE_AREA });
    spare.hold(at(0));
    spare.mark();
    expect(KINDS.map((_, block) => kind(block))).toEqual(KINDS.map((k, block) => (block === 10 || block === 12 ? MARK : k)));
    // the sweep turns them back to heads (py/gc.c gc_sweep_free_blocks)
    const bytes = new Uint8Array(memory.buffer);
    bytes[TABLE + 2] = TAIL | (HEAD << 4) | (TAIL << 6); // blocks 8-11: 10 a head again
    bytes[TABLE + 3] = HEAD | (TAIL << 2) | (TAIL << 4) | (HEAD << 6); // 12-15
    memory[(AREA >> 2) + 6] = 4; // gc_last_free_atb_index: the search starts at block 16
    spare.hold(0);
    expect(KINDS.map((_, block) => kind(block))).toEqual(KINDS.map((k, block) => (block >= 10 && block <= 14 ? FREE : k)));
    expect([Array.from(memory.subarray(at(3) >> 2, (at(3) >> 2) + 4)), Array.from(memory.subarray(at(5) >> 2, (at(5) >> 2) + 4))]).toEqual([
      [BYTEARRAY, 1, 0, 0],
      [BYTEARRAY, 1, 0, 0],
    ]);
    expect(memory[(AREA >> 2) + 6]).toBe(2); // from block 8's table byte on (py/gc.c gc_free)
    spare.mark();
    expect([10, 12].map(kind)).toEqual([FREE, FREE]);
  });

  it("let go, leaves a piece no longer the chain's as it is", () => {
    const { memory, kind } = heap(KINDS, CHAIN);
    const spare = spareHeap(() => memory, { firstArea: AREA, lastFreeArea: LAST_FREE_AREA });
    spare.hold(at(0));
    memory[(at(1) >> 2) + 3] = NONE; // the second tuple holds its piece no more
    spare.hold(0);
    expect([10, 11, 12, 13, 14].map(kind)).toEqual([FREE, FREE, HEAD, TAIL, TAIL]);
    expect(memory[(at(5) >> 2) + 3]).toBe(at(12));
  });

  it("leaves a piece freed since as it is", () => {
    const { memory, kind } = heap(KINDS, CHAIN);
    const spare = spareHeap(() => memory, { firstArea: AREA, lastFreeArea: LAST_FREE_AREA });
    spare.hold(at(0));
    new Uint8Array(memory.buffer)[TABLE + 3] = HEAD << 6; // blocks 12-14 free
    spare.mark();
    expect([10, 12, 13, 15].map(kind)).toEqual([MARK, FREE, FREE, HEAD]);
  });

  it("marks a piece only while its tuple still holds it and it is still a bytearray owning those bytes", () => {
    const { memory, kind } = heap(KINDS, CHAIN);
    const spare = spareHeap(() => memory, { firstArea: AREA, lastFreeArea: LAST_FREE_AREA });
    spare.hold(at(0));
    memory[at(3) >> 2] = 64; // block 3 reused: no bytearray now
    memory[(at(1) >> 2) + 3] = NONE; // the second tuple holds its piece no more
    spare.mark();
    expect([10, 12].map(kind)).toEqual([HEAD, HEAD]);
    memory[at(3) >> 2] = BYTEARRAY;
    memory[(at(3) >> 2) + 3] = at(12); // a bytearray again, owning other bytes
    spare.mark();
    expect([10, 12].map(kind)).toEqual([HEAD, HEAD]);
  });

  it("refuses a chain whose piece's bytes are not a head block's start, or that is a cycle; nothing held then", () => {
    for (const [block, words] of [
      [3, [BYTEARRAY, 1, 20, at(11)]], // a tail
      [3, [BYTEARRAY, 1, 20, at(9)]], // free
      [3, [BYTEARRAY, 1, 20, at(10) + 4]], // inside a block
      [2, [TUPLE, 2, at(0), NONE]], // a cycle
      [2, [TUPLE, 3, NONE, NONE]], // no 2-tuple
    ] as const) {
      const { memory, kind } = heap(KINDS, { ...CHAIN, [block]: words });
      const spare = spareHeap(() => memory, { firstArea: AREA, lastFreeArea: LAST_FREE_AREA });
      expect(() => spare.hold(at(0))).toThrow(TypeError);
      spare.mark();
      expect([10, 12].map(kind)).toEqual([HEAD, HEAD]);
    }
  });

  it("brings back the pieces saved, as a soft reset brings back the memory", () => {
    const { memory, kind } = heap(KINDS, CHAIN);
    const spare = spareHeap(() => memory, { firstArea: AREA, lastFreeArea: LAST_FREE_AREA });
    const none = spare.saved();
    spare.hold(at(1));
    const one = spare.saved();
    spare.restore(none);
    spare.mark();
    expect([10, 12].map(kind)).toEqual([HEAD, HEAD]);
    spare.restore(one);
    spare.mark();
    expect([10, 12].map(kind)).toEqual([HEAD, MARK]);
  });
});
