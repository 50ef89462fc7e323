/**
 * Each port's PWM duty arithmetic (machine_pwm.c, v1.23.0): what a duty setter stores and what
 * duty_u16(), duty() and duty_ns() read back at a frequency. The stored setting is what the firmware
 * keeps (rp2 and ESP32 re-apply it when the frequency changes; ESP8266 keeps its 10-bit duty).
 */
import type { PwmModel } from "../../boards/port.ts";
import { FirmwareError } from "../../network-sim/errors.ts";

/** duty_u16, duty (10-bit) or duty_ns. */
export type DutyUnit = "u16" | "u10" | "ns";
export interface DutySetting {
  unit: DutyUnit;
  value: number;
}

export interface DutyArithmetic {
  /** The setting a setter stores (duty_u16(x), duty(x), duty_ns(x)); fromInit: the constructor's keyword. */
  set(freq: number, unit: DutyUnit, value: number, fromInit: boolean): DutySetting;
  /** What duty_u16() / duty() / duty_ns() read at freq; null setting: no duty set yet. */
  read(freq: number, setting: DutySetting | null, unit: DutyUnit): number;
  /** What freq() reads after freq(freq): the port computes it back from the hardware's setting. */
  readFreq(freq: number): number;
}

const floorDiv = (a: bigint, b: bigint): number => Number(a / b);

// ports/rp2/machine_pwm.c at clk_sys 125 MHz (pico_w's maxFreq)
const RP2_CLK = 125_000_000n;
/** div16 and top for freq (:206-227); null before freq is set (slice_freq_set false). */
function rp2Slice(freq: number): { div16: bigint; top: bigint } | null {
  if (freq <= 0) return null;
  const f = BigInt(freq);
  if ((RP2_CLK + f / 2n) / f < 65534n) return { div16: 16n, top: (RP2_CLK + f / 2n) / f - 1n };
  const div16 = (16n * RP2_CLK + 65534n * f - 1n) / (65534n * f); // get_slice_hz_ceil (:186-188)
  return { div16, top: (16n * RP2_CLK + (div16 * f) / 2n) / (div16 * f) - 1n }; // get_slice_hz_round (:182-184)
}
const rp2SliceHz = (div16: bigint) => (16n * RP2_CLK + div16 / 2n) / div16;

const rp2: DutyArithmetic = {
  set: (_freq, unit, value) => {
    if (value < 0) throw new FirmwareError("ValueError", "duty_u16 must be from 0 to 65535"); // UNVERIFIED: rp2 wraps a negative in uint32
    return { unit, value: unit === "u16" ? Math.min(value, 65535) : value }; // :270-272 limits duty_u16 to 65535
  },
  read: (freq, setting, unit) => {
    const slice = rp2Slice(freq);
    if (!slice || !setting) return 0; // :252, :281: no duty or no freq set reads 0
    const { div16, top } = slice;
    const sliceHz = rp2SliceHz(div16);
    // the channel's counter compare level: duty_u16 (:273) or duty_ns (:292-297)
    let cc = setting.unit === "u16" ? (BigInt(setting.value) * (top + 1n) + 32767n) / 65535n : (BigInt(setting.value) * sliceHz + 500_000_000n) / 1_000_000_000n;
    if (cc > top + 1n) cc = top + 1n;
    if (unit === "ns") return floorDiv(cc * 1_000_000_000n + sliceHz / 2n, sliceHz); // :285
    return floorDiv(cc * 65535n + (top + 1n) / 2n, top + 1n); // :259
  },
  // get_slice_hz_round(div16 * (top + 1)) (:191-200); 0 before freq is set
  readFreq: (freq) => {
    const slice = rp2Slice(freq);
    return slice ? Number(rp2SliceHz(slice.div16 * (slice.top + 1n))) : 0;
  },
};

// ports/esp32/machine_pwm.c: the LEDC duty in the timer's resolution for freq
const ESP32_UI_MAX = 65535;
/** The duty resolution in bits for freq (:213-239): the APB clock (80 MHz), the 1 MHz REF_TICK below 10 Hz. */
function esp32Resolution(freq: number): number {
  let i = freq < 10 ? 1_000_000 : 80_000_000;
  const divider = Math.max(1, Math.floor((i + Math.floor(freq / 2)) / freq));
  i = Math.round(i / Math.max(1, i / divider));
  let res = 0;
  for (; i > 1; i >>= 1) res++;
  return Math.min(Math.max(res, 1), 16);
}
const esp32DutyToNs = (freq: number, u16: number) =>
  floorDiv(BigInt(u16) * 1_000_000_000n + BigInt(Math.floor((freq * ESP32_UI_MAX) / 2)), BigInt(freq) * BigInt(ESP32_UI_MAX)); // :288-292
function esp32NsToU16(freq: number, ns: number): number {
  const duty = floorDiv(BigInt(ns) * BigInt(ESP32_UI_MAX) * BigInt(freq) + 500_000_000n, 1_000_000_000n); // :277-286
  return ns > 0 && duty === 0 ? 1 : Math.min(duty, ESP32_UI_MAX);
}

const esp32: DutyArithmetic = {
  set: (freq, unit, value) => {
    if (unit === "u16" && (value < 0 || value > ESP32_UI_MAX)) throw new FirmwareError("ValueError", "duty_u16 must be from 0 to 65535"); // :326-327
    if (unit === "u10" && (value < 0 || value > 1023)) throw new FirmwareError("ValueError", "duty must be from 0 to 1023"); // :365-366
    const maxNs = esp32DutyToNs(freq, ESP32_UI_MAX);
    if (unit === "ns" && (value < 0 || value > maxNs)) throw new FirmwareError("ValueError", `duty_ns must be from 0 to ${maxNs} ns`); // :375-376
    return { unit, value };
  },
  read: (freq, setting, unit) => {
    if (!setting) return 0;
    const res = esp32Resolution(freq);
    const u16 = setting.unit === "u16" ? setting.value : setting.unit === "u10" ? setting.value << 6 : esp32NsToU16(freq, setting.value);
    const channelDuty = Math.min(u16 >> (16 - res), (1 << res) - 1); // set_duty_u16 (:331-341)
    const read = channelDuty << (16 - res); // get_duty_u16 (:302-312)
    return unit === "u16" ? read : unit === "u10" ? read >> 6 : esp32DutyToNs(freq, read); // :316, :321
  },
  // ledc_get_freq (:607-610; ESP-IDF ledc.c): the clock over the timer's precision and its divider, which
  // ledc_calculate_divisor rounded, in 1/256 steps (LEDC_LL_FRACTIONAL_BITS 8); the 1 MHz REF_TICK below
  // 10 Hz (:214-218, :243-247), else the 80 MHz APB clock
  readFreq: (freq) => {
    const clock = BigInt(freq < 10 ? 1_000_000 : 80_000_000) << 8n;
    const precision = 1n << BigInt(esp32Resolution(freq));
    const divider = (clock + (BigInt(freq) * precision) / 2n) / (BigInt(freq) * precision);
    return floorDiv(clock / precision, divider);
  },
};

// ports/esp8266/machine_pwm.c: a 10-bit duty, clamped to 0-1023 by esppwm.c:230-236
const clamp10 = (duty: number) => Math.min(Math.max(duty, 0), 1023);
const esp8266: DutyArithmetic = {
  set: (freq, unit, value, fromInit) => {
    if (unit === "u10") return { unit, value: clamp10(value) };
    if (unit === "u16") return { unit: "u10", value: clamp10(Math.floor((value * (fromInit ? 1000 : 1024)) / 65536)) }; // :83 / :173
    // the constructor's duty_ns converts once (:84-89); duty_ns() is kept and re-applied on freq() (:135-137, :184-187)
    return fromInit ? { unit: "u10", value: clamp10(Math.floor((value * freq) / 1_000_000)) } : { unit, value };
  },
  read: (freq, setting, unit) => {
    const duty = !setting ? 0 : setting.unit === "ns" ? clamp10(Math.floor((setting.value * freq) / 976562)) : setting.value; // :187
    return unit === "u10" ? duty : unit === "u16" ? Math.floor((duty * 65536) / 1024) : Math.floor((duty * 976563) / freq); // :155, :167, :180
  },
  readFreq: (freq) => freq, // pwm_get_freq (:130-132, esppwm.c:290-292): the frequency set
};

export const dutyArithmetic: Record<PwmModel, DutyArithmetic> = { rp2, esp32, esp8266 };
