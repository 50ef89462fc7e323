// Grading a student's script from the command line: --expect-text / --fail-text decide the exit code.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { boardsim as start, killStarted } from "./support/cli.ts";

afterEach(killStarted);

const dir = mkdtempSync(path.join(tmpdir(), "boardsim-expect-"));
function script(name: string, source: string): string {
  writeFileSync(path.join(dir, name), source);
  return path.join(dir, name);
}
const COUNTER = script("counter.py", "import time\nn = 0\nwhile True:\n    n += 1\n    print('round', n)\n    if n == 3:\n        print('Err' + 'or: sensor')\n    time.sleep_ms(50)\n");
const SHORT = script("short.ts", `print("started");\n`);

const boardsim = (...args: string[]) => start("run", "--board", "esp32", "--profile", "fast", "--log-format", "json", ...args);

describe("boardsim run --expect-text / --fail-text", () => {
  it("--expect-text: exit 0 as soon as the console prints it, even split over two prints", async () => {
    const run = boardsim("--script", COUNTER, "--expect-text", "round 2\nround");
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toContain("round 2\nround 3");
    expect(run.stdout()).not.toContain("round 9");
    expect(run.stderr()).toContain('--expect-text: the console printed \\"round 2\\\\nround\\"');
  });

  it("--fail-text: exit 1 when the console prints it first", async () => {
    const run = boardsim("--script", COUNTER, "--expect-text", "round 5", "--fail-text", "Error:");
    expect(await run.exit).toBe(1);
    expect(run.stdout()).not.toContain("round 5");
  });

  it("a script that ends without the expected text: exit 1, and stderr says why", async () => {
    const run = boardsim("--script", SHORT, "--expect-text", "connected");
    expect(await run.exit).toBe(1);
    expect(run.stdout()).toMatch(/started\n$/);
    expect(run.stderr()).toContain('--expect-text: the script ended without printing \\"connected\\"');
  });

  it("neither text within --timeout: exit 124", async () => {
    const run = boardsim("--script", COUNTER, "--expect-text", "never printed", "--timeout", "1s");
    expect(await run.exit).toBe(124);
  });
});

describe("--port and the grading flags without a usable value: one line, exit 2", () => {
  it.each([
    [["--role", "server", "--port"], "boardsim: --port needs a value: a whole number from 1 to 65535 (see boardsim --help)"],
    [["--role", "server", "--port", "abc"], "boardsim: --port must be a whole number from 1 to 65535, not 'abc' (see boardsim --help)"],
    [["--role", "server", "--port", "80.5"], "boardsim: --port must be a whole number from 1 to 65535, not '80.5' (see boardsim --help)"],
    [["--role", "server", "--expect-text"], "boardsim: --expect-text needs a text to look for on the console (see boardsim --help)"],
  ])("%j", async (args, line) => {
    const run = boardsim(...args);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toBe(line + "\n");
  });
});
