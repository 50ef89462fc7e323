import { NEWLIB_ERRNO } from "./errno.ts";
import { ESP32_MODULES } from "./firmware-modules.ts";
import { hex, macPlus } from "./mac.ts";
import { ESP32_MODULE_TABLES, ESP32_TYPE_TABLES } from "./module-tables.ts";
import { fastTiming, type BoardProfile } from "./profile.ts";
import { ESP_SECURITY_CODES, ESP32_WLAN_CONFIG } from "./wlan-config.ts";

/**
 * The ESP32 ROM's boot lines on UART0 at 115200 (ESP-IDF esp_rom esp32/rom/rtc.h RESET_REASON:
 * SW_CPU_RESET 12 for esp_restart() of machine.reset(), DEEPSLEEP_RESET 5 for a deepsleep wake;
 * esptool's "Boot Mode Selection" guide for the lines): its build date, the reset reason, the
 * flash settings and the second-stage bootloader it loads, which prints nothing more
 * (CONFIG_BOOTLOADER_LOG_LEVEL_WARN, ports/esp32/boards/sdkconfig.base:15). The segment lengths
 * and entry point of the v1.23.0 bootloader, and the ROM revision (chip v1: "Jun  8 2016"), are UNVERIFIED.
 */
function esp32Rom(reason: string): string {
  return `ets Jun  8 2016 00:22:57\n\nrst:${reason},boot:0x13 (SPI_FAST_FLASH_BOOT)\nconfigsip: 0, SPIWP:0xee
clk_drv:0x00,q_drv:0x00,d_drv:0x00,cs0_drv:0x00,hd_drv:0x00,wp_drv:0x00\nmode:DIO, clock div:2
load:0x3fff0030,len:4728\nload:0x40078000,len:14888\nload:0x40080400,len:3368\nentry 0x400805cc\n`;
}

/**
 * ESP32 (ESP32-WROVER of the Freenove kit) on the generic firmware: ESP-IDF WiFi driver and
 * lwIP BSD sockets (ports/esp32/modsocket.c). Facts: micropython-facts.md, board-numbers.md.
 */
export const esp32: BoardProfile = {
  id: "esp32",
  name: "Generic ESP32 module",
  banner: "MicroPython v1.23.0 on 2024-06-02; Generic ESP32 module with ESP32",
  hostname: "mpy-esp32",
  // Espressif OUI seen in an issue log (facts §1.12).
  macOui: [0x24, 0x0a, 0xc4],
  // Without PSRAM: the split heap totals ~111,936 B after its first growth (v1.21+, #13219).
  // A SPIRAM firmware on the WROVER would have ~4 MB; which build students flash is UNVERIFIED.
  heapBytes: 111_936,
  // The "vfs" partition, 0x200000 bytes (ports/esp32/partitions-4MiB.csv:7, v1.23.0), LittleFS2;
  // inisetup.py (v1.23.0) prints its message and writes boot.py on the first boot.
  flash: {
    bytes: 0x200000,
    blockBytes: 4096,
    firstBootMessage: "Performing initial setup",
    firstBootFiles: {
      "boot.py":
        "# This file is executed on every boot (including wake-boot from deepsleep)\n#import esp\n#esp.osdebug(None)\n#import webrepl\n#webrepl.start()\n",
    },
  },
  serialAutoReset: true,
  // ports/esp32/help.c (v1.23.0); labplus's mpython firmware: the same, UNVERIFIED
  helpText: [
    "Welcome to MicroPython on the ESP32!",
    "",
    "For online docs please visit http://docs.micropython.org/",
    "",
    "For access to the hardware use the 'machine' module:",
    "",
    "import machine",
    "pin12 = machine.Pin(12, machine.Pin.OUT)",
    "pin12.value(1)",
    "pin13 = machine.Pin(13, machine.Pin.IN, machine.Pin.PULL_UP)",
    "print(pin13.value())",
    "i2c = machine.I2C(scl=machine.Pin(21), sda=machine.Pin(22))",
    "i2c.scan()",
    "i2c.writeto(addr, b'1234')",
    "i2c.readfrom(addr, 4)",
    "",
    "Basic WiFi configuration:",
    "",
    "import network",
    "sta_if = network.WLAN(network.STA_IF); sta_if.active(True)",
    "sta_if.scan()                             # Scan for available access points",
    "sta_if.connect(\"<AP_name>\", \"<password>\") # Connect to an AP",
    "sta_if.isconnected()                      # Check for successful connection",
    "",
    "Control commands:",
    "  CTRL-A        -- on a blank line, enter raw REPL mode",
    "  CTRL-B        -- on a blank line, enter normal REPL mode",
    "  CTRL-C        -- interrupt a running program",
    "  CTRL-D        -- on a blank line, do a soft reset of the board",
    "  CTRL-E        -- on a blank line, enter paste mode",
    "",
    "For further help on a specific object, type help(obj)",
    "For a list of available modules, type help('modules')",
  ].join("\n") + "\n",
  errno: NEWLIB_ERRNO,
  wlan: {
    // network_wlan_status() since v1.22: the last disconnect reason (201 no AP, 202 auth) stays
    // visible while the driver keeps retrying; associated but no IP yet still reads 1001.
    status: {
      idle: 1000,
      connecting: 1001,
      no_ip: 1001,
      got_ip: 1010,
      no_ap_found: 201,
      wrong_password: 202,
      connect_fail: 203,
      // config(reconnects=) used up after the AP vanished: the disconnect's reason, BEACON_TIMEOUT
      // (network_wlan.c:108-110, 149-154, passed through by status() at 392-394)
      ap_lost: 200,
    },
    constants: {
      STAT_IDLE: 1000,
      STAT_CONNECTING: 1001,
      STAT_GOT_IP: 1010,
      STAT_BEACON_TIMEOUT: 200,
      STAT_NO_AP_FOUND: 201,
      STAT_WRONG_PASSWORD: 202,
      STAT_ASSOC_FAIL: 203,
      STAT_HANDSHAKE_TIMEOUT: 204,
      STAT_NO_AP_FOUND_W_COMPATIBLE_SECURITY: 210,
      STAT_NO_AP_FOUND_IN_AUTHMODE_THRESHOLD: 211,
      STAT_NO_AP_FOUND_IN_RSSI_THRESHOLD: 212,
      AUTH_OPEN: 0,
      AUTH_WEP: 1,
      AUTH_WPA_PSK: 2,
      AUTH_WPA2_PSK: 3,
      AUTH_WPA_WPA2_PSK: 4,
      AUTH_WPA2_ENTERPRISE: 5,
      AUTH_WPA3_PSK: 6,
      AUTH_WPA2_WPA3_PSK: 7,
      PM_NONE: 0,
      PM_PERFORMANCE: 1,
      PM_POWERSAVE: 2,
    },
    activeReturnsState: true,
    type: "WLAN", // network_wlan.c:754-757, no print
    badInterface: "invalid WLAN interface identifier", // network_wlan.c:252-262
    connectInactiveError: "Wifi Not Started",
    // Whether disconnect() clears the address at once is UNVERIFIED; esp_netif drops it on the
    // disconnect event, so the address goes.
    keepsIpOnDisconnect: false,
    // esp_netif ip_info is zero until DHCP binds (facts §2, derived, UNVERIFIED by capture).
    ifconfigInactive: ["0.0.0.0", "0.0.0.0", "0.0.0.0", "0.0.0.0"],
    ifconfigUnbound: ["0.0.0.0", "0.0.0.0", "0.0.0.0", "0.0.0.0"],
    timing: {
      // Median 1.8 s to GOT_IP (board-numbers.md §7); reason 201 about every 2.45 s while the
      // driver retries (#4992); auth failure (202/205) about 2.4 s after the attempt (#11625).
      // Scan duration UNVERIFIED (an all-channel active scan, ~2 s).
      // Link: 0.7-1.2 MB/s single TCP, window-bound (5760 B / ~5 ms, #19592; board-numbers.md §7):
      // the middle, 950 kB/s; RTT 5 ms (TCP connect measured at 5.3 ms on average, #12819).
      // MSS 1440 (CONFIG_LWIP_TCP_MSS).
      realistic: { associateMs: 1200, dhcpMs: 600, noApMs: 2400, authFailMs: 2400, scanMs: 2000, retryMs: 2450, link: { bytesPerSecond: 950_000, rttMs: 5, mss: 1440 } },
      fast: fastTiming(true),
    },
    scanInactiveError: "STA must be active",
    // wifi_auth_mode_t (WPA2_PSK 3, WPA_WPA2_PSK 4); the sixth field is always False (network_wlan.c scan).
    scanSecurity: ESP_SECURITY_CODES,
    scanSixthField: false,
    // IDF's DHCP_REQUEST_TIMEOUT_SEQUENCE: 0.5, 1, 2, 4, 4, … s (board-numbers.md §1d).
    dhcpRetrySeconds: [0.5, 1, 2, 4],
    dhcpChecksAddress: true, // LWIP_DHCP_DOES_ARP_CHECK, on by default in IDF (board-numbers.md §1d)
    // no ipconfig: it needs MICROPY_PY_LWIP (extmod/modnetwork.h:71-80), which ports/esp32 does not set
    functions: ["country", "hostname"],
    ipconfigMethod: false, // network_wlan.c:722-730: active, connect, disconnect, status, scan, isconnected, config, ifconfig
    // network_wlan.c:520-549 require_if(..., ESP_IF_WIFI_AP) (199-204, checked after each key, 606-609); channel
    // (551-568) is the radio's, esp_wifi_set_channel, from either interface (UNVERIFIED while the station is connected)
    config: ESP32_WLAN_CONFIG,
    dhcpHostname: "connect", // network_wlan.c:340: connect() hands the name to esp_netif_set_hostname
    ap: {
      // IDF's default AP: "ESP_" + the last 3 bytes of the AP MAC, open (facts §1.13, UNVERIFIED);
      // the channel is UNVERIFIED (1).
      defaultSsid: (mac) => `ESP_${hex(mac.subarray(3)).toUpperCase()}`,
      defaultPassword: "",
      security: "open",
      channel: 1,
      // wifi_ap_config_t's max_connection: "default 4, max 10" (esp_wifi_types.h)
      maxStations: 4,
      // IDF dhcpserver: AP address + 1, 100 addresses (.2-.101), 120 min (board-numbers.md §5).
      poolFirst: 2,
      poolSize: 100,
      leaseSeconds: 7200,
      status: null, // the AP interface's status() returns None
      mac: (staMac) => macPlus(staMac, 1), // base MAC + 1 (facts §1.12)
    },
  },
  socket: {
    module: "esp32",
    // ports/esp32/modsocket.c, values from lwIP's sockets.h: SOL_SOCKET differs from modlwip's 1.
    constants: {
      AF_INET: 2,
      AF_INET6: 10,
      SOCK_STREAM: 1,
      SOCK_DGRAM: 2,
      SOCK_RAW: 3,
      SOL_SOCKET: 4095,
      SO_REUSEADDR: 4,
      SO_BROADCAST: 32,
      SO_BINDTODEVICE: 4107,
      IPPROTO_IP: 0,
      IPPROTO_TCP: 6,
      IPPROTO_UDP: 17,
      TCP_NODELAY: 1,
      IP_ADD_MEMBERSHIP: 3,
      MSG_PEEK: 1,
      MSG_DONTWAIT: 8,
    },
    // send() loops lwip_write until all is written (modsocket.c:711-739).
    partialSend: false,
    // CONFIG_LWIP_TCP_SND_BUF_DEFAULT / TCP_WND_DEFAULT 5760 (4×MSS 1440).
    sendBuffer: 5760,
    receiveWindow: 5760,
    defaultBacklog: 2,
    // CONFIG_LWIP_MAX_ACTIVE_TCP: MicroPython's sdkconfig.base sets 12 (TIME-WAIT PCBs count on the
    // ESP32, which boardsim does not model); CONFIG_LWIP_MAX_LISTENING_TCP 16 (board-numbers.md §3).
    tcpPcbs: 12,
    listenPcbs: 16,
    // lwip_listen() with TCP_LISTEN_BACKLOG: the netconn layer holds established connections against
    // the backlog and further SYNs are dropped until accept() takes one. UNVERIFIED on hardware; the
    // accept mailbox (6) overflowing with RST is not reached while the backlog is below it.
    backlogOverflow: "wait",
    setsockoptWarning: "Warning: lwip.setsockopt() option not implemented",
    // CONFIG_LWIP_UDP_RECVMBOX_SIZE default 6 (IDF Kconfig; UNVERIFIED for MicroPython's sdkconfig).
    udpReceiveQueue: 6,
    // EAI_FAIL 202, negated.
    dnsFailureErrno: -202,
    // lwip_getaddrinfo (api/netdb.c) turns netconn_gethostbyname's ERR_ARG into EAI_FAIL too.
    dnsNameErrno: -202,
    // netconn_gethostbyname's ERR_VAL (no DNS server before DHCP) is EAI_FAIL too (api/netdb.c).
    dnsNoServerErrno: -202,
    // IDF's lwIP Kconfig with LWIP_TCP_HIGH_SPEED_RETRANSMISSION (default y): CONFIG_LWIP_TCP_SYNMAXRTX
    // 12, CONFIG_LWIP_TCP_RTO_TIME 1500 ms; MicroPython's sdkconfig.base sets neither (board-numbers.md §3).
    syn: { rtoMs: 1500, retransmissions: 12 },
    // CONFIG_LWIP_MAX_SOCKETS 10: the next socket() raises ENFILE (board-numbers.md §3).
    maxSockets: 10,
    socketsExhausted: "ENFILE",
    // CONFIG_LWIP_MAX_UDP_PCBS 16 (board-numbers.md §3); UDP sockets also take descriptors, so
    // maxSockets (ENFILE) is reached first.
    udpPcbs: 16,
    // ports/esp32/modsocket.c:775-779 returns lwIP's descriptor: ESP-IDF's lwipopts.h numbers them
    // from LWIP_SOCKET_OFFSET = FD_SETSIZE (64, newlib) - CONFIG_LWIP_MAX_SOCKETS (10) = 54, in
    // lwIP's lowest free slot (api/sockets.c alloc_socket). UNVERIFIED on a board.
    filenoBase: 54,
  },
  // MicroPython v1.23.0 ports/esp32 (paths relative to the micropython repository at tag v1.23.0).
  port: {
    platform: "esp32",
    release: "1.23.0",
    unameVersion: "v1.23.0 on 2024-06-02", // extmod/modos.c:107; the esp32 port defines no MICROPY_BUILD_TYPE
    mpy: 6 | ((3 | (10 << 2)) << 8), // MPY v6.3, MP_NATIVE_ARCH_XTENSAWIN (py/persistentcode.h)
    epochYear: 2000, // MICROPY_EPOCH_IS_1970 not set (shared/timeutils/timeutils.h:89)
    floatDigits: 7, // MICROPY_FLOAT_IMPL_FLOAT, MICROPY_OBJ_REPR_A (ports/esp32/mpconfigport.h:20,68)
    rtcSubseconds: "us", // ports/esp32/machine_rtc.c: tuple[7] = tv.tv_usec
    // time and RTC.datetime() are ESP-IDF's gettimeofday() read as seconds since 2000 (modtime.c:36-58,
    // machine_rtc.c:104-137), which starts at 0 on power-on; nothing in the port sets it at boot. The
    // IDF keeps system time in the RTC timer through every reset but power-on (esp_restart() of
    // machine.reset(), deepsleep: ESP-IDF "System Time" guide).
    rtcStart: { ms: Date.UTC(2000, 0, 1), everyBoot: false },
    freqHz: 160_000_000, // CONFIG_ESP_DEFAULT_CPU_FREQ_MHZ 160 (ports/esp32/boards/sdkconfig.base)
    freqChoices: { hz: [20_000_000, 40_000_000, 80_000_000, 160_000_000, 240_000_000], error: "frequency must be 20MHz, 40MHz, 80Mhz, 160MHz or 240MHz" }, // modmachine.c:103-111
    uniqueIdBytes: 6, // the base MAC (esp_efuse_mac_get_default)
    // ports/esp32/modmachine.c:84-88, 190-215: esp_restart() reads back as SOFT_RESET.
    resetCauses: { powerOn: 1, reset: 5, deepsleep: 4, constants: { PWRON_RESET: 1, HARD_RESET: 2, WDT_RESET: 3, DEEPSLEEP_RESET: 4, SOFT_RESET: 5 } },
    // no MICROPY_BOARD_ENTER_BOOTLOADER for the ESP32 target (mpconfigport.h:272-284: only S2/S3/C2/C3);
    // mPython's own modmachine.c (labplus-cn/mpython port/builtins) has none either
    bootloader: false,
    // The EN pin resets the chip as power-on does (esptool docs, boot-mode-selection.rst "Boot Log": the
    // ROM's second line at 115200, rst:0x1 (POWERON_RESET); ESP-IDF esp32/rom/rtc.h RESET_REASON).
    romBoot: { baud: 115_200, reset: esp32Rom("0xc (SW_CPU_RESET)"), deepsleep: esp32Rom("0x5 (DEEPSLEEP_RESET)"), resetPin: esp32Rom("0x1 (POWERON_RESET)") },
    pins: {
      // ports/esp32/machine_pin.h (CONFIG_IDF_TARGET_ESP32, no SPIRAM: 16 and 17 usable)
      ids: [...Array.from({ length: 24 }, (_, i) => i), 25, 26, 27, 32, 33, 34, 35, 36, 37, 38, 39],
      names: {}, // the generic board has no named pins: a string is "invalid pin"
      // machine_pin.c:52-53, 371-383 (ESP-IDF gpio_mode_t / gpio_int_type_t / gpio_drive_cap_t values)
      constants: { IN: 1, OUT: 3, OPEN_DRAIN: 7, PULL_UP: 2, PULL_DOWN: 1, IRQ_RISING: 1, IRQ_FALLING: 2, WAKE_LOW: 4, WAKE_HIGH: 5, DRIVE_0: 0, DRIVE_1: 1, DRIVE_2: 2, DRIVE_3: 3 },
      repr: "number", // machine_pin.c:133
      irqType: "IRQ", // machine_pin.c:448-450
      irqArgs: ["wake"], // machine_pin.c:286-293
      hardIrq: false,
      inputOnlyFrom: 34, // GPIO_FIRST_NON_OUTPUT: "pin can only be input" (machine_pin.c:189)
      pullKept: true,
      invalidPin: "invalid pin", // machine_pin.c:123
      unknownName: "invalid pin",
    },
    touchPads: [4, 0, 2, 15, 13, 12, 14, 27, 33, 32], // machine_touchpad.c:45-56, TOUCH_PAD_NUM0-9
    adc: {
      // ports/esp32/machine_adc.c madcs: ADC1 on 32-39, ADC2 on 0, 2, 4, 12-15, 25-27
      pins: [32, 33, 34, 35, 36, 37, 38, 39, 0, 2, 4, 12, 13, 14, 15, 25, 26, 27],
      channels: [],
      readBits: 12, // read(): the raw value at the default 12-bit width
      invalidError: "invalid pin", // machine_adc.c:192
      repr: "ADC(Pin({pin}), atten={atten})", // machine_adc.c:147 (ATTN_0DB once made, :179-181)
      attenWidth: {
        // machine_adc.c:39-68: ADC_ATTEN_DB_0..11 are 0-3 (ESP-IDF adc_atten_t); WIDTH_nBIT is n
        constants: { ATTN_0DB: 0, ATTN_2_5DB: 1, ATTN_6DB: 2, ATTN_11DB: 3, WIDTH_9BIT: 9, WIDTH_10BIT: 10, WIDTH_11BIT: 11, WIDTH_12BIT: 12 },
        // machine_adc.c:70-90: ADC1 on 32-39 and ADC2 on the rest, each block with its own width
        blocks: [
          [36, 37, 38, 39, 32, 33, 34, 35],
          [4, 0, 2, 15, 13, 12, 14, 27, 25, 26],
        ],
      },
      // machine_adc.c v1.23.0:187-204: make_new returns the static table's entry (madc_obj, :70-90,
      // found by madc_search_helper :135-144); so did v1.12's (madc_make_new), older than the mPython firmware
      onePerChannel: true,
      readUvBlock: true, // mpconfigport.h v1.23.0:123-127
    },
    pwm: {
      unsupportedPins: [34, 35, 36, 37, 38, 39], // input-only pins
      unsupportedError: "PWM not supported on Pin(%d)", // machine_pwm.c:206
      defaultFreq: 5000, // PWM_FREQ (machine_pwm.c:77)
      maxFreq: 40_000_000,
      freqError: "frequency must be from 1Hz to 40MHz", // machine_pwm.c:508
      stopsAtSoftReset: true, // main.c:200, machine_pwm_deinit_all
      model: "esp32", // mpconfigport.h:133 MICROPY_PY_MACHINE_PWM_DUTY
    },
    // Hardware timers: any id is masked to group (id >> 1) & 1, index id & 1, so -1 is timer 3
    // (machine_timer.c:92-93); the id is required (machine_timer.c:91, mp_arg_check_num).
    timer: { ids: null, invalidError: "function missing 1 required positional arguments", idOptional: false, repr: "esp32" },
    schedulerDepth: 8, // ports/esp32/mpconfigport.h:72
    duptermSlots: 1, // ports/esp32/mpconfigport.h:110
    moduleTables: ESP32_MODULE_TABLES,
    typeTables: ESP32_TYPE_TABLES,
    // webrepl: bundle-networking's require("webrepl") with its C half, MICROPY_PY_WEBREPL (1) in
    // ports/esp32/mpconfigport.h; webrepl_setup beside it (micropython-lib net/webrepl/manifest.py).
    frozen: ["dht", "ds18x20", "neopixel", "onewire", "upysh", "webrepl", "webrepl_setup"], // ports/esp32/boards/manifest.py
    // main.c:130. mpython: UNVERIFIED, labplus's v2.x firmware is taken to have the ESP32's.
    sysPath: ["", ".frozen", "/lib"],
    // main.c:127: MICROPY_TASK_STACK_SIZE (16 KiB, mpconfigport.h:195) less MP_TASK_STACK_LIMIT_MARGIN
    // (1024, main.c:75-79); the heap grows by splits (mpconfigport.h:87-88).
    memInfo: { stackLimit: 16 * 1024 - 1024, splitHeapAuto: true },
    modules: ["esp", "esp32"],
    firmwareModules: ESP32_MODULES,
    hashlib: ["sha256", "sha1", "md5"], // mpconfigport.h:104-106
    // ports/esp32/mpconfigport.h:180 MICROPY_SSL_MBEDTLS, ESP-IDF's own mbedTLS (UNVERIFIED version: IDF v5.0.4's).
    tls: { library: "mbedtls", version: "Mbed TLS 3.4.1" },
  },
};
