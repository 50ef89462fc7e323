/**
 * The order of the names in the firmware's C modules' tables (v1.23.0), which help(module) lists
 * as they stand: py/builtinhelp.c:141-156 walks the module's dict map from its first slot, and a
 * C module's dict is its ROM table, a fixed ordered map (MP_DEFINE_CONST_DICT, py/obj.h). Each list
 * is a table with every #if branch in; a board lists the names it has, in this order. A name no
 * table holds is not in the map (sys.path, ps1, ps2: looked up through MICROPY_PY_SYS_ATTR_DELEGATION,
 * py/modsys.c:244-266). Paths relative to the micropython repository at tag v1.23.0.
 */

/** extmod/modtime.c:199-226 (no port adds MICROPY_PY_TIME_EXTRA_GLOBALS). */
const TIME = ["__name__", "gmtime", "localtime", "mktime", "time", "time_ns", "sleep", "sleep_ms", "sleep_us", "ticks_ms", "ticks_us", "ticks_cpu", "ticks_add", "ticks_diff"];

/** py/modgc.c:103-114. */
const GC = ["__name__", "collect", "disable", "enable", "isenabled", "mem_free", "mem_alloc", "threshold"];

/** extmod/modselect.c:655-665. */
const SELECT = ["__name__", "select", "poll", "POLLIN", "POLLOUT", "POLLERR", "POLLHUP"];

/** py/modmicropython.c:169-206. */
const MICROPYTHON = [
  "__name__", "const", "opt_level", "mem_total", "mem_current", "mem_peak", "mem_info", "qstr_info", "stack_use",
  "alloc_emergency_exception_buf", "pystack_use", "heap_lock", "heap_unlock", "heap_locked", "kbd_intr", "schedule",
];

/** py/modsys.c:269-340. */
const SYS = [
  "__name__", "argv", "version", "version_info", "implementation", "platform", "byteorder", "maxsize", "intern", "exit",
  "settrace", "stdin", "stdout", "stderr", "modules", "exc_info", "getsizeof", "executable", "print_exception", "atexit",
];

/** extmod/modos.c:148-226. */
const OS = [
  "__name__", "getenv", "putenv", "unsetenv", "sep", "sync", "system", "uname", "urandom", "chdir", "getcwd", "listdir",
  "mkdir", "remove", "rename", "rmdir", "stat", "statvfs", "unlink", "dupterm", "dupterm_notify", "errno", "ilistdir",
  "mount", "umount", "VfsFat", "VfsLfs1", "VfsLfs2", "VfsPosix",
];

/** The raw-lwIP socket module of the Pico W and the ESP8266: extmod/modlwip.c:1824-1855. */
const SOCKET_LWIP = [
  "__name__", "reset", "callback", "getaddrinfo", "print_pcbs", "socket", "slip", "AF_INET", "AF_INET6", "SOCK_STREAM",
  "SOCK_DGRAM", "SOCK_RAW", "SOL_SOCKET", "SO_REUSEADDR", "SO_BROADCAST", "IPPROTO_IP", "IP_ADD_MEMBERSHIP",
  "IP_DROP_MEMBERSHIP", "IPPROTO_TCP", "TCP_NODELAY",
];

/** The ESP32's: ports/esp32/modsocket.c:989-1009. */
const SOCKET_ESP32 = [
  "__name__", "__init__", "socket", "getaddrinfo", "AF_INET", "AF_INET6", "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW",
  "IPPROTO_TCP", "IPPROTO_UDP", "IPPROTO_IP", "SOL_SOCKET", "SO_REUSEADDR", "SO_BROADCAST", "SO_BINDTODEVICE",
  "IP_ADD_MEMBERSHIP", "TCP_NODELAY",
];

const COMMON = { time: TIME, gc: GC, select: SELECT, micropython: MICROPYTHON, sys: SYS, os: OS };

/** Each board's: its module's name → its table's names in order. */
export const LWIP_MODULE_TABLES: Readonly<Record<string, readonly string[]>> = { ...COMMON, socket: SOCKET_LWIP };
export const ESP32_MODULE_TABLES: Readonly<Record<string, readonly string[]>> = { ...COMMON, socket: SOCKET_ESP32 };
