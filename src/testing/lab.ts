import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino, { type Logger } from "pino";
import type { TimingProfileName } from "../boards/profile.ts";
import { runOnLan } from "../runtime/boot.ts";
import { loadScript, type Role } from "../runtime/script.ts";
import type { Board } from "../emulator/board.ts";
import { DISPCHAR_CELL } from "../emulator/devices/oled.ts";
import type { RunOutcome } from "../emulator/host-api.ts";
import { defaultAccessPointConfig, type AccessPointConfig } from "../network-sim/wifi/access-point.ts";
import { Faults, type PlacedFault } from "../network-sim/faults/faults.ts";
import { parseFault } from "../network-sim/faults/parse.ts";
import { Lan } from "../network-sim/lan.ts";
import { OfflineBridge } from "../network-sim/pc/offline-bridge.ts";
import { PcPeers } from "../network-sim/pc/pc-peers.ts";
import { VirtualClock } from "../network-sim/clock/virtual-clock.ts";

/** time.time() in a lab: 2024-06-02 00:00:00 UTC (the firmware's build date), so runs repeat. */
const LAB_EPOCH_MS = Date.UTC(2024, 5, 2);
/** How much simulated time a wait may take before it gives up. */
const DEFAULT_WITHIN_MS = 10 * 60_000;

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
  readonly clock = new VirtualClock();
  readonly lan: Lan;
  /** The PC (192.168.1.2): listen() for boards to connect to, connect() to a board's server. */
  readonly pc: PcPeers;
  readonly faults: Faults;
  readonly boards = new Map<string, LabBoard>();
  private readonly timing: TimingProfileName;

  constructor(opts: LabOptions = {}) {
    const log = opts.log ?? pino({ level: "silent" });
    this.lan = new Lan({
      clock: this.clock,
      log,
      accessPoints: opts.accessPoints?.map((ap) => defaultAccessPointConfig(ap)),
      bridge: new OfflineBridge(log),
    });
    this.pc = new PcPeers(this.lan);
    this.lan.pc = this.pc;
    this.faults = new Faults(this.lan, opts.seed);
    this.lan.faults = this.faults;
    this.timing = opts.timing ?? "realistic";
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
    if (this.boards.has(name)) throw new Error(`the lab already has a board named '${name}'`);
    let file = spec.script;
    const fileName = spec.source !== undefined ? (spec.fileName ?? `${name}.ts`) : undefined;
    if (fileName !== undefined) {
      file = path.join(await mkdtemp(path.join(tmpdir(), "boardsim-lab-")), fileName);
      await writeFile(file, spec.source!);
    }
    const script = await loadScript({ board: spec.board, role: spec.role, script: file }, fileName);
    const board = new LabBoard(this, name);
    this.boards.set(name, board);
    board.start(
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
        { timing: this.timing, log: this.lan.log.child({ board: name }), console: (text) => board.write(text), bootEpochMs: LAB_EPOCH_MS, onBoot: (b) => board.booted(b) },
      ),
    );
    return board;
  }

  /**
   * Runs the simulation until `what` settles (a promise) or holds (a function), within `within`
   * simulated ms (10 minutes by default). Throws when the time is up, or when nothing more can happen.
   */
  async until<T>(what: Promise<T> | (() => boolean), opts: Within & { what?: string } = {}): Promise<T> {
    let settled = false;
    const promise = typeof what === "function" ? null : what.finally(() => (settled = true));
    promise?.catch(() => {});
    const done = typeof what === "function" ? what : () => settled;
    const within = opts.within ?? DEFAULT_WITHIN_MS;
    const result = await this.clock.runUntil(done, within);
    if (result !== "done") {
      const why = result === "limit" ? `not within ${within / 1000} s of simulated time` : `never: every board is blocked and no timer is left (at ${this.now() / 1000} s)`;
      throw new Error(`${opts.what ?? "the awaited event"} happened ${why}\n${this.consoles()}`);
    }
    return promise ? await promise : (undefined as T);
  }

  /** Lets `ms` of simulated time pass. */
  advance(ms: number): Promise<void> {
    return this.clock.advance(ms);
  }

  /** Switches every board off. */
  close(): void {
    for (const board of this.boards.values()) board.board?.halt();
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

  constructor(
    private readonly lab: Lab,
    readonly name: string,
  ) {}

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
    await this.lab.until(seen, { ...opts, what: `${this.name} printing ${text}` });
  }

  /** Runs the simulation until the script ends; how it ended. */
  async finished(opts: Within = {}): Promise<RunOutcome> {
    await this.lab.until(() => this.outcome !== null, { ...opts, what: `${this.name}'s script ending` });
    return this.outcome!;
  }

  /** How the script ended, null while it runs. */
  get result(): RunOutcome | null {
    return this.outcome;
  }

  /** @internal */
  start(run: Promise<RunOutcome>): void {
    run.then((outcome) => (this.outcome = outcome)).catch((error: unknown) => (this.outcome = { kind: "raised", pyType: "boardsim internal error", traceback: [String(error)] }));
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
