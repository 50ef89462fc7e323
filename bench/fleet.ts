/**
 * Row 4, run in a child process of its own (`node --expose-gc --import tsx bench/fleet.ts N [ts|py]`)
 * so its memory is measured alone: N boards on one LAN in simulated time, half servers and half
 * clients that each exchange a message with their server. Prints one JSON line.
 */
import type { LabBoard } from "../src/testing/index.ts";
import { scriptFile } from "./support.ts";

// The built bundle, as `import { Lab } from "boardsim/testing"` loads it (`npm run bench` builds it
// first): run from source under tsx, every closure also carries a name (its keepNames), ≈ 10-33 KB
// more heap per board for every collection to walk.
const testing = new URL("../dist/testing.mjs", import.meta.url).href;
const { Lab } = (await import(testing)) as typeof import("../src/testing/index.ts");

const SERVER = `
import config from "config";
import network from "network";
import socket from "socket";
import time from "time";
const wlan = network.WLAN(network.STA_IF);
wlan.active(true);
wlan.ifconfig([config.host, "255.255.0.0", "10.0.0.1", "10.0.0.1"]);
wlan.connect(config.ssid, config.password);
while (!wlan.isconnected()) time.sleep_ms(10);
const s = socket.socket();
s.bind(["0.0.0.0", 8000]);
s.listen(1);
print("ready");
const [conn] = s.accept();
conn.send(conn.recv(64));
conn.close();
while (true) time.sleep(3600);
`;

const CLIENT = `
import config from "config";
import network from "network";
import socket from "socket";
import time from "time";
const wlan = network.WLAN(network.STA_IF);
wlan.active(true);
wlan.connect(config.ssid, config.password);
while (!wlan.isconnected()) time.sleep_ms(10);
print("ready");
for (;;) {
  const s = socket.socket();
  try {
    s.connect([config.host, 8000]);
    s.send("hello from " + wlan.ifconfig()[0]);
    print("echoed", s.recv(64));
    s.close();
    break;
  } catch (e) {
    s.close();
    time.sleep_ms(50); // the server is not listening yet
  }
}
while (true) time.sleep(3600);
`;

const PY_SERVER = `
import config, network, socket, time
wlan = network.WLAN(network.STA_IF)
wlan.active(True)
wlan.ifconfig((config.host, "255.255.0.0", "10.0.0.1", "10.0.0.1"))
wlan.connect(config.ssid, config.password)
while not wlan.isconnected():
    time.sleep_ms(10)
s = socket.socket()
s.bind(("0.0.0.0", 8000))
s.listen(1)
print("ready")
conn, addr = s.accept()
conn.send(conn.recv(64))
conn.close()
while True:
    time.sleep(3600)
`;

const PY_CLIENT = `
import config, network, socket, time
wlan = network.WLAN(network.STA_IF)
wlan.active(True)
wlan.connect(config.ssid, config.password)
while not wlan.isconnected():
    time.sleep_ms(10)
print("ready")
while True:
    s = socket.socket()
    try:
        s.connect((config.host, 8000))
        s.send("hello from " + wlan.ifconfig()[0])
        print("echoed", s.recv(64))
        s.close()
        break
    except OSError:
        s.close()
        time.sleep_ms(50)  # the server is not listening yet
while True:
    time.sleep(3600)
`;

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const rss = () => (gc(), gc(), process.memoryUsage().rss);
const n = Number(process.argv[2] ?? 100);
const language = process.argv[3] === "py" ? "py" : "ts";
const serverIp = (i: number) => `10.0.${1 + Math.floor(i / 200)}.${10 + (i % 200)}`;
const lan = { gateway: "10.0.0.1", netmask: "255.255.0.0", dns: "10.0.0.1", dhcpPool: ["10.0.100.1", "10.0.199.254"] as const };

const [serverFile, clientFile] = await Promise.all(
  language === "ts"
    ? [scriptFile("fleet-server.ts", SERVER), scriptFile("fleet-client.ts", CLIENT)]
    : [scriptFile("fleet-server.py", PY_SERVER), scriptFile("fleet-client.py", PY_CLIENT)],
);

// Warm-up: one pair boots and exchanges, so what every process loads once is not counted per board.
const warm = new Lab({ timing: "fast", accessPoints: [lan] });
await warm.addBoard({ name: "s", board: "pico_w", script: serverFile, host: serverIp(0) });
const warmClient = await warm.addBoard({ name: "c", board: "esp32", script: clientFile, host: serverIp(0) });
await warmClient.waitFor("echoed");
warm.close();
await warm.advance(1);

const before = rss();
// Page faults and CPU time tell what a board's boot costs apart from the machine's load: on the bench's
// VM a first touch of a page costs 14-20 µs, and a TS board's boot is ≈ 160 of them (session 13).
const faultsBefore = process.resourceUsage().minorPageFault;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const lab = new Lab({ timing: "fast", accessPoints: [lan] });
const boards: LabBoard[] = [];
for (let i = 0; i < n / 2; i++) {
  boards.push(await lab.addBoard({ name: `server-${i}`, board: "pico_w", script: serverFile, host: serverIp(i) }));
  boards.push(await lab.addBoard({ name: `client-${i}`, board: "esp32", script: clientFile, host: serverIp(i) }));
}
await lab.until(() => boards.every((b) => b.output().includes("ready")), { within: 60_000 });
const bootMs = performance.now() - started;
const bootFaults = process.resourceUsage().minorPageFault - faultsBefore;
const bootCpu = process.cpuUsage(cpuBefore);
const clients = boards.filter((b) => b.name.startsWith("client"));
await lab.until(() => clients.every((b) => b.output().includes("echoed")), { within: 60_000 });
const totalMs = performance.now() - started;
const after = rss();
lab.close();

console.log(JSON.stringify({
  n,
  bootMsPerBoard: bootMs / n,
  exchangeMs: totalMs - bootMs,
  rssMiBPerBoard: (after - before) / n / 2 ** 20,
  simulatedMs: lab.now(),
  // The whole process's (GC and loader threads too), for the boot alone.
  bootCpuMsPerBoard: (bootCpu.user + bootCpu.system) / 1000 / n,
  bootFaultsPerBoard: bootFaults / n,
}));
// .py boards' worker threads would keep the process alive once the figures are out.
process.exit();
