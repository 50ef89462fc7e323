import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { BOARDS } from "../../src/boards/index.ts";
import { Board } from "../../src/emulator/board.ts";
import type { RunOutcome } from "../../src/emulator/host-api.ts";
import { MicroPythonEngine } from "../../src/emulator/micropython/engine.ts";
import { QuickJsEngine } from "../../src/emulator/quickjs/engine.ts";
import { compileScript } from "../../src/emulator/quickjs/transpile.ts";
import { RealClock } from "../../src/network-sim/clock.ts";
import { Lan } from "../../src/network-sim/lan.ts";

export interface ScriptRun {
  board: Board;
  /** Everything the board printed so far. */
  output(): string;
  /** Resolves once the console shows `text`. */
  printed(text: string): Promise<void>;
  /** The run's end; the board is shut down by then. */
  done: Promise<RunOutcome>;
}

/** Starts `source` (TS, or Python when `fileName` ends in .py) on a virtual board in this process, fast WiFi timing, real time. */
export async function startScript(
  source: string,
  boardId = "pico_w",
  fileName = "main.ts",
  config: Partial<Record<"ssid" | "password" | "host" | "port", string | number>> = {},
): Promise<ScriptRun> {
  const dir = await mkdtemp(path.join(tmpdir(), "boardsim-test-"));
  const file = path.join(dir, fileName);
  await writeFile(file, source);
  const profile = BOARDS[boardId]!;
  let text = "";
  const watchers: { text: string; resolve: () => void }[] = [];
  const log = pino({ level: "silent" });
  const board = new Board({
    profile,
    lan: new Lan({ clock: new RealClock(), log }),
    log,
    timing: "fast",
    console: (chunk) => {
      text += chunk;
      for (const w of watchers.filter((w) => text.includes(w.text))) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
    },
  });
  const engine = fileName.endsWith(".py")
    ? await MicroPythonEngine.create({ source, fileName }, { heapBytes: profile.heapBytes })
    : await QuickJsEngine.create(await compileScript(file, fileName), {
        heapBytes: profile.heapBytes,
        config: { ssid: "boardsim-lab", password: "micropython", host: "192.168.1.2", port: 8000, ...config },
      });
  const done = board.run(engine).finally(() => {
    board.shutdown();
    engine.dispose();
  });
  return {
    board,
    output: () => text,
    printed: (wanted) => (text.includes(wanted) ? Promise.resolve() : new Promise((resolve) => watchers.push({ text: wanted, resolve }))),
    done,
  };
}

/** Runs `source` to its end and returns what it printed and how it ended. */
export async function runScript(source: string, boardId = "pico_w", fileName = "main.ts"): Promise<{ output: string; outcome: RunOutcome }> {
  const run = await startScript(source, boardId, fileName);
  const outcome = await run.done;
  return { output: run.output(), outcome };
}
