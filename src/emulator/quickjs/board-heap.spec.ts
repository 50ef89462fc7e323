import { describe, expect, it } from "vitest";
import { BOARDS } from "../../boards/index.ts";
import { HOST_NAMES } from "../host/functions.ts";
import { boardInfo } from "../host/modbuiltins.ts";
import { guestLibrarySource } from "./engine.ts";
import { PAGE } from "./board-heap.ts";
import { restore, snapshotFor, withScript, type Snapshot } from "./snapshot.ts";

const PAGE_BYTES = 4096;
const SCRIPT = { code: `import time from "time";\nconst list = [1, 2, 3];\nprint(list.length);\ntime.sleep_ms(1);\n`, file: "main.js", configKeys: [] };

/** The 4 KiB pages of `memory` above `from` that hold a byte other than 0. */
function writtenPages(memory: Uint8Array, from: number): number[] {
  const pages: number[] = [];
  for (let page = Math.floor(from / PAGE_BYTES); (page + 1) * PAGE_BYTES <= memory.length; page++) {
    if (memory.subarray(page * PAGE_BYTES, (page + 1) * PAGE_BYTES).some((byte) => byte !== 0)) pages.push(page);
  }
  return pages;
}

/** The pages a board copies from `snapshot`. */
function snapshotPages(snapshot: Snapshot): Set<number> {
  const pages = new Set<number>();
  for (const [start, end] of snapshot.ranges) for (let at = start; at < end; at += PAGE_BYTES) pages.add(at / PAGE_BYTES);
  return pages;
}

/**
 * Every page a board's memory holds costs a page fault as it is first touched (≈ 15 µs on the
 * bench's VM): a fleet board's blocks (the spare, asyncify's buffer, the heap, what fills the rest)
 * are laid out so that their malloc heads fall on pages the board uses anyway (BoardHeap.reserve).
 */
describe("a board's heap laid out in its memory", () => {
  const profile = BOARDS.pico_w!;
  const heapBytes = profile.heapBytes;

  it("from a template with its script: the host's blocks and the heap write two pages beyond the snapshot, the heap's first and asyncify's buffer's", async () => {
    const base = await snapshotFor(boardInfo(profile, false), HOST_NAMES, await guestLibrarySource());
    const scripted = (await withScript(base, SCRIPT, heapBytes))!;
    // Of the base's free memory above its objects only the script's objects are copied: no page holding only malloc's heads.
    const copied = snapshotPages(scripted);
    // The heap's start, above the C stack (5 MiB; below it, the statics the instance writes itself).
    const heapStart = scripted.ranges.find(([start]) => start > 1 << 20)![0];
    // The first board finds the layout (its probes leave malloc's heads elsewhere too); the next ones repeat it.
    await restore(scripted, heapBytes);
    const board = (await restore(scripted, heapBytes)) as Awaited<ReturnType<typeof restore>> & { memory: { buffer: ArrayBuffer } };
    const beyond = writtenPages(new Uint8Array(board.memory.buffer), heapStart).filter((page) => !copied.has(page));
    expect(beyond).toHaveLength(2);
    // The heap's room is free, whatever the layout: the board's script gets what the first board had (script-snapshots.spec.ts).
    expect(board.heap.hasRoom(Math.floor(heapBytes * 1.5) - (scripted.scriptBytes ?? 0) - 64)).toBe(true);
  });

  it("the template's copied pages each hold more than malloc's heads, but the last, where its top chunk's foot is", async () => {
    const base = await snapshotFor(boardInfo(profile, false), HOST_NAMES, await guestLibrarySource());
    const scripted = (await withScript(base, SCRIPT, heapBytes))!;
    let at = 0;
    const sparse: number[] = [];
    for (const [start, end] of scripted.ranges) {
      for (let page = start; page < end; page += PAGE_BYTES, at += PAGE_BYTES) {
        const bytes = scripted.bytes.subarray(at, at + PAGE_BYTES);
        if (bytes.filter((byte) => byte !== 0).length <= 8 && page + PAGE_BYTES < scripted.pages * PAGE) sparse.push(page / PAGE_BYTES);
      }
    }
    expect(sparse).toEqual([]);
  });
});
