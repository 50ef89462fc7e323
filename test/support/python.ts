import { fileURLToPath } from "node:url";
import { execChild } from "./children.ts";

/** Debian's Python, which sees python3-serial (the first python3 on PATH may be a build that does not). */
export const PYTHON = "/usr/bin/python3";

/** Runs a Python program (pyserial clients, mpremote) and resolves with its stdout; rejects with its stderr. */
export async function runPython(code: string, args: string[] = [], timeoutMs = 60_000): Promise<string> {
  const { stdout, stderr, code: exit } = await execChild(PYTHON, ["-c", code, ...args], { timeoutMs });
  if (exit !== 0) throw new Error(`python exited ${exit}\n${stderr}`);
  return stdout;
}

/** mpremote from ../shared beside the repository (as in CI's clone), run with Debian's Python. */
export const MPREMOTE = fileURLToPath(new URL("../../../shared/tools/mpremote/mpremote.py", import.meta.url));

/** Runs `mpremote ARGS`; resolves with stdout (CRs removed), rejects with its output. */
export async function mpremote(args: string[], timeoutMs = 120_000): Promise<string> {
  const { stdout, stderr, code } = await execChild(PYTHON, [MPREMOTE, ...args], { timeoutMs });
  if (code !== 0) throw new Error(`mpremote ${args.join(" ")}: exited ${code}\n${stdout}\n${stderr}`);
  return stdout.replace(/\r/g, "");
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
