import { LINUX_ERRNO } from "./errno.ts";
import { ESP8266_MODULES } from "./firmware-modules.ts";
import { hex } from "./mac.ts";
import { MODLWIP_SOCKET } from "./modlwip.ts";
import { ESP8266_MODULE_TABLES, ESP8266_TYPE_TABLES } from "./module-tables.ts";
import { fastTiming, type BoardProfile } from "./profile.ts";
import { ESP_SECURITY_CODES, ESP8266_WLAN_CONFIG } from "./wlan-config.ts";

/** The ESP8266 ROM's lines as it loads the firmware's segments (esptool's "Boot Mode Selection" guide). */
function esp8266Rom(cause: number): string {
  return `\n ets Jan  8 2013,rst cause:${cause}, boot mode:(3,6)\n\nload 0x40100000, len 31024, room 16 \ntail 0\nchksum 0xb4
load 0x3ffe8000, len 1020, room 8 \ntail 4\nchksum 0x9b\nload 0x3ffe8400, len 1232, room 4 \ntail 12\nchksum 0x1f\ncsum 0x1f\n`;
}

/** ESP8266: NONOS SDK WiFi, MicroPython's raw-lwIP sockets (extmod/modlwip.c) on the SDK's lwIP 1.4. */
export const esp8266: BoardProfile = {
  id: "esp8266",
  name: "ESP module",
  banner: "MicroPython v1.23.0 on 2024-06-02; ESP module with ESP8266",
  hostname: "mpy-esp8266",
  // Espressif OUI (facts §1.12).
  macOui: [0x5c, 0xcf, 0x7f],
  // Static heap[38 KiB]: GC total 37,952 B, ~35 KB free at startup (board-numbers.md §4).
  heapBytes: 37_952,
  // A 4 MiB module: flashbdev.py (v1.23.0) starts at sector 256 and leaves 20 KiB for the SDK:
  // (4 MiB - 20480) // 4096 - 256 = 763 blocks, LittleFS2. inisetup.py (v1.23.0) prints its
  // message and writes boot.py on the first boot.
  flash: {
    bytes: 763 * 4096,
    blockBytes: 4096,
    firstBootMessage: "Performing initial setup",
    firstBootFiles: {
      "boot.py":
        "# This file is executed on every boot (including wake-boot from deepsleep)\n#import esp\n#esp.osdebug(None)\nimport os, machine\n#os.dupterm(None, 1) # disable REPL on UART(0)\nimport gc\n#import webrepl\n#webrepl.start()\ngc.collect()\n",
    },
  },
  serialAutoReset: true,
  // ports/esp8266/help.c (v1.23.0)
  helpText: [
    "Welcome to MicroPython!",
    "",
    "For online docs please visit http://docs.micropython.org/",
    "",
    "For diagnostic information to include in bug reports execute 'import port_diag'.",
    "",
    "Basic WiFi configuration:",
    "",
    "import network",
    "sta_if = network.WLAN(network.STA_IF); sta_if.active(True)",
    "sta_if.scan()                             # Scan for available access points",
    "sta_if.connect(\"<AP_name>\", \"<key>\") # Connect to an AP",
    "sta_if.isconnected()                      # Check for successful connection",
    "# Change name/password of ESP8266's AP:",
    "ap_if = network.WLAN(network.AP_IF)",
    "ap_if.config(ssid=\"<AP_NAME>\", security=network.AUTH_WPA_WPA2_PSK, key=\"<key>\")",
    "",
    "Control commands:",
    "  CTRL-A        -- on a blank line, enter raw REPL mode",
    "  CTRL-B        -- on a blank line, enter normal REPL mode",
    "  CTRL-C        -- interrupt a running program",
    "  CTRL-D        -- on a blank line, do a soft reset of the board",
    "  CTRL-E        -- on a blank line, enter paste mode",
    "",
    "For further help on a specific object, type help(obj)",
  ].join("\n") + "\n",
  errno: LINUX_ERRNO,
  wlan: {
    // wifi_station_get_connect_status(): CONNECTING until GOT_IP. A wrong password usually reads
    // as CONNECT_FAIL (4), not WRONG_PASSWORD (2) (#12315, esp8266/Arduino#8233).
    status: {
      idle: 0,
      connecting: 1,
      no_ip: 1,
      got_ip: 5,
      wrong_password: 4,
      no_ap_found: 3,
      connect_fail: 4,
      ap_lost: 0, // never: the SDK looks for the AP for ever
    },
    constants: {
      STAT_IDLE: 0,
      STAT_CONNECTING: 1,
      STAT_WRONG_PASSWORD: 2,
      STAT_NO_AP_FOUND: 3,
      STAT_CONNECT_FAIL: 4,
      STAT_GOT_IP: 5,
      AUTH_OPEN: 0,
      AUTH_WEP: 1,
      AUTH_WPA_PSK: 2,
      AUTH_WPA2_PSK: 3,
      AUTH_WPA_WPA2_PSK: 4,
      MODE_11B: 1,
      MODE_11G: 2,
      MODE_11N: 3,
      PM_NONE: 0,
      PM_PERFORMANCE: 2,
      PM_POWERSAVE: 1,
    },
    activeReturnsState: false,
    type: "WLAN", // network_wlan.c:536-541, no print
    // network_wlan.c:63-73: ValueError() beyond sizeof(wlan_objs), its size in bytes; 2 up to that
    // reads past the two objects (UNVERIFIED what it gives): ValueError() too.
    badInterface: "",
    // wifi_station_set_config fails while the STA is off; the exact condition is UNVERIFIED.
    connectInactiveError: "Cannot set STA config",
    // UNVERIFIED: the SDK drops the station address with the link.
    keepsIpOnDisconnect: false,
    // lwIP 1.4's OpenDNS default shows as the DNS before DHCP (observed, facts §2).
    ifconfigInactive: ["0.0.0.0", "0.0.0.0", "0.0.0.0", "208.67.222.222"],
    ifconfigUnbound: ["0.0.0.0", "0.0.0.0", "0.0.0.0", "208.67.222.222"],
    timing: {
      // Median 3 s to GOT_IP; a scan takes about 2.5 s (ESP8266_RTOS_SDK#475). The SDK keeps
      // scanning after a failure (arduino-pico#2952); its period is UNVERIFIED, one scan.
      // Link: 0.1-0.3 MB/s for MicroPython is UNVERIFIED (board-numbers.md §7; Arduino measures
      // 140-290 kB/s, §2): the middle, 200 kB/s; RTT 5 ms (§2, no sleep).
      // MSS 1460 (esp-open-lwip).
      realistic: { associateMs: 2000, dhcpMs: 1000, noApMs: 2500, authFailMs: 2500, scanMs: 2500, retryMs: 2500, link: { bytesPerSecond: 200_000, rttMs: 5, mss: 1460 } },
      fast: fastTiming(true),
    },
    scanInactiveError: "STA must be active",
    // SDK AUTH_* (WPA2_PSK 3, WPA_WPA2_PSK 4); the sixth field is is_hidden 0/1.
    scanSecurity: ESP_SECURITY_CODES,
    scanSixthField: 0,
    // lwIP 1.4's DISCOVER backoff (2, 4, 8, … 60 s); the SDK's DHCP_MAXRTX register is UNVERIFIED.
    dhcpRetrySeconds: [2, 4, 8, 16, 32, 60],
    dhcpChecksAddress: true, // esp-open-lwip: DHCP_DOES_ARP_CHECK = LWIP_DHCP && LWIP_ARP (board-numbers.md §1d)
    // no ipconfig: LWIP_VERSION_MAJOR >= 2 only (extmod/modnetwork.c:144, 152); the SDK's lwip_open is 1.4 (Makefile:79)
    functions: ["country", "hostname"],
    ipconfigMethod: false, // network_wlan.c:508-516: active, connect, disconnect, status, scan, isconnected, config, ifconfig
    // network_wlan.c:366-400 (channel too: the AP's cfg.ap.channel), require_if(..., SOFTAP_IF) once after the keys (426-430)
    config: ESP8266_WLAN_CONFIG,
    // network_wlan.c:155: connect() hands the name to wifi_station_set_hostname (UNVERIFIED that the
    // SDK copies it rather than keeping the pointer: a name set after connect() waits for the next one)
    dhcpHostname: "connect",
    ap: {
      // inisetup.py on first boot: "MicroPython-" + the AP MAC's last 3 bytes, key "micropythoN",
      // WPA/WPA2 (facts §1.13). Channel UNVERIFIED: 1, as in the facts' scan sample of such an AP.
      defaultSsid: (mac) => `MicroPython-${hex(mac.subarray(3))}`,
      defaultPassword: "micropythoN",
      security: "wpa-wpa2",
      channel: 1,
      // softap_config's max_connection: 4 by default (the SDK's; UNVERIFIED)
      maxStations: 4,
      // NONOS dhcpserver: .2-.101, 120 min (board-numbers.md §5).
      poolFirst: 2,
      poolSize: 100,
      leaseSeconds: 7200,
      status: { up: -1, down: -1 }, // the AP interface's status() is always -1 (network_wlan.c)
      mac: (staMac) => Uint8Array.of(staMac[0]! | 0x02, ...staMac.subarray(1)), // facts §1.12
    },
  },
  socket: {
    ...MODLWIP_SOCKET,
    // ERR_ARG is -12 in the SDK's lwIP 1.4 (include/lwip/err.h), the numbering modlwip.c v1.23.0
    // lines 209-232 tabulate for lwIP before 1.4.1.
    dnsNameErrno: -12,
    // lwIP 1.4's dns_gethostbyname has no ERR_VAL check, and its DNS_SERVER_ADDRESS default
    // (208.67.222.222, ifconfigInactive) is always there: the query goes unanswered (UNVERIFIED
    // for a DNS server the script set to 0.0.0.0).
    dnsNoServerErrno: -2,
    // TCP_SND_BUF 2×MSS(1460) (esp-open-lwip); TCP_WND is an SDK register, 4×MSS assumed (UNVERIFIED).
    sendBuffer: 2920,
    receiveWindow: 5840,
    // SYN retries come from SDK registers: UNVERIFIED, taken as lwIP's defaults (6 × 3 s).
    syn: { rtoMs: 3000, retransmissions: 6 },
    // PCBs come from the heap (MEMP_MEM_MALLOC); about 5 in practice, UNVERIFIED. tcp_new → ENOMEM.
    // MEMP_NUM_TCP_PCB reads 5 (an SDK register); MEMP_NUM_TCP_PCB_LISTEN 2 (board-numbers.md §3).
    // With MEMP_MEM_MALLOC raw-API PCBs are heap-bound in practice: 5 is UNVERIFIED.
    tcpPcbs: 5,
    listenPcbs: 2,
    maxSockets: 5,
    socketsExhausted: "ENOMEM",
    // MEMP_NUM_UDP_PCB 4 (esp-open-lwip include/lwipopts.h, board-numbers.md §3); udp_new() → ENOMEM.
    udpPcbs: 4,
    filenoBase: null, // modlwip's socket has no fileno (extmod/modlwip.c:1632-1653)
  },
  // MicroPython v1.23.0 ports/esp8266 (paths relative to the micropython repository at tag v1.23.0).
  port: {
    platform: "esp8266",
    release: "1.23.0",
    unameVersion: "v1.23.0 on 2024-06-02", // extmod/modos.c:107 (no build type on this port)
    mpy: 6 | ((3 | (9 << 2)) << 8), // MPY v6.3, MP_NATIVE_ARCH_XTENSA (py/persistentcode.h)
    epochYear: 2000,
    floatDigits: 6, // MICROPY_FLOAT_IMPL_FLOAT, MICROPY_OBJ_REPR_C (ports/esp8266/mpconfigport.h:46,109)
    rtcSubseconds: "ms", // ports/esp8266/machine_rtc.c:143 (msecs % 1000)
    // The clock is the RTC counter plus a delta kept in RTC memory, µs since 2000; on power-on the
    // memory lacks its magic and the delta starts at 0 (machine_rtc.c:57-77, 98-119). Deepsleep adds the
    // time slept to the delta (:121-125). machine.reset() (system_restart, modmachine.c:74-75) keeps the
    // RTC memory; that the counter runs on through it is UNVERIFIED (the comment at :71 says it reads 0
    // after a reset, which would drop the last boot's uptime): chosen, the clock runs on.
    rtcStart: { ms: Date.UTC(2000, 0, 1), everyBoot: false },
    freqHz: 80_000_000, // system_get_cpu_freq() after boot
    freqChoices: { hz: [80_000_000, 160_000_000], error: "frequency can only be either 80Mhz or 160MHz" }, // modmachine.c:68
    uniqueIdBytes: 4, // system_get_chip_id()
    // SDK rst_reason: DEFAULT 0, WDT 1, SOFT_RESTART 4, DEEP_SLEEP_AWAKE 5, EXT_SYS 6 (modmachine.c:56-60)
    resetCauses: { powerOn: 0, reset: 4, deepsleep: 5, constants: { PWRON_RESET: 0, HARD_RESET: 6, DEEPSLEEP_RESET: 5, WDT_RESET: 1, SOFT_RESET: 4 } },
    bootloader: false, // MICROPY_PY_MACHINE_BOOTLOADER not set (ports/esp8266/mpconfigport.h)
    // The ROM prints at 74880 baud (uart.c:261), the console then runs at 115200 (esp_mphal.c:49):
    // garbage on the PC's terminal. "rst cause:2" (the reset pin, which a deepsleep wake also pulls
    // through GPIO16) for both is UNVERIFIED for system_restart(), as are the lengths and checksums.
    // rst cause 2: external reset, the RST pin (esptool docs, esp8266 boot-mode-selection.rst "Boot Log")
    romBoot: { baud: 74_880, reset: esp8266Rom(2), deepsleep: esp8266Rom(2), resetPin: esp8266Rom(2) },
    pins: {
      ids: [0, 1, 2, 3, 4, 5, 9, 10, 12, 13, 14, 15, 16], // pyb_pin_obj (machine_pin.c:67-86)
      names: {},
      constants: { IN: 0, OUT: 1, OPEN_DRAIN: 2, PULL_UP: 1, IRQ_RISING: 1, IRQ_FALLING: 2 },
      repr: "number", // machine_pin.c:249
      irqType: "IRQ", // machine_pin.c:518-520
      irqArgs: ["hard"], // machine_pin.c:376-383; hard=True: "hard IRQ not supported" (391-393)
      hardIrq: false,
      inputOnlyFrom: null,
      pullKept: false,
      invalidPin: "invalid pin", // machine_pin.c:140
      unknownName: "invalid pin",
    },
    touchPads: [], // no MICROPY_PY_MACHINE_TOUCH_PAD
    adc: {
      pins: [],
      channels: [0, 1], // ADC(0): the TOUT pin; ADC(1): VCC
      readBits: 10, // read(): 0-1024 (machine_adc.c)
      invalidError: "ADC(%d) doesn't exist", // machine_adc.c:67
      repr: "ADC({channel})",
      attenWidth: null, // no atten()/width() (machine_adc.c)
      onePerChannel: true, // machine_adc.c v1.23.0:40-41, 56-69: make_new returns one of two static objects
      readUvBlock: false,
    },
    pwm: {
      unsupportedPins: [16],
      unsupportedError: "PWM not supported on pin %d", // machine_pwm.c:71
      defaultFreq: 500, // UNVERIFIED: pwm.c's default period 2000 us
      maxFreq: 1000,
      freqError: "freq too large", // UNVERIFIED: the SDK PWM clamps; chosen as an error
      // main.c:89-96 soft_reset() (gc_sweep_all, mp_reset: pin_init0 clears pin IRQs only) stops no
      // PWM: it keeps driving its pin (UNVERIFIED beyond the source)
      stopsAtSoftReset: false,
      model: "esp8266", // mpconfigport.h:80 MICROPY_PY_MACHINE_PWM_DUTY
    },
    timer: { ids: [-1], invalidError: "Timer doesn't exist", idOptional: true, repr: "esp8266" }, // only the virtual timer -1 (UNVERIFIED text)
    schedulerDepth: 4, // py/mpconfig.h:986 (the default)
    duptermSlots: 2, // ports/esp8266/mpconfigport.h:101
    moduleTables: ESP8266_MODULE_TABLES,
    typeTables: ESP8266_TYPE_TABLES,
    // webrepl, webrepl_setup: as on ESP32 (MICROPY_PY_WEBREPL (1) in ports/esp8266/mpconfigport.h).
    // ports/esp8266/boards/manifest.py; upysh: boards/ESP8266_GENERIC/manifest_2MiB.py (the 2 MiB+ build)
    frozen: ["dht", "ds18x20", "neopixel", "onewire", "webrepl", "webrepl_setup", "upysh"],
    sysPath: ["", ".frozen", "/lib", "/"], // main.c:58-59 (mp_reset)
    memInfo: { stackLimit: 8192, splitHeapAuto: false }, // main.c:54
    modules: ["esp"],
    firmwareModules: ESP8266_MODULES,
    hashlib: ["sha256", "sha1"], // mpconfigport.h:60: SHA1 with axTLS (SHA256 py/mpconfig.h:1686's default, no MD5)
    // ports/esp8266/mpconfigport.h v1.23.0:26-43 turn these off (the default board,
    // boards/ESP8266_GENERIC/mpconfigboard.h, turns none back on); py/mpconfig.h's EXTRA_FEATURES
    // level, which the ESP32 and rp2 ports keep whole, has them.
    absent: {
      modules: {
        // py/modbuiltins.c: COMPLEX 617-619, NOTIMPLEMENTED 664-666, COMPILE 674-676, EXECFILE 687-689
        builtins: ["complex", "NotImplemented", "compile", "execfile"],
        // py/modmath.c:370-429: CONSTANTS (tau, inf, nan; e and pi stay), SPECIAL_FUNCTIONS, ISCLOSE, FACTORIAL
        math: [
          "tau", "inf", "nan", "expm1", "log2", "log10", "cosh", "sinh", "tanh", "acosh", "asinh", "atanh", "isclose", "factorial",
          "erf", "erfc", "gamma", "lgamma",
        ],
        random: ["randrange", "randint", "choice", "random", "uniform"], // extmod/modrandom.c:234-249 (RANDOM_EXTRA_FUNCS)
        binascii: ["crc32"], // extmod/modbinascii.c:194-196 (BINASCII_CRC32)
        sys: ["ps1", "ps2"], // py/modsys.c:252-255 (SYS_PS1_PS2: the attributes sys delegates)
      },
      // py/objstr.c:2089-2110 (STR_SPLITLINES, STR_PARTITION, STR_CENTER): one table that str's,
      // bytes' and bytearray's dicts are windows of (2140-2157)
      types: Object.fromEntries(["str", "bytes", "bytearray"].map((type) => [type, ["splitlines", "partition", "rpartition", "center"]])),
      pow3: false, // py/modbuiltins.c:366-380: NotImplementedError("3-arg pow() not supported")
      functionAttrs: false, // py/objfun.c:328-354, 411-423; objclosure.c:81-88; objgenerator.c:73-77; objboundmeth.c:108-130
    },
    // ports/esp8266: MICROPY_SSL_AXTLS (mpconfigport.h:60, 128); axTLS has no MBEDTLS_VERSION.
    tls: { library: "axtls" },
  },
};
