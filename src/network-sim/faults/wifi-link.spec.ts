import { describe, expect, it } from "vitest";
import type { TimingProfileName } from "../../boards/profile.ts";
import { Lab } from "../../testing/lab.ts";

/** A script's start: joins the WiFi and makes a socket. */
const joined = `
import network from "network";
import socket from "socket";
import time from "time";
const wlan = network.WLAN(network.STA_IF);
wlan.active(true);
wlan.connect("boardsim-lab", "micropython");
while (!wlan.isconnected()) time.sleep(0.1);
const s = socket.socket();
`;

/** Joins the WiFi, times connect() to the PC, sends `bytes` and times until the PC's one-byte answer. */
const sender = (bytes: number) => `${joined}let t0 = time.ticks_ms();
s.connect(["192.168.1.2", 8888]);
print("connect", time.ticks_diff(time.ticks_ms(), t0));
t0 = time.ticks_ms();
const chunk = new bytes(10000); // an ESP8266's heap holds no 100 KB buffer
for (let sent = 0; sent < ${bytes}; sent += chunk.length) s.sendall(chunk);
s.recv(1);
print("transfer", time.ticks_diff(time.ticks_ms(), t0));`;

/** Asks the PC for `bytes` and times them from the first read to the last. */
const receiver = (bytes: number) => `${joined}s.connect(["192.168.1.2", 8888]);
s.send("g");
let n = len(s.recv(4096));
const t0 = time.ticks_ms();
while (n < ${bytes}) n += len(s.recv(4096));
print("transfer", time.ticks_diff(time.ticks_ms(), t0));`;

/** Simulated ms for connect() and for `bytes` to the PC and one byte back, on `board` with `timing`. */
async function timings(board: string, timing: TimingProfileName, bytes: number) {
  const lab = new Lab({ timing });
  const server = lab.pc.listen(8888);
  void server.accept().then(async (c) => {
    let received = 0;
    while (received < bytes) received += (await c.recv()).length;
    await c.send("k");
  });
  const b = await lab.addBoard({ board, source: sender(bytes) });
  await b.finished();
  const [connect, transfer] = b.lines().slice(-2).map((line) => Number(line.split(" ")[1]));
  return { connect, transfer };
}

describe("the realistic profile's WiFi hop (wlan.timing.realistic.link)", () => {
  it("a Pico W sends 100 KB at its 675 kB/s; connect() takes its 5 ms round trip", async () => {
    const { connect, transfer } = await timings("pico_w", "realistic", 100_000);
    expect(connect).toBe(5);
    // 100,000 B / 675 kB/s = 148.1 ms, then the last byte's half round trip and the answer's.
    expect(transfer).toBeGreaterThanOrEqual(152);
    expect(transfer).toBeLessThanOrEqual(154);
  });

  it("an ESP8266 sends 100 KB at its 200 kB/s", async () => {
    const { transfer } = await timings("esp8266", "realistic", 100_000);
    expect(transfer).toBeGreaterThanOrEqual(504);
    expect(transfer).toBeLessThanOrEqual(506);
  });

  it("the PC sends to an ESP32 at its 5760 B window per round trip: a read reopens the window at once, not at the next segment's arrival", async () => {
    // 20 ms more each way (a latency fault): each 1440 B segment comes back to the PC as window
    // 1.5 ms (on the air at 950 kB/s) + 2.5 ms (half the hop's round trip) + 20 ms after it left,
    // so 5760 B per 24 ms, 240 kB/s. lwIP announces a read's room at once (esp-lwip src/core/tcp.c
    // tcp_recved: an explicit window update once it grew by TCP_WND_UPDATE_THRESHOLD, opt.h's
    // min(TCP_WND / 4, 4 * TCP_MSS), 1440 B on the ESP32). The PC heard of it only with the next
    // segment's arrival: about 4320 B per round trip, 532 ms here instead of 409.
    const lab = new Lab({ timing: "realistic", faults: ["latency:ms=20"] });
    const server = lab.pc.listen(8888);
    void server.accept().then(async (c) => {
      await c.recv(1);
      await c.send(new Uint8Array(100_000));
    });
    const b = await lab.addBoard({ board: "esp32", source: receiver(100_000) });
    await b.finished();
    const ms = Number(b.lines().at(-1)!.split(" ")[1]);
    // (100,000 B - the first read's 1440) / 240 kB/s = 411 ms.
    expect(ms).toBeGreaterThanOrEqual(400);
    expect(ms).toBeLessThanOrEqual(420);
  });

  it("the fast profile leaves links unshaped: no simulated time passes", async () => {
    expect(await timings("pico_w", "fast", 100_000)).toEqual({ connect: 0, transfer: 0 });
  });
});
