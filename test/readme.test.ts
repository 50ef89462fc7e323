// The README walked through as a new user would, from the repository's committed files (a clean
// clone, without the network: `git archive HEAD` stands for `git clone`, and `npm ci --offline`
// installs from the npm cache the repository's own `npm ci` filled). Each command run here is quoted
// from the README, so the README cannot drift from what works.
import { execFileSync, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { killChild, spawnChild } from "./support/children.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const README = readFileSync(path.join(ROOT, "README.md"), "utf8");
let clone: string;
const started: ChildProcess[] = [];
// npx runs boardsim as a child of its own: the kill takes the whole process group (a failed or
// timed-out test left `boardsim lab` running when only npx was killed).
afterEach(() => started.splice(0).forEach(killChild));

/** A command of the README, checked to be there word for word. */
function quoted(command: string): string[] {
  expect(README).toContain(command);
  return command.split(" ");
}

/** The README's fenced block of `lang` that follows `after`. */
function block(after: string, lang: string): string {
  const from = README.indexOf(after);
  expect(from).toBeGreaterThanOrEqual(0);
  const start = README.indexOf("```" + lang + "\n", from) + lang.length + 4;
  return README.slice(start, README.indexOf("```", start));
}

interface Run {
  child: ChildProcess;
  out(): string;
  err(): string;
  until(what: () => boolean): Promise<void>;
  exit: Promise<number | null>;
}

function start(args: string[], input?: string): Run {
  const [cmd, ...rest] = args;
  const child = spawnChild(cmd!, rest, { cwd: clone, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  started.push(child);
  let out = "";
  let err = "";
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  child.stdout!.on("data", (c: Buffer) => ((out += c), wake()));
  child.stderr!.on("data", (c: Buffer) => ((err += c), wake()));
  const exit = new Promise<number | null>((resolve) => child.on("close", (code) => (wake(), resolve(code))));
  let exited = false;
  void exit.then(() => (exited = true));
  if (input !== undefined) child.stdin!.end(input);
  return {
    child,
    out: () => out,
    err: () => err,
    exit,
    until: async (what) => {
      while (!what()) {
        if (exited) throw new Error(`${args.join(" ")} exited first\nstdout:\n${out}\nstderr:\n${err}`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

beforeAll(() => {
  clone = mkdtempSync(path.join(tmpdir(), "boardsim-readme-"));
  expect(README).toContain("git clone https://github.com/boardsim/boardsim.git\ncd boardsim\nnpm ci\n");
  execFileSync("sh", ["-c", `git -C "${ROOT}" archive HEAD | tar -x -C "${clone}"`]);
  execFileSync("npm", ["ci", "--offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: clone });
}, 300_000);
afterAll(() => rmSync(clone, { recursive: true, force: true }));

it("quick start and the chapter with nc: the console, where to connect, the echo, the end", async () => {
  const board = start(["npx", ...quoted("boardsim run --board pico_w --role server")]);
  await board.until(() => board.out().includes("accepting.....") && /reach the board at 127\.0\.0\.1:\d+/.test(board.err()));
  expect(board.out()).toMatch(/^MicroPython v1\.23\.0 on 2024-06-02; Raspberry Pi Pico W with RP2040\nType "help\(\)" for more information\.\n(Connect to a wireless network\.\.\.\n)+tcp waiting\.\.\.\nServer IP: 192\.168\.1\.100 \tPort: 8000\naccepting\.\.\.\.\.\n$/);
  const port = /reach the board at 127\.0\.0\.1:(\d+)/.exec(board.err())![1]!;
  const [nc, flag, host] = quoted("nc -N 127.0.0.1 8000");
  const client = start([nc!, flag!, host!, port], "hello\n"); // typing hello, then Ctrl-D
  expect(await client.exit).toBe(0);
  expect(client.out()).toBe("I am Serverhello\n");
  expect(await board.exit).toBe(0);
  expect(board.out()).toContain("b'hello\\n'\nclose socket\n");
});

it("the board as client against the README's Python server: the greeting, ping echoed, Close socket", async () => {
  // The README's 8888 made port 0: the OS picks a free port, which the server prints first.
  const server = block("A Python server", "python").replace("8888", "0").replace("s.listen(1)\n", "s.listen(1)\nprint(s.getsockname()[1], flush=True)\n");
  expect(server).toContain("print(s.getsockname()[1], flush=True)");
  writeFileSync(path.join(clone, "server.py"), server);
  const real = start(quoted("python3 server.py"));
  await real.until(() => /^\d+\n/.test(real.out()));
  const port = /^(\d+)\n/.exec(real.out())![1]!;
  const board = start(["npx", ...quoted("boardsim run --board esp32 --role client"), "--port", port]);
  expect(await real.exit).toBe(0);
  expect(real.out()).toBe(`${port}\nb'HelloThis is my IP.'\nb'ping'\n`);
  expect(await board.exit).toBe(0);
  expect(board.out()).toContain("Close socket");
});

it("the small lab file, and the README's big one, both end", async () => {
  const small = start(["npx", ...quoted("boardsim lab examples/lab.yaml")]);
  expect(await small.exit, small.err()).toBe(0);
  // Every line the README shows, whichever board joined first (a client port may differ).
  const output = README.indexOf("```\nnpx boardsim lab examples/lab.yaml\n") + 4;
  const shown = README.slice(output, README.indexOf("```", output)).split("\n").slice(1, -1);
  expect(shown.length).toBeGreaterThan(3);
  for (const line of shown) expect(small.out()).toMatch(new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\d{5}/, "\\d+")}$`, "m"));
  const big = block("## Several boards on one WiFi", "yaml").replace('"9000:8000"', '"0:8000"'); // any free PC port
  writeFileSync(path.join(clone, "big.yaml"), big);
  copyFileSync(path.join(clone, "examples/lan-client.ts"), path.join(clone, "lan-client.ts"));
  const run = start(["npx", "boardsim", "lab", "big.yaml"]);
  expect(await run.exit, run.err()).toBe(0);
  // Which client comes first is the boards' race in real time (the README says so); the server at
  // 192.168.1.100 serves one, the other is reset or gives up, as the README tells.
  const served = ["client-1", "client-2"].filter((name) => run.out().includes(`${name} | b'I am Server'`));
  expect(served, run.out()).toHaveLength(1);
  const other = served[0] === "client-1" ? "client-2" : "client-1";
  expect(run.out()).toMatch(new RegExp(`^${other} \\| (the server dropped the connection: \\[Errno 104\\] ECONNRESET|no server: gave up after 5 tries)$`, "m"));
  expect(run.out()).toContain("server   | Server IP: 192.168.1.100");
}, 600_000); // a guard against a hang only: two labs of several boards took over 180 s on a machine at load 23
