import os from "node:os";
import type { TimingProfileName } from "../boards/profile.ts";
import type { LogFormat } from "../log.ts";
import type { BoardRun } from "../runtime/boot.ts";
import { startRealLan, type NetworkOptions } from "../runtime/real-lan.ts";
import { EXIT } from "./exit-codes.ts";
import { readLabFile, type LabBoard } from "./lab-file.ts";
import { attachStdio } from "./stdio-console.ts";

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
}

/** Boots a board, runs its script to the end and returns the exit code. */
export async function runBoard(opts: RunOptions, stdout: (data: string | Uint8Array) => void): Promise<number> {
  const board: LabBoard = { ...opts, name: opts.board, forwards: opts.forwards ?? new Map() };
  return runBoards([board], { ...opts, accessPoints: undefined }, () => stdout, stdout);
}

/** `boardsim lab FILE`: every board of the file on one LAN, each console line prefixed with the board's name. */
export async function runLab(file: string, opts: NetworkOptions, stdout: (text: string) => void): Promise<number> {
  const lab = await readLabFile(file);
  const width = Math.max(...lab.boards.map((b) => b.name.length));
  const net = { ...opts, profile: lab.profile ?? opts.profile, accessPoints: lab.accessPoints, faults: lab.faults };
  return runBoards(lab.boards, net, (b) => prefixLines(`${b.name.padEnd(width)} | `, stdout));
}

/** Boots the boards on one LAN, runs their scripts to the end (Ctrl-C interrupts all) and returns the exit code. */
async function runBoards(
  specs: LabBoard[],
  net: NetworkOptions,
  consoleFor: (spec: LabBoard) => (text: string) => void,
  stdoutBytes?: (data: Uint8Array) => void,
): Promise<number> {
  const run = await startRealLan(specs, net, consoleFor);
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
  let leave!: () => void;
  const left = new Promise<"left">((resolve) => (leave = () => resolve("left")));
  const detach = stdoutBytes ? [...run.consoles.values()].map(({ serial }) => attachStdio(serial, stdoutBytes, leave)) : [];
  try {
    const outcomes = await Promise.race([run.outcomes, timeout.reached, left, terminated]);
    if (outcomes === "left") return EXIT.ok;
    if (typeof outcomes === "string" && outcomes !== "timeout") {
      run.log.warn(`${outcomes}: stopped the boards`);
      return 128 + os.constants.signals[outcomes];
    }
    if (outcomes === "timeout") {
      run.log.warn({ timeoutMs: net.timeoutMs }, `--timeout: stopped the board after ${net.timeoutMs} ms`);
      return EXIT.timeout;
    }
    if (interrupts > 0) return EXIT.interrupted;
    const raised = outcomes.filter((o) => o.kind === "raised");
    if (raised.length === 0) return EXIT.ok;
    return raised.every((o) => o.pyType === "KeyboardInterrupt") ? EXIT.interrupted : EXIT.raised;
  } finally {
    for (const off of detach) off();
    process.off("SIGINT", onSigint);
    for (const signal of TERMINATING) process.off(signal, onTerminate);
    timeout.cancel();
    await run.close();
  }
}

const TERMINATING = ["SIGTERM", "SIGHUP"] as const;

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

/** Resolves with "timeout" after `ms` (never when ms is undefined); the boards are stopped, not asked. */
function deadline(ms: number | undefined): { reached: Promise<"timeout">; cancel(): void } {
  if (ms === undefined) return { reached: new Promise(() => {}), cancel: () => {} };
  let timer!: NodeJS.Timeout;
  const reached = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
  return { reached, cancel: () => clearTimeout(timer) };
}
