import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { afterAll } from "vitest";

/**
 * The process groups the tests of this file started and that are still running. Each child leads a
 * group of its own (detached), so a kill reaches what it started in turn: `npx boardsim` runs node
 * under npx, a shell runs its pipeline. Killing the child alone left `boardsim lab` processes
 * running for hours after a test's timeout.
 */
const groups = new Set<number>();

/** Spawns `command` in a process group of its own, killed with the file's tests at the latest. */
export function spawnChild(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  const pid = child.pid;
  if (pid === undefined) return child; // it failed to start: its "error" event says why
  groups.add(pid);
  // The leader ended (npx and shells wait for what they started): forget the group before its id can be reused.
  child.once("exit", () => groups.delete(pid));
  return child;
}

/** Kills `child`'s process group (SIGKILL): the child and everything it started. */
export function killChild(child: ChildProcess): void {
  if (child.pid !== undefined) killGroup(child.pid);
}

/** Kills every process group spawnChild() started that is still running. */
export function killChildren(): void {
  for (const pid of [...groups]) killGroup(pid);
}

function killGroup(pid: number): void {
  if (!groups.delete(pid)) return; // not ours, or its leader has ended
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: the whole group has ended already
  }
}

/**
 * Runs `command` to its end; resolves with its output and exit code. After `timeoutMs` its whole
 * process group is killed and the promise rejects with what it printed so far (a hang guard).
 */
export function execChild(command: string, args: string[], options: SpawnOptions & { timeoutMs: number }): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const child = spawnChild(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killChild(child);
      reject(new Error(`${command} ${args.join(" ")}: killed after ${options.timeoutMs} ms\n${stdout}\n${stderr}`));
    }, options.timeoutMs);
    child.once("error", (error) => (clearTimeout(timer), reject(error)));
    child.once("close", (code) => (clearTimeout(timer), resolve({ stdout, stderr, code })));
  });
}

// A test that timed out skipped its own clean-up: whatever is left ends with the file, or with the
// worker (a run stopped early).
afterAll(killChildren);
process.once("exit", killChildren);
