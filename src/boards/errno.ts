/**
 * Network failures by symbolic name. The simulator raises these (NetError); each board profile turns the
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

/** rp2 and esp8266: MicroPython's internal errno, Linux numbering (py/mperrno.h). */
export const LINUX_ERRNO: Record<ErrnoName, number> = {
  EPERM: 1,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EINVAL: 22,
  ENFILE: 23,
  EOPNOTSUPP: 95,
  EADDRINUSE: 98,
  ECONNABORTED: 103,
  ECONNRESET: 104,
  ENOBUFS: 105,
  EISCONN: 106,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EHOSTUNREACH: 113,
  EALREADY: 114,
  EINPROGRESS: 115,
};

/** ESP32: ESP-IDF's newlib sys/errno.h numbering. */
export const NEWLIB_ERRNO: Record<ErrnoName, number> = {
  ...LINUX_ERRNO,
  EADDRINUSE: 112,
  ECONNABORTED: 113,
  EISCONN: 127,
  ENOTCONN: 128,
  ETIMEDOUT: 116,
  EHOSTUNREACH: 118,
  EALREADY: 120,
  EINPROGRESS: 119,
};

/**
 * The names MicroPython's errorcode table knows (py/moderrno.c); only these print as
 * `[Errno N] NAME`, any other number prints bare (`OSError: 106`).
 */
const NAMED_IN_FIRMWARE: ReadonlySet<ErrnoName> = new Set<ErrnoName>([
  "EPERM", "EBADF", "EAGAIN", "ENOMEM", "EINVAL", "EOPNOTSUPP", "EADDRINUSE", "ECONNABORTED",
  "ECONNRESET", "ENOBUFS", "ENOTCONN", "ETIMEDOUT", "ECONNREFUSED", "EHOSTUNREACH", "EALREADY",
  "EINPROGRESS",
]);

/**
 * The filesystem's errno names in that table (py/moderrno.c MICROPY_PY_ERRNO_LIST): the same numbers
 * in Linux and newlib numbering. ENOSPC (28), ENOTDIR (20) and ENOTEMPTY (39) are not in it: they print bare.
 */
export const FS_ERRNO = { ENOENT: 2, EIO: 5, EACCES: 13, EEXIST: 17, ENODEV: 19, EISDIR: 21 } as const;

/**
 * str(OSError(n)) on a board with this numbering, for every number its errorcode table names:
 * py/objexcept.c (v1.23.0 lines 184-188) mp_obj_exception_print prints "[Errno %d] %q" with py/moderrno.c mp_errno_to_str's
 * name; any other number prints bare, as str(n) (the guests print those themselves).
 */
export function oserrorTexts(table: Record<ErrnoName, number>): Record<number, string> {
  return Object.fromEntries(Object.entries(errorcodeTable(table)).map(([errno, name]) => [errno, `[Errno ${errno}] ${name}`]));
}

/** errno.errorcode (py/moderrno.c): number → name, for every number the firmware names. */
export function errorcodeTable(table: Record<ErrnoName, number>): Record<number, string> {
  const named = [...NAMED_IN_FIRMWARE].map((name) => [table[name], name]);
  return Object.fromEntries([...named, ...Object.entries(FS_ERRNO).map(([name, errno]) => [errno, name])]);
}
