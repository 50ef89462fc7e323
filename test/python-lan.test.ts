/**
 * .py scripts on the LAN (issue 4's host calls from MicroPython) and in simulated time, through the
 * testing API: UDP between a .py board and a TS board, scan() tuples, an access point, static
 * addresses, busy loops and sleeps on the virtual clock, and runs that repeat exactly.
 */
import { describe, expect, it, onTestFinished } from "vitest";
import { Lab } from "boardsim/vitest";
import { JOIN_PY, JOIN_TS } from "./support/join.ts";

/** Boots a board running `source` as the .py file `name`.py (the board's name on the LAN is `name`). */
function addPython(lab: Lab, name: string, board: string, source: string) {
  return lab.addBoard({ name, board, fileName: `${name}.py`, source });
}

/** A .py board's UDP socket `s` bound at port 5005; it prints "udp at <its address>" once bound. */
const UDP_SERVER_PY = `${JOIN_PY}s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5005))
print("udp at", wlan.ifconfig()[0])
`;

/** A TS pico_w "ts" whose UDP socket `c` runs `body`. */
function udpClient(lab: Lab, body: string) {
  return lab.addBoard({ name: "ts", board: "pico_w", source: `${JOIN_TS}const c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);\n${body}` });
}

describe("UDP between a .py board and a TS board", () => {
  it("the .py board echoes a TS board's datagram with recvfrom/sendto", async () => {
    const lab = new Lab({ timing: "fast" });
    onTestFinished(() => lab.close());
    const server = await addPython(lab, "py", "esp32", `${UDP_SERVER_PY}data, addr = s.recvfrom(4)
print("from", addr, data)
print(s.sendto(data, addr))
`);
    await server.waitFor("udp at 192.168.1.100\n");
    const client = await udpClient(lab, `print(c.sendto("ping-long", ["192.168.1.100", 5005]));\nprint(c.recvfrom(100));`);
    expect(await client.finished()).toEqual({ kind: "finished" });
    expect(await server.finished()).toEqual({ kind: "finished" });
    expect(client.lines().slice(2)).toEqual(["9", "(b'ping', ('192.168.1.100', 5005))"]);
    expect(server.lines().slice(2)).toEqual(["udp at 192.168.1.100", "from ('192.168.1.101', 49152) b'ping'", "4"]);
  });

  it("sendto of an array sends all its bytes as one datagram (2 per item of an array('H'))", async () => {
    // mp_get_buffer's bytes (extmod/modlwip.c v1.27.0 lwip_socket_sendto line 1348), little-endian.
    const lab = new Lab({ timing: "fast" });
    onTestFinished(() => lab.close());
    const server = await addPython(lab, "py", "pico_w", `${UDP_SERVER_PY}import array
data, addr = s.recvfrom(4)
print(s.sendto(array.array("H", [0x4142, 0x4344]), addr))
`);
    await server.waitFor("udp at 192.168.1.100\n");
    const client = await udpClient(lab, `c.sendto("go", ["192.168.1.100", 5005]);\nprint(c.recvfrom(100));`);
    expect(await client.finished()).toEqual({ kind: "finished" });
    expect(await server.finished()).toEqual({ kind: "finished" });
    expect(server.lines().slice(2)).toEqual(["udp at 192.168.1.100", "4"]);
    expect(client.lines().slice(2)).toEqual(["(b'BADC', ('192.168.1.100', 5005))"]);
  });

  it("read(n) and readinto(buf) on a UDP socket read datagram after datagram until n bytes; an array('H') takes 2 bytes per item", async () => {
    // mp_stream_rw loops its read until the buffer is full (py/stream.c v1.27.0 lines 46-83); each
    // read is one datagram, cut to what is still wanted (modlwip.c lwip_raw_udp_receive); readinto
    // fills the buffer's bytes (mp_get_buffer), not its items.
    const lab = new Lab({ timing: "fast" });
    onTestFinished(() => lab.close());
    const server = await addPython(lab, "py", "pico_w", `${UDP_SERVER_PY}import array
buf = bytearray(8)
print(s.readinto(buf), buf)
print(s.read(4))
a = array.array("H", [0, 0])
print(s.readinto(a), a)
`);
    await server.waitFor("udp at 192.168.1.100\n");
    const client = await udpClient(lab, `for (const d of ["abc", "defgh", "ijklmn", "wxyz"]) c.sendto(d, ["192.168.1.100", 5005]);`);
    expect(await client.finished()).toEqual({ kind: "finished" });
    expect(await server.finished()).toEqual({ kind: "finished" });
    expect(server.lines().slice(2)).toEqual(["udp at 192.168.1.100", "8 bytearray(b'abcdefgh')", "b'ijkl'", "4 array('H', [30839, 31353])"]);
  });

  it.each([
    ["esp32", "print(s.read(5), s.recvfrom(10)[0])\n", ["b''", "b''", "b'' b''"]],
    ["pico_w", "", ["b''", "b'after'"]],
  ])("%s: an empty datagram is a read of 0; on the ESP32 every later read gives 0 bytes too", async (board, more, lines) => {
    // ports/esp32/modsocket.c v1.27.0 _socket_read_data lines 631-633, 655-657: a read of 0 marks
    // the socket PEER_CLOSED; modlwip.c has no such state for UDP (lwip_raw_udp_receive).
    const lab = new Lab({ timing: "fast" });
    onTestFinished(() => lab.close());
    const server = await addPython(lab, "py", board, `${UDP_SERVER_PY}print(s.recv(10))\nprint(s.recv(10))\n${more}`);
    await server.waitFor("udp at 192.168.1.100\n");
    const client = await udpClient(lab, `for (const d of ["", "after"]) c.sendto(d, ["192.168.1.100", 5005]);`);
    expect(await client.finished()).toEqual({ kind: "finished" });
    expect(await server.finished()).toEqual({ kind: "finished" });
    expect(server.lines().slice(3)).toEqual(lines);
  });

  it("a TS board's UDP readinto(buf) and read(n) read datagram after datagram too (the same host loop)", async () => {
    const lab = new Lab({ timing: "fast" });
    onTestFinished(() => lab.close());
    const server = await lab.addBoard({
      name: "tsserver",
      board: "esp32",
      source: `${JOIN_TS}const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
s.bind(["0.0.0.0", 5005]);
print("udp at", wlan.ifconfig()[0]);
const buf = new Uint8Array(8);
print(s.readinto(buf), String.fromCharCode(...buf));
print(s.read(4));`,
    });
    await server.waitFor("udp at 192.168.1.100\n");
    const client = await udpClient(lab, `for (const d of ["abc", "defgh", "ijklmn"]) c.sendto(d, ["192.168.1.100", 5005]);`);
    expect(await client.finished()).toEqual({ kind: "finished" });
    expect(await server.finished()).toEqual({ kind: "finished" });
    expect(server.lines().slice(2)).toEqual(["udp at 192.168.1.100", "8 abcdefgh", "b'ijkl'"]);
  });
});

describe("network from a .py script, as the TS guest library has it", () => {
  it.each(["pico_w", "esp32", "esp8266"])("%s: scan() prints the same tuples as from TS", async (board) => {
    const lab = new Lab({ timing: "fast", accessPoints: [{ ssid: "boardsim-lab", password: "micropython" }, { ssid: "guest", security: "open", channel: 11 }] });
    onTestFinished(() => lab.close());
    const py = await addPython(lab, "py", board, `import network\nw = network.WLAN(network.STA_IF)\nw.active(True)\nfor ap in w.scan():\n    print(ap)\n`);
    const ts = await lab.addBoard({ name: "ts", board, source: `import network from "network";\nconst w = network.WLAN(network.STA_IF);\nw.active(true);\nfor (const ap of w.scan()) print(ap);` });
    await py.finished();
    await ts.finished();
    expect(py.lines().slice(2)).toEqual(ts.lines().slice(2));
    expect(py.lines()).toHaveLength(4);
    if (board === "esp32") expect(py.lines()[2]).toMatch(/^\(b'boardsim-lab', b'.{1,24}', 6, -52, 3, False\)$/);
  });

  it("an access point on a .py board (AP_IF, config(essid=, password=)) that a TS board joins", async () => {
    const lab = new Lab({ timing: "fast" });
    onTestFinished(() => lab.close());
    const ap = await addPython(lab, "ap", "esp32", `import network, time
ap = network.WLAN(network.AP_IF)
ap.active(True)
ap.config(essid="py-ap", password="secret123", authmode=network.AUTH_WPA_WPA2_PSK)
print("ap", ap.config("essid"), ap.ifconfig()[0])
while not ap.isconnected():
    time.sleep_ms(100)
print("stations", len(ap.status("stations")), type(ap.status("stations")[0][0]))
`);
    await ap.waitFor("ap py-ap 192.168.4.1\n");
    const station = await lab.addBoard({
      name: "station",
      board: "esp8266",
      source: `import network from "network";\nimport time from "time";\nconst w = network.WLAN(network.STA_IF);\nw.active(true);\nw.connect("py-ap", "secret123");\nwhile (!w.isconnected()) time.sleep_ms(100);\nprint(w.ifconfig()[0]);\ntime.sleep(5);`,
    });
    await station.finished();
    await ap.finished();
    expect(station.lines()[2]).toBe("192.168.4.2");
    expect(ap.lines().slice(2)).toEqual(["ap py-ap 192.168.4.1", "stations 1 <class 'bytes'>"]);
  });

  it("a static address with ifconfig((ip, mask, gw, dns)); ipconfig('addr4') and network.ipconfig('dns') read it back", async () => {
    const lab = new Lab({ timing: "fast" });
    onTestFinished(() => lab.close());
    const b = await addPython(lab, "b", "pico_w", `${JOIN_PY}wlan.ifconfig(("192.168.1.50", "255.255.255.0", "192.168.1.1", "8.8.8.8"))
print(wlan.ifconfig())
print(wlan.ipconfig("addr4"), network.ipconfig("dns"))
wlan.ipconfig(addr4="192.168.1.60/24")
print(wlan.ifconfig()[0])
try:
    wlan.config()
except TypeError as e:
    print("TypeError:", e)
`);
    await b.finished();
    expect(b.lines().slice(2)).toEqual([
      "('192.168.1.50', '255.255.255.0', '192.168.1.1', '8.8.8.8')",
      "('192.168.1.50', '255.255.255.0') 8.8.8.8",
      "192.168.1.60",
      "TypeError: must query one param",
    ]);
  });
});

describe("a .py script in simulated time", () => {
  /** Sleeps, spins `busyMs` simulated ms (two host calls a pass), counts `iterations` empty iterations. */
  const timed = (busyMs: number, iterations: number) => `import time
t = time.ticks_ms()
time.sleep(2)
print("slept", time.ticks_diff(time.ticks_ms(), t))
t = time.ticks_ms()
n = 0
while time.ticks_diff(time.ticks_ms(), t) < ${busyMs}:
    n += 1
print("busy", time.ticks_diff(time.ticks_ms(), t), n > 1000)
t = time.ticks_ms()
for i in range(${iterations}):
    pass
print("counted", time.ticks_diff(time.ticks_ms(), t))
`;

  async function timedRun(busyMs = 1000, iterations = 100_000) {
    const lab = new Lab();
    onTestFinished(() => lab.close());
    const b = await addPython(lab, "b", "pico_w", timed(busyMs, iterations));
    const outcome = await b.finished();
    return { outcome, lines: b.lines().slice(2), now: lab.now() };
  }

  it("sleeps take their time; a busy loop moves the clock (it ends); 100,000 empty iterations cost about as long as in a TS script", async () => {
    const { lines, now } = await timedRun();
    expect(lines.slice(0, 2)).toEqual(["slept 2000", "busy 1000 True"]);
    // The TS engine charges 1 ms per 256 iterations (390 ms here); the .py engine counts the VM's calls.
    const counted = Number(lines[2]!.split(" ")[1]);
    expect(counted).toBeGreaterThan(250);
    expect(counted).toBeLessThan(600);
    expect(now).toBeGreaterThanOrEqual(3000 + counted);
  });

  // Two runs, each with a busy loop of 100 simulated ms and 10,000 counted iterations: determinism
  // does not need the amounts above, whose host calls (two a pass) took 44 s of wall time for two
  // runs on the loaded 2-core machine. The cost of one .py host call is in `npm run bench`; the
  // test's time limit is vitest's hang guard (vitest.config.ts), not a speed bound.
  it("runs the same way every time: the same lines, the same simulated time", async () => {
    expect(await timedRun(100, 10_000)).toEqual(await timedRun(100, 10_000));
  });

  it("garbage is collected while the script runs: 20,000 host calls and their allocations fit an ESP8266's heap", async () => {
    const lab = new Lab();
    onTestFinished(() => lab.close());
    const b = await addPython(lab, "b", "esp8266", `import gc, time
gc.collect()
start = gc.mem_free()
for i in range(20000):
    s = "tick %d at %d" % (i, time.ticks_ms())
gc.collect()
print("done", start - gc.mem_free() < 1024)
`);
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(b.lines()[2]).toBe("done True");
  });
});
