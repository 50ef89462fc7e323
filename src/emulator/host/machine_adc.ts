/**
 * machine.ADC (ports/<port>/machine_adc.c, v1.23.0): which pins or channels a board has, and the
 * reading a test or lab file set for it (read_u16 scale; 0 when nothing is wired). read() is the
 * raw value where the port has it (ESP32 12 bits, or its block's width(); ESP8266 10 bits).
 * ESP32's atten() is kept per channel (machine_adc.c madc_obj_atten), shown by the repr; its
 * read_u16() and read_uv() are computed from the raw reading as the firmware's are.
 */
import { FirmwareError } from "../../network-sim/errors.ts";
import { GuestException, type HostValue } from "../host-api.ts";
import { argCount } from "./arguments.ts";
import type { BoardContext, HostCalls } from "./context.ts";
import { esp32AdcMillivolts } from "./esp32_adc_cal.ts";
import { resolvePin } from "./machine_pin.ts";

/** rp2's on-chip temperature sensor (channel 4) reads 0.706 V at 27 °C (RP2040 datasheet 4.9.5), on a 3.3 V scale. */
const RP2_TEMP_SENSOR_U16 = Math.round((0.706 / 3.3) * 65535);

export function machineAdc(ctx: BoardContext) {
  const { adc } = ctx.profile.port;
  const attens = new Map<number, number>();
  const widths = new Map<number, number>(); // by block (index in attenWidth.blocks)
  const blockOf = (key: number) => adc.attenWidth?.blocks.findIndex((pins) => pins.includes(key)) ?? -1;
  const bits = (key: number) => widths.get(blockOf(key)) ?? adc.readBits!;
  /** read_u16() (raw false), or read(): the raw value in the port's width (ESP8266: 0-1024, machine_adc.c). */
  function read(key: number, raw: boolean): number {
    // ESP32: ADC2 is the WiFi's from esp_wifi_start() to esp_wifi_stop() (ESP-IDF's ADC guide:
    // adc2_get_raw() fails meanwhile; its legacy driver returns ESP_ERR_TIMEOUT), so with either
    // interface active a read raises what adc.c:77's check_esp_err makes of it (mphalport.c:57-97,
    // NORMAL error reporting): OSError(ETIMEDOUT, 'ESP_ERR_TIMEOUT').
    if (blockOf(key) === 1 && (ctx.sta.active || ctx.ap.active)) throw new GuestException("OSError", [ctx.profile.errno.ETIMEDOUT, "ESP_ERR_TIMEOUT"]);
    const u16 = ctx.peripherals.adc.get(key) ?? (ctx.profile.port.platform === "rp2" && key === 4 ? RP2_TEMP_SENSOR_U16 : 0);
    if (adc.readBits === null || (!raw && !adc.attenWidth)) return u16;
    if (adc.readBits === 10) return Math.round((u16 * 1024) / 65535);
    const n = bits(key);
    const reading = u16 >> (16 - n);
    // ESP32 read_u16 (machine_adc.c v1.23.0:215-221): the raw reading at the block's width, scaled
    // to 16 bits by raw << (16 - bits) | raw >> (2 * bits - 16)
    return raw ? reading : (reading << (16 - n)) | (reading >> (2 * n - 16));
  }
  /** adc.c v1.23.0:34-60: a block's width, one of the port's WIDTH_ constants, else "invalid bits". */
  function setBits(block: number, width: number): void {
    const valid = Object.entries(adc.attenWidth!.constants).some(([name, n]) => name.startsWith("WIDTH_") && n === width);
    if (!valid) throw new FirmwareError("ValueError", "invalid bits");
    widths.set(block, width);
  }
  return {
    /**
     * ADC(id): the key its reading is kept under (a GPIO number, or rp2/ESP8266's channel), and its
     * repr; `count` positional arguments and the keywords' names as the script gave them. rp2 and
     * ESP8266 take one argument, no keyword (mp_arg_check_num(n_args, n_kw, 1, 1, false): rp2
     * machine_adc.c v1.23.0:67, esp8266 :56); ESP32's takes keywords (:187), atten= only and by
     * keyword (madc_init_helper :163-181, py/argcheck.c:79-131).
     */
    adcInit: (id: HostValue, isPin: boolean, count: number, keywords: string[]): HostValue => {
      if (!adc.attenWidth) argCount(count, keywords.length, 1, 1);
      else argCount(count, 0, 1, Infinity); // ESP32: keywords taken, at least the pin
      if (isPin) {
        // ESP8266 numbers its ADC only: a Pin is not a number (machine_adc.c mp_obj_get_int)
        if (adc.pins.length === 0) throw new FirmwareError("TypeError", "can't convert Pin to int");
        const key = resolvePin(ctx, id);
        if (typeof key !== "number" || !adc.pins.includes(key)) {
          // rp2 machine_adc.c:98; ESP32 machine_adc.c:192
          throw new FirmwareError("ValueError", adc.channels.length ? "Pin doesn't have ADC capabilities" : adc.invalidError);
        }
        return pinOrChannel(key, count, keywords);
      }
      if (typeof id !== "number") throw new FirmwareError("TypeError", `can't convert ${typeof id === "string" ? "str" : "NoneType"} to int`);
      if (adc.pins.includes(id) || adc.channels.includes(id)) return pinOrChannel(id, count, keywords);
      throw new FirmwareError("ValueError", adc.invalidError.replace("%d", String(id)));
    },
    adcRead: read,
    /**
     * ESP32 read_uv() (machine_adc.c v1.23.0:223-226, adc.c:82-92): the raw reading through the
     * calibration for the channel's attenuation, mV × 1000; its ADC2 refuses as read() does.
     */
    adcReadUv: (key: number): number => {
      const reading = read(key, true);
      return esp32AdcMillivolts(reading, bits(key), blockOf(key) as 0 | 1, attens.get(key) ?? 0) * 1000;
    },
    /**
     * ESP32 (machine_adc.c:162-181, 227-233; adc.c:34-70): ADC(pin, atten=) and atten(a) set the
     * channel's attenuation (ESP-IDF refuses 4 and above: "invalid atten"), a new ADC without one
     * takes ATTN_0DB if the channel has none yet; width(n) sets its block's bits ("invalid bits").
     */
    adcConfig: (key: number, atten: number | null, width: number | null): null => {
      if (atten !== null) {
        if (atten < 0 || atten > 3) throw new FirmwareError("ValueError", "invalid atten");
        attens.set(key, atten);
      } else if (!attens.has(key)) attens.set(key, 0);
      if (width !== null) setBits(blockOf(key), width);
      return null;
    },
    /**
     * ESP32's ADCBlock (extmod/machine_adc_block.c v1.23.0, ports/esp32/machine_adc_block.c): a
     * block by its unit_id, ADC_UNIT_1 and _2 (0 and 1 in ESP-IDF v5's hal/adc_types.h: UNVERIFIED
     * for v5.0.4, whose enum is taken to start at 0), "invalid block id" (:70); bits= as width().
     */
    adcBlockInit: (unit: number, bits: number): number => {
      if (unit !== 0 && unit !== 1) throw new FirmwareError("ValueError", "invalid block id");
      if (bits !== -1) setBits(unit, bits);
      return unit;
    },
    adcBlockOf: (key: number): number => blockOf(key),
    /** connect(channel), (pin), (channel, pin): the block's ADC that matches, else "no matching ADC" (:104-107). */
    adcBlockConnect: (unit: number, channel: number | null, pin: HostValue): number => {
      const pins = adc.attenWidth!.blocks[unit]!; // in channel order (ports/esp32/machine_adc.c:70-89)
      const gpio = pin === null ? null : resolvePin(ctx, pin);
      const key = channel !== null ? pins[channel] : gpio;
      if (typeof key !== "number" || !pins.includes(key) || (gpio !== null && gpio !== key)) throw new FirmwareError("ValueError", "no matching ADC");
      return key;
    },
    // ports/esp32/machine_adc_block.c:44-46; bits 12 until width() or bits= (:34-37)
    adcBlockRepr: (unit: number): string => `ADCBlock(${unit}, bits=${widths.get(unit) ?? adc.readBits})`,
    adcRepr: (key: number, text: string): string => text.replace("{atten}", String(attens.get(key) ?? 0)),
  } satisfies HostCalls<"machine_adc">;

  /**
   * Readings are kept by GPIO number where the board has one (rp2's channels 0-3 are GPIO 26-29),
   * else by channel. The ESP32 parses what follows the pin once it found it (madc_init_helper):
   * atten= is keyword-only.
   */
  function pinOrChannel(id: number, count: number, keywords: string[]): HostValue {
    if (count > 1) throw new FirmwareError("TypeError", "extra positional arguments given");
    if (keywords.some((name) => name !== "atten")) throw new FirmwareError("TypeError", "extra keyword arguments given");
    const rp2Channel = adc.pins.length > 0 && adc.channels.length > 0;
    const channel = rp2Channel && adc.pins.includes(id) ? adc.pins.indexOf(id) : id;
    const key = rp2Channel && channel < adc.pins.length ? adc.pins[channel]! : id;
    return [key, adc.repr.replace("{pin}", String(id)).replace("{channel}", String(channel))];
  }
}
