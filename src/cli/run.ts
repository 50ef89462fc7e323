import os from "node:os";
import type { TimingProfileName } from "../boards/profile.ts";
import type { LogFormat } from "../log.ts";
import type { BoardRun } from "../runtime/boot.ts";
import { startRealLan, type NetworkOptions } from "../runtime/real-lan.ts";
import { EXIT } from "./exit-codes.ts";
import { ConsoleVerdict } from "./expect-text.ts";
import { readLabFile, type LabBoard } from "./lab-file.ts";
import { attachTransport, type ConsoleTransport } from "../console/attach-transport.ts";
import type { SerialSpec } from "../console/serial-spec.ts";
import type { ConsoleWriter } from "../console/stdio.ts";
import type { ConsoleOut } from "../emulator/board-options.ts";

export interface RunOptions extends BoardRun {
  /** --serial: where the console is (stdin/stdout when absent). */
  serial?: SerialSpec | undefined;
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
  /** --rtc: the board's clock at the start (ms since 1970 as it reads them). */
  rtcMs?: number | undefined;
  /** --expect-text T: exit 0 as soon as a console shows T. */
  expectText?: string | undefined;
  /** --fail-text T: exit 1 as soon as a console shows T. */
  failText?: string | undefined;
}

/** Boots a board, runs its script to the end and returns the exit code. */
export async function runBoard(opts: RunOptions, stdout: ConsoleWriter): Promise<number> {
  const board: LabBoard = { ...opts, name: opts.board, forwards: opts.forwards ?? new Map() };
  return runBoards([board], { ...opts, accessPoints: undefined, beforeLog: stdout.flush }, () => stdout, new ConsoleVerdict(opts.expectText, opts.failText));
}

/** `boardsim lab FILE`: every board of the file on one LAN, each console line prefixed with the board's name. */
export async function runLab(file: string, opts: NetworkOptions, stdout: ConsoleWriter): Promise<number> {
  const lab = await readLabFile(file);
  const width = Math.max(...lab.boards.map((b) => b.name.length));
  const net = { ...opts, profile: lab.profile ?? opts.profile, accessPoints: lab.accessPoints, faults: lab.faults, hosts: { ...lab.hosts, ...opts.hosts }, beforeLog: stdout.flush };
  return runBoards(lab.boards, net, (b) => prefixLines(`${b.name.padEnd(width)} | `, stdout));
}

/** Boots the boards on one LAN, runs their scripts to the end (Ctrl-C interrupts all) and returns the exit code. */
async function runBoards(
  specs: LabBoard[],
  net: NetworkOptions,
  consoleFor: (spec: LabBoard) => ConsoleOut,
  verdict = new ConsoleVerdict(undefined, undefined),
): Promise<number> {
  const run = await startRealLan(specs, net, (spec) => verdict.watch(consoleFor(spec)));
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(EXIT.interrupted);
    run.log.info("Ctrl-C: KeyboardInterrupt raised in the script (Ctrl-C again to quit at once)");
    run.interrupt();
  };
  process.on("SIGINT", onSigint);
  // SIGTERM (kill, a service manager) and SIGHUP (the terminal closed) end the run the orderly
  // way --timeout does: the finally below drains connections, closes forwards and the capture.
  let onTerminate!: (signal: NodeJS.Signals) => void;
  const terminated = new Promise<NodeJS.Signals>((resolve) => (onTerminate = resolve));
  for (const signal of TERMINATING) process.on(signal, onTerminate);
  const timeout = deadline(net.timeoutMs);
  // The boards are powered until the run ends. One waiting only for its user (a TS script's
  // top-level await, machine.lightsleep() with nothing armed) holds no handle of Node's event loop,
  // which would then end the process as if every script had ended (exit 0, nothing said).
  const poweredOn = setInterval(() => {}, 2 ** 31 - 1); // Node's longest timer: it only holds the loop
  let leave!: () => void;
  const left = new Promise<"left">((resolve) => (leave = () => resolve("left")));
  const transports: ConsoleTransport[] = [];
  try {
    // Each board's console where its spec says (stdio by default): a PTY or port that cannot be had is bad input.
    for (const spec of specs) {
      const { serial } = run.consoles.get(spec.name) ?? {};
      if (!serial) continue;
      transports.push(await attachTransport(spec.serial ?? { kind: "stdio" }, serial, run.log.child({ board: spec.name }), { onLeave: leave, onEnd: () => serial.close() }));
    }
    const outcomes = await Promise.race([run.outcomes, timeout.reached, left, verdict.decided, terminated]);
    if (outcomes === "left") return EXIT.ok;
    if (typeof outcomes === "string" && outcomes !== "timeout") {
      run.log.warn(`${outcomes}: stopped the boards`);
      return 128 + os.constants.signals[outcomes];
    }
    if (!Array.isArray(outcomes) && outcomes !== "timeout") {
      run.log.info(outcomes.why);
      return outcomes.code;
    }
    if (outcomes === "timeout") {
      run.log.warn({ timeoutMs: net.timeoutMs }, `--timeout: stopped the board after ${net.timeoutMs} ms`);
      return EXIT.timeout;
    }
    if (interrupts > 0) return EXIT.interrupted;
    const raised = outcomes.filter((o) => o.kind === "raised");
    const code = raised.length === 0 ? EXIT.ok : raised.every((o) => o.pyType === "KeyboardInterrupt") ? EXIT.interrupted : EXIT.raised;
    const unmet = verdict.whenEnded(code);
    if (unmet) run.log.warn(unmet.why);
    return unmet?.code ?? code;
  } finally {
    clearInterval(poweredOn);
    for (const transport of transports) transport.close();
    process.off("SIGINT", onSigint);
    for (const signal of TERMINATING) process.off(signal, onTerminate);
    timeout.cancel();
    await run.close();
  }
}

const TERMINATING = ["SIGTERM", "SIGHUP"] as const;

/** A console that starts every line with `prefix`. */
function prefixLines(prefix: string, out: ConsoleWriter): ConsoleOut {
  let atLineStart = true;
  const prefixed = (text: string) => {
    if (text === "") return;
    const body = text.replace(/\n(?!$)/g, `\n${prefix}`);
    const wasAtLineStart = atLineStart;
    atLineStart = text.endsWith("\n");
    return out((wasAtLineStart ? prefix : "") + body);
  };
  return Object.assign(prefixed, { flush: out.flush });
}

/** Resolves with "timeout" after `ms` (never when ms is undefined); the boards are stopped, not asked. */
function deadline(ms: number | undefined): { reached: Promise<"timeout">; cancel(): void } {
  if (ms === undefined) return { reached: new Promise(() => {}), cancel: () => {} };
  let timer!: NodeJS.Timeout;
  const reached = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
  return { reached, cancel: () => clearTimeout(timer) };
}
