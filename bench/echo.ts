import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { connect, reader, startBoard } from "./support.ts";

/** A board script that echoes one client: recv(size) then sendall, until the client closes. */
export function echoScript(readSize: number): string {
  return `
    import socket from "socket";
    const s = socket.socket();
    s.bind(["0.0.0.0", 0]);
    s.listen(1);
    const [conn] = s.accept();
    while (true) {
      const data = conn.recv(${readSize});
      if (len(data) === 0) break;
      conn.sendall(data);
    }
    conn.close();
    s.close();
  `;
}

/** The same echo server as a .py script, for the MicroPython engine. */
export function pythonEchoScript(readSize: number): string {
  return [
    "import socket",
    "s = socket.socket()",
    "s.bind(('0.0.0.0', 0))",
    "s.listen(1)",
    "conn, addr = s.accept()",
    "while True:",
    `    data = conn.recv(${readSize})`,
    "    if not data:",
    "        break",
    "    conn.sendall(data)",
    "conn.close()",
    "s.close()",
    "",
  ].join("\n");
}

/**
 * Sends `payloadBytes` to an echo server and reads them back, the same client for every server.
 * Returns MB/s of echoed payload; checks the bytes came back intact.
 */
export async function echoThroughput(port: number, payloadBytes: number, greetingBytes = 0): Promise<number> {
  const socket = await connect(port);
  const read = reader(socket);
  if (greetingBytes > 0) await read(greetingBytes);
  const payload = randomBytes(payloadBytes);
  const start = performance.now();
  const echoed = read(payloadBytes);
  for (let offset = 0; offset < payload.length; offset += 65536) {
    if (!socket.write(payload.subarray(offset, offset + 65536))) await once(socket, "drain");
  }
  const back = await echoed;
  const seconds = (performance.now() - start) / 1000;
  socket.end();
  if (!back.equals(payload)) throw new Error("echo corrupted the payload");
  return payloadBytes / 1e6 / seconds;
}

/** Round trips of `size`-byte messages; returns each round trip in microseconds. */
export async function pingPong(port: number, size: number, count: number, greetingBytes = 0): Promise<number[]> {
  const socket = await connect(port);
  const read = reader(socket);
  if (greetingBytes > 0) await read(greetingBytes);
  const message = randomBytes(size);
  const rtts: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    socket.write(message);
    await read(size);
    rtts.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  socket.end();
  return rtts;
}

/** Echo throughput of a board running `file` (an echo script above), one run on a new board. */
export async function boardEchoRate(file: string, payloadBytes: number): Promise<number> {
  const board = await startBoard(file);
  const rate = await echoThroughput(await board.hostPort, payloadBytes);
  await board.done;
  return rate;
}

/** Round trips through a board running `file` (an echo script above), in microseconds. */
export async function boardRtts(file: string, size: number, count: number): Promise<number[]> {
  const board = await startBoard(file);
  const rtts = await pingPong(await board.hostPort, size, count);
  await board.done;
  return rtts;
}
