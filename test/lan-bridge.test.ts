import dgram from "node:dgram";
import net from "node:net";
import pino from "pino";
import { describe, expect, it, onTestFinished } from "vitest";
import { BOARDS } from "../src/boards/index.ts";
import { defaultAccessPointConfig } from "../src/network-sim/wifi/access-point.ts";
import { RealClock } from "../src/network-sim/clock/clock.ts";
import { Lan } from "../src/network-sim/lan.ts";
import { closedPort } from "./support/cli.ts";
import { startScript } from "./support/run-script.ts";

const join = `
  import network from "network";
  import socket from "socket";
  import time from "time";
  const wlan = network.WLAN(network.STA_IF);
  wlan.active(true);
  wlan.connect("boardsim-lab", "micropython");
  while (!wlan.isconnected()) time.sleep_ms(5);
`;

async function finished(source: string): Promise<string> {
  const run = await startScript(source);
  expect(await run.done).toEqual({ kind: "finished" });
  return run.output();
}

describe("a board's traffic leaving the LAN through the PC", () => {
  it("UDP echo through the host: sendto 192.168.1.2 reaches 127.0.0.1, the reply comes back from ('192.168.1.2', port)", async () => {
    const pc = dgram.createSocket("udp4");
    const seen: string[] = [];
    pc.on("message", (msg, rinfo) => {
      seen.push(`${rinfo.address} ${msg.toString()}`);
      pc.send(msg, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => pc.bind(0, "127.0.0.1", resolve));
    const port = pc.address().port;
    try {
      const out = await finished(`${join}
        const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
        s.sendto("ping", ["192.168.1.2", ${port}]);
        print(s.recvfrom(100));`);
      expect(out).toBe(`(b'ping', ('192.168.1.2', ${port}))\n`);
      expect(seen).toEqual(["127.0.0.1 ping"]);
    } finally {
      pc.close();
    }
  });

  it("UDP from the PC: a board's bound port is reachable on 127.0.0.1, and its reply comes back", async () => {
    const lan = new Lan({ clock: new RealClock(), log: pino({ level: "silent" }) });
    const board = await startScript(
      `${join}
       const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
       s.bind(["0.0.0.0", 5005]);
       const [data, addr] = s.recvfrom(100);
       print(addr, data);
       s.sendto(b_upper(data), addr);
       function b_upper(d: Uint8Array) { return d.map((c) => c - 32); }`,
      "pico_w",
      "udp-board.ts",
      { lan },
    );
    // The bridge logs the forward on the board's logger (with its name), as it does every bridge line.
    const hostPort = (await board.logged((l) => l.msg.startsWith("forward udp"))).hostPort as number;
    const pc = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => pc.bind(0, "127.0.0.1", resolve));
    try {
      const reply = new Promise<Buffer>((resolve) => pc.once("message", resolve));
      pc.send("ping", hostPort, "127.0.0.1");
      expect((await reply).toString()).toBe("PING");
      expect(await board.done).toEqual({ kind: "finished" });
      expect(board.output()).toBe(`('192.168.1.2', ${pc.address().port}) b'ping'\n`);
    } finally {
      pc.close();
    }
  });

  it("TCP to an address outside the LAN goes out through the PC (NAT); a closed port answers RST: ECONNRESET", async () => {
    const server = net.createServer((socket) => socket.end("hello from the PC"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const open = (server.address() as net.AddressInfo).port;
    const { port: closed, release } = await closedPort();
    onTestFinished(release);
    try {
      const out = await finished(`${join}
        const c = socket.socket();
        c.connect(["127.0.0.1", ${open}]);
        print(c.recv(100), c.recv(100));
        const d = socket.socket();
        try { d.connect(["127.0.0.1", ${closed}]); } catch (e) { print(e); }`);
      expect(out).toBe("b'hello from the PC' b''\n[Errno 104] ECONNRESET\n");
    } finally {
      server.close();
    }
  });
});

/** What each board's scan() prints for the embedded network (micropython-facts.md §1.8). */
const SCAN_OUTPUT: Record<string, string> = {
  pico_w: "[(b'boardsim-lab', b'\\x02BSLAB', 6, -52, 5, 1), (b'open-net', b'\\x02BSLAB', 1, -70, 0, 1)]",
  esp32: "[(b'boardsim-lab', b'\\x02BSLAB', 6, -52, 3, False), (b'open-net', b'\\x02BSLAB', 1, -70, 0, False)]",
  mpython: "[(b'boardsim-lab', b'\\x02BSLAB', 6, -52, 3, False), (b'open-net', b'\\x02BSLAB', 1, -70, 0, False)]",
  esp8266: "[(b'boardsim-lab', b'\\x02BSLAB', 6, -52, 3, 0), (b'open-net', b'\\x02BSLAB', 1, -70, 0, 0)]",
};

describe("scan()", () => {
  it.each(Object.keys(BOARDS))("%s: the access points in range, in the board's tuple format", async (board) => {
    const lan = new Lan({
      clock: new RealClock(),
      log: pino({ level: "silent" }),
      accessPoints: [
        defaultAccessPointConfig(),
        defaultAccessPointConfig({ ssid: "open-net", security: "open", channel: 1, rssi: -70 }),
        defaultAccessPointConfig({ ssid: "too-far", rssi: -95 }),
      ],
    });
    const run = await startScript(
      `import network from "network";
       const wlan = network.WLAN(network.STA_IF);
       wlan.active(true);
       print(wlan.scan());`,
      board,
      "scan.ts",
      { lan },
    );
    expect(await run.done).toEqual({ kind: "finished" });
    expect(run.output()).toBe(SCAN_OUTPUT[board] + "\n");
  });
});
