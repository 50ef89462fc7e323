import { describe, expect, it } from "vitest";
import { HEAP_WORKLOAD_HELPERS, insertedCode, pinnedWasm as wasm, printedBy } from "../../../test/support/pinned-wasm.ts";
import { withGcAllocSkip } from "./gc-alloc-skip.ts";

/** The skip's code: `block loop ... end end`, 75 bytes. */
const SKIP_BYTES = 75;

/**
 * A mixed workload, the same for each build, shaped as a script's heap is: long stretches of
 * objects in use with holes let go among them (half of the sizes whole table bytes, so that holes
 * also end and start on a byte's edge), then objects of 2 to 61 blocks looked for first-fit past
 * them (the search the patch shortens), kept or dropped at random; collections start each search
 * at the heap's start again, and the heap grows (gc_try_add_heap): the search passes the end of
 * full areas. Prints the address of every object looked for and, now and then, the heap's block
 * map (micropython.mem_info(1)).
 */
const WORKLOAD = `import gc, micropython
${HEAP_WORKLOAD_HELPERS}def size():  # half of them whole table bytes (4 blocks), so that holes end on a byte's edge
    return 4 * (1 + rnd(10)) if rnd(2) else 1 + rnd(40)
kept = []
for round in range(40):
    for k in range(150):
        kept.append(blocks(size()))
    for k in range(30):
        kept.pop(rnd(len(kept)))
    gc.collect()
    placed(40, lambda: 2 + rnd(60), kept)
    if round % 10 == 9:
        micropython.mem_info(1)
`;

describe("withGcAllocSkip on the pinned interpreter (1.27.0)", () => {
  it("inserts the skip at the top of gc_alloc's search for a run of blocks, and changes no other code; the module stays valid", () => {
    const original = wasm();
    // The search's loop starts `loop; i32.const 0; local.set 10 (the run found); block; local.get 9 (the table)`,
    // and n_free = 0 (local 7) just before: the skip goes right after `loop`.
    const skip = insertedCode(original, withGcAllocSkip(original), [0x41, 0x00, 0x21, 0x07, 0x03, 0x40, 0x41, 0x00, 0x21, 0x0a, 0x02, 0x40, 0x20, 0x09], 6, SKIP_BYTES);
    expect([...skip.subarray(0, 4)]).toEqual([0x02, 0x40, 0x03, 0x40]); // block; loop
    expect([...skip.subarray(-4)]).toEqual([0x0c, 0x00, 0x0b, 0x0b]); // br 0; end; end
    expect(Buffer.from(original).equals(wasm())).toBe(true); // left as it was
  });

  it("fails, saying so, on a build whose search is another", () => {
    const other = wasm();
    // The search's test of a byte's first entry, `i32.const 3; i32.and` (ATB_MASK_0, py/gc.c:71): 7.
    const test = Buffer.from(other).indexOf(Buffer.from([0x22, 0x02, 0x41, 0x03, 0x71, 0x0d, 0x00, 0x20, 0x07]));
    other[test + 3] = 0x07;
    expect(() => withGcAllocSkip(other)).toThrow(
      "micropython.wasm: expected gc_alloc's search for a run of free blocks once (found 0): not the pinned interpreter (1.27.0)?",
    );
    expect(() => withGcAllocSkip(withGcAllocSkip(wasm()))).toThrow("(found 0)");
  });

  it("places every object at the same address as the unpatched interpreter, through collections, holes and added heap areas", { timeout: 60_000 }, async () => {
    const original = await printedBy(wasm(), WORKLOAD);
    const patched = await printedBy(withGcAllocSkip(wasm()), WORKLOAD);
    // The workload did what it is for: 1,600 objects looked for, the map printed 4 times, areas added.
    expect(original.match(/^\d+$/gm)).toHaveLength(40 * 40);
    expect(original.match(/^GC: total: /gm)).toHaveLength(4);
    expect(original.match(/GC memory layout; from /g)!.length).toBeGreaterThan(4 * 3); // an area each, at each of the 4
    expect(patched).toBe(original);
  });
});
