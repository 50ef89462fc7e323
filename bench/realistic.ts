import { once } from "node:events";
import net from "node:net";
import { connect, reader, scriptFile, startBoard } from "./support.ts";

/** What board-numbers.md (shared docs, §2 and §7) gives for each board: medians and the middle of ranges. */
export const REAL_BOARDS = {
  pico_w: { joinMs: 3500, connectMs: 5, throughputMBs: 0.675, source: "§7: join median 3.5 s; 0.6-0.75 MB/s; RTT ~5 ms" },
  esp32: { joinMs: 1800, connectMs: 5.3, throughputMBs: 0.95, source: "§7: join median 1.8 s; 0.7-1.2 MB/s; connect 5.3 ms avg (#12819)" },
  esp8266: { joinMs: 3000, connectMs: 5, throughputMBs: 0.2, source: "§7: join median 3 s; 0.1-0.3 MB/s (UNVERIFIED); RTT ~5 ms" },
} as const;

const CONNECTS = 20;
const PAYLOAD = 512 * 1024;

/**
 * A board script that times its WiFi join and CONNECTS connects to the PC, then serves one client
 * that sends PAYLOAD bytes, answering "k" once they are all in.
 */
const SCRIPT = `
import config from "config";
import network from "network";
import socket from "socket";
import time from "time";
const wlan = network.WLAN(network.STA_IF);
wlan.active(true);
let t0 = time.ticks_ms();
wlan.connect(config.ssid, config.password);
while (!wlan.isconnected()) time.sleep_ms(5);
print("join", time.ticks_diff(time.ticks_ms(), t0));
t0 = time.ticks_ms();
for (let i = 0; i < ${CONNECTS}; i++) {
  const c = socket.socket();
  c.connect([config.host, config.port]);
  c.close();
}
print("connect", time.ticks_diff(time.ticks_ms(), t0) / ${CONNECTS});
const s = socket.socket();
s.bind(["0.0.0.0", 0]);
s.listen(1);
const [conn] = s.accept();
let n = 0;
while (n < ${PAYLOAD}) n += len(conn.recv(4096));
conn.send("k");
conn.close();
s.close();
`;

export interface RealisticFigures {
  joinMs: number;
  connectMs: number;
  throughputMBs: number;
}

/** One run of `board` with --profile realistic: its join and connect times, and PC-to-board throughput. */
export async function realisticRun(board: string): Promise<RealisticFigures> {
  const pcServer = net.createServer((socket) => socket.on("error", () => {}).resume());
  pcServer.listen(0, "127.0.0.1");
  await once(pcServer, "listening");
  const port = (pcServer.address() as net.AddressInfo).port;
  try {
    const run = await startBoard(await scriptFile("realistic.ts", SCRIPT), { board, timing: "realistic", config: { port } });
    const joinMs = Number((await run.printed(/join (\S+)/))[1]);
    const connectMs = Number((await run.printed(/connect (\S+)/))[1]);
    const socket = await connect(await run.hostPort);
    const read = reader(socket);
    const start = performance.now();
    socket.write(Buffer.alloc(PAYLOAD, 7));
    await read(1);
    const throughputMBs = PAYLOAD / 1e6 / ((performance.now() - start) / 1000);
    socket.end();
    await run.done;
    return { joinMs, connectMs, throughputMBs };
  } finally {
    pcServer.close();
  }
}
