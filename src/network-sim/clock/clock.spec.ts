import { describe, expect, it } from "vitest";
import { RealClock, sleep } from "./clock.ts";

describe("RealClock", () => {
  it("never fires a timer before its time", async () => {
    const clock = new RealClock();
    for (let i = 0; i < 20; i++) {
      const start = clock.now();
      await sleep(clock, 3);
      expect(clock.now() - start).toBeGreaterThanOrEqual(3);
    }
  });

  it("stops a sleep when its signal aborts, with the signal's reason", async () => {
    const abort = new AbortController();
    const pending = sleep(new RealClock(), 60_000, abort.signal);
    abort.abort(new Error("KeyboardInterrupt"));
    await expect(pending).rejects.toThrow("KeyboardInterrupt");
  });
});

describe("RealClock ordering", () => {
  it("fires timers due together in the order they were set, and earlier ones first", async () => {
    const clock = new RealClock();
    const fired: string[] = [];
    const done = new Promise<void>((resolve) => clock.setTimer(6, () => (fired.push("last"), resolve())));
    for (const name of ["a", "b", "c"]) clock.setTimer(3, () => fired.push(name));
    clock.setTimer(1, () => fired.push("first"));
    const cancel = clock.setTimer(2, () => fired.push("cancelled"));
    cancel();
    await done;
    expect(fired).toEqual(["first", "a", "b", "c", "last"]);
  });
});
