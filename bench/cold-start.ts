import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Milliseconds from spawning `args` until its stdout contains `marker`. */
export function timeToOutput(args: string[], marker: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(marker)) {
        const ms = performance.now() - start;
        child.kill("SIGKILL");
        resolve(ms);
      }
    });
    child.on("close", () => reject(new Error(`exited before printing ${marker}`)));
  });
}

export function boardsimServer(port: number): string[] {
  return [path.join(ROOT, "bin/boardsim.js"), "run", "--board", "pico_w", "--role", "server", "--profile", "fast", "--port", String(port), "--log-level", "silent"];
}
export const plainNodeServer = ["-e", "require('net').createServer().listen(0, '127.0.0.1', () => console.log('listening'))"];
