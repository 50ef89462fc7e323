import { readFile } from "node:fs";
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

  it("fires a timer due now on the event loop's next turn, not after Node's 1 ms timer (time.sleep_ms(0))", async () => {
    const clock = new RealClock();
    // From an I/O callback, Node runs the immediates set there before any timer: a 0 ms timer that
    // waited for setTimeout would come after the immediate set after it.
    const order = await new Promise<string[]>((resolve) =>
      readFile(import.meta.filename, () => {
        const fired: string[] = [];
        clock.setTimer(0, () => fired.push("timer"));
        setImmediate(() => (fired.push("immediate"), resolve(fired)));
      }),
    );
    expect(order).toEqual(["timer", "immediate"]);
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
    // Due times count from one start, 100 ms apart: the order holds however slowly these lines run,
    // up to 100 ms between them (a generous bound on a loaded machine; the test takes 300 ms).
    const start = clock.now();
    const after = (ms: number, fn: () => void) => clock.setTimer(start + ms - clock.now(), fn);
    const done = new Promise<void>((resolve) => after(300, () => (fired.push("last"), resolve())));
    const tie = start + 200 - clock.now(); // one delay for the three: due together, or each a moment after the one set before
    for (const name of ["a", "b", "c"]) clock.setTimer(tie, () => fired.push(name));
    after(100, () => fired.push("first"));
    const cancel = after(150, () => fired.push("cancelled"));
    cancel();
    await done;
    expect(fired).toEqual(["first", "a", "b", "c", "last"]);
  });
});
