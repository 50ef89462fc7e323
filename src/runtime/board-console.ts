import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import { BOARDS } from "../boards/index.ts";
import { BoardSerial } from "../emulator/console/board-serial.ts";
import { defaultFlashDir, FlashDir } from "../emulator/flash-dir.ts";
import { MicroPythonEngine } from "../emulator/micropython/engine.ts";
import type { LanBoard, BoardRun } from "./boot.ts";
import { InputError, ScriptInputError } from "./errors.ts";
import { loadScript, scriptNeighbours, type GuestScript } from "./script.ts";

/** A board's console port and its flash. */
export interface BoardConsole {
  serial: BoardSerial;
  flash: FlashDir;
}

/** Opens a board's flash folder (named on stderr) and its console port. A folder it cannot use is one clear line. */
export function openConsole(spec: LanBoard, log: Logger): BoardConsole {
  const profile = BOARDS[spec.board]!;
  const dir = spec.flash ?? defaultFlashDir(spec.name);
  let flash: FlashDir;
  try {
    flash = new FlashDir(dir, profile.flash);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "EACCES" || code === "EROFS" || code === "EPERM"
        ? "not writable"
        : code === "ENOTDIR"
          ? "not a folder"
          : code === "ENOENT"
            ? "cannot be created there"
            : (code ?? (error as Error).message);
    throw new InputError(`cannot use flash folder '${dir}': ${reason}`);
  }
  log.info({ flash: flash.root }, `${spec.name}'s flash filesystem: ${flash.root}${flash.formatted ? " (new)" : ""}`);
  return { serial: new BoardSerial(profile.serialAutoReset), flash };
}

/**
 * The board's own firmware: boots to its REPL (boot.py, main.py, >>>). A .py `script` runs as
 * main.py instead of the flash's.
 */
export async function loadFirmware(spec: BoardRun): Promise<GuestScript> {
  let main: string | null = null;
  let modules: Record<string, Uint8Array> = {};
  if (spec.script) {
    if (path.extname(spec.script).toLowerCase() !== ".py") throw new ScriptInputError(`cannot run '${spec.script}' as main.py: it is not a .py file`);
    await loadScript(spec); // the same checks and messages as a script run
    main = await readFile(path.resolve(spec.script), "utf8");
    modules = await scriptNeighbours(path.resolve(spec.script));
  }
  const { banner, port } = BOARDS[spec.board]!;
  return {
    createEngine: (heapBytes, config) =>
      MicroPythonEngine.create({ source: "", fileName: "main.py", modules }, { heapBytes, config, floatDigits: port.floatDigits, board: { banner, main } }),
  };
}
