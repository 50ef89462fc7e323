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

/**
 * socket.bind/connect/sendto's (ip, port) argument, checked once on the host (src/emulator/host/netutils.ts):
 * modlwip.c lwip_parse_inet_addr on the Pico W, ESP32 modsocket.c _socket_getaddrinfo (connect, bind)
 * and netutils_parse_inet_addr (sendto), with py/obj.c's tuple checks (MicroPython v1.23.0).
 */
const ADDRESS_CASES: { ts: string; py: string }[] = [
  { ts: `s.connect("1.2.3.4" as any)`, py: `s.connect("1.2.3.4")` },
  { ts: `s.connect(["1.2.3.4"] as any)`, py: `s.connect(("1.2.3.4",))` },
  { ts: `s.connect([1234, "x"] as any)`, py: `s.connect((1234, "x"))` },
  { ts: `s.connect(["1.2.3.4", "x"] as any)`, py: `s.connect(("1.2.3.4", "x"))` },
  { ts: `s.connect(["1.2.3.4.5", 80])`, py: `s.connect(("1.2.3.4.5", 80))` },
  { ts: `u.sendto("x", ["example.com", 80])`, py: `u.sendto(b"x", ("example.com", 80))` },
  { ts: `s.bind(["0.0.0.0", 1.5])`, py: `s.bind(("0.0.0.0", 1.5))` },
  { ts: `s.bind([new bytes([48, 46, 48, 46, 48, 46, 48]), 1234] as any)`, py: `s.bind([b"0.0.0.0", 1234])` },
];

describe("socket addresses: the host checks (ip, port) as each port does, for both engines", () => {
  const ts = [
    `import socket from "socket";`,
    `const s = socket.socket() as any; const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as any;`,
    ...ADDRESS_CASES.map((c) => `try { ${c.ts}; print("no error"); } catch (e) { print(e instanceof OSError ? "OSError" : (e as Error).name, str(e)); }`),
  ].join("\n");
  const py =
    [
      "import socket",
      "s = socket.socket()",
      "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
      ...ADDRESS_CASES.map((c) => `try:\n    ${c.py}\n    print("no error")\nexcept Exception as e:\n    print(type(e).__name__, str(e))`),
    ].join("\n") + "\n";
  const common = ["TypeError object 'str' isn't a tuple or list", "ValueError requested length 2 but object has length 1", "TypeError can't convert 'int' object to str implicitly"];
  const expected: Record<string, string[]> = {
    pico_w: [...common, "TypeError can't convert str to int", "ValueError invalid arguments", "ValueError invalid arguments", "TypeError can't convert float to int", "no error"],
    // The port is text for lwip_getaddrinfo: "x" is EAI_SERVICE; a host that is no address is looked up (EAI_FAIL).
    esp32: [...common, "OSError -201", "OSError -202", "ValueError invalid arguments", "TypeError can't convert 'float' object to str implicitly", "no error"],
  };
  for (const board of ["pico_w", "esp32"]) {
    for (const [engine, source, fileName] of [["TS", ts, "main.ts"], [".py", py, "main.py"]] as const) {
      it(`${board}, ${engine} script`, async () => {
        const { output, outcome } = await runScript(source, board, fileName);
        expect(outcome).toEqual({ kind: "finished" });
        expect(output.trimEnd().split("\n")).toEqual(expected[board]);
      });
    }
  }
});
