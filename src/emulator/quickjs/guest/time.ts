/** MicroPython's time module. The host clock is the board's; ticks wrap like the firmware's. */
import { call } from "./host.ts";

const TICKS_PERIOD = 2 ** 30;
const TICKS_HALF = TICKS_PERIOD / 2;

function seconds(value: unknown): number {
  if (typeof value !== "number") throw new TypeError(`can't convert ${typeof value === "string" ? "str" : "NoneType"} to float`);
  return value;
}

export default {
  sleep(s: number): void {
    call("sleepMs", seconds(s) * 1000);
  },
  sleep_ms(ms: number): void {
    call("sleepMs", seconds(ms));
  },
  sleep_us(us: number): void {
    call("sleepMs", seconds(us) / 1000);
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
  time(): number {
    return call<number>("epochSeconds");
  },
};
