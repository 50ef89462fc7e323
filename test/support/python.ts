import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

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

/** mpremote from ../shared beside the repository (as in CI's clone), run with Debian's Python. */
export const MPREMOTE = fileURLToPath(new URL("../../../shared/tools/mpremote/mpremote.py", import.meta.url));

/** Runs `mpremote ARGS`; resolves with stdout (CRs removed), rejects with its output. */
export function mpremote(args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [MPREMOTE, ...args], { timeout: timeoutMs, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(new Error(`mpremote ${args.join(" ")}: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout.replace(/\r/g, ""));
    });
  });
}

/**
 * pyserial opens the port (serial_for_url: a device path or rfc2217://), changes the baud rate, sends
 * bytes that need care (0xff, NUL, LF) and Ctrl-A; prints the 8 bytes echoed (hex), then the 27 after.
 */
export const PYSERIAL_ROUND_TRIP = `
import serial, sys
s = serial.serial_for_url(sys.argv[1], baudrate=115200, timeout=10)
s.baudrate = 9600
s.write(b"hello\\xff\\x00\\n")
print(s.read(8).hex())
s.write(b"\\x01")
print(s.read(27))
s.close()
`;
