import { afterEach, describe, expect, it, vi } from "vitest";
import { Attention } from "./attention.ts";
import { SCHED_IDLE, SCHED_PENDING } from "./sched-queue.ts";

const LOCKED = -1; // py/mpstate.h MP_SCHED_LOCKED

/** A memory as the worker posts it: the request word at 16, sched_state (an int16_t) at 8, sched_len beside it. */
function memory() {
  const buffer = new SharedArrayBuffer(64);
  const words = new Int32Array(buffer);
  const halves = new Int16Array(buffer);
  halves[4] = SCHED_IDLE;
  const attention = new Attention({ attention: { memory: buffer, request: 16, schedState: 8 } });
  return { words, halves, attention };
}

afterEach(() => vi.useRealTimers());

describe("Attention (the main thread's way to a .py script between its host calls)", () => {
  it("ask() sets the request and turns sched_state from idle to pending; sched_len and sched_idx beside it stay", () => {
    const { words, halves, attention } = memory();
    halves[5] = 0x0302; // sched_len 2, sched_idx 3
    attention.ask();
    expect(words[4]).toBe(1);
    expect(halves[4]).toBe(SCHED_PENDING);
    expect(halves[5]).toBe(0x0302);
    attention.answered();
    expect(words[4]).toBe(0);
  });

  it("never over a lock (a callback running): it sets pending again every few ms until the worker's next host call", () => {
    vi.useFakeTimers();
    const { words, halves, attention } = memory();
    halves[4] = LOCKED;
    attention.ask();
    vi.advanceTimersByTime(10);
    expect(halves[4]).toBe(LOCKED);
    halves[4] = SCHED_IDLE; // mp_sched_unlock with nothing queued: the pending the main thread set was lost
    vi.advanceTimersByTime(2);
    expect(halves[4]).toBe(SCHED_PENDING);
    attention.answered();
    expect(words[4]).toBe(0);
    halves[4] = SCHED_IDLE;
    vi.advanceTimersByTime(10);
    expect(halves[4]).toBe(SCHED_IDLE); // answered: no more knocks
  });
});
