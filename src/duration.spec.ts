import { describe, expect, it } from "vitest";
import { parseDuration } from "./duration.ts";

describe("parseDuration: --timeout and fault specs alike", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["1.5m", 90_000],
    ["2h", 7_200_000],
    ["10", 10_000],
    [".5s", 500],
    ["0", 0],
  ])("%s → %d ms", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(["", "abc", "-5s", "5 sec", "5d", "1e3", "s", "5ss"])("rejects %j", (text) => expect(parseDuration(text)).toBeNull());
});
