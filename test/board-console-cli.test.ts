import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { spawnChild } from "./support/children.ts";

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), "../bin/boardsim.js");

/** `boardsim ARGS` with `input` piped to its stdin; resolves with what it printed and its exit code. */
function runPiped(args: string[], input: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const child = spawnChild(process.execPath, [BIN, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString("latin1")));
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  child.stdin!.end(input);
  return new Promise((resolve) => child.on("close", (code) => resolve({ stdout, stderr, code })));
}

describe("boardsim run --board B, no script: the board's REPL on stdin/stdout", () => {
  it("boots to >>>, runs piped lines, keeps files in --flash DIR (named on stderr), exits 0 at the input's end", async () => {
    const folder = mkdtempSync(path.join(tmpdir(), "boardsim-cli-"));
    const flash = path.join(folder, "flash");
    const { stdout, stderr, code } = await runPiped(["run", "--board", "pico_w", "--flash", flash, "--log-format", "json"], "print(1+1)\nopen('note.txt', 'w').write('hi')\n");
    expect(stdout).toBe(
      'MicroPython v1.23.0 on 2024-06-02; Raspberry Pi Pico W with RP2040\r\nType "help()" for more information.\r\n' +
        ">>> print(1+1)\r\n2\r\n>>> open('note.txt', 'w').write('hi')\r\n2\r\n>>> ",
    );
    expect(readFileSync(path.join(flash, "note.txt"), "utf8")).toBe("hi");
    expect(stderr).toContain(`"flash":"${flash}"`);
    expect(code).toBe(0);
    rmSync(folder, { recursive: true, force: true });
  });

  // Single-precision floats printed with 6 digits on ESP8266 (MICROPY_OBJ_REPR_C, py/objfloat.c:105-124 v1.23.0).
  it("a float at the REPL shows the board's digits: ESP8266's six", async () => {
    const folder = mkdtempSync(path.join(tmpdir(), "boardsim-cli-"));
    const { stdout } = await runPiped(["run", "--board", "esp8266", "--flash", path.join(folder, "flash")], "0.1+0.2\n[1/3, 2**0.5]\n");
    expect(stdout.slice(stdout.indexOf(">>> "))).toBe(">>> 0.1+0.2\r\n0.3\r\n>>> [1/3, 2**0.5]\r\n[0.333333, 1.41421]\r\n>>> ");
    rmSync(folder, { recursive: true, force: true });
  });

  it("a flash folder that is a file: one line, exit 2", async () => {
    const { stderr, code } = await runPiped(["run", "--board", "esp32", "--flash", BIN], "");
    expect(stderr.split("\n")).toEqual([`boardsim: cannot use flash folder '${BIN}': not a folder`, ""]);
    expect(code).toBe(2);
  });

  it("a flash folder that cannot be created (under /proc/sys, where mkdir says ENOENT): one line, exit 2, no hang", async () => {
    // Node's recursive mkdir loops for ever there; a folder without write permission is "not writable" the same way
    const dir = "/proc/sys/kernel/boardsim-flash/esp32";
    const { stderr, code } = await runPiped(["run", "--board", "esp32", "--flash", dir], "");
    expect(stderr.split("\n")).toEqual([`boardsim: cannot use flash folder '${dir}': cannot be created there`, ""]);
    expect(code).toBe(2);
  });
});

describe("boardsim run --script F.py without a console", () => {
  it("imports the .py files beside the script (secrets.py), and exits as today", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "boardsim-script-"));
    writeFileSync(path.join(dir, "secrets.py"), "PASSWORD = 'hunter2'\n");
    writeFileSync(path.join(dir, "app.py"), "import secrets\nprint(secrets.PASSWORD)\n");
    const { stdout, code } = await runPiped(["run", "--board", "esp32", "--script", path.join(dir, "app.py")], "");
    expect(stdout).toContain("hunter2\n");
    expect(code).toBe(0);
  });
});
