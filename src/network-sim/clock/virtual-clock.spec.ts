import { describe, expect, it } from "vitest";
import { sleep } from "./clock.ts";
import { VirtualClock } from "./virtual-clock.ts";

describe("VirtualClock", () => {
  it("jumps from timer to timer in order (same time: the order they were set), only while no guest runs", async () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.setTimer(5000, () => fired.push(`b@${clock.now()}`));
    clock.setTimer(1000, () => fired.push(`a@${clock.now()}`));
    clock.setTimer(5000, () => fired.push(`c@${clock.now()}`));
    clock.guestRunning(1);
    const run = clock.runUntil(() => fired.length === 3, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toEqual([]); // a guest runs: time stands still
    clock.guestRunning(-1);
    expect(await run).toBe("done");
    expect(fired).toEqual(["a@1000", "b@5000", "c@5000"]);
  });

  it("stops at the limit, or when no timer is left", async () => {
    const clock = new VirtualClock();
    void sleep(clock, 30_000);
    expect(await clock.runUntil(() => false, 10_000)).toBe("limit");
    expect(clock.now()).toBe(10_000);
    expect(await clock.runUntil(() => false, 60_000)).toBe("idle");
    expect(clock.now()).toBe(30_000);
  });

  it("a cancelled timer never fires", async () => {
    const clock = new VirtualClock();
    let fired = false;
    clock.setTimer(100, () => (fired = true))();
    await clock.advance(1000);
    expect(fired).toBe(false);
    expect(clock.now()).toBe(1000);
  });
});
