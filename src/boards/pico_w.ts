import { LINUX_ERRNO } from "./errno.ts";
import { PICO_W_MODULES } from "./firmware-modules.ts";
import { hex } from "./mac.ts";
import { MODLWIP_SOCKET } from "./modlwip.ts";
import { PICO_W_MODULE_TABLES, PICO_W_TYPE_TABLES } from "./module-tables.ts";
import { fastTiming, type BoardProfile } from "./profile.ts";
import { CYW43_WLAN_CONFIG } from "./wlan-config.ts";

/** Raspberry Pi Pico W: rp2 port, cyw43 WiFi, MicroPython's raw-lwIP sockets (extmod/modlwip.c). */
export const picoW: BoardProfile = {
  id: "pico_w",
  name: "Raspberry Pi Pico W",
  banner: "MicroPython v1.23.0 on 2024-06-02; Raspberry Pi Pico W with RP2040",
  hostname: "PicoW",
  macOui: [0x28, 0xcd, 0xc1],
  // ports/rp2/boards/RPI_PICO_W/manifest.py (v1.23.0) freezes bundle-networking and asyncio but not umqtt.
  notFrozen: ["umqtt"],
  // v1.20+ uses all RAM after .bss; ~190 KB reported, exact figure UNVERIFIED (board-numbers.md §4).
  heapBytes: 192 * 1024,
  // MICROPY_HW_FLASH_STORAGE_BYTES (848 * 1024), ports/rp2/boards/RPI_PICO_W/mpconfigboard.h:5 (v1.23.0);
  // _boot.py formats it as LittleFS2 (block 4096) and writes no file: the Pico W starts empty
  // (ports/rp2/modules/_boot.py).
  flash: { bytes: 848 * 1024, blockBytes: 4096, firstBootMessage: null, firstBootFiles: {} },
  serialAutoReset: false,
  // ports/rp2/help.c (v1.23.0)
  helpText: [
    "Welcome to MicroPython!",
    "",
    "For online docs please visit http://docs.micropython.org/",
    "",
    "For access to the hardware use the 'machine' module.  RP2 specific commands",
    "are in the 'rp2' module.",
    "",
    "Quick overview of some objects:",
    "  machine.Pin(pin) -- get a pin, eg machine.Pin(0)",
    "  machine.Pin(pin, m, [p]) -- get a pin and configure it for IO mode m, pull mode p",
    "    methods: init(..), value([v]), high(), low(), irq(handler)",
    "  machine.ADC(pin) -- make an analog object from a pin",
    "    methods: read_u16()",
    "  machine.PWM(pin) -- make a PWM object from a pin",
    "    methods: deinit(), freq([f]), duty_u16([d]), duty_ns([d])",
    "  machine.I2C(id) -- create an I2C object (id=0,1)",
    "    methods: readfrom(addr, buf, stop=True), writeto(addr, buf, stop=True)",
    "             readfrom_mem(addr, memaddr, arg), writeto_mem(addr, memaddr, arg)",
    "  machine.SPI(id, baudrate=1000000) -- create an SPI object (id=0,1)",
    "    methods: read(nbytes, write=0x00), write(buf), write_readinto(wr_buf, rd_buf)",
    "  machine.Timer(freq, callback) -- create a software timer object",
    "    eg: machine.Timer(freq=1, callback=lambda t:print(t))",
    "",
    "Pins are numbered 0-29, and 26-29 have ADC capabilities",
    "Pin IO modes are: Pin.IN, Pin.OUT, Pin.ALT",
    "Pin pull modes are: Pin.PULL_UP, Pin.PULL_DOWN",
    "",
    "Useful control commands:",
    "  CTRL-C -- interrupt a running program",
    "  CTRL-D -- on a blank line, do a soft reset of the board",
    "  CTRL-E -- on a blank line, enter paste mode",
    "",
    "For further help on a specific object, type help(obj)",
    "For a list of available modules, type help('modules')",
  ].join("\n") + "\n",
  errno: LINUX_ERRNO,
  wlan: {
    // cyw43 link status (cyw43.h): JOIN 1, NOIP 2, UP 3, FAIL -1, NONET -2, BADAUTH -3.
    status: {
      idle: 0,
      connecting: 1,
      no_ip: 2,
      got_ip: 3,
      connect_fail: -1,
      no_ap_found: -2,
      wrong_password: -3,
      ap_lost: 0, // UNVERIFIED which code cyw43 shows after a vanished AP; the link is down
    },
    constants: {
      STAT_IDLE: 0,
      STAT_CONNECTING: 1,
      STAT_GOT_IP: 3,
      STAT_CONNECT_FAIL: -1,
      STAT_NO_AP_FOUND: -2,
      STAT_WRONG_PASSWORD: -3,
      PM_NONE: 16,
      PM_PERFORMANCE: 10555714,
      PM_POWERSAVE: 17,
    },
    activeReturnsState: false,
    type: "CYW43", // extmod/network_cyw43.c:558-564
    badInterface: null, // network_cyw43.c:92-99: any id but STA_IF is the AP
    connectInactiveError: "EPERM",
    keepsIpOnDisconnect: true,
    ifconfigInactive: ["0.0.0.0", "0.0.0.0", "0.0.0.0", "0.0.0.0"],
    ifconfigUnbound: ["0.0.0.0", "255.255.255.0", "192.168.0.1", "8.8.8.8"],
    timing: {
      // Median 3.5 s to GOT_IP (pico-sdk#1165, #912). Time to NONET/BADAUTH is UNVERIFIED: one scan.
      // A missing SSID is reported after a single scan and cyw43 does not retry (pico-sdk#1195).
      // Scan duration UNVERIFIED: the same as one failed join.
      // Link: 0.6-0.75 MB/s single TCP (board-numbers.md §2, §7: "dl/ul around 750/600 kB/s" with
      // Pico W's lwIP settings, measured on stm32, UNVERIFIED on a Pico W): the middle, 675 kB/s;
      // RTT about 5 ms with power saving kept busy (#19629, CYW43439).
      // MSS 800 (lwipopts_common.h).
      realistic: { associateMs: 2500, dhcpMs: 1000, noApMs: 2500, authFailMs: 2200, scanMs: 2500, retryMs: null, link: { bytesPerSecond: 675_000, rttMs: 5, mss: 800 } },
      fast: fastTiming(false),
    },
    scanInactiveError: "EPERM",
    // cyw43 IE-parse bitmask: +1 privacy, +2 WPA IE, +4 RSN IE (cyw43 src/cyw43_ll.c:570-587).
    scanSecurity: { open: 0, wpa2: 5, "wpa-wpa2": 7 },
    scanSixthField: 1, // times the BSSID was seen in the scan, not "hidden" (network_cyw43.c)
    dhcpRetrySeconds: [2, 4, 8, 16, 32, 60], // lwIP 2.2 dhcp.c
    dhcpChecksAddress: false, // LWIP_DHCP_DOES_ACD_CHECK 0 "to speed DHCP up" (board-numbers.md §1d)
    // ipconfig: lwIP 2 under modlwip (extmod/modnetwork.c:144-153); route: ports/rp2/mpconfigport.h:229
    functions: ["country", "hostname", "ipconfig", "route"],
    ipconfigMethod: true,
    // network_cyw43.c:458-461, 462-468, 484-487, 488-494: the AP's settings from either interface (no authmode)
    config: CYW43_WLAN_CONFIG,
    // ports/rp2/cyw43_configport.h:52 CYW43_HOST_NAME is network.hostname()'s buffer, which
    // cyw43_lwip.c:210 (cyw43-driver 9f6405f) makes the netif's hostname, a pointer, at active(True).
    dhcpHostname: "message",
    ap: {
      // main.c: "PICO" + 2 bytes of the flash unique id; the simulated board has no flash id, so its MAC stands in.
      defaultSsid: (mac) => `PICO${hex(mac.subarray(4)).toUpperCase()}`,
      defaultPassword: "picoW123",
      security: "wpa2",
      channel: 3,
      maxStations: null, // cyw43's AP limit: UNVERIFIED
      poolFirst: 16, // shared/netutils/dhcpserver.h DHCPS_BASE_IP 16, DHCPS_MAX_IP 8
      poolSize: 8,
      leaseSeconds: 24 * 3600,
      status: { up: 3, down: 0 },
      mac: (staMac) => staMac, // cyw43: STA and AP share one MAC
    },
  },
  socket: {
    ...MODLWIP_SOCKET,
    // TCP_SND_BUF and TCP_WND are both 8×MSS(800) (lwipopts_common.h).
    sendBuffer: 6400,
    receiveWindow: 6400,
    // lwIP's defaults, which neither lwipopts_common.h nor ports/rp2's lwipopts.h override:
    // TCP_SYNMAXRTX 6, LWIP_TCP_RTO_TIME 3000 ms (lwIP src/include/lwip/opt.h; board-numbers.md §3).
    syn: { rtoMs: 3000, retransmissions: 6 },
    // MEMP_NUM_TCP_PCB 5 (lwIP default): tcp_new fails, socket() raises ENOMEM; a listening socket
    // holds a PCB of MEMP_NUM_TCP_PCB_LISTEN instead (listenPcbs).
    maxSockets: 5,
    socketsExhausted: "ENOMEM",
    // MEMP_NUM_UDP_PCB is 4 + 1 for the mDNS responder (board-numbers.md §3, lwipopts_common.h): 4 left
    // for scripts. Whether DHCP's and DNS's own PCBs take some of those 4 is UNVERIFIED; we leave 4.
    udpPcbs: 4,
    // lwIP opt.h defaults, not overridden by rp2's lwipopts.h (board-numbers.md §3). TIME-WAIT PCBs
    // are not counted: tcp_alloc() reclaims the oldest of them before it fails.
    tcpPcbs: 5,
    listenPcbs: 8,
    filenoBase: null, // modlwip's socket has no fileno (extmod/modlwip.c:1632-1653)
  },
  // MicroPython v1.23.0 ports/rp2 (paths below relative to the micropython repository at tag v1.23.0).
  port: {
    platform: "rp2", // ports/rp2/mpconfigport.h MICROPY_PY_SYS_PLATFORM
    release: "1.23.0",
    // extmod/modos.c:107 adds MICROPY_BUILD_TYPE (ports/rp2/CMakeLists.txt:491: compiler id, version,
    // MinSizeRel); the compiler version of the official build is UNVERIFIED (13.2.1 chosen).
    unameVersion: "v1.23.0 on 2024-06-02 (GNU 13.2.1 MinSizeRel)",
    mpy: 6 | ((3 | (4 << 2)) << 8), // MPY v6.3, MP_NATIVE_ARCH_ARMV6M (py/persistentcode.h)
    epochYear: 1970, // ports/rp2/mpconfigport.h:103 MICROPY_EPOCH_IS_1970
    floatDigits: 7, // MICROPY_FLOAT_IMPL_FLOAT (ports/rp2/mpconfigport.h:86), py/mpconfig.h's MICROPY_OBJ_REPR_A
    rtcSubseconds: "zero", // ports/rp2/machine_rtc.c:87 (subseconds always 0)
    // main() sets the RTC to 2021-01-01 00:00:00 before its soft-reset loop (ports/rp2/main.c:98-110,
    // loop from :149), so at every hard boot: machine.reset() and deepsleep reboot through the
    // watchdog (modmachine.c:64-69, 202-205) and run main() again.
    rtcStart: { ms: Date.UTC(2021, 0, 1), everyBoot: true },
    freqHz: 125_000_000, // RP2040 default system clock (pico-sdk); freq(hz) is checked by set_sys_clock_khz
    freqChoices: null,
    uniqueIdBytes: 8, // pico_get_unique_board_id: the flash's 64-bit id (ports/rp2/modmachine.c:58)
    // ports/rp2/modmachine.c:47-78: only PWRON_RESET and WDT_RESET; machine.reset() reboots through
    // the watchdog, so the next boot reads WDT_RESET; deepsleep is a lightsleep then machine.reset() (modmachine.c:202-205).
    resetCauses: { powerOn: 1, reset: 3, deepsleep: 3, constants: { PWRON_RESET: 1, WDT_RESET: 3 } },
    bootloader: true, // mpconfigport.h:124; modmachine.c:81-87 reset_usb_boot: the RP2040's BOOTSEL mass-storage mode
    romBoot: null, // the console is USB CDC, which the bootrom never opens: the PC sees the port go and come back
    pins: {
      ids: Array.from({ length: 30 }, (_, i) => i), // NUM_BANK0_GPIOS 30 (machine_pin.c:191)
      // ports/rp2/boards/RPI_PICO_W/pins.csv: GPn board names, GPIOn cpu names, the WiFi chip's pins.
      names: {
        ...Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`GPIO${i}`, i])),
        ...Object.fromEntries([...Array.from({ length: 23 }, (_, i) => i), 26, 27, 28].map((i) => [`GP${i}`, i])),
        LED: "EXT_GPIO0",
        WL_GPIO0: "EXT_GPIO0",
        WL_GPIO1: "EXT_GPIO1",
        WL_GPIO2: "EXT_GPIO2",
        EXT_GPIO0: "EXT_GPIO0",
        EXT_GPIO1: "EXT_GPIO1",
        EXT_GPIO2: "EXT_GPIO2",
      },
      // machine_pin.c:41-45, 506-524 (GPIO_IRQ_EDGE_FALL 4, RISE 8 and the GPIO_FUNC_* of pico-sdk's hardware/gpio.h)
      constants: {
        ...{ IN: 0, OUT: 1, OPEN_DRAIN: 2, ALT: 3, PULL_UP: 1, PULL_DOWN: 2, IRQ_RISING: 8, IRQ_FALLING: 4 },
        ...{ ALT_SPI: 1, ALT_UART: 2, ALT_I2C: 3, ALT_PWM: 4, ALT_SIO: 5, ALT_PIO0: 6, ALT_PIO1: 7, ALT_GPCK: 8, ALT_USB: 9 },
      },
      repr: "rp2", // machine_pin.c:199-243
      irqType: "irq", // shared/runtime/mpirq.c:128-130 (mp_irq_type)
      irqArgs: ["hard"], // machine_pin.c:461-468
      hardIrq: true, // mp_hal_pin_interrupt (machine_pin.c:443-451), shared/runtime/mpirq.c:68-94
      inputOnlyFrom: null,
      pullKept: false,
      invalidPin: "invalid pin", // machine_pin.c:196
      unknownName: 'unknown named pin "%s"', // machine_pin.c:188
    },
    touchPads: [], // no MICROPY_PY_MACHINE_TOUCH_PAD
    adc: {
      pins: [26, 27, 28, 29], // ports/rp2/machine_adc.c:34
      channels: [0, 1, 2, 3, 4], // 4: the temperature sensor (ADC.CORE_TEMP)
      readBits: null, // read_u16() only
      invalidError: "invalid channel", // machine_adc.c:82; a Pin without ADC: "Pin doesn't have ADC capabilities"
      repr: "<ADC channel={channel}>", // machine_adc.c:62
      attenWidth: null, // no atten()/width(): MICROPY_PY_MACHINE_ADC_ATTEN_WIDTH unset
      onePerChannel: false, // machine_adc.c v1.23.0:125 mp_obj_malloc: a new object at each ADC(id)
      readUvBlock: false,
    },
    pwm: {
      unsupportedPins: [],
      unsupportedError: "",
      defaultFreq: 0, // UNVERIFIED: the slice's freq before freq() is set; chosen 0
      maxFreq: 62_500_000, // div16 < 16 at 125 MHz / 2: "freq too large" (machine_pwm.c:231)
      freqError: "freq too large",
      stopsAtSoftReset: true, // main.c:218, machine_pwm_deinit_all: each slice disabled
      model: "rp2",
    },
    // machine_timer.c:120: only the virtual timer -1 ("Timer doesn't exist"), the default.
    timer: { ids: [-1], invalidError: "Timer doesn't exist", idOptional: true, repr: "rp2" },
    schedulerDepth: 8, // ports/rp2/mpconfigport.h:87
    duptermSlots: 1, // ports/rp2/mpconfigport.h:106
    moduleTables: PICO_W_MODULE_TABLES,
    typeTables: PICO_W_TYPE_TABLES,
    // ports/rp2/boards/manifest.py; webrepl: boards/RPI_PICO_W/manifest.py's require("bundle-networking")
    // with its C half, MICROPY_PY_WEBREPL (1) under MICROPY_PY_NETWORK (ports/rp2/mpconfigport.h:188-189);
    // webrepl_setup beside it (micropython-lib net/webrepl/manifest.py).
    frozen: ["onewire", "ds18x20", "dht", "neopixel", "webrepl", "webrepl_setup"],
    sysPath: ["", ".frozen", "/lib"], // ports/rp2/main.c:153
    // main.c:114: the stack's size less 256, PICO_STACK_SIZE=0x2000 (ports/rp2/CMakeLists.txt:486)
    memInfo: { stackLimit: 0x2000 - 256, splitHeapAuto: false },
    modules: ["rp2"],
    firmwareModules: PICO_W_MODULES,
    hashlib: ["sha256", "sha1"], // mpconfigport.h:114 MICROPY_PY_HASHLIB_SHA1 (SHA256 py/mpconfig.h:1686's default, no MD5)
    // ports/rp2/mpconfigport.h:154 MICROPY_SSL_MBEDTLS; lib/mbedtls at v1.23.0 is Mbed TLS 3.5.1 (UNVERIFIED: read from the submodule's release, not a board).
    tls: { library: "mbedtls", version: "Mbed TLS 3.5.1" },
  },
};
