import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { withFloatPrecision } from "./float-precision.ts";

const wasm = () => new Uint8Array(readFileSync(createRequire(import.meta.url).resolve("@micropython/micropython-webassembly-pyscript/micropython.wasm")));

/** WebAssembly.validate (the project's types have no WebAssembly value; engine.ts reaches compile() the same way). */
const { validate } = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly;

/** The offsets where `a` and `b` differ. */
function changed(a: Uint8Array, b: Uint8Array): number[] {
  return [...a.keys()].filter((i) => a[i] !== b[i]);
}

describe("withFloatPrecision on the pinned interpreter (1.27.0)", () => {
  it.each([7, 6])("changes only the precision 99 of float_print's and complex_print's 3 calls, to %i; the module stays valid", (digits) => {
    const original = wasm();
    const patched = withFloatPrecision(original, digits);
    const at = changed(original, patched);
    expect(at).toHaveLength(3);
    for (const i of at) {
      // i32.const 99 (0x41 0xe3 0x00), then call: the first LEB byte becomes the digits, padded.
      expect([...original.subarray(i - 1, i + 3)]).toEqual([0x41, 0xe3, 0x00, 0x10]);
      expect([...patched.subarray(i - 1, i + 3)]).toEqual([0x41, 0x80 | digits, 0x00, 0x10]);
    }
    // float_print's call has 'g' and PF_FLAG_ALWAYS_DECIMAL (py/objfloat.c:113, v1.27.0), exactly once.
    expect(at.filter((i) => [...original.subarray(i - 11, i - 5)].join() === [0x41, 0xe7, 0x00, 0x41, 0x80, 0x02].join())).toHaveLength(1);
    expect(validate(patched)).toBe(true);
    expect(changed(original, wasm())).toEqual([]);
  });

  it("fails, saying so, on a build without float_print's call", () => {
    const other = wasm();
    const head = Buffer.from(other).indexOf(Buffer.from([0x41, 0xe7, 0x00, 0x41, 0x80, 0x02, 0x41, 0x00, 0x41, 0x7f, 0x41, 0xe3, 0x00, 0x10]));
    other[head + 1] = 0xe6; // 'f' instead of 'g'
    expect(() => withFloatPrecision(other, 7)).toThrow(
      "micropython.wasm: expected float_print's call of mp_print_float with precision 99 once (found 0) and 3 such calls in all (found 0): not the pinned interpreter (1.27.0)?",
    );
  });

  it("leaves a Buffer it is given as it was (engine.ts patches one read of the file for each digit count)", () => {
    const file = Buffer.from(wasm());
    withFloatPrecision(file, 7);
    expect(changed(file, wasm())).toEqual([]);
  });
});
