/** MicroPython's time module: each function is the host's (src/emulator/host/modtime.ts), which checks and wraps. */
import { call } from "./host.ts";

export default {
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
    return call<number>("ticksMs");
  },
  ticks_us(): number {
    return call<number>("ticksUs");
  },
  ticks_add(ticks: number, delta: number): number {
    return call<number>("ticksAdd", ticks, delta);
  },
  ticks_diff(end: number, start: number): number {
    return call<number>("ticksDiff", end, start);
  },
  time(): number {
    return call<number>("epochSeconds");
  },
};
