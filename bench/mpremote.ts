/**
 * Bench rows for the console: real mpremote against a virtual ESP32 over RFC 2217 (boardsim as its
 * own process, as a user runs it): `mpremote exec "print(1)"` round trip and `mpremote fs cp` of 100 kB.
 */
import { execFile, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { tempDir } from "./support.ts";

const run = promisify(execFile);
const PYTHON = "/usr/bin/python3";
const MPREMOTE = fileURLToPath(new URL("../../shared/tools/mpremote/mpremote.py", import.meta.url));
const BIN = fileURLToPath(new URL("../bin/boardsim.js", import.meta.url));

export interface MpremoteFigures {
  execMs: number[];
  copyMs: number[];
}

async function timed(args: string[]): Promise<number> {
  const start = performance.now();
  await run(PYTHON, [MPREMOTE, ...args], { timeout: 300_000 });
  return performance.now() - start;
}

export async function mpremoteRuns(runs: number): Promise<MpremoteFigures> {
  const dir = await tempDir();
  const child = spawn(process.execPath, [BIN, "run", "--board", "esp32", "--profile", "fast", "--serial", "rfc2217:0", "--flash", dir, "--log-format", "json"], { stdio: ["ignore", "ignore", "pipe"] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let err = "";
      child.stderr.on("data", (c: Buffer) => {
        err += c.toString();
        const found = /"serial":"(rfc2217:\/\/[^"]+)"/.exec(err);
        if (found) resolve(found[1]!);
      });
      child.once("exit", () => reject(new Error(`boardsim exited: ${err}`)));
    });
    // Booted once the REPL answers Enter with its prompt.
    await run(PYTHON, ["-c", 'import serial, sys\ns = serial.serial_for_url(sys.argv[1], timeout=60)\ns.write(b"\\r")\ns.read_until(b">>> ")', url]);
    const file = path.join(dir, "data.txt");
    // 100 kB of program text (a main.py-like file): printable ASCII, as mpremote sends it best
    writeFileSync(file, Array.from({ length: 1600 }, (_, i) => `print("line ${String(i).padStart(4, "0")} of a generated file, 64 bytes")`.padEnd(63) + "\n").join("").slice(0, 100_000));
    const execMs: number[] = [];
    const copyMs: number[] = [];
    await timed(["connect", url, "exec", "print(1)"]); // warm-up
    for (let i = 0; i < runs; i++) execMs.push(await timed(["connect", url, "exec", "print(1)"]));
    for (let i = 0; i < Math.max(1, Math.floor(runs / 2)); i++) copyMs.push(await timed(["connect", url, "fs", "cp", file, ":data.txt"]));
    return { execMs, copyMs };
  } finally {
    child.kill("SIGKILL");
  }
}
