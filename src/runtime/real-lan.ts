import type { TimingProfileName } from "../boards/profile.ts";
import { BOARDS } from "../boards/index.ts";
import { stationMac } from "../boards/mac.ts";
import { formatMac } from "../network-sim/address.ts";
import type { Board } from "../emulator/board.ts";
import type { ConsoleOut } from "../emulator/board-options.ts";
import type { RunOutcome } from "../emulator/host-api.ts";
import { createLogger, type LogFormat } from "../log.ts";
import type { AccessPointConfig } from "../network-sim/wifi/access-point.ts";
import { Capture } from "../network-sim/capture/capture.ts";
import { RealClock } from "../network-sim/clock/clock.ts";
import { Faults } from "../network-sim/faults/faults.ts";
import { FaultSpecError, parseFault } from "../network-sim/faults/parse.ts";
import { HostBridge } from "../network-sim/pc/host-bridge.ts";
import { Lan, PC_MAC } from "../network-sim/lan.ts";
import type { Logger } from "pino";
import { runOnLan, type LanBoard } from "./boot.ts";
import { InputError } from "./errors.ts";
import { loadScript } from "./script.ts";
import { loadFirmware, openConsole, type BoardConsole } from "./board-console.ts";
import { pythonBoardsWarning } from "./python-memory.ts";

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
  /** --rtc: every board's clock reads this (ms since 1970) at the start; the firmware's start when absent. */
  rtcMs?: number | undefined;
  /** Runs before each log line (the CLI writes the console output it holds first). */
  beforeLog?: () => void;
}

/** Boards running on a LAN in real time, with real sockets on this PC. */
export interface RealLanRun {
  log: Logger;
  /** Every board's outcome, once every script has ended. */
  outcomes: Promise<RunOutcome[]>;
  /** Ctrl-C on every board: KeyboardInterrupt in each script. */
  interrupt(): void;
  /** Lets connections send what they were given, then closes the capture. */
  close(): Promise<void>;
  /** The console ports of the boards that boot to their REPL, by board name. */
  consoles: Map<string, BoardConsole>;
}

/** How long boardsim waits, after the scripts end, for their connections to send what they were given. */
const DRAIN_MS = 3000;

/** Boots the boards on one LAN in real time (real sockets, real clock) and starts their scripts. */
export async function startRealLan(specs: LanBoard[], net: NetworkOptions, consoleFor: (spec: LanBoard) => ConsoleOut): Promise<RealLanRun> {
  const scripts = await Promise.all(specs.map((spec) => (spec.console ? loadFirmware(spec) : loadScript(spec))));
  const rootLog = createLogger(net.logFormat, net.logLevel, net.beforeLog);
  const consoles = new Map(specs.filter((spec) => spec.console).map((spec) => [spec.name, openConsole(spec, rootLog)] as const));
  if (net.expose) rootLog.warn("--expose: the boards' ports are open on 0.0.0.0, to every machine on your network");
  const memory = pythonBoardsWarning(specs.filter((spec) => spec.console || /\.py$/i.test(spec.script ?? "")).length);
  if (memory) rootLog.warn(memory);
  const lan = new Lan({
    clock: new RealClock(),
    log: rootLog,
    accessPoints: net.accessPoints,
    hosts: net.hosts,
    bridge: new HostBridge(rootLog, net.expose ? "0.0.0.0" : "127.0.0.1"),
  });
  if (net.pcap) lan.capture = openCapture(net.pcap, lan, rootLog);
  if (net.pcap) rootLog.info({ pcap: net.pcap }, `capturing the LAN's traffic to ${net.pcap}`);
  if (net.faults?.length) lan.faults = faultsFrom(net.faults, lan);
  for (const spec of specs) if (!BOARDS[spec.board]) throw new InputError(`unknown board '${spec.board}'`);
  rememberBoards(lan, specs);
  /** The board each spec runs on now (a reset boots a new one). */
  const boards = new Map<LanBoard, Board>();
  const outcomes = Promise.all(
    specs.map((spec, i) =>
      runOnLan(spec, scripts[i]!, lan, {
        timing: net.profile,
        log: rootLog.child({ board: spec.name }),
        console: consoleFor(spec),
        onBoot: (board) => boards.set(spec, board),
        rtcMs: net.rtcMs,
        ...consoles.get(spec.name),
      }),
    ),
  );
  return {
    log: rootLog,
    consoles,
    outcomes,
    interrupt: () => {
      for (const board of boards.values()) board.interrupt();
    },
    close: async () => {
      await lan.bridge.drain(DRAIN_MS);
      lan.capture?.close();
    },
  };
}

/**
 * The access points' DHCP servers know the boards as a router knows devices it has seen before, in
 * the order of the command line or lab file: the first board gets 192.168.1.100 whether or not it
 * joins first. The boards start at once and in real time, so which joins first varies with the
 * machine's load; a lab's clients find their server at the address the file gives them.
 */
function rememberBoards(lan: Lan, specs: LanBoard[]): void {
  for (const ap of lan.accessPoints) {
    for (const spec of specs) {
      const profile = BOARDS[spec.board]!;
      ap.dhcp.remember(formatMac(stationMac(profile.macOui, spec.name)), profile.hostname);
    }
  }
}

/** Fault specs on `lan`, or a one-line InputError for the first bad one. */
export function faultsFrom(specs: string[], lan: Lan, seed?: number): Faults {
  const faults = new Faults(lan, seed);
  for (const spec of specs) {
    try {
      faults.add(parseFault(spec));
    } catch (error) {
      if (error instanceof FaultSpecError) throw new InputError(error.message);
      throw error;
    }
  }
  return faults;
}

function openCapture(file: string, lan: Lan, log: Logger): Capture {
  try {
    const epochMs = Date.now() - lan.clock.now();
    return new Capture(
      file,
      lan,
      () => epochMs + lan.clock.now(),
      PC_MAC,
      (error) => log.warn({ pcap: file, code: error.code }, `--pcap: cannot write ${file} (${error.code ?? error.message}): capture stopped, the boards run on`),
    );
  } catch (error) {
    throw new InputError(`cannot write pcap file '${file}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
