import { describe, expect, it } from "vitest";
import { AdaptiveSpin } from "./adaptive-spin.ts";

/**
 * A worker's calls on a simulated clock (ms): each call's reply comes `reply` ms after the request
 * when the worker polls or `replyAsleep` when it sleeps, sleeping adds `wake` ms (the kernel's
 * wake-up), and `work` ms of Python pass between calls. Reading the clock takes 1 µs.
 */
interface Machine {
  reply: number;
  replyAsleep: number;
  wake: number;
  work: number;
  /** Every nth call blocks this long (a sleep, a recv waiting for the network). */
  blockEvery?: number;
  block?: number;
}
const QUIET: Machine = { reply: 0.02, replyAsleep: 0.02, wake: 0.04, work: 0.03 };
/** Under load: the poll takes the core the answer needs, so polled replies come late (sessions 13, 15). */
const LOADED: Machine = { reply: 0.045, replyAsleep: 0.01, wake: 0.005, work: 0.03 };

function worker(limitMs = 0.05) {
  let clock = 0;
  const spin = new AdaptiveSpin(limitMs, () => (clock += 0.001));
  let calls = 0;
  /** Runs calls on `machine` for `ms` of its time; returns the longest a call polled (ms). */
  const run = (ms: number, machine: Machine) => {
    let longestPoll = 0;
    for (const end = clock + ms; clock < end; calls++) {
      const requested = clock;
      const blocks = machine.blockEvery !== undefined && calls % machine.blockEvery === 0;
      let replyAt = requested + (blocks ? machine.block! : machine.reply);
      let slept = false;
      spin.wait(
        () => {
          if (!slept) longestPoll = Math.max(longestPoll, clock - requested);
          return clock >= replyAt;
        },
        () => {
          if (!slept) replyAt = requested + (blocks ? machine.block! : machine.replyAsleep);
          slept = true;
          clock = Math.max(clock, replyAt) + machine.wake;
        },
      );
      clock += machine.work;
    }
    return longestPoll;
  };
  return { spin, run };
}

describe("AdaptiveSpin: a reply's wait polls only while the calls go faster with it", () => {
  it("polls on a quiet machine, where sleeping costs a wake-up", () => {
    const { spin, run } = worker();
    run(200, QUIET);
    expect(spin.polling).toBe(true);
  });

  it("sleeps under load, where polling makes the replies later, even though they still come within the poll", () => {
    const { spin, run } = worker();
    run(1000, LOADED);
    expect(spin.polling).toBe(false);
  });

  it("stops polling once the machine gets busy, and polls again once it is quiet", () => {
    const { spin, run } = worker();
    run(200, QUIET);
    expect(spin.polling).toBe(true);
    run(500, LOADED);
    expect(spin.polling).toBe(false);
    run(600, QUIET);
    expect(spin.polling).toBe(true);
  });

  it("never polls longer than its limit", () => {
    const { run } = worker(0.05);
    const slow: Machine = { ...QUIET, reply: 5, replyAsleep: 5 };
    expect(run(2000, slow)).toBeLessThanOrEqual(0.05 + 0.002);
  });

  it("sleeps when replies come only after the poll (calls that block: a sleep, an accept)", () => {
    const { spin, run } = worker();
    run(2000, { ...QUIET, reply: 5, replyAsleep: 5 });
    expect(spin.polling).toBe(false);
  });

  it("a few blocking calls among quick ones do not stop the polling", () => {
    const { spin, run } = worker();
    run(2000, { ...QUIET, blockEvery: 10, block: 100 });
    expect(spin.polling).toBe(true);
  });
});
