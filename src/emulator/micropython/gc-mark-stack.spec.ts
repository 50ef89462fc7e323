import { describe, expect, it } from "vitest";
import { firstArea, freshInterpreter, functionBodies, HEAP_WORKLOAD_HELPERS, pinnedWasm as wasm, validate } from "../../../test/support/pinned-wasm.ts";
import { giveMarkStack, MARK_STACK_BYTES, MARK_STACK_ENTRIES, MARK_STACK_WORD, withGcMarkStack } from "./gc-mark-stack.ts";
import { markStackGuard } from "./mark-stack.ts";

/**
 * A workload, the same for each build, whose marking goes past 64 entries at every collection: trees
 * of lists (deep and wide), lists of 100-200 objects (a block with more children than the
 * firmware's stack holds), chains of tuples, and now and then a list of 1,500 (more than the larger
 * stack holds, with a cycle: held for one collection), kept or dropped at random; the heap grows (gc_try_add_heap), so that
 * entries come from several areas. The port collects when the outermost call from JavaScript returns
 * (ports/webassembly/main.c), so each round is a call of its own that asks for a collection at its
 * end, and the next prints the address of every object it makes first (where the allocator finds
 * room shows what the collection freed) and, now and then, the heap's block map
 * (micropython.mem_info(1)).
 */
const SETUP = `import gc, micropython
${HEAP_WORKLOAD_HELPERS}def tree(depth, width):
    if depth == 0:
        return blocks(1 + rnd(3))
    return [tree(depth - 1, width) for k in range(width)]
kept = []
def round(r):
    placed(20, lambda: 1 + rnd(8), kept)
    if r % 10 == 9:
        micropython.mem_info(1)
    kept.append(tree(1 + rnd(3), 2 + rnd(6)))
    kept.append([blocks(1) for k in range(100 + rnd(100))])
    chain = None
    for k in range(50):
        chain = (chain, blocks(1 + rnd(2)))
    if rnd(2):
        kept.append(chain)
    global wide
    wide = None
    if r % 7 == 3:  # held until the next round
        wide = [blocks(1) for k in range(1500)]
        wide.append(wide)
    for k in range(rnd(4)):
        kept.pop(rnd(len(kept)))
    gc.collect()
`;
const ROUNDS = 40;

/** MP_STATE_MEM(gc_alloc_threshold) from the first area (mark-stack.ts). */
const THRESHOLD = 8 * 4 + 4 + 2 * 64 * 4 + 8;

/**
 * What the workload prints in a fresh interpreter compiled from `bytes`, and after each collection
 * whether it filled the mark stack: the unpatched build's 64 entries (the last area entry,
 * mp_state_mem_t's gc_area_stack[63]) or, patched, the stack the guard gives it when `entries`
 * is given (then used up to that many: the guard's count changed after it), none otherwise (no
 * entry: every child found by the rescans).
 */
async function run(bytes: Uint8Array, entries?: number): Promise<{ out: string; filled: number[] }> {
  const out: number[] = [];
  const sandboxed = await freshInterpreter(bytes, out);
  sandboxed.mp.runPython(`${SETUP}\nmicropython.mem_info(1)`);
  const memory = () => new Int32Array(sandboxed.buffer());
  const area = firstArea(memory(), Buffer.from(out).toString());
  out.length = 0;
  const counts = new Int32Array(2);
  // Allocated in every run: the areas the heap adds later are malloc'd after it, at the same addresses.
  const stack = sandboxed.exports.malloc(MARK_STACK_BYTES);
  if (entries !== undefined) giveMarkStack(memory(), stack);
  const guard = entries === undefined ? null : markStackGuard(memory, area, area + THRESHOLD, counts);
  if (entries !== undefined) memory()[((area + MARK_STACK_WORD) >> 2) + 1] = entries;
  const filled: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const lastOld = (area + 8 * 4 + 4 + 2 * 64 * 4 - 4) >> 2;
    memory()[lastOld] = 0;
    guard?.arm();
    sandboxed.mp.runPython(`round(${r})`);
    const before = counts[1]!;
    guard?.count();
    if (counts[1]! > before || memory()[lastOld] !== 0) filled.push(r);
  }
  sandboxed.mp.runPython("micropython.mem_info(1)");
  return { out: Buffer.from(out).toString(), filled };
}

describe("withGcMarkStack on the pinned interpreter (1.27.0)", () => {
  it("changes only the marking's two copies (gc_mark_subtree, gc_collect_end), and the module stays valid", () => {
    const original = wasm();
    const patched = withGcMarkStack(original);
    expect(validate(patched)).toBe(true);
    const before = functionBodies(original);
    const after = functionBodies(patched);
    expect(after).toHaveLength(before.length);
    expect(before.flatMap((body, index) => (body.equals(after[index]!) ? [] : [index]))).toHaveLength(2);
    // The old stack is read and written nowhere else: its arrays' offsets from mp_state_ctx (420, 676) are gone.
    for (const body of after) for (const offset of [[0x02, 0xa4, 0x03], [0x02, 0xa4, 0x05]]) expect(body.includes(Buffer.from([0x36, ...offset])) || body.includes(Buffer.from([0x28, ...offset]))).toBe(false);
    expect(Buffer.from(original).equals(wasm())).toBe(true); // left as it was
  });

  it("fails, saying so, on a build whose marking is another", () => {
    const other = wasm();
    // The push's test `sp > 63` (py/gc.c:508, MICROPY_ALLOC_GC_STACK_SIZE): 127 in one copy.
    const test = Buffer.from(other).indexOf(Buffer.from([0x41, 0x3f, 0x4b, 0x0d, 0x00]));
    other[test + 1] = 0x7f;
    expect(() => withGcMarkStack(other)).toThrow(
      "micropython.wasm: expected py/gc.c's mark stack pushed and popped twice each (found 1 and 2): not the pinned interpreter (1.27.0)?",
    );
    expect(() => withGcMarkStack(withGcMarkStack(wasm()))).toThrow("(found 0 and 0)");
  });

  it(
    "frees what the unpatched interpreter frees at every collection, with the larger stack, with none (the rescans), and with one of 4 entries",
    { timeout: 120_000 },
    async () => {
      const original = await run(wasm());
      const larger = await run(withGcMarkStack(wasm()), MARK_STACK_ENTRIES);
      // The workload did what it is for: 800 objects placed after collections, the map printed 5 times, areas added.
      expect(original.out.match(/^\d+$/gm)).toHaveLength(ROUNDS * 20);
      expect(original.out.match(/^GC: total: /gm)).toHaveLength(5);
      expect(original.out.match(/GC memory layout; from /g)!.length).toBeGreaterThan(5 * 2);
      // Every collection filled the firmware's 64 entries; the larger stack only with the list of 1,500.
      expect(original.filled).toEqual([...Array(ROUNDS).keys()]);
      expect(larger.filled).toEqual([...Array(ROUNDS).keys()].filter((r) => r % 7 === 3));
      expect(larger.out).toBe(original.out);
      expect((await run(withGcMarkStack(wasm()))).out).toBe(original.out);
      expect((await run(withGcMarkStack(wasm()), 4)).out).toBe(original.out);
    },
  );

  it("the collector is given its stack once, where the guard finds it; a guard finds none in a collector not given one", async () => {
    const out: number[] = [];
    const sandboxed = await freshInterpreter(withGcMarkStack(wasm()), out);
    sandboxed.mp.runPython("import micropython\nmicropython.mem_info(1)");
    const memory = () => new Int32Array(sandboxed.buffer());
    const area = firstArea(memory(), Buffer.from(out).toString());
    expect(() => markStackGuard(memory, area, area + THRESHOLD, new Int32Array(2))).toThrow("MicroPython: py/gc.c's mark stack is not where expected");
    const stack = sandboxed.exports.malloc(MARK_STACK_BYTES);
    giveMarkStack(memory(), stack);
    expect([memory()[(area + MARK_STACK_WORD) >> 2], memory()[((area + MARK_STACK_WORD) >> 2) + 1]]).toEqual([stack, MARK_STACK_ENTRIES]);
    expect(() => giveMarkStack(memory(), stack)).toThrow("MicroPython: py/gc.c's mark stack was given already");
    markStackGuard(memory, area, area + THRESHOLD, new Int32Array(2));
  });
});
