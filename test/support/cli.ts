import type { ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";
import { killChild, spawnChild } from "./children.ts";

/** Signals a process dies of when it crashes (V8's checks abort or trap; a fault). */
const CRASHES = new Set(["SIGSEGV", "SIGABRT", "SIGTRAP", "SIGILL", "SIGBUS", "SIGFPE"]);

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../bin/boardsim.js");

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout contains `text`. */
  printed(text: string): Promise<void>;
  /** Resolves with the first JSON log line (run with --log-format json) that matches. */
  logged(match: (line: LogLine) => boolean): Promise<LogLine>;
  exit: Promise<number | null>;
}

/** Starts `boardsim ARGS` as a real process (bin/boardsim.js, or another entry such as the bundle), in `where`'s folder and environment. */
export function startCli(args: string[], entry = BIN, where: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const child = spawnChild(process.execPath, [entry, ...args], { stdio: ["ignore", "pipe", "pipe"], ...where });
  let out = "";
  let err = "";
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  child.stdout!.on("data", (c: Buffer) => ((out += c.toString("utf8")), wake()));
  child.stderr!.on("data", (c: Buffer) => ((err += c.toString("utf8")), wake()));
  const exit = new Promise<number | null>((resolve) =>
    child.on("close", (code, signal) => {
      // A crash (not the tests' own SIGKILL): the exit code alone says null; keep what it printed.
      if (signal !== null && CRASHES.has(signal)) console.error(`boardsim ${args.join(" ")}: ended by ${signal}\nstdout:\n${out}\nstderr:\n${err}`);
      wake();
      resolve(code);
    }),
  );
  let exited = false;
  void exit.then(() => (exited = true));

  async function until<T>(find: () => T | undefined, what: string): Promise<T> {
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (exited) throw new Error(`boardsim exited before ${what}\nstdout:\n${out}\nstderr:\n${err}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }
  const logLines = () =>
    err
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as LogLine);

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    printed: (text) => until(() => (out.includes(text) ? true : undefined), `printing ${JSON.stringify(text)}`).then(() => {}),
    logged: (match) => until(() => logLines().find(match), "the expected log line"),
    exit,
  };
}

/** What one end of a loopback connection has received, read in exact amounts. */
export interface Collected {
  socket: net.Socket;
  /** Resolves with the next `bytes` bytes received. */
  received(bytes: number): Promise<Buffer>;
  /** Resolves once the peer has closed its side. */
  ended: Promise<void>;
}

/** Collects what `socket` receives. */
export function collect(socket: net.Socket): Collected {
  let buffer = Buffer.alloc(0);
  const waiters: (() => void)[] = [];
  socket.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    waiters.splice(0).forEach((w) => w());
  });
  socket.on("close", () => waiters.splice(0).forEach((w) => w()));
  const ended = new Promise<void>((resolve) => socket.once("end", resolve).once("close", resolve));
  return {
    socket,
    ended,
    async received(bytes: number): Promise<Buffer> {
      while (buffer.length < bytes) {
        if (socket.destroyed || socket.readableEnded) throw new Error(`connection closed after ${buffer.length} of ${bytes} bytes`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
      const out = buffer.subarray(0, bytes);
      buffer = buffer.subarray(bytes);
      return out;
    },
  };
}

/** A TCP client on loopback that collects what it receives. */
export async function connectClient(port: number): Promise<Collected> {
  const socket = net.connect({ host: "127.0.0.1", port });
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  return collect(socket);
}

/**
 * A loopback port that refuses connections and stays so until release(): the local end of a live
 * connection. No listener holds it (a SYN to it is answered with RST) and nothing else can bind it,
 * unlike a port found free and closed again (check-then-use).
 */
export async function closedPort(): Promise<{ port: number; release: () => void }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = net.connect({ host: "127.0.0.1", port: (server.address() as net.AddressInfo).port });
  await new Promise<void>((resolve, reject) => client.once("connect", resolve).once("error", reject));
  return {
    port: client.localPort!,
    release: () => {
      client.destroy();
      server.close();
    },
  };
}

/** closedPort() for the current test: released when it ends. */
export async function refusingPort(): Promise<number> {
  const { port, release } = await closedPort();
  onTestFinished(release);
  return port;
}

/** A TCP server on a loopback port (a free one by default); `connection` resolves with its first accepted connection. */
export async function listenServer(port = 0): Promise<{ server: net.Server; port: number; connection: Promise<Collected> }> {
  let accepted!: (c: Collected) => void;
  const connection = new Promise<Collected>((resolve) => (accepted = resolve));
  const server = net.createServer((socket) => accepted(collect(socket)));
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
  return { server, port: (server.address() as net.AddressInfo).port, connection };
}

const started: CliRun[] = [];

/** Starts `boardsim ARGS` and remembers it for killStarted(). */
export function boardsim(...args: string[]): CliRun {
  const run = startCli(args);
  started.push(run);
  return run;
}

/** Kills every boardsim that boardsim() started and is still running: `afterEach(killStarted)`. */
export function killStarted(): void {
  for (const run of started.splice(0)) killChild(run.child);
}
