import type { BoardContext, HostFunction, HostModule } from "./context.ts";
import { moddisplay } from "./moddisplay.ts";
import { modbuiltins } from "./modbuiltins.ts";
import { modnetwork } from "./modnetwork.ts";
import { modselect } from "./modselect.ts";
import { modtls } from "./modtls.ts";
import { modsocket } from "./modsocket.ts";
import { modmachine } from "./modmachine.ts";
import { modtime } from "./modtime.ts";
import { modwebrepl } from "./modwebrepl.ts";
import { modhashlib } from "./modhashlib.ts";
import { modcryptolib } from "./modcryptolib.ts";
import { modos } from "./modos.ts";
import { mphalport } from "./mphalport.ts";
import { vfs_fat } from "./vfs_fat.ts";
import { vfs_lfs } from "./vfs_lfs.ts";
import { dht } from "./dht.ts";
import { ds18x20 } from "./ds18x20.ts";
import { machineAdc } from "./machine_adc.ts";
import { machinePin } from "./machine_pin.ts";
import { machinePwm } from "./machine_pwm.ts";
import { machineTouchpad } from "./machine_touchpad.ts";
import { machineRtc } from "./machine_rtc.ts";
import { machineTimer } from "./machine_timer.ts";
import { neopixel } from "./neopixel.ts";
import { schedulerCalls } from "./scheduler-calls.ts";
import { HOST_TABLE, type HostModuleName, type HostName } from "./table.ts";

/** Every module of the table (table.ts), by name. */
export const MODULES: { [M in HostModuleName]: HostModule<M> } = {
  modbuiltins,
  modtime,
  modnetwork,
  modsocket,
  modselect,
  modtls,
  moddisplay,
  vfs_lfs,
  vfs_fat,
  mphalport,
  modmachine,
  machine_pin: machinePin,
  machine_adc: machineAdc,
  machine_touchpad: machineTouchpad,
  machine_pwm: machinePwm,
  machine_rtc: machineRtc,
  machine_timer: machineTimer,
  scheduler: schedulerCalls,
  dht,
  ds18x20,
  neopixel,
  modwebrepl,
  modhashlib,
  modcryptolib,
  modos,
};

/** Which module serves each name of the table. */
const MODULE_OF = new Map<string, HostModuleName>(Object.entries(HOST_TABLE).flatMap(([module, names]) => names.map((name) => [name, module as HostModuleName] as const)));

/** Every name of the table: what a guest engine binds. */
export const HOST_NAMES: readonly HostName[] = [...MODULE_OF.keys()] as HostName[];

/**
 * The host API of one board: the function a guest engine calls by name (undefined: no such name).
 * A module's functions are made at the first call of one of its names, so a board pays only for
 * what its script uses (a fleet's boards use 4 modules of 21; every V8 collection walks every
 * board's closures). A module registers its deinit hook when it is made: one never made has
 * nothing to deinitialise.
 */
export function hostFunctions(board: BoardContext): (name: string) => HostFunction | undefined {
  const made = new Map<HostModuleName, Record<string, HostFunction>>();
  const found = new Map<string, HostFunction>(); // one lookup per call for the names the script uses
  return (name) => {
    const known = found.get(name);
    if (known) return known;
    const module = MODULE_OF.get(name); // a Map: a script may send any name ("constructor", "__proto__")
    if (module === undefined) return undefined;
    let functions = made.get(module);
    if (!functions) made.set(module, (functions = MODULES[module](board)));
    const fn = functions[name];
    if (fn) found.set(name, fn);
    return fn;
  };
}
