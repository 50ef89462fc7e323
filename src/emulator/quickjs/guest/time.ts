/**
 * MicroPython's time module (extmod/modtime.c). The clock, its epoch (rp2 1970, ESP ports 2000)
 * and the calendar are the host's (src/emulator/host/modtime.ts); ticks wrap like the firmware's.
 */
import { tuple } from "./exceptions.ts";
import { call, canRunCallbacks } from "./host.ts";

const TICKS_PERIOD = 2 ** 30;
const TICKS_HALF = TICKS_PERIOD / 2;

function seconds(value: unknown): number {
  if (typeof value !== "number") throw new TypeError(`can't convert ${typeof value === "string" ? "str" : "NoneType"} to float`);
  return value;
}

/** Blocks for `ms`; callbacks due meanwhile (Timer, Pin.irq) run as the firmware runs them while it waits. */
function sleepFor(ms: number): void {
  while (ms > 0) ms = call<number>("sleepMs", ms, canRunCallbacks());
}

export default {
  sleep(s: number): void {
    sleepFor(Math.floor(seconds(s) * 1000));
  },
  sleep_ms(ms: number): void {
    sleepFor(seconds(ms));
  },
  sleep_us(us: number): void {
    sleepFor(seconds(us) / 1000);
  },
  ticks_ms(): number {
    return call<number>("ticksMs") % TICKS_PERIOD;
  },
  ticks_us(): number {
    return Math.floor(call<number>("ticksMs") * 1000) % TICKS_PERIOD;
  },
  ticks_add(ticks: number, delta: number): number {
    return (((ticks + delta) % TICKS_PERIOD) + TICKS_PERIOD) % TICKS_PERIOD;
  },
  ticks_diff(end: number, start: number): number {
    return ((((end - start + TICKS_HALF) % TICKS_PERIOD) + TICKS_PERIOD) % TICKS_PERIOD) - TICKS_HALF;
  },
  /** Seconds since the board's epoch. */
  time(): number {
    return call<number>("timeTime");
  },
  /** Nanoseconds since the board's epoch, as a bigint (beyond a double's exact integers). */
  time_ns(): bigint {
    return BigInt(call<string>("timeTimeNs"));
  },
  /** (year, month, mday, hour, minute, second, weekday, yearday); now without an argument. */
  localtime(secs?: number | null): number[] {
    return tuple(...call<number[]>("timeLocaltime", secs ?? null));
  },
  gmtime(secs?: number | null): number[] {
    return tuple(...call<number[]>("timeLocaltime", secs ?? null));
  },
  mktime(t: number[]): number {
    return call<number>("timeMktime", Array.from(t));
  },
};
