/**
 * The firmware's ssl/tls modules from .py scripts, per board, in simulated time: the TLS runs on the
 * PC (Node's tls) over the board's simulated TCP connection, so the PC side here is a real TLS
 * endpoint and the wire carries TLS records. Expectations cite extmod/modtls_mbedtls.c and
 * modtls_axtls.c (MicroPython v1.23.0) and micropython-lib's ssl 0.2.1 (frozen by bundle-networking).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Lab } from "../src/testing/index.ts";
import { makeCertificates, readUntil, tlsServer, type TestCertificates } from "./support/tls-peer.ts";

const JOIN = `import network, socket, ssl, time
wlan = network.WLAN(network.STA_IF)
wlan.active(True)
wlan.connect("boardsim-lab", "micropython")
while not wlan.isconnected():
    time.sleep_ms(100)
`;

const BOARDS = ["pico_w", "esp32", "esp8266"] as const;
const MBEDTLS = ["pico_w", "esp32"] as const;
/** The server's certificate is valid from the test's start: a script sets the board's clock to now first (as ntptime would). */
const SET_CLOCK = () => {
  const t = new Date();
  return `import machine\nmachine.RTC().datetime((${t.getUTCFullYear()}, ${t.getUTCMonth() + 1}, ${t.getUTCDate()}, 0, ${t.getUTCHours()}, ${t.getUTCMinutes()}, ${t.getUTCSeconds()}, 0))\n`;
};

let certs: TestCertificates;
beforeAll(() => {
  certs = makeCertificates();
});

async function boardWith(board: string, body: string, hosts?: Record<string, string>) {
  const lab = new Lab({ timing: "fast", hosts });
  const server = lab.pc.listen(8443);
  const b = await lab.addBoard({ name: "py", board, fileName: "main.py", source: JOIN + body });
  return { lab, server, board: b };
}

describe("ssl.wrap_socket: a TLS client", () => {
  it.each(BOARDS)("%s: TLS records on the wire, the request and the answer through them, <SSLSocket>", async (board) => {
    const { lab, server, board: b } = await boardWith(
      board,
      `s = socket.socket()
s.connect(("192.168.1.2", 8443))
s = ssl.wrap_socket(s)
print(s)
print(s.write(b"GET / HTTP/1.0\\r\\n\\r\\n"))
print(s.readline())
print(s.read())
s.close()
`,
    );
    const conn = await lab.until(server.accept());
    const wire: Uint8Array[] = [];
    const tls = tlsServer(lab, conn, certs, wire);
    const request = await lab.until(readUntil(tls, "\r\n\r\n"));
    expect(request).toBe("GET / HTTP/1.0\r\n\r\n");
    tls.end("HTTP/1.0 200 OK\r\n\r\nHello from the PC");
    expect(await lab.until(b.finished())).toEqual({ kind: "finished" });
    expect(b.lines().slice(2)).toEqual(["<SSLSocket>", "18", "b'HTTP/1.0 200 OK\\r\\n'", "b'\\r\\nHello from the PC'"]);
    // The first bytes the board sent: a TLS handshake record (22) of TLS 1.x, not the request.
    expect([wire[0]![0], wire[0]![1]]).toEqual([0x16, 0x03]);
    expect(Buffer.concat(wire).includes("GET /")).toBe(false);
  });
});
