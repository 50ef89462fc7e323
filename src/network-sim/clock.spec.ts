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
