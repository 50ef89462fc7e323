import type { RomBoot } from "../../boards/port.ts";

/** The console's rate: the ports' REPL UART (MICROPY_HW_UART_REPL_BAUD, esp8266 esp_mphal.c:49) and what PC tools open it at. */
export const CONSOLE_BAUD = 115_200;

/**
 * The bytes the PC reads of the ROM's lines at a hard reset (line ends "\r\n"): as sent where the
 * ROM prints at the console's rate (ESP32), what a UART at 115200 makes of them otherwise (the
 * ESP8266's ROM prints at 74880: garbage on the terminal).
 */
export function romBootBytes(rom: RomBoot, text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text.replace(/\n/g, "\r\n"));
  return rom.baud === CONSOLE_BAUD ? bytes : misread(bytes, rom.baud, CONSOLE_BAUD);
}

/**
 * What a UART receiving at `readBaud` reads of 8N1 bytes sent back to back at `sentBaud`: it
 * waits for the line to go low (a start bit), samples each bit at its middle by its own clock and
 * the stop bit after the eighth; a low stop bit (a framing error) reads as NUL, as a Linux tty
 * delivers it without PARMRK/IGNPAR (termios(3)). Then it waits for the next low level.
 */
export function misread(bytes: Uint8Array, sentBaud: number, readBaud: number): Uint8Array {
  // the line's level at a time in sent bit periods: idle high, then start, 8 data bits LSB first, stop
  const level = (t: number): number => {
    const index = Math.floor(t);
    const byte = bytes[Math.floor(index / 10)];
    if (byte === undefined) return 1;
    const bit = index % 10;
    return bit === 0 ? 0 : bit === 9 ? 1 : (byte >> (bit - 1)) & 1;
  };
  const step = sentBaud / readBaud; // one read bit in sent bit periods
  const end = bytes.length * 10;
  const read: number[] = [];
  let t = 0;
  for (;;) {
    while (t < end && level(t) === 1) t = Math.floor(t) + 1; // the next low bit period
    if (t >= end) break;
    let value = 0;
    for (let i = 0; i < 8; i++) value |= level(t + (1.5 + i) * step) << i;
    read.push(level(t + 9.5 * step) === 1 ? value : 0);
    t += 9.5 * step;
  }
  return Uint8Array.from(read);
}
