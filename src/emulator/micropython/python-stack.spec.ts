import { describe, expect, it } from "vitest";
import { findPythonStack } from "./python-stack.ts";

/** Static data with the stack's start, end and top at words 4-6 (bytes 256, 512 and the top), at call depths 0, 1 and 2; beside it a word that also grows. */
function snapshots(): Int32Array[] {
  return [256, 300, 340].map((top, depth) => Int32Array.of(0, 7, 1, 5, 256, 512, top, 0, 400 + 40 * depth));
}

describe("findPythonStack", () => {
  it("clears the stack from its top to its end, nothing below the top nor past the end", () => {
    const memory = new Int32Array(160).fill(9);
    memory.set([256, 512, 320], 4); // start, end, top (in bytes)
    findPythonStack(() => memory, snapshots()).clearAboveTop();
    expect(Array.from(memory.subarray(64, 80))).toEqual([...Array(16).fill(9)]); // 256-320: live frames
    expect(Array.from(memory.subarray(80, 128))).toEqual([...Array(48).fill(0)]); // 320-512: above the top
    expect(Array.from(memory.subarray(128))).toEqual([...Array(32).fill(9)]);
  });

  it("refuses static data where no three words move as the stack's do", () => {
    const [top, one, two] = snapshots();
    one![6] = 256; // the top did not move at depth 1
    expect(() => findPythonStack(() => new Int32Array(160), [top!, one!, two!])).toThrow("cannot find the Python stack");
  });
});
