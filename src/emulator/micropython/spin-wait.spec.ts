import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { waitWhile } from "./spin-wait.ts";

describe("waitWhile", () => {
  it("returns at once where the word holds another value", () => {
    const words = new Int32Array(new SharedArrayBuffer(8));
    words[1] = 2;
    waitWhile(words, 1, 1);
    expect(words[1]).toBe(2);
  });

  it("returns only once another thread stored a new value: within the spin or after it, asleep", async () => {
    for (const late of [false, true]) {
      const words = new Int32Array(new SharedArrayBuffer(8));
      words[0] = 1;
      // The other thread stores 2 and notifies at once, or (`late`) once this one is asleep in
      // Atomics.wait, the spin over: its notify's count says so (the waiter, woken with the word
      // still 1, sleeps again).
      const other = new Worker(
        `const { words, late } = require("node:worker_threads").workerData;
        while (late && Atomics.notify(words, 0, 1) === 0);
        Atomics.store(words, 0, 2);
        Atomics.notify(words, 0);`,
        { eval: true, workerData: { words, late } },
      );
      waitWhile(words, 0, 1);
      expect(Atomics.load(words, 0)).toBe(2);
      await other.terminate();
    }
  });
});
