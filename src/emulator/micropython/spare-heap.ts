/**
 * The spare heap the guest library holds so that a script finds the board's heap free
 * (_boardsim.py _hold_all_but: every free block around the board's, in bytearrays), kept out of
 * each collection's marking (issue 16).
 *
 * py/gc.c marks a block it reaches by turning its allocation table entry from AT_HEAD to AT_MARK,
 * and scans the words of only those it turned (gc_mark_subtree, v1.27.0 457-527: a block already
 * AT_MARK is passed over); the sweep turns AT_MARK back to AT_HEAD and keeps the block and its tail
 * (gc_sweep_free_blocks 613-658). The spare's bytes are zeros that hold no object, yet the collector
 * read them word by word at each collection: ≈ 55 KB on every board (3400-3460 blocks, 40 % of the
 * blocks in use when a script starts), ≈ 1/4 of the interpreter's time per collection. So the
 * worker marks the pieces' data blocks before each collection: the collector neither scans nor
 * frees them, as before it scanned zeros and kept them. Only while the library holds them: it
 * hands over each new spare, and none when it lets it go (_boardsim.py _hold_spare).
 *
 * Let go, the pieces' bytes are freed at once, as py/gc.c gc_free frees a block, each bytearray
 * left empty (no bytes, no pointer to them): left to a collection, any stale word naming the
 * chain (a frame's padding on the Python stack, a module's constants table allocated where a
 * tuple of it had been) kept the pieces it reached, and a frozen import found no heap for its
 * module (ESP8266, asyncio.gather's first use in a coroutine: MemoryError). A collection may not
 * run there at all (collector.ts). The chain's tuples and the empty bytearrays are garbage.
 */
import { AREA_POOL, AREA_TABLE, AT_HEAD, AT_MARK, BLOCK, BLOCKS_PER_ATB, areaHolding, freeObject, type HeapAreas } from "./gc-heap.ts";

/** A tuple's words (py/objtuple.h mp_obj_tuple_t): type, length, items; a bytearray's (py/objarray.h mp_obj_array_t): type, typecode and free, length, items. */
const TUPLE_LENGTH = 1;
const TUPLE_ITEMS = 2;
const ARRAY_LENGTH = 2;
const ARRAY_ITEMS = 3;

export interface SpareHeap {
  /** The spare from now on: its chain's first tuple by id() (its address), (next, piece) each, the last's next None; 0: the spare let go, its bytes freed. */
  hold(chain: number): void;
  /** Before a collection: each piece's head block marked. */
  mark(): void;
  /** The pieces held now, for `restore` after a soft reset brings the memory back (worker.ts). */
  saved(): HeldPieces;
  restore(saved: HeldPieces): void;
}

/**
 * Each piece: its tuple and bytearray objects, the bytearray's data block, and that block's
 * allocation table byte's address and entry's shift in that byte.
 */
interface HeldPieces {
  tuples: Int32Array;
  pieces: Int32Array;
  data: Int32Array;
  tableBytes: Int32Array;
  shifts: Uint8Array;
}

const NONE_HELD: HeldPieces = { tuples: new Int32Array(0), pieces: new Int32Array(0), data: new Int32Array(0), tableBytes: new Int32Array(0), shifts: new Uint8Array(0) };

/** Over the interpreter's heap (`heap`: its areas); `memory` reads the current memory. */
export function spareHeap(memory: () => Int32Array, heap: HeapAreas): SpareHeap {
  const { firstArea } = heap;
  let held = NONE_HELD;
  /**
   * The tuple and bytearray types, from the library's first spare (handed over before a script
   * runs): each collection marks a piece only while its tuple is still a tuple holding it and it is
   * still a bytearray owning that block. A bytearray's bytes never hold a reference, so whatever
   * hands over a chain, and whatever becomes of its blocks after, marking cannot free a live object.
   */
  let tupleType = 0;
  let bytearrayType = 0;
  /** Whether held piece i is still as handed over: its tuple a tuple holding it, it a bytearray owning its block. */
  const intact = (words: Int32Array, i: number) => {
    const { tuples, pieces, data } = held;
    const [tuple, piece] = [tuples[i]! >> 2, pieces[i]! >> 2];
    return words[tuple] === tupleType && words[tuple + TUPLE_ITEMS + 1] === pieces[i] && words[piece] === bytearrayType && words[piece + ARRAY_ITEMS] === data[i];
  };
  const letGo = () => {
    const words = memory();
    const bytes = new Uint8Array(words.buffer);
    const { pieces, data, tableBytes, shifts } = held;
    for (let i = 0; i < tableBytes.length; i++) {
      if (!intact(words, i) || ((bytes[tableBytes[i]!]! >> shifts[i]!) & 3) !== AT_HEAD) continue;
      const area = areaHolding(words, firstArea, data[i]!);
      words[(pieces[i]! >> 2) + ARRAY_LENGTH] = 0;
      words[(pieces[i]! >> 2) + ARRAY_ITEMS] = 0;
      freeObject(words, heap, area, (data[i]! - words[(area >> 2) + AREA_POOL]!) / BLOCK);
    }
  };
  return {
    hold(chain) {
      if (chain === 0) letGo();
      const words = memory();
      const bytes = new Uint8Array(words.buffer);
      /** The area whose pool holds `address` at a block's start, else 0 (None and the other constants are static data). */
      const areaOf = (address: number) => {
        const area = areaHolding(words, firstArea, address);
        return area !== 0 && (address - words[(area >> 2) + AREA_POOL]!) % BLOCK === 0 ? area : 0;
      };
      const tuples: number[] = [];
      const pieces: number[] = [];
      const datas: number[] = [];
      const tableBytes: number[] = [];
      const shifts: number[] = [];
      let walked = 0;
      for (let tuple = chain; tuple !== 0 && areaOf(tuple) !== 0; tuple = words[(tuple >> 2) + TUPLE_ITEMS]!) {
        // A chain longer than the memory has blocks is a cycle: not the library's
        if (words[(tuple >> 2) + TUPLE_LENGTH] !== 2 || ++walked > words.byteLength / BLOCK) throw new TypeError("invalid bridge argument");
        const piece = words[(tuple >> 2) + TUPLE_ITEMS + 1]!;
        if (areaOf(piece) === 0) continue; // None: a hole too small for a piece
        const data = words[(piece >> 2) + ARRAY_ITEMS]!;
        const area = areaOf(data);
        const block = (data - words[(area >> 2) + AREA_POOL]!) / BLOCK;
        const at = words[(area >> 2) + AREA_TABLE]! + Math.floor(block / BLOCKS_PER_ATB);
        const shift = 2 * (block % BLOCKS_PER_ATB);
        // Only a head block: anything else would mark part of another object.
        if (area === 0 || ((bytes[at]! >> shift) & 3) !== AT_HEAD) throw new TypeError("invalid bridge argument");
        if (tupleType === 0) [tupleType, bytearrayType] = [words[tuple >> 2]!, words[piece >> 2]!];
        tuples.push(tuple);
        pieces.push(piece);
        datas.push(data);
        tableBytes.push(at);
        shifts.push(shift);
      }
      held = { tuples: Int32Array.from(tuples), pieces: Int32Array.from(pieces), data: Int32Array.from(datas), tableBytes: Int32Array.from(tableBytes), shifts: Uint8Array.from(shifts) };
    },
    mark() {
      const words = memory();
      const bytes = new Uint8Array(words.buffer);
      const { tableBytes, shifts } = held;
      for (let i = 0; i < tableBytes.length; i++) {
        if (!intact(words, i)) continue;
        const at = tableBytes[i]!;
        const shift = shifts[i]!;
        if (((bytes[at]! >> shift) & 3) === AT_HEAD) bytes[at] = bytes[at]! | (AT_MARK << shift);
      }
    },
    saved: () => held,
    restore(saved) {
      held = saved;
    },
  };
}
