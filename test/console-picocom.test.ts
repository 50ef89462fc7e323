import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { startCli, type CliRun } from "./support/cli.ts";
import { runPython } from "./support/python.ts";

const exec = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), "boardsim-picocom-"));
/** A tmux server of this test's own, so nothing else's sessions are touched. */
const TMUX = ["-L", `boardsim-${process.pid}`];
const runs: CliRun[] = [];
afterAll(async () => {
  runs.forEach((r) => r.child.kill("SIGKILL"));
  await exec("tmux", [...TMUX, "kill-server"]).catch(() => {});
});

const tmux = (...args: string[]) => exec("tmux", [...TMUX, ...args]);
const screen = async () => (await tmux("capture-pane", "-p", "-t", "picocom")).stdout;

/** Resolves once picocom's screen matches `pattern` (polls the pane: tmux has no event for it). */
async function shows(pattern: RegExp): Promise<string> {
  for (let tries = 0; tries < 300; tries++) {
    const text = await screen();
    if (pattern.test(text)) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`picocom never showed ${pattern}:\n${await screen()}`);
}

describe("picocom on the board's PTY", () => {
  it("the REPL in picocom: Ctrl-C typed at a blocking accept() gives the firmware's KeyboardInterrupt traceback", async () => {
    const link = path.join(dir, "ttyPICO");
    const run = startCli(["run", "--board", "pico_w", "--profile", "fast", "--serial", `pty:${link}`, "--flash", path.join(dir, "flash"), "--log-format", "json"]);
    runs.push(run);
    await run.logged((l) => l.link === link);
    await runPython(`import serial, sys\ns = serial.Serial(sys.argv[1], timeout=60)\ns.write(b"\\r")\ns.read_until(b">>> ")`, [link]);

    await tmux("new-session", "-d", "-s", "picocom", "-x", "120", "-y", "40", `picocom -q -b 115200 ${link}`);
    await tmux("send-keys", "-t", "picocom", "Enter");
    await shows(/^>>>$/m); // tmux drops trailing spaces
    await tmux("send-keys", "-t", "picocom", "-l", "import socket; s = socket.socket(); s.bind(('', 8000)); s.listen(1)");
    await tmux("send-keys", "-t", "picocom", "Enter");
    await run.logged((l) => typeof l.boardAddress === "string" && l.boardAddress.endsWith(":8000"));
    await tmux("send-keys", "-t", "picocom", "-l", "s.accept()");
    await tmux("send-keys", "-t", "picocom", "Enter");
    await shows(/^>>> s\.accept\(\)\s*$/m);
    await tmux("send-keys", "-t", "picocom", "C-c");
    const text = await shows(/^KeyboardInterrupt:\n>>>$/m);
    expect(text).toMatch(/^>>> s\.accept\(\)\nTraceback \(most recent call last\):\n  File "<stdin>", line 1, in <module>\nKeyboardInterrupt:\n>>>$/m);
  }, 90_000);
});
