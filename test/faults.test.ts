import { describe, expect, it, onTestFinished } from "vitest";
import { Lab, parseFault } from "boardsim/vitest";

/** Joins the WiFi (polling status like the chapter), then runs `then`. */
const joined = (then: string) => `
import network from "network";
import socket from "socket";
import time from "time";
const wlan = network.WLAN(network.STA_IF);
wlan.active(true);
wlan.connect("boardsim-lab", "micropython");
while (!wlan.isconnected()) time.sleep(0.5);
${then}`;

/** Prints every change of status() for `seconds`, with the time it happened. */
const statusWatcher = (seconds: number) => `
import network from "network";
import time from "time";
const wlan = network.WLAN(network.STA_IF);
wlan.active(true);
wlan.connect("boardsim-lab", "micropython");
let last = null;
for (let i = 0; i < ${seconds * 10}; i++) {
  const s = wlan.status();
  if (s !== last) print(time.ticks_ms(), s, wlan.ifconfig()[0]);
  last = s;
  time.sleep_ms(100);
}
print("done");`;

async function labWith(faults: string[], board: string, source: string) {
  const lab = new Lab({ faults });
  onTestFinished(() => lab.close());
  const b = await lab.addBoard({ name: "b", board, source });
  return { lab, b };
}

describe("WiFi faults", () => {
  it("wrong_password: the chapter's server keeps printing its wait line; Pico W status -3", async () => {
    const lab = new Lab({ faults: ["wrong_password"] });
    onTestFinished(() => lab.close());
    const server = await lab.addBoard({ board: "pico_w", role: "server" });
    await lab.advance(10_000);
    expect(server.lines().filter((l) => l === "Connect to a wireless network...").length).toBe(11); // at 0, 1, …, 10 s
    expect(server).not.toHavePrinted("tcp waiting");
    expect(server.board!.sta.status()).toBe(-3);
  });

  it("ap_off (absent): ESP32 reports 201 and keeps retrying; joins when the AP comes back", async () => {
    const { lab, b } = await labWith(["ap_off:for=10s"], "esp32", statusWatcher(20));
    await b.finished();
    // Tries at 0, 4.85, 9.7 s (no AP: 201 2.4 s later); at 14.55 s it finds it: associated 1.2 s, DHCP 0.6 s later.
    expect(b.lines().slice(2)).toEqual(["0 1001 0.0.0.0", "2400 201 0.0.0.0", "15800 1001 0.0.0.0", "16400 1010 192.168.1.100", "done"]);
    expect(lab.now()).toBe(20_000);
  });

  it("ap_off at a time (beacon loss): the Pico W loses its link and does not rejoin", async () => {
    const { b } = await labWith(["ap_off:at=5s"], "pico_w", statusWatcher(8));
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["0 1 0.0.0.0", "2500 2 0.0.0.0", "3500 3 192.168.1.100", "5000 0 192.168.1.100", "done"]);
  });

  it("weak_signal: scan() and status('rssi') show the level; below -90 dBm the AP is out of range", async () => {
    const lab = new Lab({ faults: ["weak_signal:rssi=-82,board=near", "weak_signal:rssi=-95,board=far"] });
    onTestFinished(() => lab.close());
    const near = await lab.addBoard({ name: "near", board: "esp32", source: joined(`print(wlan.status("rssi"), wlan.scan()[0][3]);`) });
    const far = await lab.addBoard({ name: "far", board: "esp32", source: statusWatcher(5) });
    await near.finished();
    await far.finished();
    expect(near).toHavePrinted("-82 -82\n");
    expect(far.lines().slice(2, 4)).toEqual(["0 1001 0.0.0.0", "2400 201 0.0.0.0"]);
  });

  it("flapping: the AP drops out for `down` of every `every`; ESP8266 rejoins each time", async () => {
    const { b } = await labWith(["flapping:every=20s,down=5s"], "esp8266", statusWatcher(45));
    await b.finished();
    const joins = b.lines().filter((l) => / 5 192\.168\.1\.100$/.test(l));
    expect(joins.length).toBe(3); // at the start, after the drop at 15 s and after the one at 35 s
  });

  it("dhcp_no_answer: associated without an address (Pico W status 2) until the server answers", async () => {
    const { b } = await labWith(["dhcp_no_answer:for=20s"], "pico_w", statusWatcher(25));
    await b.finished();
    // DISCOVERs at 3.5 s, then 2, 4, 8, 16 s later: the one at 33.5 s would be next; the retry at 17.5 s is before 20 s.
    expect(b.lines().slice(2)).toEqual(["0 1 0.0.0.0", "2500 2 0.0.0.0", "done"]);
  });

  it("dhcp_pool_exhausted: a new board gets no address (ESP32 stays at 1001)", async () => {
    const { lab, b } = await labWith(["dhcp_pool_exhausted"], "esp32", statusWatcher(10));
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["0 1001 0.0.0.0", "done"]);
    // The DHCP server's table: every lease belongs to the fault's filler, none to b.
    const leases = Object.values(lab.lan.leases()).flat();
    expect(leases.length).toBeGreaterThan(0);
    expect(leases.filter((lease) => lease.hostname === b.board!.profile.hostname)).toEqual([]);
  });

  it("ip_conflict: ESP32 declines the taken address and gets the next one 10 s later", async () => {
    const { b } = await labWith(["ip_conflict:ip=192.168.1.100"], "esp32", statusWatcher(15));
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["0 1001 0.0.0.0", "11800 1010 192.168.1.101", "done"]);
  });

  it("ip_conflict: a Pico W takes the address and then cannot connect (SYN answers go to the other device)", async () => {
    const lab = new Lab({ faults: ["ip_conflict"] });
    onTestFinished(() => lab.close());
    lab.pc.listen(8888);
    const b = await lab.addBoard({ board: "pico_w", source: joined(`print(wlan.ifconfig()[0]); const s = socket.socket(); try { s.connect(["192.168.1.2", 8888]); } catch (e) { print(e, time.ticks_ms()); }`) });
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["192.168.1.100", "[Errno 103] ECONNABORTED 22000"]); // joined at 3.5 s, then 18.5 s of SYN retries
  });
});

/** The chapter's client (Freenove 29.1/30.1) against the PC at 192.168.1.2:8888. */
async function chapterClient(faults: string[], board = "esp32", serve?: (lab: Lab) => void) {
  const lab = new Lab({ faults });
  onTestFinished(() => lab.close());
  serve?.(lab);
  const client = await lab.addBoard({ name: "client", board, role: "client" });
  return { lab, client };
}

/** A PC server that sends `reply` to each connection and echoes what it gets. */
function pcServer(lab: Lab, reply = "") {
  const server = lab.pc.listen(8888);
  void (async () => {
    for (;;) {
      const c = await server.accept();
      if (reply) await c.send(reply);
    }
  })();
  return server;
}

describe("TCP faults", () => {
  it("refused: connect() raises ECONNRESET at once; the chapter client prints its except line", async () => {
    const { lab, client } = await chapterClient(["refused"], "esp32", (lab) => pcServer(lab));
    expect(await client.finished()).toEqual({ kind: "finished" });
    expect(client.lines().slice(2)).toEqual(["TCP close, please reset!"]);
    expect(lab.now()).toBe(2000); // the script's first look after the ESP32's 1.8 s join; the refusal costs no time
  });

  const connectError = (faults: string[], board: string, timeout = "") =>
    labWith(faults, board, joined(`const s = socket.socket(); ${timeout} const t0 = time.ticks_ms(); try { s.connect(["192.168.1.2", 8888]); print("connected"); } catch (e) { print(e, e.errno, time.ticks_diff(time.ticks_ms(), t0)); }`));

  it("unreachable: EHOSTUNREACH at once, numbered per board", async () => {
    for (const [board, line] of [["pico_w", "[Errno 113] EHOSTUNREACH 113 0"], ["esp32", "[Errno 118] EHOSTUNREACH 118 0"]]) {
      const { b } = await connectError(["unreachable"], board!);
      await b.finished();
      expect(b.lines().at(-1)).toBe(line);
    }
  });

  it("syn_timeout: ECONNABORTED after the SYN retries, ETIMEDOUT with settimeout()", async () => {
    const { b } = await connectError(["syn_timeout"], "pico_w");
    await b.finished();
    expect(b.lines().at(-1)).toBe("[Errno 103] ECONNABORTED 103 18500"); // 6 × 3 s, then lwIP's next 0.5 s tick (syn-retries.ts)
    const { b: timed } = await connectError(["syn_timeout"], "esp32", "s.settimeout(5);");
    await timed.finished();
    expect(timed.lines().at(-1)).toBe("[Errno 116] ETIMEDOUT 116 5000");
  });

  it("latency with jitter: each round trip takes twice the delay, within the jitter; same seed, same times", async () => {
    const run = async () => {
      const lab = new Lab({ faults: ["latency:ms=150,jitter=20ms"], seed: 7 });
      onTestFinished(() => lab.close());
      const server = lab.pc.listen(8888);
      void (async () => {
        const c = await server.accept();
        for (let chunk = await c.recv(); chunk.length > 0; chunk = await c.recv()) await c.send(chunk);
      })();
      const b = await lab.addBoard({ board: "esp32", source: joined(`const s = socket.socket(); s.connect(["192.168.1.2", 8888]); for (let i = 0; i < 3; i++) { const t0 = time.ticks_ms(); s.send("x"); s.recv(1); print(time.ticks_diff(time.ticks_ms(), t0)); }`) });
      await b.finished();
      return b.lines().slice(2).map(Number);
    };
    const first = await run();
    expect(first).toHaveLength(3);
    for (const rtt of first) expect(rtt).toBeGreaterThanOrEqual(260), expect(rtt).toBeLessThanOrEqual(340);
    expect(new Set(first).size).toBeGreaterThan(1); // jitter varies
    expect(await run()).toEqual(first);
  });

  it("bandwidth: 10 kB from the PC arrive at the rate", async () => {
    const lab = new Lab({ faults: ["bandwidth:rate=1k,direction=downstream"] });
    onTestFinished(() => lab.close());
    const server = lab.pc.listen(8888);
    void server.accept().then(async (c) => (await c.send("y".repeat(10 * 1024)), c.end()));
    const b = await lab.addBoard({ board: "esp32", source: joined(`const s = socket.socket(); s.connect(["192.168.1.2", 8888]); const t0 = time.ticks_ms(); let n = 0; for (let d = s.recv(4096); len(d) > 0; d = s.recv(4096)) n += len(d); print(n, time.ticks_diff(time.ticks_ms(), t0));`) });
    await b.finished();
    expect(b.lines().at(-1)).toBe("10240 10004"); // 10 s, and the last segment's way over the ESP32's WiFi hop (realistic profile)
  });

  it("slicer: recv() returns the greeting a few bytes at a time", async () => {
    const lab = new Lab({ faults: ["slicer:size=4,delay=10ms,direction=downstream"] });
    onTestFinished(() => lab.close());
    pcServer(lab, "I am the PC!");
    const b = await lab.addBoard({ board: "pico_w", source: joined(`const s = socket.socket(); s.connect(["192.168.1.2", 8888]); s.settimeout(1); try { while (true) print(s.recv(1024)); } catch (e) { print(e); }`) });
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["b'I am'", "b' the'", "b' PC!'", "[Errno 110] ETIMEDOUT"]);
  });

  it("limit_data: the chapter client reads b'' after the limit and prints Close socket", async () => {
    const { client } = await chapterClient(["limit_data:bytes=5,direction=downstream"], "esp8266", (lab) => pcServer(lab, "hello world"));
    await client.finished();
    expect(client.lines().slice(2)).toEqual(["TCP Connected to: 192.168.1.2 : 8888", "b'hello'", "Close socket"]);
  });

  it("reset_peer: ECONNRESET in the chapter client's recv() after the given time", async () => {
    const { lab, client } = await chapterClient(["reset_peer:after=30s"], "pico_w", (lab) => pcServer(lab));
    await client.finished();
    expect(client.lines().slice(-1)).toEqual(["TCP close, please reset!"]);
    expect(lab.now()).toBe(4000 + 5 + 30_000); // connected at the script's look at 4 s (joined at 3.5 s), after the WiFi hop's 5 ms handshake
  });

  it("half_close: the script reads b'' but its own sends still reach the PC", async () => {
    const lab = new Lab({ faults: ["half_close:after=1s"] });
    onTestFinished(() => lab.close());
    const server = lab.pc.listen(8888);
    const b = await lab.addBoard({ board: "esp32", source: joined(`const s = socket.socket(); s.connect(["192.168.1.2", 8888]); print(s.recv(10)); s.send("still here"); s.close();`) });
    const c = await lab.until(server.accept());
    expect(await lab.until(c.readAll())).toBe("still here");
    await b.finished();
    expect(b.lines().at(-1)).toBe("b''");
  });

  it("stall: recv() times out while the link stalls, and the data arrives once it ends", async () => {
    const lab = new Lab({ faults: ["stall:at=5s,for=10s"] });
    onTestFinished(() => lab.close());
    const server = lab.pc.listen(8888);
    void server.accept().then(async (c) => {
      await c.send("one");
      lab.at(6000, () => void c.send("two"));
    });
    const b = await lab.addBoard({ board: "pico_w", source: joined(`const s = socket.socket(); s.connect(["192.168.1.2", 8888]); s.settimeout(3); for (let i = 0; i < 6; i++) { try { const d = s.recv(10); print(time.ticks_ms(), d); } catch (e) { print(time.ticks_ms(), e); } }`) });
    await b.finished();
    // Connected at 3.5 s after the WiFi hop's 5 ms handshake; each segment then crosses the hop in 2.5 ms.
    expect(b.lines().slice(2)).toEqual(["3507 b'one'", "6507 [Errno 110] ETIMEDOUT", "9507 [Errno 110] ETIMEDOUT", "12507 [Errno 110] ETIMEDOUT", "15002 b'two'", "18002 [Errno 110] ETIMEDOUT"]);
  });

  it("probability and port narrow a fault: only some connections to port 8888 are refused, the same ones every run", async () => {
    const run = async () => {
      const lab = new Lab({ faults: ["refused:port=8888,probability=0.5"], seed: 3 });
      onTestFinished(() => lab.close());
      lab.pc.listen(8888);
      lab.pc.listen(9999);
      const b = await lab.addBoard({ board: "esp32", source: joined(`for (const port of [8888, 8888, 8888, 8888, 8888, 8888, 9999, 9999]) { const s = socket.socket(); try { s.connect(["192.168.1.2", port]); print(port, "ok"); } catch (e) { print(port, e); } s.close(); }`) });
      await b.finished();
      return b.lines().slice(2);
    };
    const lines = await run();
    expect(lines.filter((l) => l.startsWith("8888") && l.includes("ECONNRESET")).length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.startsWith("8888 ok")).length).toBeGreaterThan(0);
    expect(lines.slice(-2)).toEqual(["9999 ok", "9999 ok"]);
    expect(await run()).toEqual(lines);
  });
});

describe("board faults", () => {
  // A TS script's room is bytes= × 1.5 (quickjs/board-heap.ts: QuickJS's objects are bigger than
  // MicroPython's): 48 KiB fit in 64k, 48 + 64 KiB do not (the ESP32's own heap would hold both;
  // the old limit left up to ~150 KiB more).
  it("heap_limit: allocating beyond the heap raises MemoryError at the script's line", async () => {
    const source = `const first = new Uint8Array(48 * 1024);\nprint("start", first.length);\nconst second = new Uint8Array(64 * 1024);\nprint(second.length);`;
    const { b } = await labWith(["heap_limit:bytes=64k"], "esp32", source);
    expect((await b.finished()).kind).toBe("raised");
    expect(b.lines().slice(2)).toEqual(["start 49152", "Traceback (most recent call last):", '  File "b.ts", line 3, in <module>', "MemoryError: memory allocation failed"]);
  });

  // ENFILE is not in MicroPython's errorcode list, so the ESP32 prints the bare number (facts §4.2).
  it("socket_limit: socket() beyond the limit raises the board's errno", async () => {
    for (const [board, line] of [["pico_w", "[Errno 12] ENOMEM"], ["esp32", "23"]]) {
      const { b } = await labWith(["socket_limit:count=2"], board!, `import socket from "socket"; const all = []; try { for (let i = 0; i < 3; i++) all.push(socket.socket()); } catch (e) { print(all.length, e); }`);
      await b.finished();
      expect(b.lines().at(-1)).toBe(`2 ${line}`);
    }
  });

  it("reset: the chapter server stops mid-session, reboots (banner again) and waits for a client again; the PC sees a reset", async () => {
    const lab = new Lab({ faults: ["reset:at=20s"] });
    onTestFinished(() => lab.close());
    const server = await lab.addBoard({ name: "server", board: "esp32", role: "server" });
    await server.waitFor("accepting.....");
    const pc = await lab.until(lab.pc.connect("192.168.1.100", 8000));
    expect(await lab.until(pc.readUntil("I am Server"))).toBe("I am Server");
    await expect(lab.until(pc.recv())).rejects.toThrow("ECONNRESET");
    expect(lab.now()).toBe(20_000 + 2.5); // the RST crosses the ESP32's WiFi hop
    await server.waitFor(/accepting\.\.\.\.\.\n[^]*accepting\.\.\.\.\.\n/);
    expect(server.boots).toBe(2);
    expect(server.output().match(/Generic ESP32 module with ESP32/g)).toHaveLength(2);
    expect(server).not.toHavePrinted("Close TCP-Server");
  });
});

describe("the 10-minute scenario", () => {
  it("an ESP32 client rejoins and reconnects after each of nine WiFi drops", async () => {
    const { tenMinuteScenario } = await import("boardsim/vitest");
    const result = await tenMinuteScenario();
    expect(result.simulatedMs).toBe(600_000);
    expect(result.connections).toBe(10);
    expect(result.console.match(/^wifi down at/gm)).toHaveLength(10);
    expect(result.echoes).toBeGreaterThan(400);
  });
});

describe("one duration grammar: a bare number is seconds in a fault spec, as in --timeout", () => {
  it("ap_off:at=2,for=3 is the WiFi gone from 2 s to 5 s; latency's ms= counts a bare number in milliseconds, as its name says", () => {
    const off = parseFault("ap_off:at=2,for=3");
    expect([off.targets.at, off.targets.for]).toEqual([2000, 3000]);
    expect(parseFault("ap_off:at=1.5m").targets.at).toBe(90_000);
    expect(() => parseFault("latency:ms=0.3s")).not.toThrow();
    expect(() => parseFault("latency:ms=fast")).toThrow("ms must be milliseconds, or a duration like 250ms or 2s, not 'fast'");
  });
});
