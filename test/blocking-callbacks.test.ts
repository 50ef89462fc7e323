/**
 * Timer and Pin.irq callbacks run while a blocking socket call waits, as on the firmware: its wait
 * loop polls events (extmod/modlwip.c v1.23.0 poll_sockets, lines 329-331; ports/esp32/modsocket.c
 * v1.23.0 check_for_exceptions, lines 155-157), and the call waits on to its own deadline
 * (src/emulator/host/blocking-wake.ts). In the board's clock, so the times printed are exact.
 */
import { describe, expect, it } from "vitest";
import { Lab } from "../src/testing/index.ts";
import { JOIN_PY, JOIN_TS } from "./support/join.ts";

const TIMER = { pico_w: -1, esp32: 0, esp8266: -1 } as const;

/** Lines after the banner, each time rounded to 10 ms (the join's WiFi steps are not on the ticks' grid). */
const rounded = (lines: string[]) => lines.map((l) => l.replace(/(-?\d+)$/, (_, ms) => `${Math.round(Number(ms) / 10) * 10}`));

/** accept() waits 350 ms for the PC, then recv() for its 330 ms timeout, a 100 ms Timer printing meanwhile. */
const ACCEPT_RECV = {
  py: (timer: number) => `${JOIN_PY}from machine import Timer
srv = socket.socket()
srv.bind(("0.0.0.0", 8000))
srv.listen(1)
t0 = time.ticks_ms()
ms = lambda: time.ticks_diff(time.ticks_ms(), t0)
tim = Timer(${timer})
tim.init(period=100, mode=Timer.PERIODIC, callback=lambda t: print("tick", ms()))
print("listening", 0)
c, addr = srv.accept()
print("accepted", ms())
c.settimeout(0.33)
try:
    c.recv(10)
except OSError as e:
    print("recv", e.errno == 110 or e.errno == 116, ms())
tim.deinit()
c.close()
`,
  ts: (timer: number) => `${JOIN_TS}import machine from "machine";
const srv = socket.socket();
srv.bind(["0.0.0.0", 8000]);
srv.listen(1);
const t0 = time.ticks_ms();
const ms = () => time.ticks_diff(time.ticks_ms(), t0);
const tim = machine.Timer(${timer});
tim.init({ period: 100, mode: machine.Timer.PERIODIC, callback: () => print("tick", ms()) });
print("listening", 0);
const [c] = srv.accept();
print("accepted", ms());
c.settimeout(0.33);
try {
  c.recv(10);
} catch (e) {
  print("recv", (e as { errno: number }).errno === 110 || (e as { errno: number }).errno === 116, ms());
}
tim.deinit();
c.close();
`,
};

describe("callbacks inside blocking socket calls", () => {
  const runs = (["py", "ts"] as const).flatMap((engine) => (Object.keys(TIMER) as (keyof typeof TIMER)[]).map((board) => [board, engine] as const));
  it.each(runs)("%s (%s): a periodic Timer prints while accept() and recv() wait; recv's timeout still ends it at its time", async (board, engine) => {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({ name: engine, board, fileName: `main.${engine}`, source: ACCEPT_RECV[engine](TIMER[board]) });
    await b.waitFor("listening");
    await lab.advance(350);
    const conn = await lab.until(lab.pc.connect("192.168.1.100", 8000));
    await b.finished();
    conn.end();
    expect(rounded(b.lines().slice(2))).toEqual(["listening 0", "tick 100", "tick 200", "tick 300", "accepted 350", "tick 400", "tick 500", "tick 600", "recv True 680"]);
  });

  it.each([
    ["pico_w", "main.py", `from machine import Timer\ntim = Timer(-1)\ntim.init(period=100, mode=Timer.PERIODIC, callback=lambda t: print("tick"))\nsrv = socket.socket()\nsrv.bind(("0.0.0.0", 8000))\nsrv.listen(1)\nprint("listening")\nsrv.accept()\n`],
    ["esp32", "main.ts", `import machine from "machine";\nconst tim = machine.Timer(0);\ntim.init({ period: 100, mode: machine.Timer.PERIODIC, callback: () => print("tick") });\nconst srv = socket.socket();\nsrv.bind(["0.0.0.0", 8000]);\nsrv.listen(1);\nprint("listening");\nsrv.accept();\n`],
  ])("%s (%s): Ctrl-C still ends an accept() that runs Timer callbacks, with KeyboardInterrupt", async (board, fileName, body) => {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({ name: "b", board, fileName, source: (fileName.endsWith(".py") ? JOIN_PY : JOIN_TS) + body });
    await b.waitFor("listening");
    await lab.advance(250);
    b.board!.interrupt();
    expect(await b.finished()).toMatchObject({ kind: "raised", pyType: "KeyboardInterrupt" });
    expect(b.lines().slice(2, 5)).toEqual(["listening", "tick", "tick"]);
    expect(b.lines().at(-1)).toBe("KeyboardInterrupt: ");
  });

  // The peer reads only after 350 ms: 200 kB fill its window and the sender's buffer, and sendall waits.
  const READER = `${JOIN_PY}srv = socket.socket()\nsrv.bind(("0.0.0.0", 9000))\nsrv.listen(1)\nprint("ip", wlan.ifconfig()[0])\nc, _ = srv.accept()\ntime.sleep_ms(350)\nn = 0\nwhile n < 200000:\n    n += len(c.recv(4096))\nprint("read", n)\n`;
  it.each([
    ["main.py", `${JOIN_PY}from machine import Timer\ns = socket.socket()\ns.connect(("192.168.1.100", 9000))\nt0 = time.ticks_ms()\ntim = Timer(0)\ntim.init(period=100, mode=Timer.PERIODIC, callback=lambda t: print("tick", time.ticks_diff(time.ticks_ms(), t0)))\nbuf = b"x" * 20000\nfor i in range(10):\n    s.sendall(buf)\nprint("sent", time.ticks_diff(time.ticks_ms(), t0))\ntim.deinit()\n`],
    ["main.ts", `${JOIN_TS}import machine from "machine";\nconst s = socket.socket();\ns.connect(["192.168.1.100", 9000]);\nconst t0 = time.ticks_ms();\nconst tim = machine.Timer(0);\ntim.init({ period: 100, mode: machine.Timer.PERIODIC, callback: () => print("tick", time.ticks_diff(time.ticks_ms(), t0)) });\nconst buf = new Uint8Array(20000);\nfor (let i = 0; i < 10; i++) s.sendall(buf);\nprint("sent", time.ticks_diff(time.ticks_ms(), t0));\ntim.deinit();\n`],
  ])("esp32 (%s): a periodic Timer prints while sendall() waits for the peer to read", async (fileName, source) => {
    const lab = new Lab({ timing: "fast" });
    const reader = await lab.addBoard({ name: "reader", board: "esp32", fileName: "main.py", source: READER });
    await reader.waitFor("ip 192.168.1.100");
    const b = await lab.addBoard({ name: "sender", board: "esp32", fileName, source });
    await b.finished();
    await reader.finished();
    expect(reader.lines().at(-1)).toBe("read 200000");
    expect(rounded(b.lines().slice(2))).toEqual(["tick 100", "tick 200", "tick 300", "sent 350"]);
  });

  it.each([
    ["esp8266", "main.py", `from machine import Pin\nbutton = Pin(4, Pin.IN)\nbutton.irq(handler=lambda p: print("pressed", time.ticks_ms()), trigger=Pin.IRQ_RISING)\nu = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nu.bind(("0.0.0.0", 5005))\nu.settimeout(1)\ntry:\n    u.recvfrom(64)\nexcept OSError:\n    print("timeout", time.ticks_ms())\n`],
    ["esp32", "main.ts", `import machine from "machine";\nconst button = machine.Pin(4, machine.Pin.IN);\nbutton.irq(() => print("pressed", time.ticks_ms()), machine.Pin.IRQ_RISING);\nconst u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);\nu.bind(["0.0.0.0", 5005]);\nu.settimeout(1);\ntry {\n  u.recvfrom(64);\n} catch (e) {\n  print("timeout", time.ticks_ms());\n}\n`],
  ])("%s (%s): a Pin.irq handler runs at its edge while recvfrom() waits, which still times out at its time", async (board, fileName, body) => {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({ name: "b", board, fileName, source: (fileName.endsWith(".py") ? JOIN_PY : JOIN_TS) + `print("waiting", time.ticks_ms())\n` + body });
    await b.waitFor("waiting");
    const start = Number(b.lines().at(-1)!.split(" ")[1]);
    lab.at(start + 250, () => b.setPin(4, 1));
    await b.finished();
    // rounded: a busy-loop poll (1 ms, counted in the VM's calls since start) may fall between the edge and the handler's print
    expect(rounded(b.lines().slice(3).map((l) => `${l.split(" ")[0]} ${Number(l.split(" ")[1]) - start}`))).toEqual(["pressed 250", "timeout 1000"]);
  });
});

/** The text that once meant "woken for callbacks" (host/blocking-wake.ts WOKEN was this string), and the TS signal's name. */
const WOKEN_TEXT = "<woken for callbacks>";

describe("a script's own text equal to what once was the host's WOKEN answer", () => {
  it("pico_w (ts): an AP SSID that reads as WOKEN is returned as it is, with or without a Timer armed", async () => {
    const lab = new Lab({ timing: "fast" });
    const source = `import network from "network";
import machine from "machine";
import time from "time";
const ap = network.WLAN(network.AP_IF);
ap.config({ ssid: ${JSON.stringify(WOKEN_TEXT)} });
print(ap.config("ssid"));
const tim = machine.Timer(-1);
tim.init({ period: 1, mode: machine.Timer.PERIODIC, callback: () => {} });
time.sleep_ms(5);
print(ap.config("ssid"));
tim.deinit();
`;
    const b = await lab.addBoard({ name: "b", board: "pico_w", fileName: "main.ts", source });
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(b.lines().slice(2)).toEqual([WOKEN_TEXT, WOKEN_TEXT]);
  });

  it("pico_w (py): a callback reads that SSID back while another Timer's callback is queued", async () => {
    // The read is answered with callbacks due; inside a callback they wait (never nested), and the
    // answer is the SSID, not a wake to ask again (it asked again forever: the queue stays full).
    const lab = new Lab({ timing: "fast" });
    const source = `import network, time
from machine import Timer
ap = network.WLAN(network.AP_IF)
ap.config(ssid=${JSON.stringify(WOKEN_TEXT)})
seen = []
def read(t):
    time.sleep_ms(3)  # the other Timer comes due meanwhile
    seen.append(ap.config("ssid"))
other = Timer(-1)
other.init(period=1, mode=Timer.PERIODIC, callback=lambda t: None)
reader = Timer(-1)
reader.init(period=5, mode=Timer.ONE_SHOT, callback=read)
time.sleep_ms(20)
other.deinit()
print(seen)
`;
    const b = await lab.addBoard({ name: "b", board: "pico_w", fileName: "main.py", source });
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(b.lines().slice(2)).toEqual([`['${WOKEN_TEXT}']`]);
  });

  it("pico_w (ts): the same read in a callback while another is queued returns the SSID", async () => {
    const lab = new Lab({ timing: "fast" });
    const source = `import network from "network";
import machine from "machine";
import time from "time";
const ap = network.WLAN(network.AP_IF);
ap.config({ ssid: ${JSON.stringify(WOKEN_TEXT)} });
const seen: string[] = [];
const other = machine.Timer(-1);
other.init({ period: 1, mode: machine.Timer.PERIODIC, callback: () => {} });
const reader = machine.Timer(-1);
reader.init({ period: 5, mode: machine.Timer.ONE_SHOT, callback: () => {
  time.sleep_ms(3); // the other Timer comes due meanwhile
  seen.push(ap.config("ssid"));
} });
time.sleep_ms(20);
other.deinit();
print(seen.length, seen[0]);
`;
    const b = await lab.addBoard({ name: "b", board: "pico_w", fileName: "main.ts", source });
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(b.lines().slice(2)).toEqual([`1 ${WOKEN_TEXT}`]);
  });
});
