/** MicroPython's time module: each function is the host's (src/emulator/host/modtime.ts), which checks and wraps. */
import { tuple } from "./exceptions.ts";
import { call, call0, call2, hostFunction } from "./host.ts";

const ticksMs = hostFunction("ticksMs");
const ticksUs = hostFunction("ticksUs");
const ticksAdd = hostFunction("ticksAdd");
const ticksDiff = hostFunction("ticksDiff");
const timeTime = hostFunction("timeTime");

export default {
  /** Due callbacks (Timer, Pin.irq) run while it sleeps (host.ts thrown). */
  sleep(s: number): void {
    call("timeSleep", s, "s");
  },
  sleep_ms(ms: number): void {
    call("timeSleep", ms, "ms");
  },
  sleep_us(us: number): void {
    call("timeSleep", us, "us");
  },
  ticks_ms(): number {
    return call0<number>(ticksMs);
  },
  ticks_us(): number {
    return call0<number>(ticksUs);
  },
  ticks_add(ticks: number, delta: number): number {
    return call2<number>(ticksAdd, ticks, delta);
  },
  ticks_diff(end: number, start: number): number {
    return call2<number>(ticksDiff, end, start);
  },
  /** Seconds since the board's epoch: 1970 on rp2, 2000 on the ESP ports. */
  time(): number {
    return call0<number>(timeTime);
  },
  /** Nanoseconds since the board's epoch, as a bigint (beyond a double's exact integers). */
  time_ns(): bigint {
    return BigInt(call<string>("timeTimeNs"));
  },
  /** (year, month, mday, hour, minute, second, weekday, yearday); now without an argument. */
  localtime(secs: number | null = null): number[] {
    return tuple(...call<number[]>("timeLocaltime", secs));
  },
  gmtime(secs: number | null = null): number[] {
    return tuple(...call<number[]>("timeLocaltime", secs));
  },
  mktime(t: number[]): number {
    return call<number>("timeMktime", Array.isArray(t) ? Array.from(t) : t);
  },
};
