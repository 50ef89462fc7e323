import { esp32 } from "./esp32.ts";
import type { BoardProfile } from "./profile.ts";

/**
 * labplus mPython board (掌控板): an ESP32 with a 128×64 OLED, running labplus's own firmware
 * build, which adds the `mpython` module (the `wifi` helper class, `oled`). Everything the
 * firmware does not change is the ESP32's.
 */
/** The ESP32's WLAN.config() keys but `hostname`. */
const esp32Keys = Object.fromEntries(Object.entries(esp32.wlan.config.keys).filter(([key]) => key !== "hostname"));

/** Its Pin's constants in its table's order: GPIO_PULL_HOLD 4 (its :43), the others as upstream's; P0-P28: the connector's GPIOs. */
const MPYTHON_PIN_CONSTANTS = {
  ...{ IN: 1, OUT: 3, OPEN_DRAIN: 7, PULL_UP: 2, PULL_DOWN: 1, PULL_HOLD: 4, IRQ_RISING: 1, IRQ_FALLING: 2, WAKE_LOW: 4, WAKE_HIGH: 5 },
  ...{ P0: 33, P1: 32, P2: 35, P3: 34, P4: 39, P5: 0, P6: 16, P7: 17, P8: 26, P9: 25, P10: 36, P11: 2, P13: 18, P14: 19, P15: 21 },
  ...{ P16: 5, P19: 22, P20: 23, P23: 27, P24: 14, P25: 12, P26: 13, P27: 15, P28: 4 },
};

export const mpython: BoardProfile = {
  ...esp32,
  id: "mpython",
  // MICROPY_HW_BOARD_NAME "mpython" (labplus-cn/mpython mpconfigboard.h); version and date as a
  // published REPL log of the labplus firmware shows them.
  name: "mpython",
  banner: "MicroPython v2.1.2 on 2020-11-18; mpython with ESP32",
  // labplus v2.x predates network.hostname() (v1.20): the IDF default name, UNVERIFIED.
  hostname: "espressif",
  wlan: {
    ...esp32.wlan,
    // The firmware predates v1.22's status() (UNVERIFIED which upstream it is based on): while a
    // connect is requested it reads STAT_CONNECTING, whatever the last failure was.
    status: { ...esp32.wlan.status, no_ap_found: 1001, wrong_password: 1001, connect_fail: 1001, ap_lost: 1001 },
    constants: Object.fromEntries(
      Object.entries(esp32.wlan.constants).filter(([name]) => !/^STAT_NO_AP_FOUND_|^AUTH_WPA3|^AUTH_WPA2_WPA3/.test(name)),
    ),
    // labplus-cn/mpython port/builtins/modnetwork.c (UNVERIFIED which of its versions is v2.1.2): no
    // country, hostname, ipconfig nor route; config('dhcp_hostname') reads and sets the interface's
    // tcpip_adapter name, which goes into the netif at once (UNVERIFIED: one name for both interfaces
    // here; the adapter's OSError before active(True) is not simulated).
    functions: [],
    // The ESP32's other keys (UNVERIFIED for labplus's WLAN), as ipconfigMethod
    config: { ...esp32.wlan.config, keys: { ...esp32Keys, dhcp_hostname: { setting: "hostname", query: "any", set: "any" } } },
    dhcpHostname: "message",
  },
  port: {
    ...esp32.port,
    // labplus's machine table (labplus-cn/mpython port/builtins/modmachine.c, machine_module_globals_table)
    // has ADC but no ADCBlock; the upstream ESP32 ADC of its era (ports/esp32/machine_adc.c v1.12 and
    // v1.13, madc_locals_dict_table) has read_u16, read, atten and width, no init, read_uv nor block.
    // UNVERIFIED which upstream the 2020 build is; its other ADC differences (ADC1 pins only, repr
    // "ADC(Pin(n))", width() a classmethod of ADC_WIDTH_9Bit..12Bit = 0-3) are not simulated.
    adc: { ...esp32.port.adc, readUvBlock: false },
    // labplus-cn/mpython port/builtins/machine_pin.c, machine_pin_locals_dict_table (UNVERIFIED which
    // of its versions the v2.1.2 build has): upstream v1.12's ESP32 table (init, value, off, on, irq;
    // PULL_HOLD, no board nor DRIVE_*: no toggle, low or high) and the board's connector pins P0-P28.
    pins: { ...esp32.port.pins, constants: MPYTHON_PIN_CONSTANTS },
    typeTables: { ...esp32.port.typeTables, Pin: ["init", "value", "off", "on", "irq", ...Object.keys(MPYTHON_PIN_CONSTANTS)] },
  },
  display: { width: 128, height: 64 },
  vendorModules: ["mpython"],
};
