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

  it("leaves the held blocks' whole pages as they are: not copied, not restored", () => {
    const memory = { buffer: new ArrayBuffer(65536) };
    const bytes = () => new Uint8Array(memory.buffer);
    bytes()[100] = 1;
    const snapshot = snapshotMemory(() => memory.buffer, [[4000, 2 * 4096 + 200]]); // whole pages 4096-12287
    bytes()[100] = 2;
    bytes()[4001] = 3; // on a page the block shares with others: restored
    bytes()[5000] = 4; // written only here, as no one writes a held block
    bytes()[12288] = 5; // the block's last, partial page: restored
    snapshot.restore();
    expect([bytes()[100], bytes()[4001], bytes()[5000], bytes()[12288]]).toEqual([1, 0, 4, 0]);
  });

  it("refuses a memory that grew", () => {
    const memory = { buffer: new ArrayBuffer(65536) };
    const snapshot = snapshotMemory(() => memory.buffer);
    memory.buffer = new ArrayBuffer(2 * 65536); // as WebAssembly.Memory.grow() gives a new buffer
    expect(() => snapshot.restore()).toThrow("the memory grew after the snapshot");
  });
});
