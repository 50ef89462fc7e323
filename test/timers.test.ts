/**
 * Times from scripts that are no numbers never reach the shared clock: the firmware's exception
 * at the host-call boundary, and the other boards' timers keep running. Delays beyond Node's
 * 2^31 ms timers wait in steps instead of firing every millisecond.
 */
import { describe, expect, it } from "vitest";
import { RealClock } from "../src/network-sim/clock/clock.ts";
import { TimerQueue } from "../src/network-sim/clock/timer-queue.ts";
import { runScript, startScript } from "./support/run-script.ts";

describe("times that are no numbers", () => {
  it.each([
    ["time.sleep(NaN)", "import time\ntime.sleep(float('nan'))", "ValueError: can't convert NaN to int"],
    ["time.sleep(inf)", "import time\ntime.sleep(float('inf'))", "OverflowError: can't convert inf to int"],
    ["time.sleep_ms('abc')", "import time\ntime.sleep_ms('abc')", "TypeError: can't convert str to int"],
    ["settimeout(NaN)", "import socket\nsocket.socket().settimeout(float('nan'))", "ValueError: can't convert NaN to int"],
  ])(".py %s raises the firmware's exception; a board beside it keeps its timers", async (_name, source, last) => {
    const beside = await startScript(`import time\nfor i in range(3):\n    time.sleep_ms(20)\n    print("tick", i)\n`, "pico_w", "beside.py");
    const { output, outcome } = await runScript(source + "\n", "esp32", "main.py");
    expect(outcome.kind).toBe("raised");
    expect(output.trimEnd().split("\n").at(-1)).toBe(last);
    expect(await beside.done).toEqual({ kind: "finished" });
    expect(beside.output()).toBe("tick 0\ntick 1\ntick 2\n");
  });

  it("TS time.sleep(NaN) raises ValueError", async () => {
    const { output } = await runScript(`import time from "time";\ntry { time.sleep(NaN); } catch (e) { print(repr(e)); }`);
    expect(output).toBe("ValueError(\"can't convert NaN to int\")\n");
  });

  it("the timer queue refuses a time that is not finite", () => {
    const queue = new TimerQueue();
    expect(() => queue.add(NaN, () => {})).toThrow(RangeError);
    expect(() => queue.add(Infinity, () => {})).toThrow(RangeError);
    expect(queue.peek()).toBeUndefined();
  });
});

describe("delays beyond 2^31 ms", () => {
  it("a 30-day timer sets one Node timer, not one per millisecond, and no overflow warning", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on("warning", onWarning);
    const clock = new RealClock();
    let fired = false;
    const cancel = clock.setTimer(30 * 24 * 3600 * 1000, () => (fired = true));
    let turns = 0;
    // 20 turns of the event loop with timers due (setTimeout 1 ms each): a timer re-armed at 1 ms would fire in them.
    for (; turns < 20; turns++) await new Promise((resolve) => setTimeout(resolve, 1));
    cancel();
    process.off("warning", onWarning);
    expect(fired).toBe(false);
    expect(warnings).not.toContain("TimeoutOverflowWarning");
  });
});
