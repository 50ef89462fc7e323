/**
 * Network failures by symbolic name. The simulator raises these; each board profile turns the
 * name into its own errno number and printed form (Linux numbers on rp2/esp8266, newlib on ESP32).
 */
export type ErrnoName =
  | "EPERM"
  | "EBADF"
  | "EAGAIN"
  | "ENOMEM"
  | "EINVAL"
  | "ENFILE"
  | "EOPNOTSUPP"
  | "EADDRINUSE"
  | "ECONNABORTED"
  | "ECONNRESET"
  | "ENOBUFS"
  | "EISCONN"
  | "ENOTCONN"
  | "ETIMEDOUT"
  | "ECONNREFUSED"
  | "EHOSTUNREACH"
  | "EALREADY"
  | "EINPROGRESS";

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
