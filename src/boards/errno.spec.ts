import { describe, expect, it } from "vitest";
import { LINUX_ERRNO, NEWLIB_ERRNO, oserrorTexts } from "./errno.ts";

describe("str(OSError(n)) per numbering, made once on the host for both guests", () => {
  it("names a number by the board's table: 113 is EHOSTUNREACH on lwIP ports, ECONNABORTED on ESP32", () => {
    expect(oserrorTexts(LINUX_ERRNO)[113]).toBe("[Errno 113] EHOSTUNREACH");
    expect(oserrorTexts(NEWLIB_ERRNO)[113]).toBe("[Errno 113] ECONNABORTED");
    expect(oserrorTexts(NEWLIB_ERRNO)[118]).toBe("[Errno 118] EHOSTUNREACH");
    expect(oserrorTexts(LINUX_ERRNO)[104]).toBe("[Errno 104] ECONNRESET");
    expect(oserrorTexts(NEWLIB_ERRNO)[2]).toBe("[Errno 2] ENOENT");
  });
  it("leaves out what py/moderrno.c does not name (they print bare): ENFILE, ENOSPC, EISCONN", () => {
    for (const table of [LINUX_ERRNO, NEWLIB_ERRNO]) {
      expect(oserrorTexts(table)[table.ENFILE]).toBeUndefined();
      expect(oserrorTexts(table)[28]).toBeUndefined();
      expect(oserrorTexts(table)[table.EISCONN]).toBeUndefined();
    }
  });
});
