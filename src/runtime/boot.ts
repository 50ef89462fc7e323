import type { Logger } from "pino";
import { BOARDS } from "../boards/index.ts";
import type { RomBoot } from "../boards/port.ts";
import type { TimingProfileName } from "../boards/profile.ts";
import { Board } from "../emulator/board.ts";
import type { ConsoleOut } from "../emulator/board-options.ts";
import type { BoardSerial } from "../emulator/console/board-serial.ts";
import { CONSOLE_BAUD, romBootBytes } from "../emulator/console/rom-boot.ts";
import { Peripherals } from "../emulator/devices/peripherals.ts";
import type { Flash } from "../emulator/flash.ts";
import { MemoryFlash } from "../emulator/flash-memory.ts";
import { Rtc } from "../emulator/rtc.ts";
import type { GuestEngine, HostValue, RunOutcome } from "../emulator/host-api.ts";
import { sleep } from "../network-sim/clock/clock.ts";
import { Faults } from "../network-sim/faults/faults.ts";
import { wifiLink } from "../network-sim/faults/wifi-link.ts";
import type { Lan } from "../network-sim/lan.ts";
import { InputError } from "./errors.ts";
import type { GuestScript, Role } from "./script.ts";

/** What runs on one board: which board, which script, the script's settings (its config module). */
export interface BoardRun {
  board: string;
  role?: Role;
  script?: string;
  ssid: string;
  password: string;
  host: string;
  port?: number;
  /** The board boots to its REPL with a console (no --role, no --script, or a .py script on a terminal). */
  console?: boolean;
  /** --flash / `flash:`: the folder that holds the board's filesystem; a per-board default under the user's data folder. */
  flash?: string | undefined;
}

/** One board on a LAN: its name there and its port forwards (board port → PC port). */
export interface LanBoard extends BoardRun {
  name: string;
  forwards: Map<number, number>;
}

/** The chapter's default ports: the board serves on 8000, the PC's Processing tool listens on 8888. */
const DEFAULT_PORT: Record<Role, number> = { server: 8000, client: 8888 };

export interface BootOptions {
  timing: TimingProfileName;
  log: Logger;
  console: ConsoleOut;
  /** The board's RTC reads this (ms since 1970) at simulated time 0, as if set then; the firmware's start by default. */
  rtcMs?: number | undefined;
  /** Called with each Board as it boots (again after a reset). */
  onBoot?: (board: Board) => void;
  /** True once the board is switched off: a halt then ends the run instead of booting again. */
  switchedOff?: () => boolean;
  /** The board's console port: the board boots to its REPL (hard and soft resets keep it). */
  serial?: BoardSerial | undefined;
  /** The board's flash filesystem: a fresh one in memory for this run by default (a script run's). */
  flash?: Flash | undefined;
  /** The board's pins and what is wired to them (tests set inputs there); kept across resets. */
  peripherals?: Peripherals;
}

/**
 * Boots `spec`'s board on `lan` and runs its script to the end. After a reset (a fault) the board
 * boots again and runs the script from the start, as a real board runs main.py after a reset.
 * Board faults (heap, sockets) apply at each boot. The CLI, the testing API and the bench all start boards here.
 */
export async function runOnLan(spec: LanBoard, script: GuestScript, lan: Lan, opts: BootOptions): Promise<RunOutcome> {
  const base = BOARDS[spec.board];
  if (!base) throw new InputError(`unknown board '${spec.board}'`);
  const link = base.wlan.timing[opts.timing].link;
  if (link) {
    faultsOn(lan).add({ text: `WiFi hop of ${spec.name}`, fault: wifiLink(link), targets: { at: 0, for: null, board: spec.name, directions: ["upstream", "downstream"], probability: 1 }, quiet: true });
  }
  const { serial } = opts;
  // A script run's board has its own flash too, kept across its resets, as a real board's.
  const flash = opts.flash ?? new MemoryFlash(base.flash);
  const peripherals = opts.peripherals ?? new Peripherals();
  const rtc = new Rtc(lan.clock, opts.rtcMs); // the chip's RTC: each boot starts it as the port does
  let firstBoot = true;
  // What the chip's ROM prints as the board boots again. None at power-on: a dev board's USB-serial
  // port comes with its power, and the ROM has printed before a terminal can open it.
  let romLines: string | null = null;
  let resetPin = false; // the EN/RST pin (the reset button, the serial port's auto-reset) reset it
  const pressReset = (board: Board) => {
    resetPin = true;
    board.halt();
  };
  for (;;) {
    resetPin = false;
    const setup = lan.faults?.setup({ name: spec.name, profile: base, heapBytes: base.heapBytes }) ?? { profile: base, heapBytes: base.heapBytes };
    lan.clock.guestRunning?.(1); // booting is work: simulated time waits for it
    let board: Board;
    let engine: GuestEngine;
    const console = serial ? serialConsole(serial) : opts.console;
    try {
      const { profile } = setup;
      const onMachineReset = () => board.halt();
      board = new Board({ profile, lan, log: opts.log, timing: opts.timing, console, name: spec.name, forwards: spec.forwards, rtc, serial, flash, onMachineReset, peripherals });
      engine = await script.createEngine(setup.heapBytes, scriptConfig(spec));
      opts.onBoot?.(board);
      if (romLines !== null) printRom(profile.port.romBoot!, romLines, serial, console);
      if (serial) {
        serial.rawRepl = false; // a hard reset starts the friendly REPL (pyexec_mode_kind's initial value)
        serial.booting();
        serial.onInterrupt = () => board.interrupt();
        serial.onMaybeRunning = () => board.askScript();
        serial.onResetPin = () => pressReset(board);
        // inisetup.py's message, on the boot that formats the flash
        if (firstBoot && flash?.formatted && profile.flash.firstBootMessage) console(profile.flash.firstBootMessage + "\n");
      } else board.boot();
      firstBoot = false;
    } catch (error) {
      lan.clock.guestRunning?.(-1);
      throw error;
    }
    const current = board;
    const unregister = lan.faults?.register({ name: spec.name, reset: () => pressReset(current) });
    let outcome: RunOutcome;
    try {
      for (;;) {
        const running = board.run(engine);
        lan.clock.guestRunning?.(-1);
        outcome = await running;
        if (outcome.kind !== "soft-reset") break;
        // ports/esp32/main.c:197, ports/rp2/main.c:209; then the same engine boots its interpreter again on the same board.
        console("MPY: soft reboot\n");
        board.softReset();
        serial?.booting();
        lan.clock.guestRunning?.(1);
      }
    } finally {
      unregister?.();
      board.shutdown();
      // Ending the engine (a .py board's worker thread) takes real time: simulated time waits for it,
      // or a lab would see every board blocked while a reset is under way.
      lan.clock.guestRunning?.(1);
      try {
        await engine.dispose();
      } finally {
        lan.clock.guestRunning?.(-1);
      }
    }
    if (outcome.kind !== "reset" || opts.switchedOff?.()) return outcome;
    const asleep = peripherals.wakeAfterMs;
    peripherals.wakeAfterMs = null;
    // machine.reset() and deepsleep set the next boot's cause; the reset pin leaves power-on's,
    // with the ROM's lines for it
    const rom = base.port.romBoot;
    romLines = rom && (asleep !== null ? rom.deepsleep : peripherals.resetCause !== null ? rom.reset : resetPin ? rom.resetPin : null);
    if (asleep !== null) await deepSleep(lan, asleep);
    opts.log.info("reset: the board reboots");
  }
}

/** machine.deepsleep(ms): the board is off until the time is up (for ever without a time). */
function deepSleep(lan: Lan, ms: number): Promise<void> {
  return Number.isFinite(ms) ? sleep(lan.clock, ms) : new Promise(() => {});
}

/** The ROM's boot lines: bytes on the serial port (garbage at another rate), text on a script run's console. */
function printRom(rom: RomBoot, text: string, serial: BoardSerial | undefined, console: ConsoleOut): void {
  const bytes = romBootBytes(rom, text);
  if (serial) void serial.print(bytes);
  else void console(rom.baud === CONSOLE_BAUD ? text : new TextDecoder().decode(bytes));
}

/** The LAN's faults, started when it has none yet. */
function faultsOn(lan: Lan): Faults {
  if (lan.faults instanceof Faults) return lan.faults;
  if (lan.faults) throw new Error("the LAN's hooks are not boardsim's faults");
  return (lan.faults = new Faults(lan));
}

/** The Board's own console text (its messages, a TS script's prints) on the serial port, "\n" as "\r\n". */
function serialConsole(serial: BoardSerial): (text: string) => void | Promise<void> {
  const encoder = new TextEncoder();
  return (text) => serial.print(encoder.encode(text.replace(/\r?\n/g, "\r\n")))?.then(() => {});
}

/** The script's `config` module: the settings the command line or lab file gives it. */
export function scriptConfig(spec: BoardRun): Record<string, HostValue> {
  return { ssid: spec.ssid, password: spec.password, host: spec.host, port: spec.port ?? DEFAULT_PORT[spec.role ?? "server"] };
}
