import { describe, expect, it } from "vitest";
import { BoardSerial } from "./board-serial.ts";

const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const never = new AbortController().signal;

describe("BoardSerial", () => {
  it("queues typed bytes until the firmware reads them; a waiting read gets the next ones", async () => {
    const serial = new BoardSerial(false);
    serial.write(bytes("ab"));
    expect(serial.read(10, true, never)).toEqual(bytes("ab"));
    const pending = serial.read(10, true, never);
    serial.write(bytes("c"));
    expect(await pending).toEqual(bytes("c"));
  });

  it("Ctrl-C interrupts while code runs and is a key at the prompt or before the interpreter is up", () => {
    const serial = new BoardSerial(false);
    let interrupts = 0;
    serial.onInterrupt = () => interrupts++;
    serial.write(bytes("\x03"));
    expect(interrupts).toBe(0); // not started: queued
    serial.started = true;
    expect(serial.read(10, true, never)).toEqual(bytes("\x03")); // at the prompt from here on
    serial.write(bytes("\x03"));
    expect(interrupts).toBe(0);
    serial.running(); // the queued Ctrl-C interrupts the code that started
    expect(interrupts).toBe(1);
    serial.write(bytes("x\x03"));
    expect(interrupts).toBe(2);
    expect(serial.read(10, false, never)).toEqual(bytes("x"));
  });

  it("a Ctrl-C that came with the Ctrl-D of a soft reboot stays a key for the new interpreter's REPL", async () => {
    const serial = new BoardSerial(false);
    let interrupts = 0;
    serial.onInterrupt = () => interrupts++;
    serial.started = true;
    const atPrompt = serial.read(1, true, never);
    serial.write(bytes("\x04\x03"));
    expect(await atPrompt).toEqual(bytes("\x04")); // the REPL soft-reboots on it
    serial.booting();
    serial.started = true; // the new interpreter's first call
    serial.running(); // boot.py's host calls
    expect(interrupts).toBe(0);
    expect(serial.read(10, true, never)).toEqual(bytes("\x03"));
  });

  it("blocks the board's prints while the transport is not ready", async () => {
    const serial = new BoardSerial(false);
    const seen: string[] = [];
    serial.onOutput((d) => seen.push(Buffer.from(d).toString()));
    expect(serial.print(bytes("one"))).toBeNull();
    serial.setOutputReady(false);
    let resumed = false;
    const blocked = serial.print(bytes("two"))!.then(() => (resumed = true));
    await Promise.resolve();
    expect(resumed).toBe(false);
    serial.setOutputReady(true);
    await blocked;
    expect(seen).toEqual(["one", "two"]);
  });

  it("the ESP auto-reset circuit: releasing EN (RTS low again, DTR low) resets; a Pico W has none", () => {
    for (const [autoReset, expected] of [[true, 1], [false, 0]] as const) {
      const serial = new BoardSerial(autoReset);
      let resets = 0;
      serial.onResetPin = () => resets++;
      serial.setControlLines({ dtr: true, rts: true }); // pyserial opening the port: EN stays high
      serial.setControlLines({ dtr: false, rts: true }); // EN low
      serial.setControlLines({ rts: false }); // EN high: the chip starts
      expect(resets).toBe(expected);
    }
  });

  it("a closed console ends reads: the REPL's input is over", async () => {
    const serial = new BoardSerial(false);
    const pending = serial.read(10, true, never);
    serial.close();
    expect(await pending).toEqual(new Uint8Array());
    expect(serial.isClosed).toBe(true);
  });
});
