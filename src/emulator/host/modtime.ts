/**
 * The time module's host calls (extmod/modtime.c and each port's modtime.c, v1.23.0): the RTC read
 * as seconds since the port's epoch (rp2 1970, ESP ports 2000), struct times computed as the
 * firmware's shared/timeutils does. gmtime() and localtime() are the same function (no time zones).
 */
import { FirmwareError } from "../../network-sim/errors.ts";
import type { HostValue } from "../host-api.ts";
import type { HostFunctions, PortContext } from "./context.ts";
import { MS_1970_TO_2000, mktime2000, since2000, sinceEpoch, structTime2000 } from "./timeutils.ts";

export function modtime(ctx: PortContext): HostFunctions {
  const { epochYear } = ctx.profile.port;
  const epochMs = () => ctx.rtcNowMs() - (epochYear === 2000 ? MS_1970_TO_2000 : 0);
  return {
    /** time.time(): whole seconds since the epoch. */
    timeTime: (): number => Math.floor(epochMs() / 1000),
    /** time.time_ns(), as a decimal string: it is beyond a double's exact integers. */
    timeTimeNs: (): string => (BigInt(Math.floor(epochMs())) * 1_000_000n).toString(),
    /** gmtime/localtime([secs]): the 8-tuple; now when secs is None. */
    timeLocaltime: (secs: number | null): HostValue =>
      structTime2000(since2000(secs ?? Math.floor(epochMs() / 1000), epochYear)),
    /** mktime(tuple): its first six fields, normalised, as seconds since the epoch. */
    timeMktime: (fields: readonly number[]): number => {
      if (fields.length < 8 || fields.length > 9) throw new FirmwareError("TypeError", "mktime needs a tuple of length 8 or 9"); // modtime.c:87
      const [y, mo, d, h, mi, s] = fields as [number, number, number, number, number, number];
      return sinceEpoch(mktime2000(y, mo, d, h, mi, s), epochYear);
    },
  };
}
