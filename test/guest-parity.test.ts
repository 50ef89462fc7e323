import { describe, expect, it } from "vitest";
import { runScript } from "./support/run-script.ts";

/**
 * The firmware's rules live once, on the host (src/emulator/host/): a TS and a .py script that make
 * the same calls see the same results and the same exceptions.
 */
const CASES: { call: string; ts: string; py: string }[] = [
  { call: `time.sleep("1")`, ts: `time.sleep("1" as any)`, py: `time.sleep("1")` },
  { call: `time.sleep(None)`, ts: `time.sleep(null as any)`, py: `time.sleep(None)` },
  { call: `time.sleep_ms("5")`, ts: `time.sleep_ms("5" as any)`, py: `time.sleep_ms("5")` },
  { call: `time.sleep_ms(1.5)`, ts: `time.sleep_ms(1.5)`, py: `time.sleep_ms(1.5)` },
  { call: `time.ticks_diff("a", 1)`, ts: `time.ticks_diff("a" as any, 1)`, py: `time.ticks_diff("a", 1)` },
];

function tsScript(): string {
  const lines = CASES.map((c) => `try { ${c.ts}; print("no error"); } catch (e) { print((e as Error).name, str(e)); }`);
  return [`import time from "time";`, ...lines, `print(time.ticks_diff(5, 2**30 - 5), time.ticks_add(2**30 - 1, 2), time.ticks_diff(2**30 - 5, 5))`].join("\n");
}

function pyScript(): string {
  const lines = CASES.map((c) => `try:\n    ${c.py}\n    print("no error")\nexcept Exception as e:\n    print(type(e).__name__, str(e))`);
  return ["import time", ...lines, "print(time.ticks_diff(5, 2**30 - 5), time.ticks_add(2**30 - 1, 2), time.ticks_diff(2**30 - 5, 5))"].join("\n") + "\n";
}

describe("time: the host checks the arguments and does the ticks arithmetic for both engines", () => {
  const expected =
    [
      "TypeError can't convert str to float", // extmod/modtime.c: time_sleep → mp_obj_get_float
      "TypeError can't convert NoneType to float",
      "TypeError can't convert str to int", // time_sleep_ms → mp_obj_get_int
      "TypeError can't convert float to int",
      "TypeError can't convert str to int",
      "10 1 -10",
    ].join("\n") + "\n";

  it("TS script", async () => {
    const { output, outcome } = await runScript(tsScript());
    expect(outcome).toEqual({ kind: "finished" });
    expect(output).toBe(expected);
  });

  it(".py script (time.sleep(\"1\") used to sleep for ever)", async () => {
    const { output, outcome } = await runScript(pyScript(), "pico_w", "main.py");
    expect(outcome).toEqual({ kind: "finished" });
    expect(output).toBe(expected);
  });
});
