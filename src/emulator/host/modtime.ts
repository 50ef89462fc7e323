/**
 * MicroPython's time module (extmod/modtime.c and each port's modtime.c, v1.23.0): the board's
 * clock. The RTC reads as seconds since the port's epoch (rp2 1970, ESP ports 2000); struct times
 * are computed as the firmware's shared/timeutils does. gmtime() and localtime() are one function.
 */
import { sleep } from "../../network-sim/clock/clock.ts";
import { FirmwareError } from "../../network-sim/errors.ts";
import type { HostValue } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";
import { MS_1970_TO_2000, mktime2000, since2000, sinceEpoch, structTime2000 } from "./timeutils.ts";

export function modtime(board: BoardContext) {
  const { epochYear } = board.profile.port;
  const epochMs = () => board.rtcNowMs() - (epochYear === 2000 ? MS_1970_TO_2000 : 0);
  return {
    /**
     * time.sleep*(): blocks for `ms`, or less when a callback is scheduled and the guest can run it
     * (the firmware runs them while it waits: mp_hal_delay_ms polls events). Returns the ms still to sleep.
     */
    sleepMs: async (ms: number, wakeForCallbacks = false): Promise<number> => {
      const start = board.clock.now();
      const slept = sleep(board.clock, ms, board.signal);
      await (wakeForCallbacks ? Promise.race([slept, board.scheduler.whenScheduled()]) : slept);
      return Math.max(0, ms - (board.clock.now() - start));
    },
    ticksMs: (): number => Math.floor(board.clock.now()),
    /** time.time(): whole seconds since the epoch. */
    timeTime: (): number => Math.floor(epochMs() / 1000),
    /** time.time_ns(), as a decimal string: it is beyond a double's exact integers. */
    timeTimeNs: (): string => (BigInt(Math.floor(epochMs())) * 1_000_000n).toString(),
    /** gmtime/localtime([secs]): the 8-tuple; now when secs is None. */
    timeLocaltime: (secs: number | null): HostValue => structTime2000(since2000(secs ?? Math.floor(epochMs() / 1000), epochYear)),
    /** mktime(tuple): its first six fields, normalised, as seconds since the epoch. */
    timeMktime: (fields: readonly number[]): number => {
      if (fields.length < 8 || fields.length > 9) throw new FirmwareError("TypeError", "mktime needs a tuple of length 8 or 9"); // modtime.c:87
      const [y, mo, d, h, mi, s] = fields as [number, number, number, number, number, number];
      return sinceEpoch(mktime2000(y, mo, d, h, mi, s), epochYear);
    },
  } satisfies HostCalls<"modtime">;
}
