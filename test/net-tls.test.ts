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

/** Accepts `count` connections on `server`, each answered by a TLS server that replies to one request. */
async function serveTls(lab: Lab, server: ReturnType<Lab["pc"]["listen"]>, count: number, reply = "HTTP/1.0 200 OK\r\n\r\nsecret") {
  const requests: string[] = [];
  for (let i = 0; i < count; i++) {
    const conn = await lab.until(server.accept());
    const tls = tlsServer(lab, conn, certs);
    tls.on("error", () => {}); // a board that refuses the certificate drops the connection
    void readUntil(tls, "\r\n\r\n").then(
      (request) => {
        if (!request) return; // the board dropped the connection
        requests.push(request);
        tls.end(reply);
      },
      () => {},
    );
  }
  return requests;
}

describe("certificate checks (mbedTLS boards)", () => {
  it.each(MBEDTLS)("%s: tls.SSLContext(PROTOCOL_TLS_CLIENT) requires the certificate, ssl's starts with CERT_NONE; the board's CA list, clock and name decide", async (board) => {
    const { lab, server, board: b } = await boardWith(
      board,
      `import tls
print(tls.SSLContext(tls.PROTOCOL_TLS_CLIENT).verify_mode, tls.SSLContext(tls.PROTOCOL_TLS_SERVER).verify_mode, ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).verify_mode)
print(ssl.CERT_NONE, ssl.CERT_OPTIONAL, ssl.CERT_REQUIRED, ssl.MBEDTLS_VERSION.startswith("Mbed TLS 3."))
try:
    tls.SSLContext(tls.PROTOCOL_TLS_CLIENT).wrap_socket(socket.socket())
except ValueError as e:
    print("ValueError:", e)
CA = ${JSON.stringify(certs.ca)}
OTHER = ${JSON.stringify(certs.otherCa)}
def attempt(cadata, name):
    s = socket.socket()
    s.connect(("192.168.1.2", 8443))
    ctx = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cadata)
    try:
        t = ctx.wrap_socket(s, server_hostname=name)
    except ValueError as e:
        print("ValueError:", repr(str(e)))
        s.close()
        return
    print(t.cipher()[1], t.cipher()[0].startswith("TLS-"))
    t.write(b"GET / HTTP/1.0\\r\\n\\r\\n")
    print(t.read())
    t.close()
attempt(CA, "server.lan")  # the board's clock is still 2024: the certificate is not valid yet
${SET_CLOCK()}attempt(OTHER, "server.lan")
attempt(CA, "other.lan")
attempt(CA, "server.lan")
`,
    );
    const requests = await serveTls(lab, server, 4);
    expect(await lab.until(b.finished())).toEqual({ kind: "finished" });
    expect(b.lines().slice(2)).toEqual([
      "2 0 0", // modtls_mbedtls.c lines 251-256; micropython-lib ssl.py SSLContext.__init__ sets CERT_NONE
      "0 1 2 True",
      "ValueError: CERT_REQUIRED requires server_hostname", // line 519
      // lines 543-551: ValueError(mbedtls_x509_crt_verify_info(..., "\n", flags))
      "ValueError: '\\nThe certificate validity starts in the future\\n'",
      "ValueError: '\\nThe certificate is not correctly signed by the trusted CA\\n'",
      "ValueError: '\\nThe certificate Common Name (CN) does not match with the expected CN\\n'",
      "TLSv1.2 True",
      "b'HTTP/1.0 200 OK\\r\\n\\r\\nsecret'",
    ]);
    expect(requests).toEqual(["GET / HTTP/1.0\r\n\r\n"]);
  });
});

describe("handshake and stream errors", () => {
  it.each(BOARDS)("%s: a peer that closes during the handshake, or answers in plain text; a session cut without close_notify", async (board) => {
    const { lab, server, board: b } = await boardWith(
      board,
      `for i in range(3):
    s = socket.socket()
    s.connect(("192.168.1.2", 8443))
    try:
        t = ssl.wrap_socket(s)
        print(t.read(5))
        print(t.read())
    except OSError as e:
        print("OSError:", e.args)
    s.close()
`,
    );
    const hangUp = await lab.until(server.accept());
    hangUp.end();
    const plain = await lab.until(server.accept());
    await lab.until(plain.send("HTTP/1.0 400 Bad Request\r\n\r\n"));
    plain.end();
    const cut = await lab.until(server.accept());
    const tls = tlsServer(lab, cut, certs);
    await lab.until(new Promise<void>((resolve) => tls.once("secure", resolve)));
    await lab.until(new Promise<void>((resolve) => tls.write("hello", () => resolve())));
    cut.end(); // FIN without close_notify
    expect(await lab.until(b.finished())).toEqual({ kind: "finished" });
    const mbedtls = board !== "esp8266";
    expect(b.lines().slice(2)).toEqual(
      mbedtls
        ? [
            "OSError: (-29312, 'MBEDTLS_ERR_SSL_CONN_EOF')", // mbedtls_raise_error with lib/mbedtls_errors' names
            "OSError: (-29184, 'MBEDTLS_ERR_SSL_INVALID_RECORD')",
            "b'hello'",
            "OSError: (-29312,)", // socket_read: *errcode = MBEDTLS_ERR_SSL_CONN_EOF, raised by py/stream.c
          ]
        : [
            "OSError: (-256, 'CONN_LOST')", // modtls_axtls.c ssl_raise_error
            "OSError: (-260, 'INVALID_HANDSHAKE')", // UNVERIFIED code
            "b'hello'",
            "b''", // axTLS: SSL_ERROR_CONN_LOST is the end of the stream (line 327)
          ],
    );
  });
});
