import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { execChild } from "./support/children.ts";

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), "../bin/boardsim.js");
const dir = mkdtempSync(path.join(tmpdir(), "boardsim-stdio-"));

/** Runs `boardsim run --script` (a .py file) with its stdout into the shell pipeline `reader`; resolves with the pipeline's stdout, boardsim's stderr and exit code. */
async function pipeInto(source: string, reader: string, ext = "py"): Promise<{ out: string; err: string; code: string }> {
  const script = path.join(dir, `s${Math.random().toString(36).slice(2)}.${ext}`);
  writeFileSync(script, source);
  const errFile = `${script}.err`;
  const pipeline = `'${process.execPath}' '${BIN}' run --board pico_w --script '${script}' --profile fast --log-level warn 2>'${errFile}' | ${reader}; echo "exit=\${PIPESTATUS[0]}"; cat '${errFile}' >&2`;
  // A hang guard only: the whole pipeline (boardsim and the reader) is killed after it.
  const { stdout, stderr } = await execChild("bash", ["-c", pipeline], { timeoutMs: 120_000 });
  const code = /exit=(\d+)\n$/.exec(stdout)?.[1] ?? "?";
  return { out: stdout.replace(/exit=\d+\n$/, ""), err: stderr, code };
}

/** Runs `boardsim run --script` (a .ts file) with stdout and stderr into one pipe, as a terminal shows them; resolves with what came through it. */
async function mergedOutput(source: string): Promise<{ lines: string[]; code: string }> {
  const script = path.join(dir, `m${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(script, source);
  const pipeline = `'${process.execPath}' '${BIN}' run --board pico_w --script '${script}' --profile fast 2>&1 | cat; echo "exit=\${PIPESTATUS[0]}"`;
  const { stdout } = await execChild("bash", ["-c", pipeline], { timeoutMs: 120_000 });
  return { lines: stdout.replace(/exit=\d+\n$/, "").split("\n"), code: /exit=(\d+)\n$/.exec(stdout)?.[1] ?? "?" };
}

describe("the console on stdout (issue 14: lossless, back-pressured)", () => {
  it.each([
    ["py", `line = "x" * 1023\nfor i in range(1024):\n    print(line)\n`],
    ["ts", `const line = "x".repeat(1023);\nfor (let i = 0; i < 1024; i++) print(line);\n`],
  ])("1 MB printed (.%s) into a reader that starts late arrives whole before boardsim exits", async (ext, source) => {
    const { out, code } = await pipeInto(source, "(sleep 1; wc -c)", ext);
    expect(Number(out.trim())).toBeGreaterThanOrEqual(1024 * 1024); // the banner, then 1024 lines of 1024 bytes
    expect(code).toBe("0");
  });

  it.each([
    ["py", `line = "y" * 1023\nfor i in range(200):\n    print(line)\nraise ValueError("late")\n`],
    ["ts", `const line = "y".repeat(1023);\nfor (let i = 0; i < 200; i++) print(line);\nthrow new ValueError("late");\n`],
  ])("a traceback after 200 kB of output (.%s) arrives, and the exit code is the script's", async (ext, source) => {
    const { out, code } = await pipeInto(source, "(sleep 1; cat)", ext);
    expect(out.split("y".repeat(1023)).length - 1).toBe(200);
    expect(out).toMatch(/Traceback \(most recent call last\):\n(.*\n)+ValueError: late\n$/);
    expect(code).toBe("1");
  });

  it("a reader that leaves early (| head -c 100) ends boardsim quietly: no Node stack, exit 141 like SIGPIPE", async () => {
    const { out, err, code } = await pipeInto(`line = "z" * 100\nwhile True:\n    print(line)\n`, "head -c 100");
    expect(out.length).toBe(100);
    expect(err).not.toMatch(/Error|    at /);
    expect(code).toBe("141");
  });

  it("a turn's prints go out as one write, yet in order with the log on stderr, all of them before the traceback and the exit", async () => {
    const { lines, code } = await mergedOutput(
      [
        `import network from "network";`,
        `import time from "time";`,
        `import config from "config";`,
        `print("before");`,
        `const wlan = network.WLAN(network.STA_IF);`,
        `wlan.active(true);`,
        `wlan.connect(config.ssid, config.password);`,
        `while (!wlan.isconnected()) time.sleep(0.1);`,
        `print("after");`,
        `for (let i = 0; i < 3000; i++) print("line " + i);`,
        `throw new ValueError("late");`,
        ``,
      ].join("\n"),
    );
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    expect(at(/^before$/)).toBeGreaterThan(0);
    expect(at(/WiFi associated/)).toBeGreaterThan(at(/^before$/));
    expect(at(/^after$/)).toBeGreaterThan(at(/DHCP lease/));
    const printed = lines.slice(at(/^after$/) + 1, at(/^after$/) + 3001);
    expect(printed).toEqual(Array.from({ length: 3000 }, (_, i) => `line ${i}`));
    expect(lines[at(/^after$/) + 3001]).toBe("Traceback (most recent call last):");
    expect(at(/^ValueError: late$/)).toBeLessThan(at(/WiFi disconnected/)); // the board's shutdown, logged after the traceback
    expect(code).toBe("1");
  });
});
