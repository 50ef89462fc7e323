import { mkdtempSync, readlinkSync, writeFileSync, existsSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PtyConsole } from "../src/console/pty.ts";
import { FakeSerial } from "./support/fake-serial.ts";
import { PYSERIAL_ROUND_TRIP, runPython } from "./support/python.ts";

describe("--serial pty", () => {
  const opened: PtyConsole[] = [];
  afterEach(() => opened.splice(0).forEach((p) => p.close()));
  const dir = mkdtempSync(path.join(tmpdir(), "boardsim-pty-"));

  it("pyserial opens the PTY like a USB serial port: baud-rate change accepted, bytes pass unchanged both ways", async () => {
    const device = new FakeSerial();
    const link = path.join(dir, "ttyBOARD");
    const pty = new PtyConsole(device, link);
    opened.push(pty);
    expect(readlinkSync(link)).toBe(pty.path);
    const out = await runPython(PYSERIAL_ROUND_TRIP, [link]);
    expect(out.split("\n")[0]).toBe("68656c6c6fff000a"); // echoed as sent: no CR/LF translation, 0xff and NUL intact
    expect(out).toContain("b'raw REPL; CTRL-B to exit\\r\\n>'");
    expect(device.text()).toBe("hello\xff\x00\n\x01");
    pty.close();
    expect(existsSync(link)).toBe(false);
  });

  it("refuses a link path that exists and is not a PTY link, and replaces a stale link a previous run left", () => {
    const file = path.join(dir, "notes.txt");
    writeFileSync(file, "mine");
    expect(() => new PtyConsole(new FakeSerial(), file)).toThrow(`--serial pty:${file}: '${file}' exists and is not a boardsim PTY link; remove it or choose another path`);
    const stale = path.join(dir, "stale");
    symlinkSync("/dev/pts/999", stale);
    const pty = new PtyConsole(new FakeSerial(), stale);
    opened.push(pty);
    expect(readlinkSync(stale)).toBe(pty.path);
  });

  it("with no terminal attached, the board's prints block for the USB CDC timeout, then are dropped: the board runs on", async () => {
    const device = new FakeSerial();
    opened.push(new PtyConsole(device, undefined, 50));
    await device.printBlocking(1024 * 1024);
    expect(device.ready).toBe(true);
  });

  it("a slow reader gets every byte: the board waits for it", async () => {
    const device = new FakeSerial();
    const pty = new PtyConsole(device, undefined, 3_600_000);
    opened.push(pty);
    const total = 300_000;
    const reader = runPython(
      `
import serial, sys, time
s = serial.Serial(sys.argv[1], timeout=30)
s.write(b"go")
n = 0
while n < ${total} + 2:
    time.sleep(0.002)
    n += len(s.read(min(s.in_waiting, 4096) or 1))
print(n)
`,
      [pty.path],
    );
    await device.receivedText("go");
    await device.printBlocking(total);
    expect(Number(await reader)).toBe(total + 2); // "go" echoed, then every byte printed
  });
});
