/**
 * The machine module's functions (ports/<port>/modmachine.c, v1.23.0): unique_id, freq, reset,
 * soft_reset, reset_cause, idle, lightsleep and deepsleep (the board sleeps, then boots again
 * and runs its script from the start with reset_cause() DEEPSLEEP_RESET).
 */
import { sleep } from "../../network-sim/clock.ts";
import { FirmwareError } from "../../network-sim/errors.ts";
import type { HostFunctions, PortContext } from "./context.ts";

export function modmachine(ctx: PortContext, resetCause: number): HostFunctions {
  const { port } = ctx.profile;
  let freq = port.freqHz;
  return {
    /** The chip's id: on ESP32 its MAC; elsewhere derived from the MAC (the simulated board has no flash or chip id). */
    machineUniqueId: (): Uint8Array => {
      const id = new Uint8Array(port.uniqueIdBytes);
      for (let i = 0; i < id.length; i++) id[i] = ctx.mac[(i + 6 - id.length + 6) % 6]! ^ (i >= 6 ? 0x5a : 0);
      return id;
    },
    machineFreq: (hz: number | null): number | null => {
      if (hz === null) return freq;
      if (port.freqChoices && !port.freqChoices.hz.includes(Math.floor(hz / 1e6) * 1e6)) throw new FirmwareError("ValueError", port.freqChoices.error);
      freq = hz;
      return null;
    },
    machineResetCause: (): number => resetCause,
    /** reset(): the board restarts (its script runs again from the start); the call never returns. */
    machineReset: (): Promise<null> => {
      ctx.peripherals.resetCause = port.resetCauses.reset;
      ctx.log.info("machine.reset()");
      ctx.reset();
      return new Promise(() => {});
    },
    /** soft_reset(): "MPY: soft reboot" (main.c of each port), then the script again; reset_cause() is unchanged. */
    machineSoftReset: (): Promise<null> => {
      ctx.peripherals.resetCause = resetCause;
      ctx.console("MPY: soft reboot\n");
      ctx.reset();
      return new Promise(() => {});
    },
    /** deepsleep([ms]): the board is off for `ms` (for ever without), then boots with DEEPSLEEP_RESET. */
    machineDeepsleep: (ms: number | null): Promise<null> => {
      ctx.peripherals.resetCause = port.resetCauses.deepsleep;
      ctx.peripherals.wakeAfterMs = ms ?? Number.POSITIVE_INFINITY;
      ctx.log.info({ ms }, "machine.deepsleep()");
      ctx.reset();
      return new Promise(() => {});
    },
    /** lightsleep([ms]) / idle(): the script pauses; scheduled callbacks still run after it. */
    machineLightsleep: (ms: number | null): Promise<null> =>
      (ms === null ? ctx.scheduler.whenScheduled() : Promise.race([sleep(ctx.clock, ms, ctx.signal()), ctx.scheduler.whenScheduled()])).then(() => null),
  };
}
