import type { BoardContext, HostFunction, HostModule } from "./context.ts";
import { moddisplay } from "./moddisplay.ts";
import { modbuiltins } from "./modbuiltins.ts";
import { modnetwork } from "./modnetwork.ts";
import { modselect } from "./modselect.ts";
import { modsocket } from "./modsocket.ts";
import { modmachine } from "./modmachine.ts";
import { modtime } from "./modtime.ts";
import { modwebrepl } from "./modwebrepl.ts";
import { mphalport } from "./mphalport.ts";
import { vfs_fat } from "./vfs_fat.ts";
import { vfs_lfs } from "./vfs_lfs.ts";
import { dht } from "./dht.ts";
import { ds18x20 } from "./ds18x20.ts";
import { machineAdc } from "./machine_adc.ts";
import { machinePin } from "./machine_pin.ts";
import { machinePwm } from "./machine_pwm.ts";
import { machineRtc } from "./machine_rtc.ts";
import { machineTimer } from "./machine_timer.ts";
import { neopixel } from "./neopixel.ts";
import { schedulerCalls } from "./scheduler-calls.ts";
import type { HostModuleName, HostName } from "./table.ts";

/** Every module of the table (table.ts), by name. */
const MODULES: { [M in HostModuleName]: HostModule<M> } = {
  modbuiltins,
  modtime,
  modnetwork,
  modsocket,
  modselect,
  moddisplay,
  vfs_lfs,
  vfs_fat,
  mphalport,
  modmachine,
  machine_pin: machinePin,
  machine_adc: machineAdc,
  machine_pwm: machinePwm,
  machine_rtc: machineRtc,
  machine_timer: machineTimer,
  scheduler: schedulerCalls,
  dht,
  ds18x20,
  neopixel,
  modwebrepl,
};

/** The host API of one board: every function a guest engine may call, by name. */
export function hostFunctions(board: BoardContext): Record<HostName, HostFunction> {
  const functions = {} as Record<HostName, HostFunction>;
  for (const module of Object.values(MODULES) as HostModule<HostModuleName>[]) Object.assign(functions, module(board));
  return functions;
}
