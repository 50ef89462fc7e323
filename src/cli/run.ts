import { constants } from "node:fs";
import { access, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import { packageRoot } from "../package-root.ts";
import { BOARDS } from "../boards/index.ts";
import type { TimingProfileName } from "../boards/profile.ts";
import { Board } from "../emulator/board.ts";
import type { GuestEngine, HostValue, RunOutcome } from "../emulator/host-api.ts";
import { MicroPythonEngine } from "../emulator/micropython/engine.ts";
import { QuickJsEngine } from "../emulator/quickjs/engine.ts";
import { compileScript, ScriptError } from "../emulator/quickjs/transpile.ts";
import { createLogger, type LogFormat } from "../log.ts";
import { RealClock } from "../network-sim/clock.ts";
import type { AccessPointConfig } from "../network-sim/access-point.ts";
import { Capture } from "../network-sim/capture.ts";
import { Faults } from "../network-sim/faults/faults.ts";
import { FaultSpecError, parseFault } from "../network-sim/faults/spec.ts";
import { wifiLink } from "../network-sim/faults/wifi-link.ts";
import { HostBridge } from "../network-sim/host-bridge.ts";
import { Lan } from "../network-sim/lan.ts";
import { EXIT, ScriptInputError, UsageError } from "./exit-codes.ts";
import { readLabFile, type LabBoard } from "./lab-file.ts";

export type Role = "server" | "client";

/** What runs on one board: which board, which script, the script's settings (its config module). */
export interface BoardRun {
  board: string;
  role?: Role;
  script?: string;
  ssid: string;
  password: string;
  host: string;
  port?: number;
}

export interface RunOptions extends BoardRun {
  profile: TimingProfileName;
  logFormat: LogFormat;
  logLevel: string;
  expose?: boolean;
  pcap?: string;
  /** --forward: board port → PC port. */
  forwards?: Map<number, number>;
  /** Stop the boards after this many milliseconds (--timeout). */
  timeoutMs?: number;
  /** --fault SPEC: faults on the LAN (docs/faults.md). */
  faults?: string[];
  /** --hosts NAME=IP: the router's DNS names. */
  hosts?: Record<string, string>;
}

/** The chapter's default ports: the board serves on 8000, the PC's Processing tool listens on 8888. */
const DEFAULT_PORT: Record<Role, number> = { server: 8000, client: 8888 };

/** Boots a board, runs its script to the end and returns the exit code. */
export async function runBoard(opts: RunOptions, stdout: (text: string) => void): Promise<number> {
  const board: LabBoard = { ...opts, name: opts.board, forwards: opts.forwards ?? new Map() };
  return runBoards([board], { ...opts, accessPoints: undefined }, () => stdout);
}

/** `boardsim lab FILE`: every board of the file on one LAN, each console line prefixed with the board's name. */
export async function runLab(file: string, opts: NetworkOptions, stdout: (text: string) => void): Promise<number> {
  const lab = await readLabFile(file);
  const width = Math.max(...lab.boards.map((b) => b.name.length));
  const net = { ...opts, profile: lab.profile ?? opts.profile, accessPoints: lab.accessPoints, faults: lab.faults, hosts: { ...lab.hosts, ...opts.hosts } };
  return runBoards(lab.boards, net, (b) => prefixLines(`${b.name.padEnd(width)} | `, stdout));
}

/** What the LAN of a run looks like, beyond its boards. */
export interface NetworkOptions {
  profile: TimingProfileName;
  logFormat: LogFormat;
  logLevel: string;
  /** Bind forwarded ports on 0.0.0.0 instead of 127.0.0.1. */
  expose?: boolean;
  /** Write the LAN's traffic to this pcap file. */
  pcap?: string | undefined;
  accessPoints?: AccessPointConfig[] | undefined;
  /** Stop the boards after this many milliseconds (--timeout). */
  timeoutMs?: number | undefined;
  /** Fault specs (docs/faults.md), applied from the start. */
  faults?: string[] | undefined;
  /** The router's DNS names (--hosts NAME=IP, a lab file's hosts:). */
  hosts?: Record<string, string> | undefined;
}

/** Boots the boards on one LAN, runs their scripts to the end (Ctrl-C interrupts all) and returns the exit code. */
/** How long boardsim waits, after the scripts end, for their connections to send what they were given. */
const DRAIN_MS = 3000;

async function runBoards(specs: LabBoard[], net: NetworkOptions, consoleFor: (spec: LabBoard) => (text: string) => void): Promise<number> {
  const scripts = await Promise.all(specs.map((spec) => loadScript(spec)));
  const rootLog = createLogger(net.logFormat, net.logLevel);
  if (net.expose) rootLog.warn("--expose: the boards' ports are open on 0.0.0.0, to every machine on your network");
  const lan = new Lan({
    clock: new RealClock(),
    log: rootLog,
    accessPoints: net.accessPoints,
    hosts: net.hosts,
    bridge: new HostBridge(rootLog, net.expose ? "0.0.0.0" : "127.0.0.1"),
  });
  if (net.pcap) lan.capture = openCapture(net.pcap, lan);
  if (net.pcap) rootLog.info({ pcap: net.pcap }, `capturing the LAN's traffic to ${net.pcap}`);
  if (net.faults?.length) lan.faults = faultsFrom(net.faults, lan);
  for (const spec of specs) if (!BOARDS[spec.board]) throw new UsageError(`unknown board '${spec.board}'`);
  /** The board each spec runs on now (a reset boots a new one). */
  const boards = new Map<LabBoard, Board>();

  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(EXIT.interrupted);
    rootLog.info("Ctrl-C: KeyboardInterrupt raised in the script (Ctrl-C again to quit at once)");
    for (const board of boards.values()) board.interrupt();
  };
  process.on("SIGINT", onSigint);
  const timeout = deadline(net.timeoutMs);
  try {
    const run = Promise.all(
      specs.map((spec, i) =>
        runOnLan(spec, scripts[i]!, lan, {
          timing: net.profile,
          log: rootLog.child({ board: spec.name }),
          console: consoleFor(spec),
          onBoot: (board) => boards.set(spec, board),
        }),
      ),
    );
    const outcomes = await Promise.race([run, timeout.reached]);
    if (outcomes === "timeout") {
      rootLog.warn({ timeoutMs: net.timeoutMs }, `--timeout: stopped the board after ${net.timeoutMs} ms`);
      return EXIT.timeout;
    }
    if (interrupts > 0) return EXIT.interrupted;
    const raised = outcomes.filter((o) => o.kind === "raised");
    if (raised.length === 0) return EXIT.ok;
    return raised.every((o) => o.pyType === "KeyboardInterrupt") ? EXIT.interrupted : EXIT.raised;
  } finally {
    process.off("SIGINT", onSigint);
    timeout.cancel();
    await lan.bridge.drain(DRAIN_MS);
    lan.capture?.close();
  }
}

export interface BootOptions {
  timing: TimingProfileName;
  log: Logger;
  console: (text: string) => void;
  /** time.time()'s start, fixed in tests. */
  bootEpochMs?: number;
  /** Called with each Board as it boots (again after a reset). */
  onBoot?: (board: Board) => void;
}

/**
 * Boots `spec`'s board on `lan` and runs its script to the end. After a reset (a fault) the board
 * boots again and runs the script from the start, as a real board runs main.py after a reset.
 * Board faults (heap, sockets) apply at each boot. The CLI and the testing API both start boards here.
 */
export async function runOnLan(spec: LabBoard, script: GuestScript, lan: Lan, opts: BootOptions): Promise<RunOutcome> {
  const base = BOARDS[spec.board];
  if (!base) throw new UsageError(`unknown board '${spec.board}'`);
  const link = base.wlan.timing[opts.timing].link;
  if (link) {
    lan.faults ??= new Faults(lan);
    lan.faults.add({ text: `WiFi hop of ${spec.name}`, fault: wifiLink(link), targets: { at: 0, for: null, board: spec.name, directions: ["upstream", "downstream"], probability: 1 }, quiet: true });
  }
  for (;;) {
    const setup = lan.faults?.setup({ name: spec.name, profile: base, heapBytes: base.heapBytes }) ?? { profile: base, heapBytes: base.heapBytes };
    lan.clock.guestRunning?.(1); // booting is work: simulated time waits for it
    let board: Board;
    let engine: GuestEngine;
    try {
      const { profile } = setup;
      board = new Board({ profile, lan, log: opts.log, timing: opts.timing, console: opts.console, name: spec.name, forwards: spec.forwards, bootEpochMs: opts.bootEpochMs });
      engine = await script.createEngine(setup.heapBytes, scriptConfig(spec));
      opts.onBoot?.(board);
      board.boot();
    } catch (error) {
      lan.clock.guestRunning?.(-1);
      throw error;
    }
    const current = board;
    const unregister = lan.faults?.register({ name: spec.name, reset: () => current.halt() });
    const running = board.run(engine);
    lan.clock.guestRunning?.(-1);
    let outcome: RunOutcome;
    try {
      outcome = await running;
    } finally {
      unregister?.();
      board.shutdown();
      engine.dispose();
    }
    if (outcome.kind !== "reset") return outcome;
    opts.log.info("reset: the board reboots");
  }
}

/** The script's `config` module: the settings the command line or lab file gives it. */
export function scriptConfig(spec: BoardRun): Record<string, HostValue> {
  return { ssid: spec.ssid, password: spec.password, host: spec.host, port: spec.port ?? DEFAULT_PORT[spec.role ?? "server"] };
}

/** Fault specs on `lan`, or a one-line usage error for the first bad one. */
export function faultsFrom(specs: string[], lan: Lan, seed?: number): Faults {
  const faults = new Faults(lan, seed);
  for (const spec of specs) {
    try {
      faults.add(parseFault(spec));
    } catch (error) {
      if (error instanceof FaultSpecError) throw new UsageError(error.message);
      throw error;
    }
  }
  return faults;
}

function openCapture(file: string, lan: Lan): Capture {
  try {
    return new Capture(file, (ip) => lan.macOf(ip));
  } catch (error) {
    throw new UsageError(`cannot write pcap file '${file}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** A console that starts every line with `prefix`. */
function prefixLines(prefix: string, out: (text: string) => void): (text: string) => void {
  let atLineStart = true;
  return (text) => {
    if (text === "") return;
    const body = text.replace(/\n(?!$)/g, `\n${prefix}`);
    out((atLineStart ? prefix : "") + body);
    atLineStart = text.endsWith("\n");
  };
}

/** A loaded script: each boot (again after a reset) runs it in a fresh engine. */
export interface GuestScript {
  createEngine(heapBytes: number, config: Record<string, HostValue>): Promise<GuestEngine>;
}

/**
 * Reads and checks a script once. The one place that picks the engine, by the file's extension, so
 * the CLI, labs and the testing API run the same engines: a .py file runs unchanged in MicroPython,
 * anything else (.ts/.js, the chapter's ports) is compiled for QuickJS. `displayName` is the name
 * tracebacks show (the path as given by default).
 */
export async function loadScript(opts: { board: string; role?: Role | undefined; script?: string | undefined }, displayName?: string): Promise<GuestScript> {
  const file = opts.script
    ? path.resolve(opts.script)
    : path.join(packageRoot(), "src/scripts", opts.board, `${opts.role ?? "server"}.ts`);
  try {
    if ((await stat(file)).isDirectory()) throw new ScriptInputError(`cannot read script '${opts.script}': it is a directory`);
    await access(file, constants.R_OK);
  } catch (error) {
    if (error instanceof ScriptInputError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === "EACCES" ? "permission denied" : "no such file";
    throw new ScriptInputError(opts.script ? `cannot read script '${opts.script}': ${reason}` : `no ${opts.role} script for board '${opts.board}' yet`);
  }
  if (path.extname(file).toLowerCase() === ".py") {
    // A syntax error is the script's to report: MicroPython prints its traceback and it exits 1, as on the board.
    const python = { source: await readFile(file, "utf8"), fileName: displayName ?? opts.script! };
    return { createEngine: (heapBytes, config) => MicroPythonEngine.create(python, { heapBytes, config }) };
  }
  try {
    const compiled = await compileScript(file, displayName);
    return { createEngine: (heapBytes, config) => QuickJsEngine.create(compiled, { heapBytes, config }) };
  } catch (error) {
    if (error instanceof ScriptError) throw new ScriptInputError(error.message);
    throw error;
  }
}

/** Resolves with "timeout" after `ms` (never when ms is undefined); the boards are stopped, not asked. */
function deadline(ms: number | undefined): { reached: Promise<"timeout">; cancel(): void } {
  if (ms === undefined) return { reached: new Promise(() => {}), cancel: () => {} };
  let timer!: NodeJS.Timeout;
  const reached = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
  return { reached, cancel: () => clearTimeout(timer) };
}
