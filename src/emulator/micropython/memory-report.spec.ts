import { describe, expect, it } from "vitest";
import { memoryReport } from "./memory-report.ts";

/**
 * One heap area (mp_state_mem_area_t at AREA: next, table start, table length, finaliser table,
 * pool start, pool end) whose blocks are drawn as py/gc.c's map draws them: '.' free, 'h' a head,
 * '=' a tail; `set` redraws them, a head's first word the type given for it in `types`.
 */
const AREA = 32;
const TABLE = 64;
const POOL = 1024;
function drawnHeap(blocks: number) {
  const words = new Int32Array((POOL + blocks * 16) / 4);
  words.set([0, TABLE, blocks / 4, 0, POOL, POOL + blocks * 16], AREA / 4);
  const table = new Uint8Array(words.buffer, TABLE, blocks / 4);
  const set = (drawing: string, types: number[] = []) => {
    table.fill(0);
    let head = 0;
    [...drawing].forEach((c, block) => {
      const kind = c === "." ? 0 : c === "=" ? 2 : 1;
      table[block >> 2]! |= kind << ((block & 3) * 2);
      if (kind === 1) words[(POOL + block * 16) / 4] = types[head++] ?? 0;
    });
  };
  return { set, report: memoryReport(() => words, AREA) };
}

describe("memoryReport: mem_info's counts and map over the board's blocks only", () => {
  it("counts runs among the blocks free at mark, a library block ending a run as the heap's end does (py/gc.c gc_info)", () => {
    const { set, report } = drawnHeap(32);
    // The library holds blocks 0-3 and 12-13; the board's are the rest.
    set("h===........h=..................");
    report.mark();
    set("h===h.h=h==.h=h=h...............");
    // board: h . h= h== . | h= h ............... (the library's h= at 12-13 are left out)
    expect(report.counts()).toEqual([2, 2, 3, 15]);
  });

  it("maps the board's blocks one after another, the type's letter on a head, all-free lines as one (py/gc.c gc_dump_alloc_table)", () => {
    const { set, report } = drawnHeap(256);
    set(`${"h=".repeat(8)}${".".repeat(240)}`);
    report.mark();
    set(`${"h=".repeat(8)}hh=h${".".repeat(236)}`, [0, 0, 0, 0, 0, 0, 0, 0, 0x700, 0x800, 0x900]);
    const letters = new Map([
      [0x700, "T"],
      [0x800, "L"],
    ]);
    expect(report.layout(letters)).toBe(`GC memory layout; from ${(POOL + 16 * 16).toString(16)}:\n00000000: TL=h${".".repeat(60)}\n       (2 lines all free)\n00000c00: ${".".repeat(48)}\n`);
  });
});

describe("memoryReport: qstr_info's figures for the qstrs interned since the library's", () => {
  const line = (pools: number, count: number, data: number, total: number) => `qstr pool: n_pool=${pools}, n_qstr=${count}, n_str_data_bytes=${data}, n_total_bytes=${total}\n`;

  it("counts what the interpreter's line added since the base: a pool added, or the one the new names are in", () => {
    const { report } = drawnHeap(4);
    report.qstrBase(line(2, 700, 6000, 15000));
    expect(report.qstrs(line(2, 700, 6000, 15000))).toEqual({ pools: 0, count: 0, dataBytes: 0, totalBytes: 0 });
    // two names in the library's last pool: its bytes are not the board's (UNVERIFIED the firmware's first pool's)
    expect(report.qstrs(line(2, 702, 6010, 15010))).toEqual({ pools: 1, count: 2, dataBytes: 10, totalBytes: 10 });
    // then a pool of 1,000 bytes more
    expect(report.qstrs(line(3, 800, 7000, 17000))).toEqual({ pools: 1, count: 100, dataBytes: 1000, totalBytes: 2000 });
  });
});
