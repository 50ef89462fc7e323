import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../test/support/manual-clock.ts";
import { BOARDS } from "../../boards/index.ts";
import { Lan } from "../../network-sim/lan.ts";
import { Board } from "../board.ts";
import { Peripherals } from "../devices/peripherals.ts";
import { MODULES } from "./functions.ts";
import { HOST_TABLE, type HostModuleName } from "./table.ts";

const EMULATOR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const TABLE_NAMES: string[] = Object.values(HOST_TABLE).flat();

/** The host names a guest file asks for: call("name", ...) and camelCase names handed to helpers that call. */
function namesCalled(file: string): string[] {
  const source = readFileSync(file, "utf8");
  const calls = [...source.matchAll(/\b(?:call|hostCall)(?:<[^>]*>)?\(\s*["'](\w+)["']/g)].map((m) => m[1]!);
  const camel = [...source.matchAll(/["']((?:wlan|socket|oled|board|ticks|sleep|epoch)[A-Z]\w*)["']/g)].map((m) => m[1]!);
  return [...new Set([...calls, ...camel])];
}

function guestFiles(dir: string, ext: string): string[] {
  return readdirSync(path.join(EMULATOR, dir))
    .filter((name) => name.endsWith(ext) && !name.endsWith(".spec.ts"))
    .map((name) => path.join(EMULATOR, dir, name));
}

describe("the host-call table", () => {
  it("is what a Board answers: each name once, in one module, which makes exactly its names", () => {
    const board = new Board({ profile: BOARDS.esp32!, lan: new Lan({ clock: new ManualClock(), log: pino({ level: "silent" }) }), log: pino({ level: "silent" }), timing: "fast", console: () => {} });
    expect(new Set(TABLE_NAMES).size).toBe(TABLE_NAMES.length);
    expect([...board.functionNames].sort()).toEqual([...TABLE_NAMES].sort());
    for (const [module, names] of Object.entries(HOST_TABLE)) expect(Object.keys(MODULES[module as HostModuleName](board)).sort()).toEqual([...names].sort());
  });

  it("a Board answers a name at any time, and only the table's names", async () => {
    const board = new Board({ profile: BOARDS.esp32!, lan: new Lan({ clock: new ManualClock(), log: pino({ level: "silent" }) }), log: pino({ level: "silent" }), timing: "fast", console: () => {} });
    expect(await board.call("ticksAdd", [5, 3])).toBe(8);
    expect(await board.call("rtcDatetime", [null])).toHaveLength(8); // a module first made late
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) expect(() => board.call(name, [])).toThrow(`no host function ${name}`);
  });

  it("a reset board's late first call of a module does not take the next board's pin edges", () => {
    const log = pino({ level: "silent" });
    const lan = new Lan({ clock: new ManualClock(), log });
    const peripherals = new Peripherals();
    const options = { profile: BOARDS.esp32!, lan, log, timing: "fast" as const, console: () => {}, peripherals };
    const { IN, IRQ_RISING } = BOARDS.esp32!.port.pins.constants;
    const old = new Board(options);
    old.halt(); // the reset button; its script may still be on its way to a call
    const next = new Board(options);
    next.call("pinIrq", [next.call("pinInit", [4, IN!, null, null]) as number, 1, IRQ_RISING!]);
    void old.call("pinIrq", [4, 2, IRQ_RISING!]); // never answered
    peripherals.setInput(4, 1);
    expect(next.scheduled()).toBe(true);
  });

  const guests = {
    "the TS guest library": guestFiles("quickjs/guest", ".ts"),
    "the .py guest library": [...guestFiles("micropython/guest", ".py"), path.join(EMULATOR, "micropython/worker.ts")],
  };
  for (const [library, files] of Object.entries(guests)) {
    it(`holds every host name ${library} calls`, () => {
      const called = files.flatMap((file) => namesCalled(file).map((name) => ({ file: path.basename(file), name })));
      expect(called.map((c) => c.name)).toContain("socketRecv"); // the scan finds calls
      expect(called.filter((c) => !TABLE_NAMES.includes(c.name))).toEqual([]);
    });
  }
});
