import { once } from "node:events";
import { mkdtemp, writeFile } from "node:fs/promises";
import { rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import type { TimingProfileName } from "../src/boards/profile.ts";
import { runOnLan, type BoardRun } from "../src/runtime/boot.ts";
import { loadScript } from "../src/runtime/script.ts";
import type { RunOutcome } from "../src/emulator/host-api.ts";
import { RealClock } from "../src/network-sim/clock/clock.ts";
import { Lan } from "../src/network-sim/lan.ts";

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Runs every one of `measures` once per round, a warm-up round then `runs` rounds (one measure: a
 * warm-up run then `runs` runs), so the figures set side by side saw the same minutes of a shared
 * machine (session 9: the native echo read 222 to 324 MB/s from one bench to the next, with each
 * server's five runs in a block of their own).
 */
export async function rounds<K extends string, T>(runs: number, measures: Record<K, () => Promise<T>>): Promise<Record<K, T[]>> {
  const names = Object.keys(measures) as K[];
  const results = Object.fromEntries(names.map((name) => [name, [] as T[]])) as Record<K, T[]>;
  for (let round = 0; round <= runs; round++) {
    for (const name of names) {
      const value = await measures[name]();
      if (round > 0) results[name].push(value);
    }
  }
  return results;
}

/** The median of each round's ratio `board[i] / base[i]` (the runs `rounds` paired). */
export function pairedRatio(board: number[], base: number[]): number {
  return median(board.map((value, i) => value / base[i]!));
}

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

/**
 * How much of a board's console `printed` looks through: at least its last bytes. The chapter server
 * prints ≈ 3 characters per byte it echoes (≈ 50 MB in a run), which kept whole would cost the
 * harness collections that a real run (the console written to stdout) does not have.
 */
const KEPT_BYTES = 1 << 16;

export interface BenchBoard {
  /** The PC-side port the board's listening socket was forwarded to. */
  hostPort: Promise<number>;
  done: Promise<RunOutcome>;
  /** Resolves with the console's text (its last KEPT_BYTES) once it matches `pattern`. */
  printed(pattern: RegExp): Promise<RegExpMatchArray>;
}

export interface BenchBoardOptions {
  board?: string;
  timing?: TimingProfileName;
  config?: Partial<BoardRun>;
}

/**
 * Starts a script on an in-process board (a Pico W with fast WiFi timing unless told otherwise) the
 * way the CLI does (runOnLan, real clock, real sockets), and reports the host port its listening
 * socket is forwarded to.
 */
export async function startBoard(scriptFile: string, opts: BenchBoardOptions = {}): Promise<BenchBoard> {
  let forwarded!: (port: number) => void;
  const hostPort = new Promise<number>((resolve) => (forwarded = resolve));
  const logSink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split("\n")) {
        if (line.includes('"hostPort"')) forwarded((JSON.parse(line) as { hostPort: number }).hostPort);
      }
      callback();
    },
  });
  const log = pino({ level: "info" }, logSink);
  // The console's last bytes, copied as the CLI's console copies them into its batch (console/stdio.ts,
  // which takes a print(data) line as bytes) and decoded only when `printed` looks: a string grown at
  // every print (and cut every 1 MB) cost ≈ 2 µs per print, a few % of the chapter server's row.
  const tail = Buffer.allocUnsafe(2 * KEPT_BYTES);
  let kept = 0;
  const output = () => tail.toString("utf8", 0, kept);
  const watchers = new Set<() => void>();
  const keep = (data: Uint8Array) => {
    if (data.length >= KEPT_BYTES) {
      tail.set(data.subarray(data.length - KEPT_BYTES));
      kept = KEPT_BYTES;
    } else {
      if (kept + data.length > tail.length) {
        tail.copyWithin(0, kept - KEPT_BYTES, kept);
        kept = KEPT_BYTES;
      }
      tail.set(data, kept);
      kept += data.length;
    }
    if (watchers.size > 0) for (const watch of [...watchers]) watch();
  };
  const board = opts.board ?? "pico_w";
  const spec = { name: board, board, script: scriptFile, ssid: "boardsim-lab", password: "micropython", host: "192.168.1.2", port: 0, forwards: new Map(), ...opts.config };
  const done = runOnLan(spec, await loadScript(spec), new Lan({ clock: new RealClock(), log }), {
    timing: opts.timing ?? "fast",
    log,
    console: Object.assign((text: string) => keep(Buffer.from(text)), { bytes: keep }),
  });
  const printed = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const watch = () => {
        const match = output().match(pattern);
        if (match) watchers.delete(watch), resolve(match);
      };
      watchers.add(watch);
      watch();
      done.then(() => watchers.has(watch) && reject(new Error(`the board never printed ${pattern}:\n${output()}`)));
    });
  return { hostPort, done, printed };
}

/** Temporary folders of this run, removed when the process exits (one listener for all). */
const tempDirs: string[] = [];
process.once("exit", () => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A new temporary folder, removed when the process exits. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "boardsim-bench-"));
  tempDirs.push(dir);
  return dir;
}

/** Writes a script to a temporary file. */
export async function scriptFile(name: string, source: string): Promise<string> {
  const dir = await tempDir();
  const file = path.join(dir, name);
  await writeFile(file, source);
  return file;
}

/** A native Node echo server on loopback, the baseline. */
export async function nativeEchoServer(): Promise<{ port: number; close(): void }> {
  const server = net.createServer({ noDelay: true }, (socket) => socket.pipe(socket));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

export async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: "127.0.0.1", port, noDelay: true });
  await once(socket, "connect");
  return socket;
}

/** How long a read waits for the next data before the benchmark fails instead of hanging. */
const STALL_MS = 30_000;

/** Reads exactly `bytes` bytes (or fewer if the peer closes). */
export function reader(socket: net.Socket): (bytes: number) => Promise<Buffer> {
  let buffered: Buffer[] = [];
  let size = 0;
  let wake: (() => void) | null = null;
  socket.on("data", (chunk: Buffer) => {
    buffered.push(chunk);
    size += chunk.length;
    wake?.();
  });
  socket.on("close", () => wake?.());
  return async (bytes) => {
    while (size < bytes && !socket.destroyed) {
      await new Promise<void>((resolve, reject) => {
        const stalled = setTimeout(() => reject(new Error(`no data for ${STALL_MS / 1000} s (${size} of ${bytes} bytes)`)), STALL_MS);
        wake = () => (clearTimeout(stalled), resolve());
      });
    }
    const all = Buffer.concat(buffered);
    const out = all.subarray(0, bytes);
    buffered = [all.subarray(bytes)];
    size = buffered[0]!.length;
    return out;
  };
}
