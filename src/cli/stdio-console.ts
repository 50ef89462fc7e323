import type { BoardSerial } from "../emulator/console/board-serial.ts";

/** Ctrl-]: leaves the console, as in mpremote and telnet. */
const LEAVE = 0x1d;

/**
 * The board's console on this process's stdin/stdout: output as the board sends it; input from a
 * terminal key by key (raw mode: Ctrl-C reaches the board), or piped lines with Enter as a
 * terminal sends it (CR), and the pipe's end closes the console. Returns a function that detaches.
 */
export function attachStdio(serial: BoardSerial, stdout: (data: Uint8Array) => void, onLeave: () => void): () => void {
  const stdin = process.stdin;
  const tty = stdin.isTTY === true;
  const unsubscribe = serial.onOutput(stdout);
  if (tty) stdin.setRawMode(true);
  const onData = (chunk: Buffer) => {
    if (tty && chunk.includes(LEAVE)) return onLeave();
    serial.write(tty ? chunk : Uint8Array.from(chunk, (b) => (b === 0x0a ? 0x0d : b)));
  };
  const onEnd = () => serial.close();
  stdin.on("data", onData);
  stdin.on("end", onEnd);
  return () => {
    unsubscribe();
    stdin.off("data", onData);
    stdin.off("end", onEnd);
    if (tty) stdin.setRawMode(false);
    stdin.pause();
  };
}
