import { execFile } from "node:child_process";
import net from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { startCli, type CliRun } from "./support/cli.ts";
import { MPREMOTE, PYTHON, runPython } from "./support/python.ts";

const exec = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), "boardsim-picocom-"));
/** A tmux server of this test's own, so nothing else's sessions are touched. */
const TMUX = ["-L", `boardsim-${process.pid}`];
const runs: CliRun[] = [];
afterAll(async () => {
  runs.forEach((r) => r.child.kill("SIGKILL"));
  await exec("tmux", [...TMUX, "kill-server"]).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

const tmux = (...args: string[]) => exec("tmux", [...TMUX, ...args]);
const screen = async (session = "picocom") => (await tmux("capture-pane", "-p", "-t", session)).stdout;

/**
 * Resolves once the terminal's screen matches `pattern` (polls the pane: tmux has no event for it);
 * `nudge` runs every 10th look (e.g. Enter, as a user presses it until the prompt shows).
 */
async function shows(pattern: RegExp, session = "picocom", nudge?: () => Promise<unknown>): Promise<string> {
  for (let tries = 0; tries < 800; tries++) {
    const text = await screen(session);
    if (pattern.test(text)) return text;
    if (nudge && tries % 10 === 0) await nudge();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${session} never showed ${pattern}:\n${await screen(session)}`);
}

/**
 * picocom on `link` in a new tmux session; resolves once it shows the board's prompt. Enter is
 * pressed until it does, as a user would: keys typed before picocom has opened the port are lost
 * (a run at load 14 waited 90 s for a listen() that was never typed). tmux drops trailing spaces.
 */
async function picocom(session: string, link: string): Promise<void> {
  await tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", `picocom -q -b 115200 ${link}`);
  await shows(/^>>>$/m, session, () => tmux("send-keys", "-t", session, "Enter"));
}

/** Boots a Pico W with its console on a PTY link in this test's folder; resolves once it answers with >>>. */
async function bootPico(name: string): Promise<{ run: CliRun; link: string }> {
  const link = path.join(dir, name);
  const run = startCli(["run", "--board", "pico_w", "--profile", "fast", "--serial", `pty:${link}`, "--flash", path.join(dir, `${name}-flash`), "--log-format", "json"]);
  runs.push(run);
  await run.logged((l) => l.link === link);
  await runPython(`import serial, sys\ns = serial.Serial(sys.argv[1], timeout=60)\ns.write(b"\\r")\ns.read_until(b">>> ")`, [link]);
  return { run, link };
}

describe("picocom on the board's PTY", () => {
  it("the REPL in picocom: Ctrl-C typed at a blocking accept() gives the firmware's KeyboardInterrupt traceback", async () => {
    const { run, link } = await bootPico("ttyPICO");

    await picocom("picocom", link);
    await tmux("send-keys", "-t", "picocom", "-l", "import socket; s = socket.socket(); s.bind(('', 8000)); s.listen(1)");
    await tmux("send-keys", "-t", "picocom", "Enter");
    await run.logged((l) => typeof l.boardAddress === "string" && l.boardAddress.endsWith(":8000"));
    await tmux("send-keys", "-t", "picocom", "-l", "s.accept()");
    await tmux("send-keys", "-t", "picocom", "Enter");
    await shows(/^>>> s\.accept\(\)\s*$/m);
    await tmux("send-keys", "-t", "picocom", "C-c");
    const text = await shows(/^KeyboardInterrupt:\n>>>$/m);
    expect(text).toMatch(/^>>> s\.accept\(\)\nTraceback \(most recent call last\):\n  File "<stdin>", line 1, in <module>\nKeyboardInterrupt:\n>>>$/m);
  });

  it("Ctrl-D typed in picocom soft-reboots the board (MPY: soft reboot, the banner, >>>); a PC client of its server sees the connection reset", async () => {
    const { run, link } = await bootPico("ttyRESET");
    await picocom("reset", link);
    await tmux("send-keys", "-t", "reset", "-l", "import socket; s = socket.socket(); s.bind(('', 8000)); s.listen(1)");
    await tmux("send-keys", "-t", "reset", "Enter");
    const forward = await run.logged((l) => typeof l.boardAddress === "string" && l.boardAddress.endsWith(":8000") && typeof l.hostPort === "number");
    const client = net.connect(forward.hostPort as number, "127.0.0.1");
    const ended = new Promise<string>((resolve) => {
      client.on("end", () => resolve("end"));
      client.on("error", (e) => resolve((e as NodeJS.ErrnoException).code ?? "error"));
    });
    await new Promise((r) => client.once("connect", r));
    await tmux("send-keys", "-t", "reset", "-l", "c, a = s.accept()");
    await tmux("send-keys", "-t", "reset", "Enter");
    await shows(/^>>> c, a = s\.accept\(\)\n>>>$/m, "reset");
    await tmux("send-keys", "-t", "reset", "C-d");
    const text = await shows(/^MPY: soft reboot\nMicroPython v1\.\d+\.\d+ on [^\n]+; Raspberry Pi Pico W with RP2040\nType "help\(\)" for more information\.\n>>>$/m, "reset");
    expect(text).toContain(">>> c, a = s.accept()\n>>>\nMPY: soft reboot\n");
    // the firmware's soft reset closes every socket (the board's RST reaches the PC as a reset or an end)
    expect(["end", "ECONNRESET"]).toContain(await ended);
    client.destroy();
  });

  it("mpremote repl in a terminal: connected, then the banner and >>> (Ctrl-B), code runs, Ctrl-] leaves", async () => {
    const { link } = await bootPico("ttyREPL");
    await tmux("new-session", "-d", "-s", "repl", "-x", "120", "-y", "40", `${PYTHON} ${MPREMOTE} connect ${link} repl`);
    await shows(/^Use Ctrl-] or Ctrl-x to exit this shell$/m, "repl");
    await tmux("send-keys", "-t", "repl", "C-b");
    await shows(/^MicroPython v1\.\d+\.\d+ on [^\n]+; Raspberry Pi Pico W with RP2040\nType "help\(\)" for more information\.\n>>>$/m, "repl");
    await tmux("send-keys", "-t", "repl", "-l", "print(6*7)");
    await tmux("send-keys", "-t", "repl", "Enter");
    await shows(/^>>> print\(6\*7\)\n42\n>>>$/m, "repl");
    await tmux("send-keys", "-t", "repl", "C-]");
    for (let tries = 0; tries < 300 && (await tmux("list-panes", "-t", "repl").then(() => true, () => false)); tries++) await new Promise((r) => setTimeout(r, 100));
    await expect(tmux("list-panes", "-t", "repl")).rejects.toThrow(); // mpremote ended: its tmux session closed
  });
});
