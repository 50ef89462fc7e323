import type { Writable } from "node:stream";
import type { SerialDevice } from "../emulator/serial-device.ts";
import { forwardOutput } from "./forward-output.ts";

/** Ctrl-]: leaves the console, as in `mpremote repl` (mpremote/console.py, CHAR_CTRL_RIGHT_BRACKET). */
const CTRL_RIGHT_BRACKET = 0x1d;

/**
 * A console writer: what the boards print, in order, as text or as its UTF-8 bytes (lent: copied
 * before it returns). `flush` hands what it holds to the stream now.
 */
export interface ConsoleWriter {
  (text: string): void | Promise<void>;
  bytes(data: Uint8Array): void | Promise<void>;
  flush(): void;
}

/**
 * What one writer may hold before it writes at once: a pipe's buffer (64 KiB on Linux) takes it in
 * one system call.
 */
const BATCH_BYTES = 1 << 16;

/**
 * A console writer for `out` that never loses output, never holds more than the stream's
 * high-water mark plus one batch, and writes what the boards print in one turn of the event loop
 * as one write: a write system call per print was 16 % of the chapter server's CPU (it prints every
 * chunk it echoes; docs/benchmarks.md). The batch, the bytes of the text in order, is written when
 * the turn ends (setImmediate: after the guest blocked or yielded), when it is full, and by
 * `flush`, which the CLI calls before anything goes to stderr and before it exits, so the console
 * and the log keep their order. While `out` is full (on a pipe Node's stdout is asynchronous) it
 * returns a promise, for the board's print to wait on: without it a flood of prints would grow
 * without bound.
 */
export function batchedWriter(out: Writable): ConsoleWriter {
  let batch = Buffer.allocUnsafe(BATCH_BYTES);
  let used = 0;
  let turnEnd: NodeJS.Immediate | null = null;
  const flush = () => {
    if (turnEnd) clearImmediate(turnEnd), (turnEnd = null);
    if (used === 0) return;
    // The stream holds what it is given until it is written: a full batch is handed over, a part
    // is copied (a view would hold all BATCH_BYTES of it: with a reader that stalls, 64 KiB per
    // turn that printed a line, until the stream's high-water mark of lines).
    const full = used === BATCH_BYTES ? batch : Buffer.from(batch.subarray(0, used));
    if (full === batch) batch = Buffer.allocUnsafe(BATCH_BYTES);
    used = 0;
    out.write(full);
  };
  /** After a piece: written now when the batch is full, else when the turn ends; a promise while `out` is full. */
  const held = () => {
    if (used === BATCH_BYTES) flush();
    else turnEnd ??= setImmediate(flush);
    // Full: what the OS has not taken yet (not writableNeedDrain, which stays set until the next
    // tick although a file takes a write at once: every print after a batch would wait for it).
    return out.writableLength >= out.writableHighWaterMark ? drainOf(out) : undefined;
  };
  const write = (text: string) => {
    const length = Buffer.byteLength(text);
    if (used + length > BATCH_BYTES) flush();
    if (length > BATCH_BYTES) out.write(text);
    else used += batch.write(text, used);
    return held();
  };
  const bytes = (data: Uint8Array) => {
    if (used + data.length > BATCH_BYTES) flush();
    if (data.length > BATCH_BYTES) out.write(Buffer.from(data));
    else batch.set(data, used), (used += data.length);
    return held();
  };
  return Object.assign(write, { bytes, flush });
}

/** Resolves when `out` can take more (or is gone). */
function drainOf(out: NodeJS.WritableStream): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      out.off("drain", done);
      out.off("close", done);
      resolve();
    };
    out.on("drain", done);
    out.on("close", done);
  });
}

/**
 * Resolves once everything written to `out` has been handed to the OS (call before process.exit):
 * the callback of an empty write, as writes complete in order. Not 'drain': a stream sends it only
 * after a write that left it at its high-water mark, so for a last short write waiting on a full pipe
 * (a reader that starts late) none came, and with nothing else to wait for Node ended the process
 * with exit code 0 once the pipe took it: the traceback printed, `boardsim run` exited 0 instead of 1.
 */
export function drained(out: NodeJS.WritableStream & { writableLength?: number; destroyed?: boolean }): Promise<void> {
  if (!out.writableLength || out.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      out.off("close", done);
      out.off("error", done);
      resolve();
    };
    out.on("close", done);
    out.on("error", done);
    out.write(new Uint8Array(0), done);
  });
}

/**
 * When the reader of `out` goes away (`| head -c 100`: EPIPE), ends the process quietly with
 * `code`, as a program that gets SIGPIPE does; other write errors also end it without a stack.
 */
export function endOnBrokenPipe(out: NodeJS.WritableStream, exit: (code: number) => never, code: number): void {
  out.on("error", () => exit(code));
}

/**
 * The board's console on this terminal (the default): output back-pressured to stdout; input to the
 * board. On a terminal, stdin is in raw mode as in `mpremote repl`: every key goes to the board
 * (Ctrl-C is the board's KeyboardInterrupt), Ctrl-] leaves (`onLeave`), and the terminal is restored
 * on every way out. Piped stdin goes to the board line by line with Enter as a terminal sends it
 * (CR), so `input()` and the REPL read it; its end calls `onEnd`.
 */
export class StdioConsole {
  private readonly stopOutput: () => void;
  private readonly restore: () => void;

  constructor(
    private readonly device: SerialDevice,
    onLeave: () => void,
    onEnd: () => void = () => {},
    private readonly stdin: NodeJS.ReadStream = process.stdin,
    stdout: NodeJS.WritableStream = process.stdout,
  ) {
    this.stopOutput = forwardOutput(device, stdout);
    const raw = stdin.isTTY === true;
    if (raw) stdin.setRawMode(true);
    this.restore = () => {
      if (raw && !stdin.destroyed) stdin.setRawMode(false);
    };
    process.on("exit", this.restore);
    stdin.on("data", (data: Buffer) => {
      if (!raw) return this.device.write(Uint8Array.from(data, (b) => (b === 0x0a ? 0x0d : b)));
      const leave = data.indexOf(CTRL_RIGHT_BRACKET);
      if (leave < 0) return this.device.write(data);
      if (leave > 0) this.device.write(data.subarray(0, leave));
      onLeave();
    });
    stdin.on("end", onEnd);
    stdin.resume();
  }

  close(): void {
    this.stopOutput();
    this.restore();
    process.off("exit", this.restore);
    this.stdin.pause();
  }
}
