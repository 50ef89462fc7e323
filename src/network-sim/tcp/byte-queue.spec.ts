import { describe, expect, it } from "vitest";
import { ByteQueue } from "./byte-queue.ts";
import { NetError } from "../errors.ts";

describe("ByteQueue", () => {
  it("returns what has arrived, up to the size asked, across chunks", async () => {
    const q = new ByteQueue(100);
    q.push(Uint8Array.of(1, 2, 3));
    q.push(Uint8Array.of(4, 5));
    expect(await q.read(4)).toEqual(Uint8Array.of(1, 2, 3, 4));
    expect(await q.read(10)).toEqual(Uint8Array.of(5));
    expect(q.tryRead(10)).toBeNull();
  });

  it("reads across pieces of one buffer (a socket read cut at the window) and across separate buffers, in order", async () => {
    const q = new ByteQueue(100);
    const read = Uint8Array.from({ length: 12 }, (_, i) => i);
    q.push(read.subarray(0, 5));
    q.push(read.subarray(5, 9));
    q.push(Uint8Array.of(20, 21));
    q.push(read.subarray(9, 12)); // after another buffer: not side by side with the piece before it
    expect(await q.read(3)).toEqual(Uint8Array.of(0, 1, 2));
    expect(await q.read(5)).toEqual(Uint8Array.of(3, 4, 5, 6, 7));
    expect(await q.read(3)).toEqual(Uint8Array.of(8, 20, 21));
    expect(await q.read(10)).toEqual(Uint8Array.of(9, 10, 11));
  });

  it("reads within one chunk, then the rest of it with the next chunk, in order", async () => {
    const q = new ByteQueue(100);
    q.push(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    expect(await q.read(3)).toEqual(Uint8Array.of(1, 2, 3));
    expect(await q.read(3)).toEqual(Uint8Array.of(4, 5, 6));
    q.push(Uint8Array.of(9));
    expect(await q.read(10)).toEqual(Uint8Array.of(7, 8, 9));
    expect(q.size).toBe(0);
  });

  it("peek() copies the next bytes across chunks without taking them; discard() takes them and reopens the window", async () => {
    const q = new ByteQueue(5);
    let drained = 0;
    q.onDrain = () => drained++;
    q.push(Uint8Array.of(1, 2, 3));
    q.push(Uint8Array.of(4, 5));
    const into = new Uint8Array(4);
    expect(q.peek(into)).toBe(4);
    expect(into).toEqual(Uint8Array.of(1, 2, 3, 4));
    expect(q.size).toBe(5);
    q.discard(4);
    expect(drained).toBe(1);
    expect(await q.read(10)).toEqual(Uint8Array.of(5));
    expect(q.peek(into)).toBe(0);
  });

  it("peek() past the first bytes starts in whichever chunk holds them, after a partial read too", async () => {
    const q = new ByteQueue(10);
    q.push(Uint8Array.of(1, 2, 3));
    q.push(Uint8Array.of(4, 5));
    q.push(Uint8Array.of(6, 7, 8));
    const into = new Uint8Array(4);
    expect(q.peek(into, 2)).toBe(4);
    expect(into).toEqual(Uint8Array.of(3, 4, 5, 6));
    expect(await q.read(1)).toEqual(Uint8Array.of(1));
    expect(q.peek(into, 4)).toBe(3);
    expect(into.subarray(0, 3)).toEqual(Uint8Array.of(6, 7, 8));
    expect(q.peek(into, 7)).toBe(0);
  });

  it("says when the window is full and calls onDrain once the reader makes room", async () => {
    const q = new ByteQueue(4);
    let drained = 0;
    q.onDrain = () => drained++;
    expect(q.push(Uint8Array.of(1, 2))).toBe(true);
    expect(q.push(Uint8Array.of(3, 4, 5))).toBe(false);
    await q.read(1);
    expect(drained).toBe(0);
    await q.read(1);
    expect(drained).toBe(1);
  });

  it("calls onDrain at the first read after the sender waited at a window its bytes on the way hold, though the queue was not full", async () => {
    const q = new ByteQueue(4);
    let drained = 0;
    q.onDrain = () => drained++;
    expect(q.push(Uint8Array.of(1))).toBe(true); // three more bytes are on their way
    q.senderWaits();
    await q.read(1);
    expect(drained).toBe(1);
    q.push(Uint8Array.of(2));
    await q.read(1);
    expect(drained).toBe(1); // the sender did not wait this time
  });

  it("room, the window the capture announces, is the free space: 0 while full (a push may overfill), back after a read", async () => {
    const q = new ByteQueue(4);
    expect(q.room).toBe(4);
    q.push(Uint8Array.of(1, 2, 3, 4, 5));
    expect(q.room).toBe(0);
    await q.read(3);
    expect(q.room).toBe(2);
  });

  it("gives buffered data, then empty reads after end()", async () => {
    const q = new ByteQueue(10);
    const pending = q.read(10);
    q.push(Uint8Array.of(7));
    expect(await pending).toEqual(Uint8Array.of(7));
    q.end();
    expect(await q.read(10)).toEqual(new Uint8Array(0));
    expect(await q.read(10)).toEqual(new Uint8Array(0));
  });

  it("raises a failure once, after the data before it, then reads empty", async () => {
    const q = new ByteQueue(10);
    q.push(Uint8Array.of(1));
    q.fail(new NetError("ECONNRESET"));
    expect(await q.read(10)).toEqual(Uint8Array.of(1));
    await expect(q.read(10)).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(await q.read(10)).toEqual(new Uint8Array(0));
  });

  it("stops waiting when the signal aborts", async () => {
    const q = new ByteQueue(10);
    const abort = new AbortController();
    const pending = q.read(10, abort.signal);
    abort.abort(new Error("interrupted"));
    await expect(pending).rejects.toThrow("interrupted");
  });
});
