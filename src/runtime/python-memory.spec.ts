import { describe, expect, it } from "vitest";
import { PYTHON_BOARD_BYTES, pythonBoardsWarning } from "./python-memory.ts";

describe("a lab of more .py boards than memory holds", () => {
  it("says so in one line, with the figures; nothing when they fit", () => {
    const gib = 1024 ** 3;
    expect(pythonBoardsWarning(3000, 8 * gib)).toBe(
      "3000 MicroPython boards need about 78000 MB (26 MB each); this machine has 8192 MB available, enough for about 315: expect swapping, or the system to stop boardsim",
    );
    expect(pythonBoardsWarning(315, 8 * gib)).toBeNull();
    expect(pythonBoardsWarning(1, PYTHON_BOARD_BYTES - 1)).toMatch(/^1 MicroPython boards need about 26 MB .* enough for about 0:/);
  });
});
