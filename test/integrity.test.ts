import { createHash, randomBytes } from "node:crypto";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { BOARDS } from "../src/boards/index.ts";
import { startScript, type ScriptRun, type StartOptions } from "./support/run-script.ts";

const running: ScriptRun[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const run of running.splice(0)) {
    run.board.interrupt();
    await run.done;
  }
});

/** A board-side echo server: serves one connection after another until the client closes, recv/sendall. */
async function echoServer(backlog: number, opts: StartOptions = {}): Promise<{ run: ScriptRun; port: number }> {
  const run = await startScript(`
    import socket from "socket";
    const s = socket.socket();
    s.bind(["0.0.0.0", 0]);
    s.listen(${backlog});
    while (true) {
      const [conn, addr] = s.accept();
      print(addr, "connected");
      try {
        while (true) {
          const data = conn.recv(6400);
          if (len(data) === 0) break;
          conn.sendall(data);
        }
      } catch (e) {
        print("error", e);
      }
      conn.close();
    }
  `, "pico_w", "main.ts", opts);
  running.push(run);
  const forward = await run.logged((l) => l.msg.startsWith("forward "));
  return { run, port: forward.hostPort as number };
}

interface Client {
  socket: net.Socket;
  /** Everything the server sent until it closed, or "reset" if the connection was reset. */
  result: Promise<Buffer | "reset">;
}

async function connect(port: number): Promise<Client> {
  const socket = net.connect({ host: "127.0.0.1", port });
  sockets.push(socket);
  const chunks: Buffer[] = [];
  socket.on("data", (c: Buffer) => chunks.push(c));
  const result = new Promise<Buffer | "reset">((resolve, reject) => {
    socket.on("error", (e: NodeJS.ErrnoException) => (e.code === "ECONNRESET" || e.code === "EPIPE" ? resolve("reset") : reject(e)));
    socket.on("end", () => resolve(Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  return { socket, result };
}

/** Sends `payload`, half-closes, and checks the echo is byte-exact. */
async function echoes(client: Client, payload: Buffer): Promise<boolean> {
  client.socket.end(payload);
  const got = await client.result;
  return got !== "reset" && got.equals(payload);
}

function countLogs(run: ScriptRun, pattern: RegExp): number {
  return run.logs().filter((l) => pattern.test(l.msg)).length;
}

async function logCount(run: ScriptRun, pattern: RegExp, count: number): Promise<void> {
  while (countLogs(run, pattern) < count) await run.logged((l) => pattern.test(l.msg) && countLogs(run, pattern) >= count);
}

/** Streams `total` random bytes through the echo server at `port`; resolves with both SHA-256 digests and the byte count back. */
async function echoDigests(port: number, total: number): Promise<{ sent: string; received: string; bytes: number }> {
  const client = await connect(port);
  const sent = createHash("sha256");
  const received = createHash("sha256");
  let bytes = 0;
  client.socket.on("data", (c: Buffer) => {
    received.update(c);
    bytes += c.length;
  });
  for (let offset = 0; offset < total; offset += 1 << 20) {
    const chunk = randomBytes(Math.min(1 << 20, total - offset));
    sent.update(chunk);
    if (!client.socket.write(chunk)) await new Promise((resolve) => client.socket.once("drain", resolve));
  }
  client.socket.end();
  await client.result;
  return { sent: sent.digest("hex"), received: received.digest("hex"), bytes };
}

describe("data integrity through a board-side echo server over the host bridge", () => {
  it("64 MiB of random bytes come back byte-exact (SHA-256)", async () => {
    const { run, port } = await echoServer(1);
    const total = 64 * 1024 * 1024;
    const { sent, received, bytes } = await echoDigests(port, total);
    expect(bytes).toBe(total);
    expect(received).toBe(sent);
    await run.printed("connected\n");
  });

  // Smaller payloads: each fault holds the data on purpose (the bandwidth cap is the point of it).
  it.each([
    ["slicer:size=512,variation=400,delay=0", 4 << 20],
    ["slicer:size=64,variation=60,delay=1ms", 128 << 10],
    ["bandwidth:rate=16M", 8 << 20],
    ["latency:ms=5,jitter=4ms", 4 << 20],
  ])("under --fault %s, %i random bytes come back byte-exact", async (fault, total) => {
    const { port } = await echoServer(1, { faults: [fault] });
    const { sent, received, bytes } = await echoDigests(port, total);
    expect(bytes).toBe(total);
    expect(received).toBe(sent);
  });
});

describe("50 concurrent host clients against the Pico W's listen backlog and PCB limits", () => {
  const { tcpPcbs } = BOARDS.pico_w!.socket;
  const CLIENTS = 50;

  it("listen(2): two connections wait in the accept queue, the rest are reset; the accepted ones echo byte-exact", async () => {
    const { run, port } = await echoServer(2);
    const first = await connect(port);
    await run.printed("connected\n"); // the board now sits in recv() on the first connection
    const others = await Promise.all(Array.from({ length: CLIENTS - 1 }, () => connect(port)));
    const refused = CLIENTS - 1 - 2;
    await logCount(run, /reset: accept queue full \(backlog 2\)/, refused);

    const outcomes = await Promise.all(
      [first, ...others].map(async (client) => {
        const payload = randomBytes(32 * 1024);
        client.socket.end(payload);
        const got = await client.result;
        return got === "reset" ? "reset" : got.equals(payload) ? "echoed" : "corrupted";
      }),
    );
    expect(outcomes.filter((o) => o === "reset")).toHaveLength(refused);
    expect(outcomes.filter((o) => o === "echoed")).toHaveLength(3);
    expect(countLogs(run, /waits: all/)).toBe(0);
  });

  it(`listen(8): beyond ${tcpPcbs} PCBs connections wait instead of being reset, then all 50 echo byte-exact`, async () => {
    const { run, port } = await echoServer(8);
    const first = await connect(port);
    await run.printed("connected\n");
    const others = await Promise.all(Array.from({ length: CLIENTS - 1 }, () => connect(port)));
    // One PCB serves the first client, tcpPcbs - 1 hold queued connections, the rest wait.
    const waiting = CLIENTS - tcpPcbs;
    await logCount(run, /waits: all 5 TCP PCBs in use/, waiting);

    const payloads = Array.from({ length: CLIENTS }, () => randomBytes(64 * 1024));
    const results = await Promise.all([first, ...others].map((client, i) => echoes(client, payloads[i]!)));
    expect(results.filter(Boolean)).toHaveLength(CLIENTS);
    expect(countLogs(run, /reset: accept queue full/)).toBe(0);
    expect(run.output().match(/connected\n/g)).toHaveLength(CLIENTS);
  });
});
