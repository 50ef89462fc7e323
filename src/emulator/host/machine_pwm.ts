/**
 * machine.PWM (ports/<port>/machine_pwm.c, v1.23.0): frequency and duty per pin, the duty as the port
 * keeps it (host/pwm_duty.ts) and as the duty_u16 it reads back in the board's Peripherals (tests read
 * it), logged on each change. Which pins and frequencies a port
 * refuses, and its text, are profile data.
 */
import { FirmwareError } from "../../network-sim/errors.ts";
import type { HostValue } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";
import type { PwmState } from "../devices/peripherals.ts";
import { pinLabel, resolvePin } from "./machine_pin.ts";
import { type DutySetting, type DutyUnit, dutyArithmetic } from "./pwm_duty.ts";

export function machinePwm(ctx: BoardContext) {
  const { pwm } = ctx.profile.port;
  const log = (gpio: number) => {
    const state = ctx.peripherals.pwm.get(gpio)!;
    ctx.log.info({ pwm: gpio, freq: state.freq, duty_u16: state.duty }, `PWM ${pinLabel(ctx, gpio)} freq=${state.freq} duty_u16=${state.duty}`);
  };
  const arithmetic = dutyArithmetic[pwm.model];
  /** Each pin's duty as its firmware keeps it; the Peripherals' duty_u16 is what it reads back. */
  const settings = new Map<number, DutySetting>();
  // rp2's invert= per slice channel: each PWM() clears it (machine_pwm.c:142), invert= sets it (:123-125).
  const inverted = new Set<number>();
  const stop = (gpio: number) => {
    settings.delete(gpio);
    if (ctx.peripherals.pwm.delete(gpio)) ctx.log.info({ pwm: gpio, freq: 0, duty_u16: 0 }, `PWM ${pinLabel(ctx, gpio)} off`);
  };
  // Only a soft reset: a script that ends leaves its PWM running (the board sits at its REPL).
  ctx.onDeinit((softReset) => {
    if (softReset && pwm.stopsAtSoftReset) [...ctx.peripherals.pwm.keys()].forEach(stop);
  });
  return {
    /**
     * PWM(pin, ...) (isNew) and PWM.init(...): the keywords in the port's order (mp_machine_pwm_init_helper);
     * the GPIO it drives.
     */
    pwmInit: (id: HostValue, isNew: boolean, freq: number | null, duty: number | null, dutyU16: number | null, dutyNs: number | null, invert: number | null): number => {
      const gpio = resolvePin(ctx, id);
      if (typeof gpio !== "number" || pwm.unsupportedPins.includes(gpio)) throw new FirmwareError("ValueError", pwm.unsupportedError.replace("%d", String(gpio)));
      // rp2 takes invert= and no duty= (rp2 machine_pwm.c:99-105), the ESP ports the reverse (esp32 :470-476, esp8266 :59-65)
      if ((pwm.model === "rp2" ? duty : invert) !== null) throw new FirmwareError("TypeError", "extra keyword arguments given"); // py/argcheck.c:129
      if (pwm.model === "esp32" && [duty, dutyU16, dutyNs].filter((d) => d !== null).length > 1) {
        throw new FirmwareError("ValueError", "only one of parameters 'duty', 'duty_u16' or 'duty_ns' is allowed"); // esp32 machine_pwm.c:489-491
      }
      if (isNew) {
        inverted.delete(gpio); // rp2 :142
        if (pwm.model !== "esp8266") settings.delete(gpio); // rp2 :143, esp32 :578; esp8266's pwm_add keeps a channel (UNVERIFIED its duty)
      }
      if (invert !== null) {
        if (invert) inverted.add(gpio); // rp2 :123-125
        else inverted.delete(gpio);
      }
      const state = ctx.peripherals.pwm.get(gpio) ?? { freq: pwm.defaultFreq, duty: 0 };
      ctx.peripherals.pwm.set(gpio, state);
      if (freq !== null) setFreq(gpio, state, freq);
      // rp2 :117-122 and esp8266 :77-90 apply each in turn; esp32 takes one (:554-561), 50 % on a new PWM
      if (pwm.model === "esp8266" && duty !== null) setDuty(gpio, state, "u10", duty, true);
      if (dutyU16 !== null) setDuty(gpio, state, "u16", dutyU16, true);
      if (dutyNs !== null) setDuty(gpio, state, "ns", dutyNs, true);
      if (pwm.model === "esp32" && duty !== null) setDuty(gpio, state, "u10", duty, true);
      if (pwm.model === "esp32" && !settings.has(gpio)) setDuty(gpio, state, "u10", 512, true);
      state.duty = arithmetic.read(state.freq, settings.get(gpio) ?? null, "u16");
      log(gpio);
      return gpio;
    },
    /** freq() reads, freq(hz) sets; rp2 and ESP32 keep the duty's setting at the new frequency. */
    pwmFreq: (gpio: number, freq: number | null): number | null => {
      const state = active(gpio);
      if (freq === null) return arithmetic.readFreq(state.freq);
      setFreq(gpio, state, freq);
      log(gpio);
      return null;
    },
    /** duty_u16() / duty() / duty_ns() read, with a value set, in the port's arithmetic (host/pwm_duty.ts). */
    pwmDuty: (gpio: number, unit: DutyUnit, value: number | null): number | null => {
      const state = active(gpio);
      if (value === null) return arithmetic.read(state.freq, settings.get(gpio) ?? null, unit);
      setDuty(gpio, state, unit, value, false);
      log(gpio);
      return null;
    },
    pwmDeinit: (gpio: number): null => {
      stop(gpio);
      return null;
    },
    /**
     * repr(PWM): the port's mp_machine_pwm_print; null where it is not modelled (the guest's default):
     * ESP32's names the LEDC mode, channel, timer and resolution (machine_pwm.c:444-465), not allocated here.
     */
    pwmRepr: (gpio: number): string | null => {
      switch (pwm.model) {
        case "rp2": // ports/rp2/machine_pwm.c:79-83; slice and channel: pico-sdk pwm_gpio_to_slice_num / _to_channel
          return `<PWM slice=${(gpio >> 1) & 7} channel=${gpio & 1} invert=${inverted.has(gpio) ? 1 : 0}>`;
        case "esp8266": {
          // ports/esp8266/machine_pwm.c:48-56: freq and the 10-bit duty (duty_u16(x) sets x * 1024 / 65536,
          // :173) while active; after deinit() (:124-128) the pin alone
          const state = ctx.peripherals.pwm.get(gpio);
          return state ? `PWM(${gpio}, freq=${arithmetic.readFreq(state.freq)}, duty=${arithmetic.read(state.freq, settings.get(gpio) ?? null, "u10")})` : `PWM(${gpio})`;
        }
        case "esp32":
          return null;
      }
    },
  } satisfies HostCalls<"machine_pwm">;

  function active(gpio: number) {
    const state = ctx.peripherals.pwm.get(gpio);
    if (!state) throw new FirmwareError("RuntimeError", "PWM inactive"); // esp32 machine_pwm.c:298; UNVERIFIED on the other ports
    return state;
  }

  function setFreq(gpio: number, state: PwmState, freq: number): void {
    if (freq <= 0 || freq > pwm.maxFreq) throw new FirmwareError("ValueError", pwm.freqError);
    state.freq = freq;
    // the duty's setting applied again at the new frequency, with its checks (rp2 :238-248, esp32 :266-273, esp8266 :135-137)
    const setting = settings.get(gpio);
    if (setting) setDuty(gpio, state, setting.unit, setting.value, false);
  }

  function setDuty(gpio: number, state: PwmState, unit: DutyUnit, value: number, fromInit: boolean): void {
    settings.set(gpio, arithmetic.set(state.freq, unit, value, fromInit));
    state.duty = arithmetic.read(state.freq, settings.get(gpio)!, "u16");
  }
}
