/**
 * --rtc: where the board's clock starts instead of the firmware's start (Pico W 2021-01-01, the ESP
 * boards 2000-01-01; src/emulator/rtc.ts). `now` is this PC's local time, as Thonny's "sync device
 * RTC" sets it (its MicroPython backend sends time.localtime() unless told to use UTC); a date, with
 * or without a time of day, is what the board reads, with no time zone (a board's RTC keeps none).
 * Ms since 1970 as the board's clock reads them, or null when the text is none of these.
 */
export function parseRtcFlag(text: string, now: Date): number | null {
  if (text === "now") return now.getTime() - now.getTimezoneOffset() * 60_000;
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (!match) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const ms = Date.UTC(year!, month! - 1, day!, hour, minute, second);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-30 over into March: a date that does not exist is a mistake.
  const exists = back.getUTCMonth() === month! - 1 && back.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  // The ESP ports count time from 2000 (time.time() would be negative before it); 2099 is the end of the century their RTC handles (UNVERIFIED beyond).
  return exists && year! >= 2000 && year! <= 2099 ? ms : null;
}

export const RTC_USAGE = "now (this PC's local time) or a date and time from 2000 to 2099, e.g. 2026-12-01 or 2026-12-01T09:30:00";
