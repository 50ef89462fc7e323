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

/**
 * extmod/modmachine.c:144-246, every #if branch in; the port's MICROPY_PY_MACHINE_EXTRA_GLOBALS
 * follow (each port's modmachine.c).
 */
const MACHINE = [
  "__name__", "mem8", "mem16", "mem32", "unique_id", "soft_reset", "bootloader", "reset", "reset_cause", "idle", "freq",
  "lightsleep", "deepsleep", "disable_irq", "enable_irq", "bitstream", "dht_readinto", "time_pulse_us", "PinBase",
  "Signal", "SoftI2C", "SoftSPI", "ADC", "ADCBlock", "DAC", "I2C", "I2S", "PWM", "SPI", "UART", "USBDevice", "WDT",
];

/** extmod/modnetwork.c:148-170: what comes before the port's part. */
const NETWORK = ["__name__", "country", "hostname", "ipconfig"];

const COMMON = { time: TIME, gc: GC, select: SELECT, micropython: MICROPYTHON, sys: SYS, os: OS };

export const PICO_W_MODULE_TABLES: Readonly<Record<string, readonly string[]>> = {
  ...COMMON,
  lwip: SOCKET_LWIP, // the socket module's __name__ (modlwip.c:1825), which help() looks the table up by
  // ports/rp2/modmachine.c:50-56
  machine: [...MACHINE, "Pin", "RTC", "Timer", "PWRON_RESET", "WDT_RESET"],
  // MICROPY_PORT_NETWORK_INTERFACES: route, then MICROPY_HW_NIC_CYW43 (ports/rp2/mpconfigport.h:193-202), then STA_IF, AP_IF
  network: [...NETWORK, "route", "WLAN", "STAT_IDLE", "STAT_CONNECTING", "STAT_WRONG_PASSWORD", "STAT_NO_AP_FOUND", "STAT_CONNECT_FAIL", "STAT_GOT_IP", "STA_IF", "AP_IF"],
};

export const ESP32_MODULE_TABLES: Readonly<Record<string, readonly string[]>> = {
  ...COMMON,
  socket: SOCKET_ESP32,
  // ports/esp32/modmachine.c:54-81 (SDCard, TouchPad: MICROPY_PY_MACHINE_SDCARD_ENTRY, _TOUCH_PAD_ENTRY)
  machine: [
    ...MACHINE, "sleep", "Timer", "SDCard", "Pin", "TouchPad", "RTC", "SLEEP", "DEEPSLEEP", "HARD_RESET", "PWRON_RESET", "WDT_RESET",
    "DEEPSLEEP_RESET", "SOFT_RESET", "wake_reason", "PIN_WAKE", "EXT0_WAKE", "EXT1_WAKE", "TIMER_WAKE", "TOUCHPAD_WAKE", "ULP_WAKE",
  ],
  // ports/esp32/modnetwork_globals.h (MICROPY_PY_NETWORK_MODULE_GLOBALS_INCLUDEFILE)
  network: [
    ...NETWORK, "__init__", "WLAN", "LAN", "PPP", "phy_mode", "STA_IF", "AP_IF", "MODE_11B", "MODE_11G", "MODE_11N", "MODE_LR",
    "AUTH_OPEN", "AUTH_WEP", "AUTH_WPA_PSK", "AUTH_WPA2_PSK", "AUTH_WPA_WPA2_PSK", "AUTH_WPA2_ENTERPRISE", "AUTH_WPA3_PSK",
    "AUTH_WPA2_WPA3_PSK", "AUTH_WAPI_PSK", "AUTH_OWE", "AUTH_WPA3_ENT_192", "AUTH_WPA3_EXT_PSK", "AUTH_WPA3_EXT_PSK_MIXED_MODE",
    "AUTH_MAX", "PHY_LAN8710", "PHY_LAN8720", "PHY_IP101", "PHY_RTL8201", "PHY_DP83848", "PHY_KSZ8041", "PHY_KSZ8081",
    "PHY_KSZ8851SNL", "PHY_DM9051", "PHY_W5500", "ETH_INITIALIZED", "ETH_STARTED", "ETH_STOPPED", "ETH_CONNECTED",
    "ETH_DISCONNECTED", "ETH_GOT_IP", "STAT_IDLE", "STAT_CONNECTING", "STAT_GOT_IP", "STAT_NO_AP_FOUND",
    "STAT_NO_AP_FOUND_IN_RSSI_THRESHOLD", "STAT_NO_AP_FOUND_IN_AUTHMODE_THRESHOLD", "STAT_NO_AP_FOUND_W_COMPATIBLE_SECURITY",
    "STAT_WRONG_PASSWORD", "STAT_BEACON_TIMEOUT", "STAT_ASSOC_FAIL", "STAT_HANDSHAKE_TIMEOUT",
  ],
};

export const ESP8266_MODULE_TABLES: Readonly<Record<string, readonly string[]>> = {
  ...COMMON,
  lwip: SOCKET_LWIP, // the socket module's __name__ (modlwip.c:1825), which help() looks the table up by
  // ports/esp8266/modmachine.c:43-60; no MICROPY_PY_MACHINE_I2C (its I2C is the port's entry), and
  // MICROPY_PY_MACHINE_PWM with the port's PWM entry too: the table holds PWM twice, help lists it twice.
  machine: [...MACHINE.filter((name) => name !== "I2C"), "sleep", "RTC", "Timer", "Pin", "PWM", "I2C", "DEEPSLEEP", "PWRON_RESET", "HARD_RESET", "DEEPSLEEP_RESET", "WDT_RESET", "SOFT_RESET"],
  // no ipconfig (lwIP 1.4: LWIP_VERSION_MAJOR < 2), then ports/esp8266/modnetwork_globals.h
  network: [
    ...NETWORK.filter((name) => name !== "ipconfig"), "WLAN", "phy_mode", "STA_IF", "AP_IF", "STAT_IDLE", "STAT_CONNECTING",
    "STAT_WRONG_PASSWORD", "STAT_NO_AP_FOUND", "STAT_CONNECT_FAIL", "STAT_GOT_IP", "MODE_11B", "MODE_11G", "MODE_11N", "AUTH_OPEN",
    "AUTH_WEP", "AUTH_WPA_PSK", "AUTH_WPA2_PSK", "AUTH_WPA_WPA2_PSK",
  ],
};

/**
 * The locals tables of the C types a script meets most, which help(type) and help(object) list in
 * their order (py/builtinhelp.c:141-151): the socket, Pin and WLAN types of each port (v1.23.0).
 */
/** extmod/modlwip.c:1632-1653. */
const SOCKET_LWIP_TYPE = [
  "__del__", "close", "bind", "listen", "accept", "connect", "send", "recv", "sendto", "recvfrom", "sendall", "settimeout",
  "setblocking", "setsockopt", "makefile", "read", "readinto", "readline", "write",
];

export const PICO_W_TYPE_TABLES: Readonly<Record<string, readonly string[]>> = {
  socket: SOCKET_LWIP_TYPE,
  // ports/rp2/machine_pin.c:490-525
  Pin: [
    "init", "value", "low", "high", "off", "on", "toggle", "irq", "board", "cpu", "IN", "OUT", "OPEN_DRAIN", "ALT", "PULL_UP",
    "PULL_DOWN", "IRQ_RISING", "IRQ_FALLING", "ALT_SPI", "ALT_UART", "ALT_I2C", "ALT_PWM", "ALT_SIO", "ALT_PIO0", "ALT_PIO1",
    "ALT_GPCK", "ALT_USB",
  ],
  // extmod/network_cyw43.c:530-554 (the WLAN type's name is CYW43)
  CYW43: [
    "send_ethernet", "ioctl", "deinit", "active", "scan", "connect", "disconnect", "isconnected", "ifconfig", "ipconfig", "status",
    "config", "IF_STA", "IF_AP", "SEC_OPEN", "SEC_WPA_WPA2", "PM_NONE", "PM_PERFORMANCE", "PM_POWERSAVE",
  ],
};

export const ESP32_TYPE_TABLES: Readonly<Record<string, readonly string[]>> = {
  // ports/esp32/modsocket.c:880-902
  socket: [
    "__del__", "close", "bind", "listen", "accept", "connect", "send", "sendall", "sendto", "recv", "recvfrom", "setsockopt",
    "settimeout", "setblocking", "makefile", "fileno", "read", "readinto", "readline", "write",
  ],
  // ports/esp32/machine_pin.c:359-384
  Pin: [
    "init", "value", "off", "on", "irq", "board", "IN", "OUT", "OPEN_DRAIN", "PULL_UP", "PULL_DOWN", "IRQ_RISING", "IRQ_FALLING",
    "WAKE_LOW", "WAKE_HIGH", "DRIVE_0", "DRIVE_1", "DRIVE_2", "DRIVE_3",
  ],
  // ports/esp32/network_wlan.c:722-750
  WLAN: [
    "active", "connect", "disconnect", "status", "scan", "isconnected", "config", "ifconfig", "IF_STA", "IF_AP", "SEC_OPEN",
    "SEC_WEP", "SEC_WPA", "SEC_WPA2", "SEC_WPA_WPA2", "SEC_WPA2_ENT", "SEC_WPA3", "SEC_WPA2_WPA3", "SEC_WAPI", "SEC_OWE",
    "PM_NONE", "PM_PERFORMANCE", "PM_POWERSAVE",
  ],
};

export const ESP8266_TYPE_TABLES: Readonly<Record<string, readonly string[]>> = {
  socket: SOCKET_LWIP_TYPE,
  // ports/esp8266/machine_pin.c:432-450
  Pin: ["init", "value", "off", "on", "irq", "IN", "OUT", "OPEN_DRAIN", "PULL_UP", "PULL_DOWN", "IRQ_RISING", "IRQ_FALLING"],
  // ports/esp8266/network_wlan.c:508-531
  WLAN: [
    "active", "connect", "disconnect", "status", "scan", "isconnected", "config", "ifconfig", "IF_STA", "IF_AP", "SEC_OPEN",
    "SEC_WEP", "SEC_WPA", "SEC_WPA2", "SEC_WPA_WPA2", "PM_NONE", "PM_PERFORMANCE", "PM_POWERSAVE",
  ],
};
