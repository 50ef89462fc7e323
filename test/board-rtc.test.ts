/**
 * The board's real-time clock starts where the firmware starts it and lives through resets as each
 * port's does (src/emulator/rtc.ts, PortProfile.rtcStart): rp2 sets 2021-01-01 00:00 at every boot
 * (ports/rp2/main.c:98-110), the ESP ports start at 2000-01-01 on power-on and run on through
 * machine.reset(); no port's soft reset touches it. Thonny's "sync device RTC", `mpremote rtc` and
 * ntptime set it.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { Lab } from "../src/testing/index.ts";
import { bootBoard, type ConsoleRun } from "./support/board-console.ts";
import { startCli } from "./support/cli.ts";
import { JOIN_PY } from "./support/join.ts";
import { sntpResponderPy } from "./support/ntp.ts";
import { mpremote, runPython } from "./support/python.ts";

const work = mkdtempSync(path.join(tmpdir(), "boardsim-rtc-"));

/** time.localtime() at power-on: 2021-01-01 is a Friday (weekday 4), 2000-01-01 a Saturday (5). */
const POWER_ON = {
  pico_w: /^\(2021, 1, 1, 0, 0, [0-5], 4, 1\)$/,
  esp32: /^\(2000, 1, 1, 0, 0, [0-5], 5, 1\)$/,
  esp8266: /^\(2000, 1, 1, 0, 0, [0-5], 5, 1\)$/,
  mpython: /^\(2000, 1, 1, 0, 0, [0-5], 5, 1\)$/,
} as const;

describe("the clock at power-on", () => {
  it.each(Object.entries(POWER_ON))("boardsim run --board %s: a script's first time.localtime() is the firmware's start, not the PC's date", async (board, expected) => {
    const file = path.join(work, `${board}-clock.py`);
    writeFileSync(file, "import time\nprint(time.localtime())\n");
    const run = startCli(["run", "--board", board, "--script", file, "--profile", "fast"]);
    expect(await run.exit).toBe(0);
    expect(run.stdout().split("\n").at(-2)).toMatch(expected);
  });

  it.each(["pico_w", "esp8266"])("boardsim run --board %s --rtc: the clock starts at the date given; a date that does not exist is one line, exit 2", async (board) => {
    const file = path.join(work, `${board}-rtc-flag.py`);
    writeFileSync(file, "import time\nprint(time.localtime())\n");
    const run = startCli(["run", "--board", board, "--script", file, "--profile", "fast", "--rtc", "2026-12-01T09:30:15"]);
    expect(await run.exit).toBe(0);
    expect(run.stdout().split("\n").at(-2)).toMatch(/^\(2026, 12, 1, 9, 30, (1[5-9]|2\d), 1, 335\)$/);
    const bad = startCli(["run", "--board", board, "--script", file, "--rtc", "2026-02-30"]);
    expect(await bad.exit).toBe(2);
    expect(bad.stderr()).toMatch(/^boardsim: --rtc must be now \(this PC's local time\) or a date and time from 2000 to 2099, .* not '2026-02-30' \(see boardsim --help\)\n$/);
  });

  it.each(["pico_w", "esp32"])("%s in a lab: the firmware's start too; Lab({ rtc }) starts every board's clock at a set time", async (board) => {
    const source = "import time\nprint(time.localtime())\n";
    const plain = await new Lab({ timing: "fast" }).addBoard({ name: "b", board, fileName: "main.py", source });
    await plain.finished();
    expect(plain.lines()[2]).toMatch(POWER_ON[board as keyof typeof POWER_ON]);
    const set = await new Lab({ timing: "fast", rtc: new Date(Date.UTC(2024, 5, 2, 12)) }).addBoard({ name: "b", board, fileName: "main.py", source });
    await set.finished();
    expect(set.lines()[2]).toBe("(2024, 6, 2, 12, 0, 0, 6, 154)");
  });

  it.each(["pico_w", "esp8266"] as const)("%s: ntptime.settime() sets the clock to what the NTP server sends", async (board) => {
    const lab = new Lab({ timing: "fast", hosts: { "pool.ntp.org": "192.168.1.100" } });
    // An SNTP responder (RFC 4330): transmit timestamp 3913056000 = 2024-01-01 00:00:00 UTC.
    const ntp = await lab.addBoard({ name: "ntp", board: "esp32", fileName: "ntp.py", source: sntpResponderPy(3913056000) });
    await ntp.waitFor(/^/);
    const b = await lab.addBoard({ name: "b", board, fileName: "main.py", source: `import time\nprint(time.localtime())\n${JOIN_PY}import ntptime\nntptime.settime()\nprint(time.localtime()[:6])\n` });
    await b.finished();
    expect(b.lines()[2]).toMatch(POWER_ON[board]);
    expect(b.lines().slice(3)).toEqual(["(2024, 1, 1, 0, 0, 0)"]);
  });
});

describe("the clock through resets, set by Thonny", () => {
  const RAW = "raw REPL; CTRL-B to exit\r\n>";
  /** Runs `code` at the raw REPL (as Thonny and mpremote do) and resolves with what it printed. */
  async function raw(run: ConsoleRun, code: string): Promise<string> {
    run.type(code + "\x04");
    const out = await run.take("\x04>");
    expect(out).toMatch(/^OK[^]*\x04\x04>$/); // no traceback
    return out.slice(2, -3);
  }

  // Thonny 4.0.1 (Debian's thonny package), plugins/micropython: the helper class it defines after
  // each soft reboot (mp_back.py:225-275, only what the sync uses) and the script its "sync device
  // RTC" sends (bare_metal_backend.py:329-383, on by default for bare-metal boards, mp_front.py:1075),
  // here for the PC's local time 2025-07-14 10:00:00, a Monday.
  const THONNY_HELPER = `class __thonny_helper:
    import builtins
    try:
        import uos as os
    except builtins.ImportError:
        import os
    import sys
    @builtins.classmethod
    def print_mgmt_value(cls, obj):
        cls.builtins.print('<thonny>', cls.builtins.repr(obj), '</thonny>', sep='', end='')
`;
  const THONNY_SYNC = `
try:

    from machine import RTC as __thonny_RTC
    try:
        __thonny_RTC().datetime((2025, 7, 14, 0, 10, 0, 0, 0))
    except:
        __thonny_RTC().init((2025, 7, 14, 10, 0, 0, 0, 0))
    finally:
        del __thonny_RTC


    __thonny_helper.print_mgmt_value(True)
except __thonny_helper.builtins.Exception as e:
    __thonny_helper.print_mgmt_value(__thonny_helper.builtins.str(e))
`;
  const HOUR = "import time; print(time.localtime()[:4])";

  it.each([
    ["pico_w", "(2021, 1, 1, 0)"], // machine.reset() reboots through main(), which sets 2021 again
    ["esp32", "(2025, 7, 14, 10)"], // esp_restart() keeps the IDF's system time
    ["esp8266", "(2025, 7, 14, 10)"], // system_restart() keeps the RTC memory's delta
  ])("%s: Thonny's sync sets it, a soft reset keeps it, machine.reset() gives %s", async (board, afterReset) => {
    const run = await bootBoard(board);
    onTestFinished(() => (run.serial.close(), run.board()?.halt()));
    await run.take(">>> ");
    run.type("\x01");
    await run.take(RAW);
    await raw(run, THONNY_HELPER);
    expect(await raw(run, THONNY_SYNC)).toBe("<thonny>True</thonny>");
    expect(await raw(run, HOUR)).toBe("(2025, 7, 14, 10)\r\n");
    run.type("\x04"); // Ctrl-D on an empty line: soft reset
    expect(await run.take(RAW)).toBe("OK\r\nMPY: soft reboot\r\n" + RAW);
    expect(await raw(run, HOUR)).toBe("(2025, 7, 14, 10)\r\n");
    run.type("import machine; machine.reset()\x04");
    await run.take('Type "help()" for more information.\r\n>>> ');
    run.type("\x01");
    await run.take(RAW);
    expect(await raw(run, HOUR)).toBe(`${afterReset}\r\n`);
  });
});

describe("the clock through deepsleep", () => {
  it.each([
    ["pico_w", "(2021, 1, 1, 0, 0, 0)"], // a lightsleep, then machine.reset() (ports/rp2/modmachine.c:202-205): main() sets 2021
    ["esp32", "(2025, 7, 14, 10, 0, 5)"], // the RTC timer counts through the 5 s asleep
    ["esp8266", "(2025, 7, 14, 10, 0, 5)"], // rtc_prepare_deepsleep adds the time asleep (machine_rtc.c:121-125)
  ])("%s: set, 5 s of deepsleep, then main.py again reads %s", async (board, after) => {
    const source = `import machine, time
if machine.reset_cause() == machine.PWRON_RESET:
    machine.RTC().datetime((2025, 7, 14, 0, 10, 0, 0, 0))
    machine.deepsleep(5000)
print(time.localtime()[:6])
`;
    const b = await new Lab({ timing: "fast" }).addBoard({ name: "b", board, fileName: "main.py", source });
    await b.finished();
    expect(b.lines().filter((l) => l.startsWith("("))).toEqual([after]);
  });
});

describe("mpremote rtc", () => {
  it("reads the firmware's start, --set sets the PC's local time", async () => {
    const run = startCli(["run", "--board", "pico_w", "--profile", "fast", "--serial", "rfc2217:0", "--flash", mkdtempSync(path.join(work, "flash-")), "--log-format", "json"]);
    const line = await run.logged((l) => typeof l.serial === "string");
    const device = (line.link as string | undefined) ?? (line.serial as string);
    await runPython(`import serial, sys\ns = serial.serial_for_url(sys.argv[1], timeout=60)\ns.write(b"\\r")\ns.read_until(b">>> ")`, [device]);
    const [start, set] = (await mpremote(["connect", device, "rtc", "rtc", "--set", "rtc"])).trim().split("\n");
    expect(start).toMatch(/^\(2021, 1, 1, 4, 0, 0, \d+, 0\)$/);
    const [y, mo, d, , h, mi, s] = JSON.parse(set!.replace(/^\(/, "[").replace(/\)$/, "]")) as number[];
    expect(Math.abs(new Date(y!, mo! - 1, d, h, mi, s).getTime() - Date.now())).toBeLessThan(60_000); // mpremote sends datetime.now()
  });
});
