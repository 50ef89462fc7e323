import { sleep } from "../../network-sim/clock/clock.ts";
import { FirmwareError } from "../../network-sim/errors.ts";
import type { HostValue } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";

/** ticks_ms()/ticks_us() wrap at 2^30 (MICROPY_PY_TIME_TICKS_PERIOD, extmod/modtime.c). */
const TICKS_PERIOD = 2 ** 30;
const TICKS_HALF = TICKS_PERIOD / 2;
const MS_PER_UNIT = { s: 1000, ms: 1, us: 0.001 } as const;

/**
 * MicroPython's time module (extmod/modtime.c): the board's clock, the argument checks and the
 * ticks arithmetic, once for both guest libraries.
 */
export function modtime(board: BoardContext) {
  return {
    /** time.sleep(s) takes a float (mp_obj_get_float), sleep_ms()/sleep_us() an int (mp_obj_get_int). */
    timeSleep: (value: HostValue, unit: keyof typeof MS_PER_UNIT): Promise<null> => {
      const amount = unit === "s" ? float(value) : int(value);
      return sleep(board.clock, amount * MS_PER_UNIT[unit], board.signal).then(() => null);
    },
    ticksMs: (): number => Math.floor(board.clock.now()) % TICKS_PERIOD,
    ticksUs: (): number => Math.floor(board.clock.now() * 1000) % TICKS_PERIOD,
    /** ticks_add(): the sum, wrapped into the ticks period. */
    ticksAdd: (ticks: HostValue, delta: HostValue): number => wrap(int(ticks) + int(delta)),
    /** ticks_diff(): the signed distance from start to end, in (-period/2, period/2]. */
    ticksDiff: (end: HostValue, start: HostValue): number => wrap(int(end) - int(start) + TICKS_HALF) - TICKS_HALF,
    epochSeconds: (): number => Math.floor((board.bootEpochMs + board.clock.now()) / 1000),
  } satisfies HostCalls<"modtime">;
}

function wrap(ticks: number): number {
  return ((ticks % TICKS_PERIOD) + TICKS_PERIOD) % TICKS_PERIOD;
}

/** mp_obj_get_float: a number (bool counts as int), else TypeError "can't convert T to float". */
function float(value: HostValue): number {
  if (typeof value === "boolean") return Number(value);
  if (typeof value !== "number") throw new FirmwareError("TypeError", `can't convert ${pythonType(value)} to float`);
  return value;
}

/** mp_obj_get_int: an integer (bool counts), else TypeError "can't convert T to int". */
function int(value: HostValue): number {
  if (typeof value === "boolean") return Number(value);
  if (typeof value !== "number" || !Number.isInteger(value)) throw new FirmwareError("TypeError", `can't convert ${pythonType(value)} to int`);
  return value;
}

/** The Python type name of a value as it crossed from the guest. */
export function pythonType(value: HostValue): string {
  if (value === null) return "NoneType";
  if (typeof value === "string") return "str";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "boolean") return "bool";
  if (value instanceof Uint8Array) return "bytes";
  return Array.isArray(value) ? "list" : "dict";
}
