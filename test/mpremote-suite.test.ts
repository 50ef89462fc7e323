import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { execChild } from "./support/children.ts";
import { startCli, type CliRun } from "./support/cli.ts";
import { PYTHON, runPython } from "./support/python.ts";

/**
 * mpremote's own test suite (../shared/tools/mpremote/tests, from the MicroPython repository) against
 * a virtual board, over each transport, as `run-mpremote-tests.sh -t DEVICE` runs it against a real
 * one. docs/console.md lists every test's result and why the others do not pass yet.
 */
const SHARED_MPREMOTE = fileURLToPath(new URL("../../shared/tools/mpremote", import.meta.url));
/** The tests that pass on every transport; the test fails if one of them does not. */
const PASSING = ["test_errno.sh", "test_eval_exec_run.sh", "test_filesystem.sh", "test_fs_tree.sh", "test_mip_local_install.sh", "test_mount.sh", "test_recursive_cp.sh"];
const SUITE_MS = 15 * 60_000;
/**
 * The suite's scripts in two shares, run at the same time, each against a board of its own (as the
 * script runs any list of them: `run-mpremote-tests.sh -t DEVICE test_x.sh ...`). Each of the ≈ 200
 * mpremote steps mostly waits (pyserial's RFC 2217 open and close sleep ≈ 0.7 s of its ≈ 1.1 s), and
 * test_filesystem.sh alone has about half of them.
 */
const SCRIPTS = readdirSync(path.join(SHARED_MPREMOTE, "tests")).filter((f) => /^test_\w+\.sh$/.test(f));
const SHARES = [["test_filesystem.sh"], SCRIPTS.filter((f) => f !== "test_filesystem.sh")];

const work = mkdtempSync(path.join(tmpdir(), "boardsim-mpremote-"));
const runs: CliRun[] = [];
afterAll(() => {
  runs.forEach((r) => r.child.kill("SIGKILL"));
  rmSync(work, { recursive: true, force: true });
});

/** A writable copy of mpremote and its tests, and a PATH whose python3 is Debian's (which has pyserial). */
function suiteCopy(name: string): { tests: string; pathEnv: string } {
  const root = path.join(work, name);
  cpSync(SHARED_MPREMOTE, root, { recursive: true });
  chmodSync(root, 0o755);
  const shim = path.join(work, `${name}-bin`);
  mkdirSync(shim);
  symlinkSync(PYTHON, path.join(shim, "python3"));
  return { tests: path.join(root, "tests"), pathEnv: `${shim}:${process.env.PATH}` };
}

/**
 * The environment a student's shell gives mpremote: PYTHONUNBUFFERED (set on some CI machines)
 * would write mpremote's own print()s at once instead of at its exit, and the .exp files, made with
 * Python's default buffering, show e.g. "Local directory ... is mounted" after the board's output.
 */
function suiteEnv(pathEnv: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: pathEnv };
  delete env.PYTHONUNBUFFERED;
  return env;
}

/** Runs the suite's `scripts` against `device`; resolves with each test's verdict (OK, FAIL, CRASH, skip) and the whole output. */
async function runSuite(device: string, name: string, scripts: string[]): Promise<{ verdicts: Record<string, string>; output: string }> {
  const { tests, pathEnv } = suiteCopy(name);
  // The script and the mpremote processes it starts are killed together after SUITE_MS (a hang guard).
  const args = ["./run-mpremote-tests.sh", "-t", device, ...scripts.map((f) => `./${f}`)];
  const { stdout, stderr, code } = await execChild("bash", args, { cwd: tests, env: suiteEnv(pathEnv), timeoutMs: SUITE_MS });
  if (code !== 0) throw new Error(`run-mpremote-tests.sh exited ${code}\n${stdout}\n${stderr}`);
  const verdicts: Record<string, string> = {};
  for (const m of stdout.matchAll(/^\.\/(test_\w+\.sh): (OK|FAIL|CRASH|skip)$/gm)) verdicts[m[1]!] = m[2]!;
  return { verdicts, output: stdout };
}

async function boot(board: string, serial: string): Promise<string> {
  const run = startCli(["run", "--board", board, "--profile", "fast", "--serial", serial, "--flash", mkdtempSync(path.join(work, "flash-")), "--log-format", "json"]);
  runs.push(run);
  const line = await run.logged((l) => typeof l.serial === "string");
  const where = (line.link as string | undefined) ?? (line.serial as string);
  await runPython(`import serial, sys\ns = serial.serial_for_url(sys.argv[1], timeout=60)\ns.write(b"\\r")\ns.read_until(b">>> ")`, [where]);
  return where;
}

describe.concurrent("mpremote's own test suite", () => {
  it.each([
    ["RFC 2217", "esp32", () => "rfc2217:0"],
    ["a PTY", "esp32", (share: number) => `pty:${path.join(work, `ttyBOARD${share}`)}`],
  ])(
    "over %s: the tests listed in docs/console.md as passing pass",
    async (transport, board, serial) => {
      const shares = await Promise.all(
        SHARES.map(async (scripts, share) => runSuite(await boot(board, serial(share)), `${transport.replace(/\W/g, "")}${share}`, scripts)),
      );
      const verdicts = Object.assign({}, ...shares.map((s) => s.verdicts)) as Record<string, string>;
      const output = shares.map((s) => s.output).join("\n");
      console.log(`mpremote suite over ${transport}: ${JSON.stringify(verdicts)}`);
      for (const test of PASSING) expect(verdicts[test], `${test} over ${transport}\n${output}`).toBe("OK");
    },
    SUITE_MS,
  );
});
