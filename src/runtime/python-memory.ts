import os from "node:os";

/**
 * What one MicroPython (.py) board costs this process: its worker thread, the interpreter's
 * WebAssembly memory and the board's heap. Measured (Node 20): a lab of 6 .py boards (Pico W and
 * ESP8266) peaked 130 MB above a lab of 1 (160 → 290 MB RSS), about 26 MB a board.
 */
export const PYTHON_BOARD_BYTES = 26 * 1024 * 1024;

/** Memory this process may still use: the system's available memory, or the cgroup's limit if lower. */
export function availableMemory(): number {
  const limit = process.constrainedMemory?.() ?? 0;
  const free = os.freemem();
  return limit > 0 ? Math.min(free, Math.max(0, limit - process.memoryUsage.rss())) : free;
}

/** One warning line when `count` .py boards need more memory than `available`; null when they fit. */
export function pythonBoardsWarning(count: number, available = availableMemory()): string | null {
  const needed = count * PYTHON_BOARD_BYTES;
  if (needed <= available) return null;
  const mb = (bytes: number) => Math.round(bytes / (1024 * 1024));
  const fit = Math.floor(available / PYTHON_BOARD_BYTES);
  return `${count} MicroPython boards need about ${mb(needed)} MB (${mb(PYTHON_BOARD_BYTES)} MB each); this machine has ${mb(available)} MB available, enough for about ${fit}: expect swapping, or the system to stop boardsim`;
}
