/** The port modules' host calls (time, machine, the frozen sensor libraries), gathered for the Board. */
import type { HostFunctions, PortContext } from "./context.ts";
import { dht } from "./dht.ts";
import { ds18x20 } from "./ds18x20.ts";
import { machineAdc } from "./machine_adc.ts";
import { machinePin } from "./machine_pin.ts";
import { machinePwm } from "./machine_pwm.ts";
import { machineRtc } from "./machine_rtc.ts";
import { machineTimer } from "./machine_timer.ts";
import { modmachine } from "./modmachine.ts";
import { modtime } from "./modtime.ts";
import { neopixel } from "./neopixel.ts";
import { sleep } from "../../network-sim/clock.ts";

export function portHostFunctions(ctx: PortContext, resetCause: number): HostFunctions {
  return {
    ...modtime(ctx),
    ...modmachine(ctx, resetCause),
    ...machinePin(ctx),
    ...machineAdc(ctx),
    ...machinePwm(ctx),
    ...machineRtc(ctx),
    ...machineTimer(ctx),
    ...dht(ctx),
    ...ds18x20(ctx),
    ...neopixel(ctx),
    /**
     * time.sleep*(): blocks for `ms`, or less when a callback is scheduled (the firmware runs them
     * while it waits: mp_hal_delay_ms polls events). Returns the ms still to sleep.
     */
    sleepMs: async (ms: number, wakeForCallbacks = false): Promise<number> => {
      const start = ctx.clock.now();
      const slept = sleep(ctx.clock, ms, ctx.signal());
      await (wakeForCallbacks ? Promise.race([slept, ctx.scheduler.whenScheduled()]) : slept);
      return Math.max(0, ms - (ctx.clock.now() - start));
    },
    /** The callbacks due now, [handler, arg] each, for the guest to run. */
    schedTake: () => ctx.scheduler.take(),
    /** Whether callbacks are due (the TS guest asks after its calls once it has a callback). */
    schedPending: (): boolean => ctx.scheduler.pending,
  };
}
