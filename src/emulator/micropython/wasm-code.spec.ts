import { describe, expect, it } from "vitest";
import { codeSection, functionAt, withCodeInserted } from "./wasm-code.ts";

/** WebAssembly.validate (the project's types have no WebAssembly value; engine.ts reaches compile() the same way). */
const { validate } = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly;

const NOP = 0x01;
const END = 0x0b;

/** A module of two `() -> ()` functions whose bodies are `nops` nops each (no locals), then a custom section. */
function module(nops: [number, number]): Uint8Array {
  const body = (n: number) => [...uleb(n + 2), 0x00, ...new Array<number>(n).fill(NOP), END];
  const code = [0x02, ...body(nops[0]), ...body(nops[1])];
  const custom = [0x01, 0x78, 0xaa]; // name "x", one byte
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...[0x01, 0x04, 0x01, 0x60, 0x00, 0x00], // type: () -> ()
    ...[0x03, 0x03, 0x02, 0x00, 0x00], // two functions of that type
    ...[0x0a, ...uleb(code.length), ...code],
    ...[0x00, ...uleb(custom.length), ...custom],
  ]);
}

function uleb(value: number): number[] {
  const bytes: number[] = [];
  for (; value >= 0x80; value >>>= 7) bytes.push((value & 0x7f) | 0x80);
  return [...bytes, value];
}

describe("withCodeInserted", () => {
  it("puts code into function bodies, the bodies' and the code section's sizes encoded again (the first body's one byte longer)", () => {
    const original = module([100, 50]);
    expect(validate(original)).toBe(true);
    const { start } = codeSection(original);
    const first = start + 1 + 1 + 1; // count, size, no locals
    const second = first + 100 + 1 + 1 + 1;
    expect(functionAt(original, first - 1)).toBe(0);
    const patched = withCodeInserted(original, [
      { at: second, bytes: new Array<number>(5).fill(NOP) },
      { at: first + 100, bytes: new Array<number>(30).fill(NOP) }, // before `end`
    ]);
    expect(validate(patched)).toBe(true);
    expect(patched).toEqual(module([130, 55]));
    expect(original).toEqual(module([100, 50])); // left as it was
  });

  it("refuses an offset outside the functions' code", () => {
    const original = module([10, 10]);
    const { start, end } = codeSection(original);
    expect(() => withCodeInserted(original, [{ at: end + 1, bytes: [NOP] }])).toThrow("is outside the code");
    expect(() => withCodeInserted(original, [{ at: start + 1, bytes: [NOP] }])).toThrow("is in a body's size");
  });
});
