import pino from "pino";
import { describe, expect, it } from "vitest";
import { RealClock } from "../src/network-sim/clock/clock.ts";
import { Lan } from "../src/network-sim/lan.ts";
import { HostBridge, type UdpForward } from "../src/network-sim/pc/host-bridge.ts";
import { runScript, startScript } from "./support/run-script.ts";

// Opens UDP sockets until socket() or bind() raises, and says which number failed with what.
const OPEN_UDP = `
import socket
socks = []
try:
    for i in range(40):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        socks.append(s)
        s.bind(("", 0))
except OSError as e:
    print("failed at", len(socks), e.errno)
for s in socks:
    s.close()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", 0))
print("after close: ok")
`;

describe("UDP sockets and the board's lwIP limits", () => {
  it("Pico W: the 5th UDP socket raises ENOMEM (MEMP_NUM_UDP_PCB), closing frees one", async () => {
    const { output, outcome } = await runScript(OPEN_UDP, "pico_w", "main.py");
    expect(outcome).toEqual({ kind: "finished" });
    expect(output).toBe("failed at 4 12\nafter close: ok\n");
  });

  it("ESP8266: the 5th UDP socket raises ENOMEM", async () => {
    const { output } = await runScript(OPEN_UDP, "esp8266", "main.py");
    expect(output).toBe("failed at 4 12\nafter close: ok\n");
  });

  it("ESP32: UDP and TCP share the 10 descriptors; the 11th socket raises ENFILE", async () => {
    const { output } = await runScript(
      `
import socket
socks = [socket.socket() for i in range(6)]
try:
    while True:
        socks.append(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
except OSError as e:
    print(len(socks), e.errno)
`,
      "esp32",
      "main.py",
    );
    expect(output).toBe("10 23\n");
  });

  it("TS scripts get the same limit", async () => {
    const { output } = await runScript(`
      import socket from "socket";
      const socks = [];
      try {
        for (let i = 0; i < 40; i++) socks.push(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
      } catch (e) {
        print(socks.length, e.errno);
      }
    `);
    expect(output).toBe("4 12\n");
  });
});

/** A PC that has no file descriptor left: every UDP bind fails as Node reports EMFILE. */
class ExhaustedBridge extends HostBridge {
  override async udp(): Promise<UdpForward> {
    throw Object.assign(new Error("bind EMFILE 127.0.0.1"), { code: "EMFILE", errno: -24, syscall: "bind" });
  }
}

describe("the PC runs out of sockets", () => {
  it("bind() and sendto() raise the board's ENOMEM, the script goes on, one warning line", async () => {
    const log = pino({ level: "silent" });
    const lan = new Lan({ clock: new RealClock(), log, bridge: new ExhaustedBridge(log) });
    const run = await startScript(
      `
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.bind(("", 5000))
except OSError as e:
    print("bind", e.errno)
try:
    s.sendto(b"hi", ("192.168.1.2", 9))
except OSError as e:
    print("sendto", e.errno)
s.close()
print("still running")
`,
      "pico_w",
      "main.py",
      { lan },
    );
    expect(await run.done).toEqual({ kind: "finished" });
    expect(run.output()).toBe("bind 12\nsendto 12\nstill running\n");
    const warnings = run.logs().filter((l) => l.msg.startsWith("no UDP socket left on the PC"));
    expect(warnings.map((l) => l.msg)).toEqual([
      "no UDP socket left on the PC for port 5000 (EMFILE): the board sees ENOMEM",
      expect.stringMatching(/^no UDP socket left on the PC for port \d+ \(EMFILE\): the board sees ENOMEM$/),
    ]);
  });
});

describe("a port beyond 65535 in an address tuple", () => {
  const BIND_70000 = `
import socket
a = socket.socket()
try:
    a.bind(("", 70000))
    print("bound")
    b = socket.socket()
    b.bind(("", 4464))
except OSError as e:
    print("OSError", e.errno)
`;
  it("modlwip (Pico W) keeps the low 16 bits, as tcp_bind's u16_t does: 70000 is port 4464", async () => {
    const { output } = await runScript(BIND_70000, "pico_w", "main.py");
    expect(output).toBe("bound\nOSError 98\n");
  });

  it("ESP32: lwip_getaddrinfo refuses it, OSError(-201) (EAI_SERVICE)", async () => {
    const { output } = await runScript(BIND_70000, "esp32", "main.py");
    expect(output).toBe("OSError -201\n");
  });
});
