import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { BOARDS } from "../../src/boards/index.ts";
import { loadScript } from "../../src/runtime/script.ts";
import { Board } from "../../src/emulator/board.ts";
import type { RunOutcome } from "../../src/emulator/host-api.ts";
import { RealClock } from "../../src/network-sim/clock/clock.ts";
import { Lan } from "../../src/network-sim/lan.ts";
import { faultsFrom } from "../../src/runtime/real-lan.ts";

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface ScriptRun {
  board: Board;
  /** Everything the board printed so far. */
  output(): string;
  /** Resolves once the console shows `text`. */
  printed(text: string): Promise<void>;
  /** Resolves once `done(everything printed so far)` holds. */
  until(done: (output: string) => boolean): Promise<void>;
  /** Resolves with the first simulator log line (info and above) that matches. */
  logged(match: (line: LogLine) => boolean): Promise<LogLine>;
  /** The simulator's log lines so far. */
  logs(): LogLine[];
  /** The run's end; the board is shut down by then. */
  done: Promise<RunOutcome>;
}

export interface StartOptions {
  /** A LAN shared with other boards; a fresh one (real clock) by default. */
  lan?: Lan;
  /** The board's name on the LAN. */
  name?: string;
  /** What the script's `config` module holds, beside the defaults. */
  config?: Partial<Record<"ssid" | "password" | "host" | "port", string | number>>;
  /** Faults (`--fault` specs) on the fresh LAN; not with `lan`. */
  faults?: string[];
}

/** Starts `source` (TS, or Python when `fileName` ends in .py) on a virtual board in this process, fast WiFi timing, real time. */
export async function startScript(source: string, boardId = "pico_w", fileName = "main.ts", opts: StartOptions = {}): Promise<ScriptRun> {
  const dir = await mkdtemp(path.join(tmpdir(), "boardsim-test-"));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  const file = path.join(dir, fileName);
  await writeFile(file, source);
  // Removed once the run ends, also where no test run's temp root would take it (the bench).
  const run = await startFile(file, boardId, opts, fileName).catch(async (error: unknown) => {
    await removeDir();
    throw error;
  });
  void run.done.then(removeDir, removeDir);
  return run;
}

/** Starts the script in `file` (e.g. a chapter script) on a virtual board in this process. */
export async function startFile(file: string, boardId = "pico_w", opts: StartOptions = {}, displayName = path.basename(file)): Promise<ScriptRun> {
  const profile = BOARDS[boardId]!;
  let text = "";
  const watchers: { done: (output: string) => boolean; resolve: () => void }[] = [];
  const logLines: LogLine[] = [];
  const logWatchers: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  const log = pino(
    { level: "info", base: undefined },
    new Writable({
      write(chunk: Buffer, _encoding, next) {
        for (const text of chunk.toString("utf8").split("\n").filter(Boolean)) {
          const line = JSON.parse(text) as LogLine;
          logLines.push(line);
          for (const w of logWatchers.filter((w) => w.match(line))) {
            logWatchers.splice(logWatchers.indexOf(w), 1);
            w.resolve(line);
          }
        }
        next();
      },
    }),
  );
  const lan = opts.lan ?? new Lan({ clock: new RealClock(), log });
  if (opts.faults) lan.faults = faultsFrom(opts.faults, lan);
  const board = new Board({
    profile,
    lan,
    log,
    name: opts.name,
    timing: "fast",
    console: (chunk) => {
      text += chunk;
      for (const w of watchers.filter((w) => w.done(text))) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
    },
  });
  const script = await loadScript({ board: boardId, script: file }, displayName);
  const engine = await script.createEngine(profile.heapBytes, { ssid: "boardsim-lab", password: "micropython", host: "192.168.1.2", port: 8000, ...opts.config });
  const until = (done: (output: string) => boolean) =>
    done(text) ? Promise.resolve() : new Promise<void>((resolve) => watchers.push({ done, resolve }));
  const done = board.run(engine).finally(() => {
    board.shutdown();
    engine.dispose();
  });
  return {
    board,
    output: () => text,
    printed: (wanted) => until((output) => output.includes(wanted)),
    until,
    logged: (match) => {
      const found = logLines.find(match);
      return found ? Promise.resolve(found) : new Promise((resolve) => logWatchers.push({ match, resolve }));
    },
    logs: () => logLines,
    done,
  };
}

/** Runs `source` to its end and returns what it printed and how it ended. */
export async function runScript(source: string, boardId = "pico_w", fileName = "main.ts"): Promise<{ output: string; outcome: RunOutcome }> {
  const run = await startScript(source, boardId, fileName);
  const outcome = await run.done;
  return { output: run.output(), outcome };
}
