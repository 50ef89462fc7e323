import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { StdioConsole } from "../src/console/stdio.ts";
import { FakeSerial } from "./support/fake-serial.ts";

/** A stdin that says it is a terminal, recording raw-mode switches. */
function fakeTerminal(): PassThrough & { isTTY: true; modes: boolean[]; setRawMode(on: boolean): void } {
  const stream = new PassThrough() as PassThrough & { isTTY: true; modes: boolean[]; setRawMode(on: boolean): void };
  stream.isTTY = true;
  stream.modes = [];
  stream.setRawMode = (on) => void stream.modes.push(on);
  return stream;
}

describe("the console on stdin/stdout", () => {
  it("piped input reaches the board with Enter as a terminal sends it (CR); the pipe's end is reported", async () => {
    const device = new FakeSerial();
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let ended = false;
    const stdio = new StdioConsole(device, () => {}, () => (ended = true), stdin as unknown as NodeJS.ReadStream, stdout);
    stdin.end("name = input()\nAda\n");
    await new Promise((r) => stdin.once("end", r));
    expect(device.text()).toBe("name = input()\rAda\r");
    expect(ended).toBe(true);
    expect(stdout.read().toString()).toBe("name = input()\rAda\r"); // the fake board echoes
    stdio.close();
  });

  it("on a terminal: raw mode, keys as typed (Ctrl-C is a byte for the board), Ctrl-] leaves and the terminal is restored", async () => {
    const device = new FakeSerial();
    const stdin = fakeTerminal();
    let left = false;
    const stdio = new StdioConsole(device, () => (left = true), () => {}, stdin as unknown as NodeJS.ReadStream, new PassThrough());
    expect(stdin.modes).toEqual([true]);
    stdin.write("1+1\r\x03x\x1dnot sent");
    await device.receivedText("x");
    expect(device.text()).toBe("1+1\r\x03x");
    expect(left).toBe(true);
    stdio.close();
    expect(stdin.modes).toEqual([true, false]);
  });

  it("output waits while stdout is full: the board's prints pause and resume when it drains", async () => {
    const device = new FakeSerial();
    const stdout = new PassThrough({ highWaterMark: 1024 });
    const stdio = new StdioConsole(device, () => {}, () => {}, new PassThrough() as unknown as NodeJS.ReadStream, stdout);
    const printing = device.printBlocking(64 * 1024, 512);
    while (device.ready) await new Promise((r) => setImmediate(r));
    expect(stdout.writableLength).toBeLessThanOrEqual(2048); // bounded: the mark plus one print
    let received = 0;
    stdout.on("data", (c: Buffer) => (received += c.length));
    await printing;
    while (received < 64 * 1024) await new Promise((r) => setImmediate(r));
    expect(received).toBe(64 * 1024);
    stdio.close();
  });
});
