import { describe, expect, it } from "vitest";
import { HEAP_WORKLOAD_HELPERS, insertedCode, pinnedWasm as wasm, printedBy } from "../../../test/support/pinned-wasm.ts";
import { withGcAllocTails } from "./gc-alloc-tails.ts";

/** The inserted test: `block ... end`, 69 bytes. */
const INSERTED_BYTES = 69;

/**
 * A mixed workload, the same for each build: objects of 1 to 300 blocks, their heads on any of a
 * table byte's 4 entries and their ends too (so that the whole bytes filled are 0 to 74, after 0
 * to 3 entries marked one by one and before 0 to 3 more), kept or dropped at random among objects
 * kept, collected now and then. Prints the address of every object and, now and then, the heap's
 * block map (micropython.mem_info(1): each block's kind, so a tail marked wrong or not at all shows).
 */
const WORKLOAD = `import gc, micropython
${HEAP_WORKLOAD_HELPERS}def size():
    return 1 + rnd(300) if rnd(2) else 1 + rnd(9)
kept = []
for round in range(30):
    placed(60, size, kept)
    for k in range(20):
        kept.pop(rnd(len(kept)))
    if round % 10 == 9:
        micropython.mem_info(1)
    gc.collect()
`;

describe("withGcAllocTails on the pinned interpreter (1.27.0)", () => {
  it("inserts the test at the top of gc_alloc's loop marking tail blocks, and changes no other code; the module stays valid", () => {
    const original = wasm();
    // The loop: `loop; local.get 6 (the area); i32.load offset=4 (its table)`: the test goes right after `loop`.
    const inserted = insertedCode(original, withGcAllocTails(original), [0x03, 0x40, 0x20, 0x06, 0x28, 0x02, 0x04, 0x20, 0x03, 0x41, 0x02, 0x76], 2, INSERTED_BYTES);
    expect([...inserted.subarray(0, 2)]).toEqual([0x02, 0x40]); // block
    expect([...inserted.subarray(-6)]).toEqual([0x20, 0x07, 0x4b, 0x0d, 0x02, 0x0b]); // end_block; i32.gt_u; br_if 2 (out of the loop); end
    expect(Buffer.from(original).equals(wasm())).toBe(true); // left as it was
  });

  it("fails, saying so, on a build whose loop is another", () => {
    const other = wasm();
    // The loop's AT_TAIL, `i32.const 2; local.get 3 (bl)`: 3 (AT_MARK).
    const tail = Buffer.from(other).indexOf(Buffer.from([0x2d, 0x00, 0x00, 0x41, 0x02, 0x20, 0x03, 0x41, 0x01, 0x74]));
    other[tail + 4] = 0x03;
    expect(() => withGcAllocTails(other)).toThrow(
      "micropython.wasm: expected gc_alloc's loop marking a new object's tail blocks once (found 0): not the pinned interpreter (1.27.0)?",
    );
    expect(() => withGcAllocTails(withGcAllocTails(wasm()))).toThrow("(found 0)");
  });

  it("leaves every object at the same address and every block of the heap as the unpatched interpreter does", { timeout: 60_000 }, async () => {
    const original = await printedBy(wasm(), WORKLOAD);
    const patched = await printedBy(withGcAllocTails(wasm()), WORKLOAD);
    // The workload did what it is for: 1,800 objects placed, the map printed 3 times.
    expect(original.match(/^\d+$/gm)).toHaveLength(30 * 60);
    expect(original.match(/^GC: total: /gm)).toHaveLength(3);
    expect(patched).toBe(original);
  });
});
