import type { SerialDevice } from "../emulator/serial-device.ts";
import { forwardOutput } from "./forward-output.ts";

/** Ctrl-]: leaves the console, as in `mpremote repl` (mpremote/console.py, CHAR_CTRL_RIGHT_BRACKET). */
const CTRL_RIGHT_BRACKET = 0x1d;

/**
 * A console writer for `out` that never loses output and never holds more than the stream's
 * high-water mark: it returns a promise, for the board's print to wait on, while `out` is full
 * (on a pipe Node's stdout is asynchronous: without this a flood of prints grows without bound).
 */
export function blockingWriter(out: NodeJS.WritableStream): (text: string) => void | Promise<void> {
  return (text) => {
    if (out.write(text)) return;
    return new Promise<void>((resolve) => {
      const done = () => {
        out.off("drain", done);
        out.off("close", done);
        resolve();
      };
      out.on("drain", done);
      out.on("close", done);
    });
  };
}

/** Resolves once everything written to `out` has been handed to the OS (call before process.exit). */
export function drained(out: NodeJS.WritableStream & { writableLength?: number; destroyed?: boolean }): Promise<void> {
  if (!out.writableLength || out.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      out.off("drain", done);
      out.off("close", done);
      out.off("error", done);
      resolve();
    };
    out.on("drain", done);
    out.on("close", done);
    out.on("error", done);
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
