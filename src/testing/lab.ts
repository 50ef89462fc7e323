import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino, { type Logger } from "pino";
import type { TimingProfileName } from "../boards/profile.ts";
import { runOnLan } from "../runtime/boot.ts";
import { loadScript, type Role } from "../runtime/script.ts";
import type { Board } from "../emulator/board.ts";
import { BOARDS } from "../boards/index.ts";
import { DISPCHAR_CELL } from "../emulator/devices/oled.ts";
import { Peripherals, type PinState, type PwmState } from "../emulator/devices/peripherals.ts";
import type { RunOutcome } from "../emulator/host-api.ts";
import { defaultAccessPointConfig, type AccessPointConfig } from "../network-sim/wifi/access-point.ts";
import { Faults, type PlacedFault } from "../network-sim/faults/faults.ts";
import { parseFault } from "../network-sim/faults/parse.ts";
import { hostEntryProblem } from "../network-sim/dns.ts";
import { Lan } from "../network-sim/lan.ts";
import { OfflineBridge } from "../network-sim/pc/offline-bridge.ts";
import { PcPeers, PcWait } from "../network-sim/pc/pc-peers.ts";
import { VirtualClock } from "../network-sim/clock/virtual-clock.ts";

/** How much simulated time a wait may take before it gives up. */
const DEFAULT_WITHIN_MS = 10 * 60_000;
/** Real time after which a PC-side wait awaited while the simulation stands still gets a hint. */
const HINT_AFTER_MS = 2000;

export interface LabOptions {
  /** The access points on the air (each field as in a lab file's; defaults: the embedded network). */
  accessPoints?: Partial<AccessPointConfig>[];
  /** WiFi timing: the real board's (default; it costs nothing in simulated time) or none. */
  timing?: TimingProfileName;
  /** Seed of every random choice (jitter, probabilities): the same seed, the same run. */
  seed?: number;
  /** Faults in effect from the start: specs as on the command line, or parsed ones. */
  faults?: (string | PlacedFault)[];
  /** Where the simulator's log goes; silent by default. */
  log?: Logger;
  /** The router's DNS names: name → IPv4 address (as a lab file's hosts:). */
  hosts?: Record<string, string>;
  /**
   * Every board's real-time clock reads this at the lab's start (simulated time 0) and runs on, as if
   * ntptime had set it then; resets then do what the port does (rp2 sets 2021-01-01 again).
   * Default: as the firmware starts it, 2021-01-01 00:00 UTC (rp2) or 2000-01-01 (ESP32, ESP8266).
   */
  rtc?: Date;
}

export interface BoardSpec {
  /** The board's name on the LAN; the board type by default. */
  name?: string;
  board: string;
  /** The chapter's script, or `script` (a file), or `source` (the script's text). */
  role?: Role;
  script?: string;
  source?: string;
  /** The file name `source` is saved as, which tracebacks show; `.py` runs it in MicroPython (default: `<name>.ts`). */
  fileName?: string;
  /** The script's `config` module (defaults as on the command line). */
  ssid?: string;
  password?: string;
  host?: string;
  port?: number;
}

/** Options of every wait: how much simulated time it may take. */
export interface Within {
  within?: number;
}

/**
 * A lab for unit tests: boards, access points and PC peers on one LAN in simulated time. Nothing
 * moves until the test waits (until(), advance(), a board's waitFor()): then time jumps from timer
 * to timer whenever every board is blocked, so a 30 s reconnect loop takes milliseconds, the same
 * way every run.
 */
export class Lab {
  /** @internal */
  readonly clock = new VirtualClock();
  /** @internal */
  readonly lan: Lan;
  /** The PC (192.168.1.2): listen() for boards to connect to, connect() to a board's server. */
  readonly pc: PcPeers;
  /** @internal */
  readonly faults: Faults;
  readonly boards = new Map<string, LabBoard>();
  private readonly timing: TimingProfileName;
  private readonly rtcMs: number | undefined;
  private readonly runs: Promise<unknown>[] = [];
  private closed = false;
  /** How many times the simulation was run (until, advance), and the PC-side waits it was run for. */
  private simulations = 0;
  private readonly driven = new WeakSet<PcWait<unknown>>();
  private hinted = false;

  constructor(opts: LabOptions = {}) {
    const log = opts.log ?? pino({ level: "silent" });
    for (const [name, ip] of Object.entries(opts.hosts ?? {})) {
      const problem = hostEntryProblem(name, ip);
      if (problem !== null) throw new Error(`hosts[${JSON.stringify(name)}]: ${problem}`);
    }
    this.lan = new Lan({
      clock: this.clock,
      log,
      accessPoints: opts.accessPoints?.map((ap) => defaultAccessPointConfig(ap)),
      hosts: opts.hosts,
      bridge: new OfflineBridge(log),
    });
    this.pc = new PcPeers(this.lan);
    this.pc.awaited = (what, wait) => this.hintIfStill(what, wait);
    this.lan.pc = this.pc;
    this.faults = new Faults(this.lan, opts.seed);
    this.lan.faults = this.faults;
    this.timing = opts.timing ?? "realistic";
    this.rtcMs = opts.rtc?.getTime();
    if (Number.isNaN(this.rtcMs)) throw new Error("rtc: an invalid Date");
    for (const fault of opts.faults ?? []) this.fault(fault);
  }

  /** Simulated milliseconds since the lab started. */
  now(): number {
    return this.clock.now();
  }

  /** Injects a fault now (its `at=` counts from now). */
  fault(fault: string | PlacedFault): void {
    this.faults.add(typeof fault === "string" ? parseFault(fault) : fault);
  }

  /** Runs `action` at simulated time `ms` (from the lab's start), e.g. to inject a fault or end a connection. */
  at(ms: number, action: () => void): void {
    this.clock.setTimer(ms - this.clock.now(), action);
  }

  /** Boots a board and starts its script; the script runs as the test waits. */
  async addBoard(spec: BoardSpec): Promise<LabBoard> {
    const name = spec.name ?? spec.board;
    if (this.closed) throw new Error("the lab is closed");
    if (this.boards.has(name)) throw new Error(`the lab already has a board named '${name}'`);
    let file = spec.script;
    const fileName = spec.source !== undefined ? (spec.fileName ?? `${name}.ts`) : undefined;
    // `source` is saved where the engines read scripts from, and removed once read (compiled, or
    // the .py text taken): nothing is left in the temp folder, closed or not.
    const dir = fileName !== undefined ? await mkdtemp(path.join(tmpdir(), "boardsim-lab-")) : undefined;
    let script;
    try {
      if (dir !== undefined) await writeFile((file = path.join(dir, fileName!)), spec.source!);
      script = await loadScript({ board: spec.board, role: spec.role, script: file }, fileName);
    } finally {
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    }
    const board = new LabBoard(this, name, spec.board);
    this.boards.set(name, board);
    const run = board.start(
      runOnLan(
        {
          name,
          board: spec.board,
          role: spec.role,
          script: file,
          ssid: spec.ssid ?? "boardsim-lab",
          password: spec.password ?? "micropython",
          host: spec.host ?? this.lan.hostIp,
          port: spec.port,
          forwards: new Map(),
        },
        script,
        this.lan,
        {
          timing: this.timing,
          log: this.lan.log.child({ board: name }),
          console: (text) => board.write(text),
          rtcMs: this.rtcMs,
          onBoot: (b) => board.booted(b),
          peripherals: board.peripherals,
          switchedOff: () => this.closed,
        },
      ),
    );
    this.runs.push(run);
    return board;
  }

  /**
   * Runs the simulation until `what` settles (a promise) or holds (a function), within `within`
   * simulated ms (10 minutes by default). Throws when the time is up, or when nothing more can happen.
   */
  async until<T>(what: Promise<T> | (() => boolean), opts: Within & { what?: string } = {}): Promise<T> {
    this.simulations++;
    if (what instanceof PcWait) this.driven.add(what);
    let settled = false;
    const promise = typeof what === "function" ? null : what.finally(() => (settled = true));
    promise?.catch(() => {});
    const done = typeof what === "function" ? what : () => settled;
    const within = opts.within ?? DEFAULT_WITHIN_MS;
    const result = await this.clock.runUntil(done, within);
    if (result !== "done") {
      const why =
        result === "limit"
          ? `it did not happen within ${within / 1000} s of simulated time`
          : `it cannot happen any more: every board is blocked and no timer is left (at ${this.now() / 1000} s)`;
      throw new Error(`waited for ${opts.what ?? "the awaited event"}: ${why}\n${this.consoles()}`);
    }
    return promise ? await promise : (undefined as T);
  }

  /** Lets `ms` of simulated time pass. */
  advance(ms: number): Promise<void> {
    this.simulations++;
    return this.clock.advance(ms);
  }

  /**
   * `await server.accept()` alone never settles: nothing runs simulated time. When a PC-side wait
   * is awaited and the simulation has not run since (real time decides only when to say so), one
   * warning on stderr names the fix.
   */
  private hintIfStill(what: string, wait: PcWait<unknown>): void {
    if (this.hinted || this.driven.has(wait)) return;
    const seen = this.simulations;
    setTimeout(() => {
      if (this.hinted || wait.settled || this.closed || this.driven.has(wait) || this.simulations !== seen) return;
      this.hinted = true;
      process.emitWarning(
        `${what} is still waiting: simulated time runs only inside lab.until(), board.waitFor(), board.finished() and lab.advance(). Write \`await lab.until(${what})\`.`,
        { code: "BOARDSIM_NOT_RUNNING" },
      );
    }, HINT_AFTER_MS).unref();
  }

  /**
   * Switches every board off (their scripts stop where they are; no reboot) and releases what they
   * hold: sockets, and a .py board's MicroPython worker thread, gone once this resolves. Call it at
   * the end of each test (e.g. in afterEach).
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const board of this.boards.values()) board.board?.halt();
    await Promise.allSettled(this.runs);
  }

  private consoles(): string {
    return [...this.boards.values()].map((b) => `--- ${b.name} console ---\n${b.output()}`).join("\n");
  }
}

/** One board of a lab: its console, its OLED, and waits that run the simulation. */
export class LabBoard {
  /** The Board it runs on now (a reset boots a new one). */
  board: Board | null = null;
  /** How many times it has booted. */
  boots = 0;
  private text = "";
  private outcome: RunOutcome | null = null;

  /** Its pins and what is wired to them; kept across resets, as the wiring is. */
  readonly peripherals = new Peripherals();

  constructor(
    private readonly lab: Lab,
    readonly name: string,
    private readonly type: string,
  ) {}

  /** A pin as the script configured and drives it (a GPIO number or a name the board has, like the Pico W's "LED"); null if never set up. */
  pin(id: number | string): PinState | null {
    return this.peripherals.pins.get(this.pinKey(id)) ?? null;
  }

  /** The outside world puts `level` on an input pin (a button); the script's Pin.irq() sees the edge. */
  setPin(id: number | string, level: 0 | 1): void {
    this.peripherals.setInput(id === "BOOTSEL" ? id : this.pinKey(id), level);
  }

  /**
   * The input on ADC(id), as read_u16() would read it (0-65535): a GPIO number, or the channel on boards
   * that number them (ESP8266's 0). The ESP32 quantises it to its block's width first (machine_adc.c:215-221).
   */
  setAdc(id: number, u16: number): void {
    const { adc } = BOARDS[this.type]!.port;
    this.peripherals.adc.set(adc.pins.length > 0 && adc.channels.length > 0 && id < adc.pins.length ? adc.pins[id]! : id, u16);
  }

  /** What an ESP32's TouchPad(Pin(id)).read() reads: tens while a finger is on it (untouched: above a thousand). */
  setTouch(id: number, value: number): void {
    this.peripherals.touch.set(this.pinKey(id) as number, value);
  }

  /** A DHT11/DHT22 on pin `id`: what dht's measure() reads. */
  setDht(id: number, temperature: number, humidity: number): void {
    this.peripherals.dht.set(this.pinKey(id) as number, { temperature, humidity });
  }

  /** DS18X20 sensors on the OneWire bus on pin `id`, each one's temperature (°C). */
  setDs18x20(id: number, temperatures: number[]): void {
    this.peripherals.ds18x20.set(this.pinKey(id) as number, temperatures);
  }

  /** PWM on a pin as the script set it (freq Hz, duty as duty_u16), null when off. */
  pwm(id: number | string): PwmState | null {
    return this.peripherals.pwm.get(this.pinKey(id) as number) ?? null;
  }

  /** The colours last written to the NeoPixels on a pin, [r, g, b] each. */
  neopixels(id: number): number[][] {
    return this.peripherals.neopixels.get(id) ?? [];
  }

  private pinKey(id: number | string): number | string {
    return typeof id === "string" ? (BOARDS[this.type]!.port.pins.names[id] ?? id) : id;
  }

  /** Everything the console showed so far. */
  output(): string {
    return this.text;
  }

  /** The console's lines so far. */
  lines(): string[] {
    return this.text.split("\n").filter((line, i, all) => line !== "" || i < all.length - 1);
  }

  /** The OLED's four DispChar text lines (y = 0, 16, 32, 48), as the mPython board's scripts write them. */
  oledLines(): string[] {
    const oled = this.board?.oled;
    return oled ? [0, 16, 32, 48].map((y) => oled.readText(0, y, DISPCHAR_CELL)) : [];
  }

  /** Runs the simulation until the console shows `text` (or matches a RegExp). */
  async waitFor(text: string | RegExp, opts: Within = {}): Promise<void> {
    const seen = () => (typeof text === "string" ? this.text.includes(text) : text.test(this.text));
    await this.lab.until(seen, { ...opts, what: `${this.name} to print ${typeof text === "string" ? JSON.stringify(text) : text}` });
  }

  /** Runs the simulation until the script ends; how it ended. */
  async finished(opts: Within = {}): Promise<RunOutcome> {
    await this.lab.until(() => this.outcome !== null, { ...opts, what: `${this.name}'s script to end` });
    return this.outcome!;
  }

  /** How the script ended, null while it runs. */
  get result(): RunOutcome | null {
    return this.outcome;
  }

  /** @internal */
  start(run: Promise<RunOutcome>): Promise<unknown> {
    return run.then((outcome) => (this.outcome = outcome)).catch((error: unknown) => (this.outcome = { kind: "raised", pyType: "boardsim internal error", traceback: [String(error)] }));
  }

  /** @internal */
  booted(board: Board): void {
    this.board = board;
    this.boots++;
  }

  /** @internal */
  write(text: string): void {
    this.text += text;
  }
}
