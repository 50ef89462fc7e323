import { describe, expect, it } from "vitest";
import { compile, freshInterpreter, functionBodies, pinnedWasm, validate } from "../../../test/support/pinned-wasm.ts";
import { callsIn, RECORD_MAGIC, recordedWords, withCHeldRecords } from "./c-held.ts";

/** The recorded functions' indexes in the code section (the build imports 60 functions). */
const RECORDED = [644, 826, 707, 540, 541, 928, 649, 939, 862, 669, 588].map((index) => index - 60);

/** How many times `pattern` occurs in `body`. */
function count(body: Buffer, pattern: readonly number[]): number {
  let n = 0;
  for (let at = body.indexOf(Buffer.from(pattern)); at !== -1; at = body.indexOf(Buffer.from(pattern), at + 1)) n++;
  return n;
}
/** The code that pushes a record of `n` words (i32.const RECORD_MAGIC's bytes as in the test above), `size` bytes below the stack pointer. */
const push = (size: number, n: number) => [0x23, 0, 0x41, size, 0x6b, 0x24, 0, 0x23, 0, 0x41, 0xc3, 0x88, 0xb1, 0xc2, 0x04, 0x36, 2, 0, 0x23, 0, 0x41, n, 0x36, 2, 4];
/** The code that clears and pops one. */
const pop = (size: number) => [0x23, 0, 0x41, 0, 0x36, 2, 0, 0x23, 0, 0x41, size, 0x6a, 0x24, 0];

describe("withCHeldRecords on the pinned interpreter (1.27.0)", () => {
  const original = pinnedWasm();
  const patched = withCHeldRecords(original);

  it("changes only the recorded functions, into a valid module", () => {
    expect(validate(patched)).toBe(true);
    const before = functionBodies(original);
    const after = functionBodies(patched);
    expect(after).toHaveLength(before.length);
    const changed = before.flatMap((body, index) => (body.equals(after[index]!) ? [] : [index]));
    expect(changed.sort((a, b) => a - b)).toEqual([...RECORDED].sort((a, b) => a - b));
  });

  it("puts a record of every local around list_extend_from_iter's call of mp_iternext (not of mp_getiter or mp_obj_list_append), popped after it", () => {
    const body = functionBodies(patched)[644 - 60]!;
    // (locals: 1 group, an i32), then the code
    const calls = callsIn(body, 3, body.length);
    expect(calls.map((c) => c.callee)).toEqual([391, 392, 647]);
    const magic = body.indexOf(Buffer.from([0x41, 0xc3, 0x88, 0xb1, 0xc2, 0x04])); // i32.const RECORD_MAGIC
    expect(magic).toBeGreaterThan(0);
    // before the first call: sp -= 32; [sp] = magic; [sp + 4] = 3; [sp + 8..16] = locals 0, 1, 2
    const before = [0x23, 0, 0x41, 32, 0x6b, 0x24, 0, 0x23, 0, 0x41, 0xc3, 0x88, 0xb1, 0xc2, 0x04, 0x36, 2, 0, 0x23, 0, 0x41, 3, 0x36, 2, 4];
    expect(body.indexOf(Buffer.from(before))).toBeGreaterThan(0);
    for (const [local, offset] of [[0, 8], [1, 12], [2, 16]]) expect(body.indexOf(Buffer.from([0x23, 0, 0x20, local!, 0x36, 2, offset!]))).toBeGreaterThan(0);
    // after each call: [sp] = 0; sp += 32
    const after = Buffer.from([0x23, 0, 0x41, 0, 0x36, 2, 0, 0x23, 0, 0x41, 32, 0x6a, 0x24, 0]);
    let count = 0;
    for (let at = body.indexOf(after); at !== -1; at = body.indexOf(after, at + 1)) count++;
    expect(count).toBe(1);
  });

  it("records zip's, map's and filter's locals around the calls that run Python, not around their allocations", () => {
    const bodies = functionBodies(patched);
    const originals = functionBodies(original);
    // zip_iternext (py/objzip.c): 7 words (self and 6 locals, its tuple among them) around mp_iternext only, not mp_obj_new_tuple (824) or mp_obj_tuple_del (829)
    const zip = bodies[862 - 60]!;
    expect(callsIn(zip, 3, zip.length).map((c) => c.callee)).toEqual([824, 392, 829]);
    expect([count(zip, push(48, 7)), count(zip, pop(48))]).toEqual([1, 1]);
    // map_iternext (py/objmap.c): 6 words (its argument block, local 1) around mp_iternext and mp_call_function_n_kw, not m_malloc (67) or m_free (73)
    const map = bodies[669 - 60]!;
    expect(callsIn(map, 3, map.length).map((c) => c.callee)).toEqual([67, 392, 397, 73]);
    expect([count(map, push(32, 6)), count(map, pop(32))]).toEqual([2, 2]);
    // filter_iternext (py/objfilter.c): its 5 locals and the item at frame (local 1) + 12, around mp_iternext, mp_call_function_n_kw and mp_obj_is_true
    const filter = bodies[588 - 60]!;
    expect(callsIn(filter, 3, filter.length).map((c) => c.callee)).toEqual([392, 397, 464]);
    expect([count(filter, push(32, 6)), count(filter, pop(32))]).toEqual([3, 3]);
    expect(count(filter, [0x23, 0, 0x20, 1, 0x28, 2, 12, 0x36, 2, 28])).toBe(3); // [sp + 28] = [local 1 + 12]
    // enumerate_iternext (py/objenumerate.c) and mp_builtin_sum are left as they are
    expect(bodies[571 - 60]!.equals(originals[571 - 60]!)).toBe(true);
  });

  it("refuses another build", () => {
    const other = pinnedWasm();
    const body = functionBodies(other)[644 - 60]!;
    const at = Buffer.from(other.buffer, other.byteOffset, other.length).indexOf(body);
    other[at + body.length - 2] ^= 1; // one byte of list_extend_from_iter changed
    expect(() => withCHeldRecords(other)).toThrow(/list_extend_from_iter is not function 644/);
  });

  it("runs the built-ins over generators as the original does, the C stack pointer back where it was after each", async () => {
    const script = `def g(n):
    for i in range(n):
        yield i * 7 % 100
print(list(g(9)), tuple(g(5)), sorted(set(g(12))), sorted(frozenset(g(3))), dict((x, x) for x in g(3)))
print(min(g(50)), max(g(50), key=lambda x: -x), sorted(g(9), key=lambda x: -x), sorted(g(6), reverse=True))
print(",".join(str(x) for x in g(6)), any(x > 90 for x in g(50)), all(x < 90 for x in g(50)))
print(list(zip(g(4), "abc", g(9))), list(zip()), [x for x in map(lambda a, b: a - b, g(5), g(6))], list(filter(None, g(9))))
print(list(filter(lambda x: x > 30, g(9))), list(enumerate(g(4), 2)), sum(map(abs, g(9))), dict(zip(map(str, g(3)), g(3))))
try:
    list(map(lambda x: 1 // 0, g(3)))
except ZeroDivisionError:
    print("ZeroDivisionError")
try:
    dict(x for x in g(3))
except TypeError as e:
    print("TypeError", e)
try:
    max(x for x in ())
except ValueError as e:
    print("ValueError", e)
`;
    const outputs: string[] = [];
    for (const bytes of [original, patched]) {
      const out: number[] = [];
      const sandboxed = await freshInterpreter(bytes, out);
      const sp = (sandboxed.exports as unknown as { emscripten_stack_get_current(): number }).emscripten_stack_get_current();
      sandboxed.mp.runPython(script);
      expect((sandboxed.exports as unknown as { emscripten_stack_get_current(): number }).emscripten_stack_get_current()).toBe(sp);
      outputs.push(Buffer.from(out).toString());
    }
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[0]).toContain("[0, 7, 14, 21, 28, 35, 42, 49, 56]");
    expect(outputs[0]).toContain("TypeError");
    expect(outputs[0]).toContain("ValueError");
    expect(outputs[0]).toContain("[(0, 'a', 0), (7, 'b', 7), (14, 'c', 14)] [] [0, 0, 0, 0, 0] [7, 14, 21, 28, 35, 42, 49, 56]");
    expect(outputs[0]).toContain("ZeroDivisionError");
  });

  it("compiles", async () => {
    await expect(compile(patched)).resolves.toBeDefined();
  });
});

describe("recordedWords", () => {
  it("reads each record between the stack pointer and the base, and nothing else", () => {
    const words = new Int32Array(64);
    // a record of 3 at word 10, a bad count at word 20, one of 1 at word 30, one past the base at word 62
    words.set([RECORD_MAGIC, 3, 111, 222, 333], 10);
    words.set([RECORD_MAGIC, 99, 444], 20);
    words.set([RECORD_MAGIC, 1, 555], 30);
    words.set([RECORD_MAGIC, 3, 666], 61);
    expect(recordedWords(words, 8 * 4, 64 * 4)).toEqual([111, 222, 333, 555]);
    expect(recordedWords(words, 11 * 4, 64 * 4)).toEqual([555]);
    expect(recordedWords(words, 8 * 4, 30 * 4)).toEqual([111, 222, 333]);
  });
});
