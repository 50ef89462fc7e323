import { access, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BOARDS } from "../boards/index.ts";
import type { TimingProfileName } from "../boards/profile.ts";
import { Board } from "../emulator/board.ts";
import type { GuestEngine } from "../emulator/host-api.ts";
import { MicroPythonEngine } from "../emulator/micropython/engine.ts";
import { QuickJsEngine } from "../emulator/quickjs/engine.ts";
import { compileScript, ScriptError } from "../emulator/quickjs/transpile.ts";
import { createLogger, type LogFormat } from "../log.ts";
import { RealClock } from "../network-sim/clock.ts";
import { Lan } from "../network-sim/lan.ts";
import { EXIT, UsageError } from "./exit-codes.ts";

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
}

/** The chapter's default ports: the board serves on 8000, the PC's Processing tool listens on 8888. */
const DEFAULT_PORT: Record<Role, number> = { server: 8000, client: 8888 };

/** Boots a board, runs its script to the end and returns the exit code. */
export async function runBoard(opts: RunOptions, stdout: (text: string) => void): Promise<number> {
  const profile = BOARDS[opts.board];
  if (!profile) throw new UsageError(`unknown board '${opts.board}'`);
  const log = createLogger(opts.logFormat, opts.logLevel).child({ board: profile.id });
  const lan = new Lan({ clock: new RealClock(), log });
  const board = new Board({ profile, lan, log, timing: opts.profile, console: stdout });
  const engine = await createEngine(opts, profile.heapBytes);

  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(EXIT.interrupted);
    log.info("Ctrl-C: KeyboardInterrupt raised in the script (Ctrl-C again to quit at once)");
    board.interrupt();
  };
  process.on("SIGINT", onSigint);
  try {
    board.boot();
    const outcome = await board.run(engine);
    if (interrupts > 0) return EXIT.interrupted;
    if (outcome.kind === "finished") return EXIT.ok;
    return outcome.pyType === "KeyboardInterrupt" ? EXIT.interrupted : EXIT.raised;
  } finally {
    process.off("SIGINT", onSigint);
    board.shutdown();
    engine.dispose();
  }
}

/** The engine by the script's extension: .py runs in MicroPython, .ts/.js (and the built-in roles) in QuickJS. */
async function createEngine(opts: RunOptions, heapBytes: number): Promise<GuestEngine> {
  if (opts.script && path.extname(opts.script).toLowerCase() === ".py") {
    const source = await readFile(opts.script, "utf8").catch(() => {
      throw new UsageError(`cannot read script '${opts.script}'`);
    });
    // A syntax error is the script's to report: MicroPython prints its traceback and it exits 1, as on the board.
    return MicroPythonEngine.create({ source, fileName: opts.script }, { heapBytes });
  }
  return QuickJsEngine.create(await loadScript(opts), {
    heapBytes,
    config: {
      ssid: opts.ssid,
      password: opts.password,
      host: opts.host,
      port: opts.port ?? DEFAULT_PORT[opts.role ?? "server"],
    },
  });
}

async function loadScript(opts: RunOptions) {
  const file = opts.script
    ? path.resolve(opts.script)
    : fileURLToPath(new URL(`../scripts/${opts.board}/${opts.role ?? "server"}.ts`, import.meta.url));
  try {
    await access(file);
  } catch {
    throw new UsageError(
      opts.script ? `cannot read script '${opts.script}'` : `no ${opts.role} script for board '${opts.board}' yet`,
    );
  }
  try {
    return await compileScript(file);
  } catch (error) {
    if (error instanceof ScriptError) throw new UsageError(error.message);
    throw error;
  }
}
