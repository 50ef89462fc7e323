import { describe, expect, it } from "vitest";
import { snapshotMemory } from "./memory-snapshot.ts";

describe("snapshotMemory", () => {
  it("restore() puts back every byte: pages that held data, and pages written since that were zero", () => {
    const memory = { buffer: new ArrayBuffer(2 * 65536) }; // two wasm pages
    const bytes = () => new Uint8Array(memory.buffer);
    bytes().set([1, 2, 3], 100);
    bytes()[70000] = 9;
    const before = bytes().slice();
    const snapshot = snapshotMemory(() => memory.buffer);
    bytes().fill(7, 90, 110);
    bytes()[5000] = 1;
    bytes()[131071] = 255;
    snapshot.restore();
    expect(Buffer.compare(bytes(), before)).toBe(0);
  });

  it("refuses a memory that grew", () => {
    const memory = { buffer: new ArrayBuffer(65536) };
    const snapshot = snapshotMemory(() => memory.buffer);
    memory.buffer = new ArrayBuffer(2 * 65536); // as WebAssembly.Memory.grow() gives a new buffer
    expect(() => snapshot.restore()).toThrow("the memory grew after the snapshot");
  });
});
