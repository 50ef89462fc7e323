import { describe, expect, it } from "vitest";
import { parseRtcFlag } from "./rtc-flag.ts";

const NOW = new Date("2026-12-01T21:40:05Z");

describe("--rtc", () => {
  it("a date and time is what the board reads, with no time zone", () => {
    expect(parseRtcFlag("2026-12-01T09:30:15", NOW)).toBe(Date.UTC(2026, 11, 1, 9, 30, 15));
    expect(parseRtcFlag("2026-12-01 09:30", NOW)).toBe(Date.UTC(2026, 11, 1, 9, 30));
    expect(parseRtcFlag("2000-01-01", NOW)).toBe(Date.UTC(2000, 0, 1));
  });

  it("now is this PC's local time", () => {
    expect(parseRtcFlag("now", NOW)).toBe(NOW.getTime() - NOW.getTimezoneOffset() * 60_000);
  });

  it.each(["", "yesterday", "2026-02-30", "2026-13-01", "2026-12-01T24:00", "1999-12-31", "2100-01-01", "2026-12-01T09:30:00Z", "12/01/2026"])("'%s' is refused", (text) => {
    expect(parseRtcFlag(text, NOW)).toBeNull();
  });
});
