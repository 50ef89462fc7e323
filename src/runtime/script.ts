import { accessSync, constants, statSync } from "node:fs";
import { lstat, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { BOARDS } from "../boards/index.ts";
import { packageRoot } from "../package-root.ts";
import type { GuestEngine, HostValue } from "../emulator/host-api.ts";
import { MicroPythonEngine } from "../emulator/micropython/engine.ts";
import { QuickJsEngine } from "../emulator/quickjs/engine.ts";
import { compileScript, ScriptError } from "../emulator/quickjs/transpile.ts";
import { ScriptInputError } from "./errors.ts";

export type Role = "server" | "client";

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
  // Synchronous: two local metadata calls, where the promise forms cost two thread-pool trips per
  // board (a lab of 1,000 boards loads its script 1,000 times; compileScript stats it too).
  try {
    if (statSync(file).isDirectory()) throw new ScriptInputError(`cannot read script '${opts.script}': it is a directory`);
    accessSync(file, constants.R_OK);
  } catch (error) {
    if (error instanceof ScriptInputError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === "EACCES" ? "permission denied" : "no such file";
    throw new ScriptInputError(opts.script ? `cannot read script '${opts.script}': ${reason}` : `no ${opts.role} script for board '${opts.board}' yet`);
  }
  if (!/\.(py|(m|c)?[jt]sx?)$/i.test(file)) {
    throw new ScriptInputError(`cannot run '${opts.script}': a board script is a .py file (MicroPython, as on the board) or a .ts/.js file`);
  }
  if (path.extname(file).toLowerCase() === ".py") {
    // A syntax error is the script's to report: MicroPython prints its traceback and it exits 1, as on the board.
    const python = { source: new Uint8Array(await readFile(file)), fileName: displayName ?? opts.script!, modules: await scriptNeighbours(file) };
    return { createEngine: (heapBytes, config) => MicroPythonEngine.create(python, { heapBytes, config, floatDigits: BOARDS[opts.board]!.port.floatDigits }) };
  }
  try {
    const compiled = await compileScript(file, displayName ?? opts.script);
    return { createEngine: (heapBytes, config) => QuickJsEngine.create(compiled, { heapBytes, config }) };
  } catch (error) {
    if (error instanceof ScriptError) throw new ScriptInputError(error.message);
    throw error;
  }
}

/** At most this many of a script's neighbours, each at most this big, go with it (a folder of downloads is not a project). */
const NEIGHBOURS_MAX = 64;
const NEIGHBOUR_BYTES_MAX = 256 * 1024;

/**
 * The other .py files in the script's folder (secrets.py, a helper module): on the board they
 * would be on the flash beside main.py, so `import secrets` works. Regular files only (no links).
 */
export async function scriptNeighbours(file: string): Promise<Record<string, Uint8Array>> {
  const dir = path.dirname(file);
  const modules: Record<string, Uint8Array> = {};
  const names = (await readdir(dir)).filter((name) => name.endsWith(".py") && name !== path.basename(file) && !name.includes("/")).sort();
  for (const name of names.slice(0, NEIGHBOURS_MAX)) {
    const st = await lstat(path.join(dir, name)).catch(() => null);
    if (st?.isFile() && st.size <= NEIGHBOUR_BYTES_MAX) modules[name] = new Uint8Array(await readFile(path.join(dir, name)));
  }
  return modules;
}
