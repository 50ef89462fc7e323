// What the simulator says on stderr: which board each line is about, colours, times, OLED frames.
import path from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { Lab } from "boardsim/testing";
import { useColor } from "../src/log.ts";
import { spawnChild } from "./support/children.ts";
import { boardsim, killStarted, refusingPort } from "./support/cli.ts";

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), "../bin/boardsim.js");
afterEach(killStarted);

describe("each line about a board names it", () => {
  it("the forward of a board's port, and a refused connection to the PC", async () => {
    const server = boardsim("run", "--board", "pico_w", "--role", "server", "--profile", "fast", "--log-format", "json", "--forward", "0:8000");
    const forward = await server.logged((l) => l.msg.startsWith("forward "));
    expect(forward.board).toBe("pico_w");
    const client = boardsim("run", "--board", "esp32", "--role", "client", "--profile", "fast", "--log-format", "json", "--port", String(await refusingPort()));
    const failed = await client.logged((l) => l.msg.startsWith("connection to 127.0.0.1:"));
    expect(failed.board).toBe("esp32");
    expect(failed.msg).toMatch(/failed \(ECONNREFUSED\): the board sees ECONNRESET$/);
  });

  it("--log-level warn still says where to connect, with the board's name", async () => {
    const run = boardsim("run", "--board", "pico_w", "--role", "server", "--profile", "fast", "--log-level", "warn", "--forward", "0:8000");
    await run.printed("accepting.....");
    while (!run.stderr().includes("\n")) await new Promise((resolve) => run.child.stderr!.once("data", resolve));
    const lines = run.stderr().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/WARN: pico_w: forward 127\.0\.0\.1:(\d+) → 192\.168\.1\.100:\d+: reach the board at 127\.0\.0\.1:\1 \(192\.168\.1\.100 exists only on the simulated WiFi\)$/);
  });
});

it("the DHCP lease's expiry is a time of day, not a clock offset", async () => {
  const run = boardsim("run", "--board", "esp32", "--role", "server", "--profile", "fast", "--log-format", "json", "--forward", "0:8000");
  const lease = await run.logged((l) => l.msg.startsWith("DHCP lease"));
  const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
  expect(lease.expiresAt).toMatch(iso);
  expect((lease.leases as { expiresAt: string }[])[0]!.expiresAt).toMatch(iso);
  // A 12-hour lease, from about now.
  expect(Date.parse(lease.expiresAt as string) - Date.now()).toBeGreaterThan(11 * 3600_000);
});

describe("colours: NO_COLOR and FORCE_COLOR", () => {
  it.each([
    [{}, false, false],
    [{}, true, true],
    [{ NO_COLOR: "1" }, true, false],
    [{ NO_COLOR: "" }, true, true],
    [{ FORCE_COLOR: "1" }, false, true],
    [{ FORCE_COLOR: "0" }, true, false],
    [{ FORCE_COLOR: "1", NO_COLOR: "1" }, false, true],
  ])("%j on a terminal: %s → colours %s", (env, tty, colour) => expect(useColor(env, tty)).toBe(colour));

  it("FORCE_COLOR colours stderr in a pipe; NO_COLOR keeps it plain", async () => {
    const stderrWith = (env: NodeJS.ProcessEnv) =>
      new Promise<string>((resolve) => {
        const child = spawnChild(process.execPath, [BIN, "run", "--board", "esp32", "--role", "client", "--profile", "fast", "--fault", "refused"], {
          env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env },
          stdio: ["ignore", "ignore", "pipe"],
        });
        let err = "";
        child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
        child.on("close", () => resolve(err));
      });
    expect(await stderrWith({ FORCE_COLOR: "1" })).toContain("\x1b[");
    expect(await stderrWith({ NO_COLOR: "1" })).not.toContain("\x1b[");
  });
});

describe("mPython OLED frames on the log", () => {
  /** The OLED frames a lab board logged. */
  function frames(): { lab: Lab; shown: string[] } {
    const shown: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (shown.push(...chunk.toString().trim().split("\n").map((l) => JSON.parse(l).oled as string).filter(Boolean)), done()) });
    const lab = new Lab({ timing: "fast", log: pino({ level: "info" }, sink) });
    onTestFinished(() => lab.close());
    return { lab, shown };
  }
  const streaming = (body: string) => `import { oled } from "mpython";\nimport time from "time";\n${body}`;

  it("the same picture shown again and again is drawn once", async () => {
    const { lab, shown } = frames();
    const board = await lab.addBoard({ board: "mpython", source: streaming(`for (let i = 0; i < 200; i++) { oled.fill(0); oled.DispChar("same", 0, 0); oled.show(); time.sleep_ms(5); }`) });
    await board.finished();
    expect(shown).toHaveLength(1);
  });

  it("100 pictures in one second: at most 4 a second drawn, and the last one is the screen's last", async () => {
    const { lab, shown } = frames();
    const board = await lab.addBoard({ board: "mpython", source: streaming(`for (let i = 0; i < 100; i++) { oled.fill(0); oled.DispChar("n " + i, 0, 0); oled.show(); time.sleep_ms(10); }\ntime.sleep(2);`) });
    await board.finished();
    expect(shown.length).toBeGreaterThanOrEqual(4);
    expect(shown.length).toBeLessThanOrEqual(6);
    expect(Buffer.from(shown.at(-1)!, "base64")).toEqual(Buffer.from(board.board!.oled!.pixels));
  });
});
