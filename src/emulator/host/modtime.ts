import { sleep } from "../../network-sim/clock/clock.ts";
import { FirmwareError } from "../../network-sim/errors.ts";
import type { HostValue } from "../host-api.ts";
import { float, integer as int, milliseconds, pyTypeName } from "./arguments.ts";
import type { BoardContext, HostCalls } from "./context.ts";
import { MS_1970_TO_2000, mktime2000, since2000, sinceEpoch, structTime2000 } from "./timeutils.ts";

/** ticks_ms()/ticks_us() wrap at 2^30 (MICROPY_PY_TIME_TICKS_PERIOD, extmod/modtime.c). */
const TICKS_PERIOD = 2 ** 30;
const TICKS_HALF = TICKS_PERIOD / 2;
const MS_PER_UNIT = { s: 1000, ms: 1, us: 0.001 } as const;

/**
 * MicroPython's time module (extmod/modtime.c and each port's modtime.c, v1.23.0): the board's
 * clock, the argument checks and the ticks arithmetic, once for both guest libraries. The RTC reads
 * as seconds since the port's epoch (rp2 1970, ESP ports 2000); struct times are computed as the
 * firmware's shared/timeutils does. gmtime() and localtime() are one function.
 */
export function modtime(board: BoardContext) {
  const { epochYear } = board.profile.port;
  const epochMs = () => board.rtcNowMs() - (epochYear === 2000 ? MS_1970_TO_2000 : 0);
  return {
    /**
     * time.sleep(s) takes a float (mp_obj_get_float), sleep_ms()/sleep_us() an int (mp_obj_get_int).
     * Due callbacks run while it sleeps (the firmware's mp_hal_delay_ms polls events; blocking-wake.ts).
     */
    timeSleep: (value: HostValue, unit: keyof typeof MS_PER_UNIT): Promise<null> => {
      // milliseconds(): NaN, infinities and delays past the clock's range raise as the firmware's int() does.
      const ms = milliseconds((unit === "s" ? float(value) : int(value)) * MS_PER_UNIT[unit]);
      const slept = sleep(board.clock, ms, board.signal);
      // A Timer firing at the sleep's last moment fires inside it, as on the firmware, where it was
      // armed before the sleep began (so a moment earlier): a turn of the clock after the sleep's end,
      // for the timers due then (set before the sleep's) to fire first.
      const last = () => (board.scheduler.timers > 0 ? sleep(board.clock, 0, board.signal) : undefined);
      return slept.then(last).then(() => null);
    },
    // Since this boot, as each port's counter (ports/rp2/mphalport.h:89-95 to_ms_since_boot/time_us_32,
    // ports/esp32/mphalport.c:158-164 esp_timer_get_time, ports/esp8266/esp_mphal.c:117-120 system
    // time): back near 0 after machine.reset() or a deepsleep wake; a soft reset keeps counting.
    ticksMs: (): number => Math.floor(board.clock.now() - board.bootMs) % TICKS_PERIOD,
    ticksUs: (): number => Math.floor((board.clock.now() - board.bootMs) * 1000) % TICKS_PERIOD,
    /** ticks_add(): the sum, wrapped into the ticks period; a delta of half the period or more overflows (modtime.c:183-188). */
    ticksAdd: (ticks: HostValue, delta: HostValue): number => {
      const d = int(delta);
      if (d <= -TICKS_HALF || d >= TICKS_HALF) throw new FirmwareError("OverflowError", "ticks interval overflow");
      return wrap(int(ticks) + d);
    },
    /** ticks_diff(): the signed distance from start to end, in (-period/2, period/2]. */
    ticksDiff: (end: HostValue, start: HostValue): number => wrap(int(end) - int(start) + TICKS_HALF) - TICKS_HALF,
    /** time.time(): whole seconds since the epoch. */
    timeTime: (): number => Math.floor(epochMs() / 1000),
    /** time.time_ns(), as a decimal string: it is beyond a double's exact integers. */
    timeTimeNs: (): string => (BigInt(Math.floor(epochMs())) * 1_000_000n).toString(),
    /** gmtime/localtime([secs]): the 8-tuple; now when secs is None. */
    timeLocaltime: (secs: HostValue): HostValue => structTime2000(since2000(secs === null ? Math.floor(epochMs() / 1000) : int(secs), epochYear)),
    /** mktime(tuple): its first six fields, normalised, as seconds since the epoch. */
    timeMktime: (fields: HostValue): number => {
      if (!Array.isArray(fields)) throw new FirmwareError("TypeError", `object '${pyTypeName(fields as HostValue)}' isn't a tuple or list`);
      if (fields.length < 8 || fields.length > 9) throw new FirmwareError("TypeError", "mktime needs a tuple of length 8 or 9"); // modtime.c:87
      const [y, mo, d, h, mi, s] = fields.slice(0, 6).map((v) => int(v as HostValue)) as [number, number, number, number, number, number];
      return sinceEpoch(mktime2000(y, mo, d, h, mi, s), epochYear);
    },
  } satisfies HostCalls<"modtime">;
}

function wrap(ticks: number): number {
  return ((ticks % TICKS_PERIOD) + TICKS_PERIOD) % TICKS_PERIOD;
}
