/**
 * The script's free blocks, held by the worker through an import of a frozen library
 * (_boardsim.py __import__), so that the module compiles into the library's spare and the script
 * gets its free heap back as it was: one block.
 *
 * Held by the library's bytearrays, as the spare is, they came back only once a collection freed
 * them, and a stale word naming one of them kept it: the script lost its free heap (MemoryError
 * with 111 KB free). Here each run of free blocks is written into py/gc.c's allocation table as one
 * object (its first block AT_HEAD, the others AT_TAIL) that no word refers to, marked before each
 * collection (AT_MARK, as spare-heap.ts marks the spare), so that the collector neither scans nor
 * frees it (py/gc.c v1.27.0 gc_mark_subtree 457-527, gc_sweep_free_blocks 613-658), and freed at
 * once when the import is done, as gc_free frees an object.
 */
import { AREA_NEXT, AREA_POOL, AREA_POOL_END, AREA_TABLE, AT_FREE, AT_HEAD, AT_MARK, AT_TAIL, BLOCK, blockKind, freeObject, type HeapAreas, setBlockKind } from "./gc-heap.ts";

export interface HeldFree {
  /** Holds every free block of the heap. */
  hold(): void;
  /** Before a collection: each held run's head marked. */
  mark(): void;
  /** The held blocks free again. */
  release(): void;
  /** After a soft reset brought the memory back as at the snapshot (worker.ts), where none was held. */
  forget(): void;
}

/** Over the interpreter's heap (`heap`: its areas); `memory` reads the current memory. */
export function heldFree(memory: () => Int32Array, heap: HeapAreas): HeldFree {
  const { firstArea } = heap;
  /** Each held run: its area and first block. */
  let runs: { area: number; first: number }[] = [];
  return {
    hold() {
      if (runs.length > 0) throw new Error("the script's free blocks are held already");
      const words = memory();
      const bytes = new Uint8Array(words.buffer);
      for (let area = firstArea; area !== 0; area = words[(area >> 2) + AREA_NEXT]!) {
        const table = words[(area >> 2) + AREA_TABLE]!;
        const blocks = (words[(area >> 2) + AREA_POOL_END]! - words[(area >> 2) + AREA_POOL]!) / BLOCK;
        for (let block = 0; block < blocks; block++) {
          if (blockKind(bytes, table, block) !== AT_FREE) continue;
          runs.push({ area, first: block });
          setBlockKind(bytes, table, block, AT_HEAD);
          while (block + 1 < blocks && blockKind(bytes, table, block + 1) === AT_FREE) setBlockKind(bytes, table, ++block, AT_TAIL);
        }
      }
    },
    mark() {
      const words = memory();
      const bytes = new Uint8Array(words.buffer);
      for (const { area, first } of runs) {
        const table = words[(area >> 2) + AREA_TABLE]!;
        if (blockKind(bytes, table, first) === AT_HEAD) setBlockKind(bytes, table, first, AT_MARK);
      }
    },
    release() {
      const words = memory();
      const bytes = new Uint8Array(words.buffer);
      // A sweep turned each head back to AT_HEAD; one that did not reach it (py/gc.c sweeps up to
      // the area's last used block) left it AT_MARK.
      const intact = ({ area, first }: (typeof runs)[number]) => [AT_HEAD, AT_MARK].includes(blockKind(bytes, words[(area >> 2) + AREA_TABLE]!, first));
      if (!runs.every(intact)) throw new Error("a held free block of the script's was freed");
      for (const { area, first } of runs) freeObject(words, heap, area, first);
      runs = [];
    },
    forget() {
      runs = [];
    },
  };
}
