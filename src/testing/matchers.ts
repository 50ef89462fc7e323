import { expect } from "vitest";
import type { LabBoard } from "./lab.ts";

interface BoardMatchers<R = unknown> {
  /** The board's console shows `text` (a substring, or a RegExp match). */
  toHavePrinted(text: string | RegExp): R;
  /** The board's OLED shows `text` on one of its lines. */
  toShowOnOled(text: string): R;
}

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  interface Assertion<T = any> extends BoardMatchers<T> {}
  interface AsymmetricMatchersContaining extends BoardMatchers {}
}

expect.extend({
  toHavePrinted(board: LabBoard, text: string | RegExp) {
    const output = board.output();
    const pass = typeof text === "string" ? output.includes(text) : text.test(output);
    return {
      pass,
      message: () => `expected ${board.name}'s console ${pass ? "not " : ""}to show ${this.utils.printExpected(text)}; it shows:\n${output}`,
    };
  },
  toShowOnOled(board: LabBoard, text: string) {
    const lines = board.oledLines();
    const pass = lines.some((line) => line.includes(text));
    return {
      pass,
      message: () => `expected ${board.name}'s OLED ${pass ? "not " : ""}to show ${this.utils.printExpected(text)}; it shows:\n${lines.join("\n")}`,
    };
  },
});
