import { execFile } from "node:child_process";

/** Debian's Python, which sees python3-serial (the first python3 on PATH may be a build that does not). */
export const PYTHON = "/usr/bin/python3";

/** Runs a Python program (pyserial clients, mpremote) and resolves with its stdout; rejects with its stderr. */
export function runPython(code: string, args: string[] = [], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, ["-c", code, ...args], { timeout: timeoutMs, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}
