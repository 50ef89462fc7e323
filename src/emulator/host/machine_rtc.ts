/**
 * machine.RTC (ports/<port>/machine_rtc.c, v1.23.0): datetime() reads and sets the board's clock, which
 * time.time() and localtime() read too. The 8-tuple is (year, month, day, weekday, hours, minutes,
 * seconds, subseconds); the weekday given is ignored and computed, subseconds are the port's
 * (rp2 0, ESP32 µs, ESP8266 ms). ntptime.settime() sets the clock through this call.
 */
import type { HostValue } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";
import { MS_1970_TO_2000, secondsSince2000, structTime2000 } from "./timeutils.ts";

export function machineRtc(ctx: BoardContext) {
  const { rtcSubseconds } = ctx.profile.port;
  return {
    rtcDatetime: (fields: readonly number[] | null): HostValue => {
      if (fields === null) {
        const ms = ctx.rtcNowMs();
        const [y, mo, d, h, mi, s, wd] = structTime2000(Math.floor((ms - MS_1970_TO_2000) / 1000));
        const sub = rtcSubseconds === "zero" ? 0 : rtcSubseconds === "ms" ? Math.floor(ms % 1000) : Math.floor((ms % 1000) * 1000);
        return [y, mo, d, wd, h, mi, s, sub];
      }
      const [y, mo, d, , h, mi, s, sub] = fields as number[];
      const subMs = rtcSubseconds === "ms" ? sub! : rtcSubseconds === "us" ? sub! / 1000 : 0;
      ctx.setRtcMs(MS_1970_TO_2000 + secondsSince2000(y!, mo!, d!, h!, mi!, s!) * 1000 + subMs);
      ctx.log.info({ rtc: [y, mo, d, h, mi, s] }, `RTC set to ${y}-${mo}-${d} ${h}:${mi}:${s}`);
      return null;
    },
  } satisfies HostCalls<"machine_rtc">;
}
