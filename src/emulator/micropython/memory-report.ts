/**
 * The board's memory as micropython.mem_info() and qstr_info() show it: the board's part of the
 * interpreter's heap and qstr pools, never the guest library's. On the firmware the library is C
 * and frozen code in flash, its qstrs in ROM; here its modules fill ≈ 130 KB of the heap and
 * ≈ 700 qstrs, which the interpreter's own reports count.
 *
 * The board's blocks are those free once the library's heap trim is done at the script's start
 * (`mark`, _boardsim.run): the held spare and the library's objects are left out, what the script
 * allocates there is in. A library block freed later and taken by the script is not counted
 * (UNVERIFIED how much: the trim leaves the library's holes filled). The board's qstrs are those
 * interned after the library loaded (`qstrBase`), read from the interpreter's own qstr_info() output.
 */
import { AREA_NEXT, AREA_POOL, AREA_TABLE, AREA_TABLE_BYTES, AT_FREE, AT_HEAD, AT_TAIL, BLOCK, BLOCKS_PER_ATB } from "./gc-heap.ts";

/** py/gc.c gc_dump_alloc_table: DUMP_BYTES_PER_LINE (blocks per line). */
const PER_LINE = 64;

/** gc_info's block counts (py/gc.c:653-718): 1-blocks, 2-blocks, max blk sz, max free sz. */
export type BlockCounts = [oneBlocks: number, twoBlocks: number, maxBlock: number, maxFree: number];

export interface MemoryReport {
  /** The blocks free now are the board's; the others the library's. */
  mark(): void;
  /** gc_info's counts over the board's blocks (a library block ends a run, as the heap's end does). */
  counts(): BlockCounts;
  /**
   * gc_dump_alloc_table's map (py/gc.c:1187-1313) of the board's blocks, one after another (its
   * first's address as the heap's start): a head
   * block's letter from its type (`letters`: a type object's address → its letter, else 'h').
   */
  layout(letters: Map<number, string>): string;
  /** The qstrs interned now, from qstr_info()'s line: the library's, left out from now on. */
  qstrBase(line: string): void;
  /** qstr_info's figures for the qstrs interned since qstrBase, from its line now. */
  qstrs(line: string): QstrFigures;
}

/** qstr_info()'s figures (py/qstr.c:398-423). */
export interface QstrFigures {
  pools: number;
  count: number;
  dataBytes: number;
  totalBytes: number;
}

interface Area {
  address: number;
  /** The allocation table as it was at `mark`: a block free there is the board's. */
  marked: Uint8Array;
}

/** Over the interpreter's heap, whose first area's state is at `firstArea`; `memory` reads the current memory. */
export function memoryReport(memory: () => Int32Array, firstArea: number): MemoryReport {
  let areas: Area[] = [];
  let base: QstrFigures = { pools: 0, count: 0, dataBytes: 0, totalBytes: 0 };

  /** Calls `visit(kind, board, address)` for each block of each marked area in order, `end()` after each area. */
  function walk(visit: (kind: number, board: boolean, address: number) => void, end: () => void): void {
    const words = memory();
    const bytes = new Uint8Array(words.buffer);
    for (const { address, marked } of areas) {
      const table = words[(address >> 2) + AREA_TABLE]!;
      const pool = words[(address >> 2) + AREA_POOL]!;
      for (let block = 0; block < marked.length * BLOCKS_PER_ATB; block++) {
        const shift = 2 * (block & (BLOCKS_PER_ATB - 1));
        const at = block >> 2;
        visit((bytes[table + at]! >> shift) & 3, ((marked[at]! >> shift) & 3) === AT_FREE, pool + block * BLOCK);
      }
      end();
    }
  }

  return {
    mark() {
      const words = memory();
      const bytes = new Uint8Array(words.buffer);
      areas = [];
      for (let area = firstArea; area !== 0; area = words[(area >> 2) + AREA_NEXT]!) {
        const table = words[(area >> 2) + AREA_TABLE]!;
        areas.push({ address: area, marked: bytes.slice(table, table + words[(area >> 2) + AREA_TABLE_BYTES]!) });
      }
    },
    counts() {
      let one = 0;
      let two = 0;
      let maxBlock = 0;
      let maxFree = 0;
      let length = 0;
      let free = 0;
      const endBlock = () => {
        if (length === 1) one++;
        else if (length === 2) two++;
        maxBlock = Math.max(maxBlock, length);
        length = 0;
      };
      const endFree = () => {
        maxFree = Math.max(maxFree, free);
        free = 0;
      };
      walk(
        (kind, board) => {
          if (!board) {
            endBlock();
            endFree();
          } else if (kind === AT_FREE) {
            endBlock();
            free++;
          } else if (kind === AT_HEAD) {
            endBlock();
            endFree();
            length = 1;
          } else if (kind === AT_TAIL) length++;
        },
        () => {
          endBlock();
          endFree();
        },
      );
      return [one, two, maxBlock, maxFree];
    },
    layout(letters) {
      const words = memory();
      const map: string[] = [];
      let start = -1;
      walk(
        (kind, board, address) => {
          if (board && start < 0) start = address;
          if (board) map.push(kind === AT_FREE ? "." : kind === AT_TAIL ? "=" : kind === AT_HEAD ? letters.get(words[address >> 2]!) ?? "h" : "m");
        },
        () => {},
      );
      // py/gc.c:1190-1216: where the heap starts (%p: hex, no 0x; UNVERIFIED: the board's address,
      // here the interpreter's of the board's first block), then a line of 64 blocks under its
      // offset, two or more lines all free as one.
      let text = `GC memory layout; from ${Math.max(start, 0).toString(16)}:`;
      for (let block = 0; block < map.length; block++) {
        if (block % PER_LINE === 0) {
          let free = block;
          while (free < map.length && map[free] === ".") free++;
          if (free - block >= 2 * PER_LINE) {
            text += `\n       (${Math.floor((free - block) / PER_LINE)} lines all free)`;
            block = free & ~(PER_LINE - 1);
            if (block >= map.length) break;
          }
          text += `\n${(block * BLOCK).toString(16).padStart(8, "0")}: `;
        }
        text += map[block];
      }
      return text + "\n";
    },
    qstrBase(line) {
      base = parseQstrs(line);
    },
    qstrs(line) {
      const now = parseQstrs(line);
      const count = now.count - base.count;
      const dataBytes = now.dataBytes - base.dataBytes;
      // The pools the interpreter added since (their bytes: its total less its data), or the one
      // the library's last pool stands for; UNVERIFIED: the firmware's first pool's size (twice its
      // frozen pool's length, py/qstr.c qstr_add) is not counted.
      const pools = Math.max(now.pools - base.pools, count > 0 ? 1 : 0);
      const poolBytes = now.totalBytes - now.dataBytes - (base.totalBytes - base.dataBytes);
      return { pools, count, dataBytes, totalBytes: dataBytes + poolBytes };
    },
  };
}

/** qstr_info()'s line (py/modmicropython.c:100-101). */
function parseQstrs(line: string): QstrFigures {
  const [pools, count, dataBytes, totalBytes] = (/n_pool=(\d+), n_qstr=(\d+), n_str_data_bytes=(\d+), n_total_bytes=(\d+)/.exec(line) ?? []).slice(1).map(Number);
  return { pools: pools ?? 0, count: count ?? 0, dataBytes: dataBytes ?? 0, totalBytes: totalBytes ?? 0 };
}
