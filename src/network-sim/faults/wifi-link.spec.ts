import { describe, expect, it } from "vitest";
import type { TimingProfileName } from "../../boards/profile.ts";
import { Lab } from "../../testing/lab.ts";

/** Joins the WiFi, times connect() to the PC, sends `bytes` and times until the PC's one-byte answer. */
const sender = (bytes: number) => `
import network from "network";
import socket from "socket";
import time from "time";
const wlan = network.WLAN(network.STA_IF);
wlan.active(true);
wlan.connect("boardsim-lab", "micropython");
while (!wlan.isconnected()) time.sleep(0.1);
const s = socket.socket();
let t0 = time.ticks_ms();
s.connect(["192.168.1.2", 8888]);
print("connect", time.ticks_diff(time.ticks_ms(), t0));
t0 = time.ticks_ms();
const chunk = new bytes(10000); // an ESP8266's heap holds no 100 KB buffer
for (let sent = 0; sent < ${bytes}; sent += chunk.length) s.sendall(chunk);
s.recv(1);
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

  it("the fast profile leaves links unshaped: no simulated time passes", async () => {
    expect(await timings("pico_w", "fast", 100_000)).toEqual({ connect: 0, transfer: 0 });
  });
});
