import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { BOARDS } from "../../src/boards/index.ts";
import { runOnLan } from "../../src/runtime/boot.ts";
import type { GuestScript } from "../../src/runtime/script.ts";
import type { Board } from "../../src/emulator/board.ts";
import { BoardSerial } from "../../src/emulator/console/board-serial.ts";
import { FlashDir } from "../../src/emulator/flash-dir.ts";
import type { RunOutcome } from "../../src/emulator/host-api.ts";
import { MicroPythonEngine } from "../../src/emulator/micropython/engine.ts";
import { RealClock } from "../../src/network-sim/clock/clock.ts";
import { HostBridge } from "../../src/network-sim/pc/host-bridge.ts";
import { Lan } from "../../src/network-sim/lan.ts";

export interface ConsoleRun {
  serial: BoardSerial;
  flashDir: string;
  board(): Board;
  /** Sends text (latin1: each char one byte) to the console. */
  type(text: string): void;
  /** Everything the console printed since the start (or the last take()), as latin1 text. */
  output(): string;
  /** Resolves with the output up to and including `text`, and removes it. */
  take(text: string): Promise<string>;
  /** The PC port each board port is forwarded to, from the log. */
  hostPort(boardPort: number): Promise<number>;
  done: Promise<RunOutcome>;
}

/** Boots `boardId` to its REPL in this process, its console a BoardSerial, its flash in a temporary folder (or `flashDir`). */
export async function bootBoard(boardId = "pico_w", opts: { flashDir?: string; main?: string; modules?: Record<string, string> } = {}): Promise<ConsoleRun> {
  const profile = BOARDS[boardId]!;
  const flashDir = opts.flashDir ?? path.join(await mkdtemp(path.join(tmpdir(), "boardsim-flash-")), "flash");
  const logLines: Record<string, unknown>[] = [];
  const wake: (() => void)[] = [];
  const log = pino(
    { level: "info", base: undefined },
    new Writable({
      write(chunk: Buffer, _encoding, next) {
        for (const text of chunk.toString("utf8").split("\n").filter(Boolean)) logLines.push(JSON.parse(text));
        wake.splice(0).forEach((w) => w());
        next();
      },
    }),
  );
  const lan = new Lan({ clock: new RealClock(), log, bridge: new HostBridge(log, "127.0.0.1") });
  const serial = new BoardSerial(profile.serialAutoReset);
  let text = "";
  serial.onOutput((data) => {
    text += Buffer.from(data).toString("latin1");
    wake.splice(0).forEach((w) => w());
  });
  const script: GuestScript = {
    createEngine: (heapBytes, config) =>
      MicroPythonEngine.create({ source: "", fileName: "main.py", modules: opts.modules ?? {} }, { heapBytes, config, floatDigits: profile.port.floatDigits, board: { banner: profile.banner, main: opts.main ?? null } }),
  };
  let current: Board | undefined;
  let ended = false;
  const spec = { name: boardId, board: boardId, ssid: "boardsim-lab", password: "micropython", host: "192.168.1.2", forwards: new Map([[8000, 0], [8266, 0]]) };
  const done = runOnLan(spec, script, lan, { timing: "fast", log, console: () => {}, serial, flash: new FlashDir(flashDir, profile.flash), onBoot: (b) => (current = b) });
  void done.finally(() => ((ended = true), wake.splice(0).forEach((w) => w())));
  const until = async <T>(find: () => T | undefined, what: string): Promise<T> => {
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (ended) throw new Error(`the board stopped before ${what}; console:\n${JSON.stringify(text)}`);
      await new Promise<void>((resolve) => wake.push(resolve));
    }
  };
  return {
    serial,
    flashDir,
    board: () => current!,
    type: (t) => serial.write(Buffer.from(t, "latin1")),
    output: () => text,
    take: async (wanted) => {
      const at = await until(() => (text.includes(wanted) ? text.indexOf(wanted) + wanted.length : undefined), JSON.stringify(wanted));
      const taken = text.slice(0, at);
      text = text.slice(at);
      return taken;
    },
    hostPort: (boardPort) =>
      until(() => logLines.find((l) => typeof l.hostPort === "number" && String(l.boardAddress ?? "").endsWith(`:${boardPort}`))?.hostPort as number | undefined, `a forward of port ${boardPort}`),
    done,
  };
}
