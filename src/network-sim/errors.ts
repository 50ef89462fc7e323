import type { ErrnoName } from "../boards/errno.ts";

/**
 * A network failure by its symbolic name (boards/errno.ts); each board profile turns the name into
 * its own errno number and printed form.
 */
export class NetError extends Error {
  constructor(readonly code: ErrnoName) {
    super(code);
    this.name = "NetError";
  }
}

/**
 * A failure the firmware reports with its own text rather than an errno, e.g. ESP32's
 * `OSError: Wifi Not Started` or lwIP's `ValueError: invalid arguments`.
 */
export class FirmwareError extends Error {
  constructor(
    readonly pyType: "OSError" | "ValueError" | "TypeError" | "RuntimeError",
    message: string,
  ) {
    super(message);
    this.name = "FirmwareError";
  }
}
