import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { Capture } from "../src/network-sim/capture/capture.ts";
import { RealClock } from "../src/network-sim/clock/clock.ts";
import { Lan, PC_MAC } from "../src/network-sim/lan.ts";
import { readPcap } from "./support/pcap.ts";
import { startScript, type ScriptRun } from "./support/run-script.ts";

/** Joins `ssid` and waits for an address: the preamble of every board script here. */
const join = (ssid = "boardsim-lab", key = "micropython") => `
  import network from "network";
  import socket from "socket";
  import time from "time";
  const wlan = network.WLAN(network.STA_IF);
  wlan.active(true);
  wlan.connect(${JSON.stringify(ssid)}, ${JSON.stringify(key)});
  while (!wlan.isconnected()) time.sleep_ms(5);
`;

/** A server that greets each of `clients` clients, echoes one message and closes. */
const echoServer = (clients: number, ssid?: string, key?: string) => `${join(ssid, key)}
  const s = socket.socket();
  s.bind(["0.0.0.0", 8000]);
  s.listen(2);
  print("server at", wlan.ifconfig()[0]);
  for (let i = 0; i < ${clients}; i++) {
    const [conn, addr] = s.accept();
    print("client", addr);
    conn.send("I am Server");
    const data = conn.recv(1024);
    print("got", data);
    conn.send(data);
    conn.close();
  }
`;

const echoClient = (server: string, message: string, ssid?: string, key?: string) => `${join(ssid, key)}
  const c = socket.socket();
  c.connect([${JSON.stringify(server)}, 8000]);
  print("me", wlan.ifconfig()[0]);
  print(c.recv(11));
  c.send(${JSON.stringify(message)});
  print(c.recv(1024));
  print(c.recv(1024));
  c.close();
`;

/** A board that brings its access point up with `setup`, then greets one client on port 8000 and echoes one message. */
const apServer = (setup: string) => `
  import network from "network";
  import socket from "socket";
  const ap = network.WLAN(network.AP_IF);
  ${setup}
  print("ap", ap.ifconfig(), ap.status());
  const s = socket.socket();
  s.bind(["0.0.0.0", 8000]);
  s.listen(1);
  const [conn, addr] = s.accept();
  print("client", addr, ap.isconnected(), ap.status("stations").length);
  conn.send("I am Server");
  conn.send(conn.recv(1024));
  conn.close();
`;

/** A board that listens on port 8000, prints "listening", accepts one connection as `conn`, then runs `then`. */
const acceptOne = (then: string) => `${join()}
  const s = socket.socket();
  s.bind(["0.0.0.0", 8000]);
  s.listen(1);
  print("listening");
  const [conn] = s.accept();
  ${then}`;

/** A board that connects `c` to the first board's port 8000, then runs `then`. */
const connectToFirst = (then: string) => `${join()}
  const c = socket.socket();
  c.connect(["192.168.1.100", 8000]);
  ${then}`;

function newLan(): Lan {
  return new Lan({ clock: new RealClock(), log: pino({ level: "silent" }) });
}

/** Starts acceptOne(serverThen) on one board, and once it listens, connectToFirst(clientThen) on another. */
async function serverAndClient(serverThen: string, clientThen: string): Promise<{ server: ScriptRun; client: ScriptRun }> {
  const lan = newLan();
  const server = await startScript(acceptOne(serverThen), "pico_w", "server.ts", { lan, name: "server" });
  await server.printed("listening\n");
  const client = await startScript(connectToFirst(clientThen), "pico_w", "client.ts", { lan, name: "client" });
  return { server, client };
}

async function finished(run: ScriptRun): Promise<string> {
  expect(await run.done).toEqual({ kind: "finished" });
  return run.output();
}

describe("boards talking over the LAN, in memory", () => {
  it("two boards: a server and a client", async () => {
    const lan = newLan();
    const server = await startScript(echoServer(1), "pico_w", "server.ts", { lan, name: "server" });
    await server.printed("server at 192.168.1.100\n");
    const client = await startScript(echoClient("192.168.1.100", "hello"), "pico_w", "client.ts", { lan, name: "client" });
    expect(await finished(client)).toBe("me 192.168.1.101\nb'I am Server'\nb'hello'\nb''\n");
    expect(await finished(server)).toBe("server at 192.168.1.100\nclient ('192.168.1.101', 49152)\ngot b'hello'\n");
  });

  it("three boards: two clients of one server at the same time", async () => {
    const lan = newLan();
    const server = await startScript(echoServer(2), "pico_w", "server.ts", { lan, name: "server" });
    await server.printed("server at 192.168.1.100\n");
    const clients = await Promise.all(
      ["one", "two"].map((name) => startScript(echoClient("192.168.1.100", `from ${name}`), "pico_w", `${name}.ts`, { lan, name })),
    );
    const outputs = await Promise.all(clients.map(finished));
    expect(outputs.map((o) => o.split("\n").slice(1).join("\n")).sort()).toEqual([
      "b'I am Server'\nb'from one'\nb''\n",
      "b'I am Server'\nb'from two'\nb''\n",
    ]);
    const ips = outputs.map((o) => /^me (\S+)/.exec(o)![1]).sort();
    expect(ips).toEqual(["192.168.1.101", "192.168.1.102"]);
    const served = await finished(server);
    expect(served.match(/client \('(192\.168\.1\.10[12])', 49152\)/g)).toHaveLength(2);
    expect(served).toContain("got b'from one'");
    expect(served).toContain("got b'from two'");
  });

  it("three kinds of board: a Pico W server, an ESP32 and an ESP8266 client, each with its own errno and MAC", async () => {
    const lan = newLan();
    const server = await startScript(echoServer(2), "pico_w", "server.ts", { lan, name: "server" });
    await server.printed("server at 192.168.1.100\n");
    const clients = await Promise.all(
      (["esp32", "esp8266"] as const).map((board) =>
        startScript(
          echoClient("192.168.1.100", `from ${board}`).replace(
            "const c = socket.socket();",
            `const d = socket.socket();
             try { d.connect(["192.168.1.100", 8001]); } catch (e) { print(e); }
             const c = socket.socket();`,
          ),
          board,
          `${board}.ts`,
          { lan, name: board },
        ),
      ),
    );
    const [esp32, esp8266] = await Promise.all(clients.map(finished));
    // Nothing listens on 8001: the LAN answers RST, ECONNRESET (104 in both numberings).
    expect(esp32!.replace(/^me .*\n/m, "")).toBe("[Errno 104] ECONNRESET\nb'I am Server'\nb'from esp32'\nb''\n");
    expect(esp8266!.replace(/^me .*\n/m, "")).toBe("[Errno 104] ECONNRESET\nb'I am Server'\nb'from esp8266'\nb''\n");
    expect([esp32, esp8266].map((o) => /^me (\S+)$/m.exec(o!)![1]).sort()).toEqual(["192.168.1.101", "192.168.1.102"]);
    const served = await finished(server);
    expect(served).toContain("got b'from esp32'");
    expect(served).toContain("got b'from esp8266'");
    // Each board's DHCP lease is under its own vendor's MAC.
    const macs = lan.leases()["boardsim-lab"]!.map((lease) => lease.mac.slice(0, 8)).sort();
    expect(macs).toEqual(["24:0a:c4", "28:cd:c1", "5c:cf:7f"]);
  });

  it("the mPython tutorial's enable_APWiFi: a WPA/WPA2 AP on channel 10 that a board joins with the password only", async () => {
    const lan = newLan();
    const ap = await startScript(
      `import { wifi } from "mpython";
       import time from "time";
       const w = wifi();
       w.enable_APWiFi("mpython-ap", "12345678");
       print("up", w.ap.ifconfig()[0]);
       while (!w.ap.isconnected()) time.sleep_ms(5);
       print("joined");
       try { time.sleep(60); } catch { w.disable_APWiFi(); }`,
      "mpython",
      "ap.ts",
      { lan, name: "mpython" },
    );
    await ap.printed("up 192.168.4.1\n");
    const [entry] = lan.accessPoints.filter((a) => a.ssid === "mpython-ap");
    expect([entry?.config.security, entry?.config.channel]).toEqual(["wpa-wpa2", 10]);
    const wrongKey = await startScript(`${join("mpython-ap", "wrong")}`, "pico_w", "wrong.ts", { lan, name: "wrong" });
    await expect.poll(() => wrongKey.board.sta.status()).toBe(-3); // Pico W: STAT_WRONG_PASSWORD
    wrongKey.board.interrupt();
    await wrongKey.done;
    const station = await startScript(`${join("mpython-ap", "12345678")} print(wlan.ifconfig()[0]); time.sleep(60);`, "pico_w", "station.ts", { lan, name: "station" });
    await station.printed("192.168.4.2\n");
    await ap.printed("joined\n");
    ap.board.interrupt(); // the script's except: takes the AP down
    expect(await finished(ap)).toBe("up 192.168.4.1\njoined\ndisable AP WiFi...\n");
    await expect.poll(() => station.board.sta.isConnected()).toBe(false);
    station.board.interrupt();
    await station.done;
  });

  it("an ESP8266's AP defaults: SSID MicroPython-<last 3 bytes of its AP MAC>, key micropythoN, AP MAC = STA MAC | 0x02", async () => {
    const lan = newLan();
    const ap = await startScript(
      `import network from "network";
       import time from "time";
       const hex = (mac: Uint8Array) => Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
       const ap = network.WLAN(network.AP_IF);
       ap.active(true);
       const sta = network.WLAN(network.STA_IF);
       print(ap.config("essid"), hex(ap.config("mac") as Uint8Array), hex(sta.config("mac") as Uint8Array), ap.status());
       while (!ap.isconnected()) time.sleep_ms(5);
       print("stations", ap.status("stations").length);
       time.sleep(60);`,
      "esp8266",
      "ap.ts",
      { lan, name: "ap" },
    );
    await ap.printed("\n");
    const [essid, apMac, staMac, status] = ap.output().trim().split(" ");
    expect(essid).toBe(`MicroPython-${apMac!.slice(6)}`);
    expect(apMac).toBe((parseInt(staMac!.slice(0, 2), 16) | 0x02).toString(16).padStart(2, "0") + staMac!.slice(2));
    expect(status).toBe("-1");
    const station = await startScript(`${join(essid, "micropythoN")} print(wlan.ifconfig()[0]); time.sleep(60);`, "pico_w", "station.ts", { lan, name: "station" });
    await station.printed("192.168.4.2\n");
    await ap.printed("stations 1\n");
    for (const run of [station, ap]) {
      run.board.interrupt();
      await run.done;
    }
  });

  it.each([
    { ap: "pico_w", setup: `ap.config({ essid: "the-ap", password: "secret123" }); ap.active(true);`, station: "pico_w", ip: "192.168.4.16", status: "3" },
    // ESP32: the AP's status() is None; the IDF DHCP server leases from .2.
    { ap: "esp32", setup: `ap.active(true); ap.config({ essid: "the-ap", password: "secret123", authmode: network.AUTH_WPA_WPA2_PSK });`, station: "esp8266", ip: "192.168.4.2", status: "None" },
  ])("through a $ap's own access point (AP_IF, 192.168.4.1), joined by a $station", async ({ ap, setup, station, ip, status }) => {
    const lan = newLan();
    const server = await startScript(apServer(setup), ap, "ap.ts", { lan, name: "ap" });
    await server.printed("ap (");
    const client = await startScript(echoClient("192.168.4.1", "via ap", "the-ap", "secret123"), station, "client.ts", { lan, name: "client" });
    expect(await finished(client)).toBe(`me ${ip}\nb'I am Server'\nb'via ap'\nb''\n`);
    expect(await finished(server)).toBe(`ap ('192.168.4.1', '255.255.255.0', '192.168.4.1', '192.168.4.1') ${status}\nclient ('${ip}', 49152) True 1\n`);
  });

  it("connecting to a board where nothing listens is reset: ECONNRESET", async () => {
    const lan = newLan();
    const idle = await startScript(`${join()} print("up", wlan.ifconfig()[0]); time.sleep(60);`, "pico_w", "idle.ts", { lan, name: "idle" });
    await idle.printed("up 192.168.1.100\n");
    const client = await startScript(
      `${join()}
       const c = socket.socket();
       try { c.connect(["192.168.1.100", 8000]); } catch (e) { print(e); }`,
      "pico_w",
      "client.ts",
      { lan, name: "client" },
    );
    expect(await finished(client)).toBe("[Errno 104] ECONNRESET\n");
    idle.board.interrupt();
    await idle.done;
  });

  it("a server that closes with unread data resets the connection; the client's recv raises ECONNRESET", async () => {
    const { server, client } = await serverAndClient(
      `
       while (conn.recv(1).length === 0) {}
       print("closing with data unread");
       conn.close();`,
      `
       c.send("ab");
       try { c.recv(10); } catch (e) { print("recv:", e); }
       try { c.send("x"); } catch (e) { print("send:", e); }
       try { c.send("x"); } catch (e) { print("send:", e); }`,
    );
    // As on the host path: the reset is reported once by recv and once by send, then the socket is dead.
    expect(await finished(client)).toBe("recv: [Errno 104] ECONNRESET\nsend: [Errno 104] ECONNRESET\nsend: [Errno 9] EBADF\n");
    expect(await finished(server)).toBe("listening\nclosing with data unread\n");
  });

  it("backpressure: a Pico W send() into a full window returns a short count", async () => {
    const { server, client } = await serverAndClient(
      `
       print("accepted");
       time.sleep(0.2);
       let total = 0;
       for (;;) { const d = conn.recv(4096); if (d.length === 0) break; total += d.length; }
       print("received", total);`,
      `
       const big = "x".repeat(20000);
       const counts = [c.send(big), c.send(big), c.send(big)];
       print("sent", counts);
       c.sendall(big);
       c.close();`,
    );
    // 6400 bytes fill the server's window, 6400 more the client's send buffer; then send() blocks
    // until the server reads, and returns what fits.
    const out = await finished(client);
    const counts = /sent \[(\d+), (\d+), (\d+)\]/.exec(out)!.slice(1).map(Number);
    expect(counts.slice(0, 2)).toEqual([6400, 6400]);
    expect(counts[2]).toBeGreaterThanOrEqual(16);
    expect(counts[2]).toBeLessThanOrEqual(6400);
    expect(await finished(server)).toBe(`listening\naccepted\nreceived ${12800 + counts[2]! + 20000}\n`);
  });
});

describe("UDP inside the LAN", () => {
  it("echo between two boards with sendto/recvfrom (and in the capture)", async () => {
    const lan = newLan();
    const pcap = path.join(await mkdtemp(path.join(tmpdir(), "boardsim-udp-")), "udp.pcap");
    lan.capture = new Capture(pcap, lan, () => lan.clock.now(), PC_MAC);
    const server = await startScript(
      `${join()}
       const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
       s.bind(["0.0.0.0", 5005]);
       print("udp at", wlan.ifconfig()[0]);
       const [data, addr] = s.recvfrom(4);
       print("from", addr, data);
       s.sendto(data, addr);`,
      "pico_w",
      "udp-server.ts",
      { lan, name: "server" },
    );
    await server.printed("udp at 192.168.1.100\n");
    const client = await startScript(
      `${join()}
       const c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
       print(c.sendto("ping-long", ["192.168.1.100", 5005]));
       print(c.recvfrom(100));`,
      "pico_w",
      "udp-client.ts",
      { lan, name: "client" },
    );
    expect(await finished(client)).toBe("9\n(b'ping', ('192.168.1.100', 5005))\n");
    expect(await finished(server)).toBe("udp at 192.168.1.100\nfrom ('192.168.1.101', 49152) b'ping'\n");
    lan.capture.close();
    const udp = readPcap(pcap).filter((p) => p.proto === "udp" && p.dstPort !== 67 && p.srcPort !== 67);
    expect(udp.map((p) => `${p.src}:${p.srcPort} → ${p.dst}:${p.dstPort} ${p.payload.toString()}`)).toEqual([
      "192.168.1.101:49152 → 192.168.1.100:5005 ping-long",
      "192.168.1.100:5005 → 192.168.1.101:49152 ping",
    ]);
  });
});
