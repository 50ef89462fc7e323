import { describe, expect, it } from "vitest";
import { misread, romBootBytes } from "./rom-boot.ts";

describe("misread", () => {
  it("at the same rate a UART reads what was sent", () => {
    const sent = new TextEncoder().encode("rst:0xc (SW_CPU_RESET)\r\n");
    expect(misread(sent, 115_200, 115_200)).toEqual(sent);
  });

  // 74880 baud read at 115200: a read bit is 0.65 sent bits. 0x00: the start bit and eight sampled
  // zeros, the stop sample (6.175) still in the data bits: a framing error (NUL); the line is low
  // there, so a second character starts, whose last five samples and stop fall on high bits: 0xf8.
  it("74880 baud read at 115200: bits sampled by the reader's clock, a framing error as NUL", () => {
    expect([...misread(Uint8Array.of(0x00), 74_880, 115_200)]).toEqual([0x00, 0xf8]);
    expect([...misread(Uint8Array.of(0xff), 74_880, 115_200)]).toEqual([0xfe]);
  });
});

describe("romBootBytes", () => {
  it("lines end in CR LF; at the console's rate they are the text", () => {
    expect(new TextDecoder().decode(romBootBytes({ baud: 115_200, reset: "", deepsleep: "", resetPin: "" }, "ets\n\nrst\n"))).toBe("ets\r\n\r\nrst\r\n");
  });
});
