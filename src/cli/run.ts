import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BOARDS } from "../boards/index.ts";
import type { TimingProfileName } from "../boards/profile.ts";
import { Board } from "../emulator/board.ts";
import { QuickJsEngine } from "../emulator/quickjs/engine.ts";
import { compileScript, ScriptError } from "../emulator/quickjs/transpile.ts";
import { createLogger, type LogFormat } from "../log.ts";
import { RealClock } from "../network-sim/clock.ts";
import { Lan } from "../network-sim/lan.ts";
import { EXIT, ScriptInputError, UsageError } from "./exit-codes.ts";

export type Role = "server" | "client";

export interface RunOptions {
  board: string;
  role?: Role;
  script?: string;
  ssid: string;
  password: string;
  host: string;
  port?: number;
  profile: TimingProfileName;
  logFormat: LogFormat;
  logLevel: string;
  /** Stop the board after this many milliseconds (--timeout). */
  timeoutMs?: number;
}

/** The chapter's default ports: the board serves on 8000, the PC's Processing tool listens on 8888. */
const DEFAULT_PORT: Record<Role, number> = { server: 8000, client: 8888 };

/** Boots a board, runs its script to the end and returns the exit code. */
export async function runBoard(opts: RunOptions, stdout: (text: string) => void): Promise<number> {
  const profile = BOARDS[opts.board];
  if (!profile) throw new UsageError(`unknown board '${opts.board}'`);
  const script = await loadScript(opts);
  const log = createLogger(opts.logFormat, opts.logLevel).child({ board: profile.id });
  const lan = new Lan({ clock: new RealClock(), log });
  const board = new Board({ profile, lan, log, timing: opts.profile, console: stdout });
  const engine = await QuickJsEngine.create(script, {
    heapBytes: profile.heapBytes,
    config: {
      ssid: opts.ssid,
      password: opts.password,
      host: opts.host,
      port: opts.port ?? DEFAULT_PORT[opts.role ?? "server"],
    },
  });

  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(EXIT.interrupted);
    log.info("Ctrl-C: KeyboardInterrupt raised in the script (Ctrl-C again to quit at once)");
    board.interrupt();
  };
  process.on("SIGINT", onSigint);
  const timeout = deadline(opts.timeoutMs);
  try {
    board.boot();
    const outcome = await Promise.race([board.run(engine), timeout.reached]);
    if (outcome === "timeout") {
      log.warn({ timeoutMs: opts.timeoutMs }, `--timeout: stopped the board after ${opts.timeoutMs} ms`);
      return EXIT.timeout;
    }
    if (interrupts > 0) return EXIT.interrupted;
    if (outcome.kind === "finished") return EXIT.ok;
    return outcome.pyType === "KeyboardInterrupt" ? EXIT.interrupted : EXIT.raised;
  } finally {
    process.off("SIGINT", onSigint);
    timeout.cancel();
    board.shutdown();
    engine.dispose();
  }
}

async function loadScript(opts: RunOptions) {
  const file = opts.script
    ? path.resolve(opts.script)
    : fileURLToPath(new URL(`../scripts/${opts.board}/${opts.role ?? "server"}.ts`, import.meta.url));
  try {
    if ((await stat(file)).isDirectory()) throw new ScriptInputError(`cannot read script '${opts.script}': it is a directory`);
    await access(file, constants.R_OK);
  } catch (error) {
    if (error instanceof ScriptInputError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === "EACCES" ? "permission denied" : "no such file";
    throw new ScriptInputError(opts.script ? `cannot read script '${opts.script}': ${reason}` : `no ${opts.role} script for board '${opts.board}' yet`);
  }
  try {
    return await compileScript(file);
  } catch (error) {
    if (error instanceof ScriptError) throw new ScriptInputError(error.message);
    throw error;
  }
}

/** Resolves with "timeout" after `ms` (never when ms is undefined); the board is stopped, not asked. */
function deadline(ms: number | undefined): { reached: Promise<"timeout">; cancel(): void } {
  if (ms === undefined) return { reached: new Promise(() => {}), cancel: () => {} };
  let timer!: NodeJS.Timeout;
  const reached = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
  return { reached, cancel: () => clearTimeout(timer) };
}
