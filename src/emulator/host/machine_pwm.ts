/**
 * machine.PWM (ports/<port>/machine_pwm.c, v1.23.0): frequency and duty per pin, kept as duty_u16 in the
 * board's Peripherals (tests read it) and logged on each change. Which pins and frequencies a port
 * refuses, and its text, are profile data.
 */
import { FirmwareError } from "../../network-sim/errors.ts";
import type { HostValue } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";
import { pinLabel, resolvePin } from "./machine_pin.ts";

export function machinePwm(ctx: BoardContext) {
  const { pwm } = ctx.profile.port;
  const log = (gpio: number) => {
    const state = ctx.peripherals.pwm.get(gpio)!;
    ctx.log.info({ pwm: gpio, freq: state.freq, duty_u16: state.duty }, `PWM ${pinLabel(ctx, gpio)} freq=${state.freq} duty_u16=${state.duty}`);
  };
  // rp2's invert= per slice channel: each PWM() clears it (machine_pwm.c:142), invert= sets it (:123-125).
  const inverted = new Set<number>();
  const stop = (gpio: number) => {
    if (ctx.peripherals.pwm.delete(gpio)) ctx.log.info({ pwm: gpio, freq: 0, duty_u16: 0 }, `PWM ${pinLabel(ctx, gpio)} off`);
  };
  // Only a soft reset: a script that ends leaves its PWM running (the board sits at its REPL).
  ctx.onDeinit((softReset) => {
    if (softReset && pwm.stopsAtSoftReset) [...ctx.peripherals.pwm.keys()].forEach(stop);
  });
  return {
    /** PWM(pin, freq=, duty_u16=, invert=): the GPIO it drives. */
    pwmInit: (id: HostValue, freq: number | null, duty: number | null, invert: number | null = null): number => {
      const gpio = resolvePin(ctx, id);
      if (typeof gpio !== "number" || pwm.unsupportedPins.includes(gpio)) throw new FirmwareError("ValueError", pwm.unsupportedError.replace("%d", String(gpio)));
      if (invert) inverted.add(gpio);
      else inverted.delete(gpio);
      const state = ctx.peripherals.pwm.get(gpio) ?? { freq: pwm.defaultFreq, duty: 0 };
      ctx.peripherals.pwm.set(gpio, state);
      if (freq !== null) setFreq(state, freq);
      if (duty !== null) state.duty = checkDuty(duty);
      log(gpio);
      return gpio;
    },
    /** freq() reads, freq(hz) sets. */
    pwmFreq: (gpio: number, freq: number | null): number | null => {
      const state = active(gpio);
      if (freq === null) return state.freq;
      setFreq(state, freq);
      log(gpio);
      return null;
    },
    /** duty_u16() reads, duty_u16(x) sets (0-65535). */
    pwmDuty: (gpio: number, duty: number | null): number | null => {
      const state = active(gpio);
      if (duty === null) return state.duty;
      state.duty = checkDuty(duty);
      log(gpio);
      return null;
    },
    pwmDeinit: (gpio: number): null => {
      stop(gpio);
      return null;
    },
    /** repr(PWM): the port's mp_machine_pwm_print; null where it is not modelled (the guest's default). */
    pwmRepr: (gpio: number): string | null => {
      switch (pwm.repr) {
        case "rp2": // ports/rp2/machine_pwm.c:79-83; slice and channel: pico-sdk pwm_gpio_to_slice_num / _to_channel
          return `<PWM slice=${(gpio >> 1) & 7} channel=${gpio & 1} invert=${inverted.has(gpio) ? 1 : 0}>`;
        case "esp8266": {
          // ports/esp8266/machine_pwm.c:48-56: freq and the 10-bit duty (duty_u16(x) sets x * 1024 / 65536,
          // :173) while active; after deinit() (:124-128) the pin alone
          const state = ctx.peripherals.pwm.get(gpio);
          return state ? `PWM(${gpio}, freq=${state.freq}, duty=${state.duty >> 6})` : `PWM(${gpio})`;
        }
        case null:
          return null;
      }
    },
  } satisfies HostCalls<"machine_pwm">;

  function active(gpio: number) {
    const state = ctx.peripherals.pwm.get(gpio);
    if (!state) throw new FirmwareError("RuntimeError", "PWM inactive"); // esp32 machine_pwm.c:298; UNVERIFIED on the other ports
    return state;
  }

  function setFreq(state: { freq: number }, freq: number): void {
    if (freq <= 0 || freq > pwm.maxFreq) throw new FirmwareError("ValueError", pwm.freqError);
    state.freq = freq;
  }

  function checkDuty(duty: number): number {
    if (duty < 0 || duty > 65535) throw new FirmwareError("ValueError", "duty_u16 must be from 0 to 65535"); // esp32 machine_pwm.c:327; UNVERIFIED elsewhere
    return duty;
  }
}
