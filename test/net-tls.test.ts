/**
 * The firmware's ssl/tls modules from .py scripts, per board, in simulated time: the TLS runs on the
 * PC (Node's tls) over the board's simulated TCP connection, so the PC side here is a real TLS
 * endpoint and the wire carries TLS records. Expectations cite extmod/modtls_mbedtls.c and
 * modtls_axtls.c (MicroPython v1.23.0) and micropython-lib's ssl 0.2.1 (frozen by bundle-networking).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Lab } from "../src/testing/index.ts";
import { makeCertificates, makeSmallDerCertificate, readUntil, tlsClient, tlsServer, type TestCertificates } from "./support/tls-peer.ts";

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
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(b.lines().slice(2)).toEqual(["<SSLSocket>", "18", "b'HTTP/1.0 200 OK\\r\\n'", "b'\\r\\nHello from the PC'"]);
    // The first bytes the board sent: a TLS handshake record (22) of TLS 1.x, not the request.
    expect([wire[0]![0], wire[0]![1]]).toEqual([0x16, 0x03]);
    expect(Buffer.concat(wire).includes("GET /")).toBe(false);
  });
});

describe("TLS write of an array", () => {
  it("pico_w: write(a) sends all the array's bytes; write(a, off, max_len) counts bytes, not items", async () => {
    // py/stream.c v1.27.0 stream_readinto_write_generic lines 266-286: mp_get_buffer's bytes
    // (little-endian on the board); write(buf, max_len) or write(buf, off, max_len), in bytes.
    const { lab, server, board: b } = await boardWith(
      "pico_w",
      `import array
s = socket.socket()
s.connect(("192.168.1.2", 8443))
s = ssl.wrap_socket(s)
a = array.array("H", [0x4142, 0x4344])
print(s.write(a), s.write(a, 1, 2), s.write(b"XYZ", 1), s.write(b"\\r\\n\\r\\n"))
print(s.read())
s.close()
`,
    );
    const conn = await lab.until(server.accept());
    const tls = tlsServer(lab, conn, certs);
    expect(await lab.until(readUntil(tls, "\r\n\r\n"))).toBe("BADCADX\r\n\r\n");
    tls.end("ok");
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(b.lines().slice(2)).toEqual(["4 2 1 4", "b'ok'"]);
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
attempt(CA, "server.lan")  # the board's clock is at the firmware's start (2021 rp2, 2000 ESP32): the certificate is not valid yet
${SET_CLOCK()}attempt(OTHER, "server.lan")
attempt(CA, "other.lan")
attempt(CA, "server.lan")
`,
    );
    const requests = await serveTls(lab, server, 4);
    expect(await b.finished()).toEqual({ kind: "finished" });
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
    expect(await b.finished()).toEqual({ kind: "finished" });
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

describe("non-blocking SSL sockets and select", () => {
  it.each(BOARDS)("%s: MicroPython's https_client_nonblocking flow: write None during the handshake, poll until ready, read None with nothing there", async (board) => {
    const { lab, server, board: b } = await boardWith(
      board,
      `import select
from errno import EINPROGRESS
s = socket.socket()
s.setblocking(False)
try:
    s.connect(("192.168.1.2", 8443))
except OSError as e:
    print("connect", e.errno == EINPROGRESS)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
s = ctx.wrap_socket(s, server_hostname="server.lan", do_handshake_on_connect=False)
s.setblocking(False)
poller = select.poll()
poller.register(s, select.POLLOUT)
data = b"GET / HTTP/1.0\\r\\n\\r\\n"
wrote = []
while data:
    poller.poll()
    n = s.write(data)
    wrote.append(n)
    if n is not None:
        data = data[n:]
print("first write", wrote[0], "last write", wrote[-1])
print("nothing yet", s.read(10))
poller.modify(s, select.POLLIN)
print("events", poller.poll(5000)[0][1])
print(s.read(100))
r, w, x = select.select([s], [], [], 5)
print("select", len(r), s.read(100))
s.close()
print("closed", poller.poll(0)[0][1])
`,
    );
    const conn = await lab.until(server.accept());
    const tls = tlsServer(lab, conn, certs);
    expect(await lab.until(readUntil(tls, "\r\n\r\n"))).toBe("GET / HTTP/1.0\r\n\r\n");
    expect(tls.servername).toBe("server.lan"); // server_hostname goes out as SNI
    await lab.advance(100);
    tls.end("HTTP/1.0 200 OK\r\n\r\nhi");
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(b.lines().slice(2)).toEqual([
      "connect True",
      "first write None last write 18", // modtls_mbedtls.c socket_write: WANT_READ during the handshake → EAGAIN → None
      "nothing yet None",
      "events 1",
      "b'HTTP/1.0 200 OK\\r\\n\\r\\nhi'",
      "select 1 b''", // the peer's close_notify: end of stream
      "closed 32", // POLLNVAL: the socket is closed
    ]);
  });
});

describe("server side", () => {
  // The ESP8266 serves MicroPython's examples/network/https_server.py kind of pair: a 512-bit RSA key
  // and its certificate in DER bytes (binascii.unhexlify), which both libraries take
  // (modtls_mbedtls.c lines 344-370: mbedtls_pk_parse_key, mbedtls_x509_crt_parse; axTLS
  // ssl_obj_memory_load), however small the key. A 2048-bit key and its certificate as PEM text
  // do not compile in its heap (MemoryError): the mbedTLS boards take those.
  it.each([...MBEDTLS.map((board) => [board, "PEM"] as const), ["esp8266", "DER"] as const])("%s: ssl.wrap_socket(server_side=True, key=, cert=) with %s serves a PC TLS client", async (board, format) => {
    const small = format === "DER" ? makeSmallDerCertificate() : null;
    const { lab, board: b } = await boardWith(
      board,
      `import binascii
KEY = ${small ? `binascii.unhexlify(b"${small.key}")` : `b${JSON.stringify(certs.key)}`}
CERT = ${small ? `binascii.unhexlify(b"${small.cert}")` : `b${JSON.stringify(certs.cert)}`}
srv = socket.socket()
srv.bind(("0.0.0.0", 8443))
srv.listen(1)
print("listening")
c, addr = srv.accept()
t = ssl.wrap_socket(c, server_side=True, key=KEY, cert=CERT)
print(t.readline())
t.write(b"pong\\n")
t.close()
srv.close()
`,
    );
    await b.waitFor("listening");
    const conn = await lab.until(lab.pc.connect("192.168.1.100", 8443));
    const tls = tlsClient(lab, conn);
    tls.on("error", () => {});
    await lab.until(new Promise<void>((resolve) => tls.once("secureConnect", resolve)));
    expect(tls.getPeerX509Certificate()?.subject).toBe(small ? "CN=small" : "CN=server.lan");
    expect(tls.getProtocol()).toBe("TLSv1.2"); // neither library enables TLS 1.3 in v1.23
    tls.write("ping\n");
    expect(await lab.until(readUntil(tls, "pong\n"))).toBe("pong\n");
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(b.lines().slice(2)).toEqual(["listening", "b'ping\\n'"]);
  });
});

describe("requests and umqtt over TLS", () => {
  it.each(BOARDS)("%s: requests.get('https://…') connects to 443, sends the name as SNI and Host, reads the answer", async (board) => {
    const lab = new Lab({ timing: "fast", hosts: { "server.lan": "192.168.1.2" } });
    const server = lab.pc.listen(443);
    const b = await lab.addBoard({ name: "py", board, fileName: "main.py", source: JOIN + `import requests\nr = requests.get("https://server.lan/data")\nprint(r.status_code, r.text)\n` });
    const conn = await lab.until(server.accept());
    const tls = tlsServer(lab, conn, certs);
    const request = await lab.until(readUntil(tls, "\r\n\r\n"));
    expect(request).toBe("GET /data HTTP/1.0\r\nHost: server.lan\r\nConnection: close\r\n\r\n");
    expect(tls.servername).toBe("server.lan");
    tls.end("HTTP/1.0 200 OK\r\n\r\n21.5");
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(b.lines().slice(2)).toEqual(["200 21.5"]);
  });

  it("esp32: umqtt.simple with ssl=SSLContext connects to 8883 and speaks MQTT inside TLS; ssl_params= is not v1.23's API", async () => {
    const lab = new Lab({ timing: "fast" });
    const server = lab.pc.listen(8883);
    const b = await lab.addBoard({
      name: "py",
      board: "esp32",
      fileName: "main.py",
      source:
        JOIN +
        `from umqtt.simple import MQTTClient
try:
    MQTTClient("x", "192.168.1.2", ssl_params={})
except TypeError as e:
    print("TypeError:", e)
c = MQTTClient("board", "192.168.1.2", ssl=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
print(c.port)
c.connect()
c.publish(b"t", b"hello")
c.disconnect()
`,
    });
    const conn = await lab.until(server.accept());
    const tls = tlsServer(lab, conn, certs);
    const received: Buffer[] = [];
    tls.on("data", (chunk: Buffer) => {
      received.push(chunk);
      if (chunk[0] === 0x10) tls.write(Buffer.from([0x20, 2, 0, 0])); // CONNACK, accepted
    });
    expect(await b.finished()).toEqual({ kind: "finished" });
    const bytes = Buffer.concat(received);
    expect(bytes.subarray(0, 1)[0]).toBe(0x10); // CONNECT
    expect(bytes.includes("MQTT")).toBe(true);
    expect(bytes.includes("hello")).toBe(true);
    expect(b.lines().slice(2)).toEqual(["TypeError: unexpected keyword argument 'ssl_params'", "8883"]);
  });
});

// extmod/asyncio/stream.py v1.23.0: open_connection(host, port, ssl=None, server_hostname=None)
// wraps the socket with do_handshake_on_connect=False (ssl=True: the frozen ssl's client context),
// the name checked the host's unless given (:99-123); start_server(..., ssl=ctx) wraps each client
// server-side (:165-171). The handshake runs at the stream's first read or write.
describe("asyncio streams over TLS", () => {
  it.each(BOARDS)("%s: open_connection(ssl=True) speaks TLS to a PC server", async (board) => {
    const { lab, server, board: b } = await boardWith(
      board,
      `import asyncio
async def main():
    r, w = await asyncio.open_connection("192.168.1.2", 8443, ssl=True)
    w.write(b"GET / HTTP/1.0\\r\\n\\r\\n")
    await w.drain()
    print(await r.readline(), await r.read(5))
    w.close()
    await w.wait_closed()
asyncio.run(main())
`,
    );
    const conn = await lab.until(server.accept());
    const wire: Uint8Array[] = [];
    const tls = tlsServer(lab, conn, certs, wire);
    expect(await lab.until(readUntil(tls, "\r\n\r\n"))).toBe("GET / HTTP/1.0\r\n\r\n");
    tls.end("HTTP/1.0 200 OK\r\n\r\nhello");
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(b.lines().slice(2)).toEqual(["b'HTTP/1.0 200 OK\\r\\n' b'\\r\\nhel'"]);
    expect([wire[0]![0], wire[0]![1]]).toEqual([0x16, 0x03]); // a handshake record first
  });

  it.each(MBEDTLS)("%s: start_server(ssl=ctx) serves a PC TLS client", async (board) => {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({
      name: "py",
      board,
      fileName: "main.py",
      source:
        JOIN +
        `import asyncio, tls
ctx = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(${JSON.stringify(certs.cert)}, ${JSON.stringify(certs.key)})
done = asyncio.Event()
async def handle(r, w):
    line = await r.readline()
    w.write(b"echo " + line)
    await w.drain()
    w.close()
    await w.wait_closed()
    done.set()
async def main():
    srv = await asyncio.start_server(handle, "0.0.0.0", 8443, ssl=ctx)
    print("serving")
    await done.wait()
    srv.close()
    await srv.wait_closed()
asyncio.run(main())
`,
    });
    await b.waitFor("serving");
    const conn = await lab.until(lab.pc.connect("192.168.1.100", 8443));
    const tls = tlsClient(lab, conn);
    tls.write("hi\n");
    expect(await lab.until(readUntil(tls, "hi\n"))).toBe("echo hi\n");
    expect(await b.finished()).toEqual({ kind: "finished" });
  });
});

describe("bad input", () => {
  it.each(BOARDS)("%s: wrong types and values raise the firmware's exceptions", async (board) => {
    const { board: b } = await boardWith(
      board,
      `import tls
def show(f):
    try:
        f()
        print("ok")
    except Exception as e:
        print(type(e).__name__ + ":", e)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
show(lambda: tls.SSLContext("x"))
show(lambda: ssl.SSLContext())
show(lambda: ctx.load_cert_chain(1, 2))
show(lambda: ctx.load_cert_chain(b"junk", b"junk"))
show(lambda: ctx.load_verify_locations(cadata=b"junk"))
show(lambda: setattr(ctx, "verify_mode", "x"))
show(lambda: ssl.wrap_socket(42))
show(lambda: ctx.wrap_socket(socket.socket(), server_hostname=5))
show(lambda: tls.SSLContext(tls.PROTOCOL_TLS_CLIENT).wrap_socket(socket.socket(), True))
show(lambda: ssl.wrap_socket(socket.socket()))
`,
    );
    await b.finished();
    const axtls = board === "esp8266";
    expect(b.lines().slice(2)).toEqual([
      "TypeError: can't convert str to int", // mp_obj_get_int (modtls_mbedtls.c line 209)
      "TypeError: function takes 1 positional arguments but 0 were given", // mp_arg_check_num (line 206)
      "TypeError: can't convert 'int' object to str implicitly", // mp_obj_str_get_data (line 349)
      axtls ? "ok" : "ValueError: invalid key", // lines 107-108, 358; axTLS parses them at wrap_socket
      axtls ? "AttributeError: 'SSLContext' object has no attribute 'load_verify_locations'" : "ValueError: invalid cert", // lines 109-110, 389
      axtls ? "ok" : "TypeError: can't convert str to int", // ssl_context_attr (line 281); axTLS stores nothing
      "OSError: stream operation not supported", // mp_get_stream_raise (line 487)
      "TypeError: can't convert 'int' object to str implicitly", // mp_obj_str_get_str (line 510)
      "TypeError: extra positional arguments given", // mp_arg_parse_all: keyword-only flags
      `OSError: [Errno ${board === "esp32" ? 128 : 107}] ENOTCONN`, // the handshake's first send: -errno through mbedTLS (lines 113-119)
    ]);
  });
});

describe("tls.SSLContext cipher suites (modtls_mbedtls.c lines 305-345)", () => {
  it.each(MBEDTLS)("%s: get_ciphers() lists mbedTLS's suites, set_ciphers() offers only those given, bad lists raise the firmware's errors", async (board) => {
    const { lab, server, board: b } = await boardWith(
      board,
      `import tls
ctx = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
ctx.verify_mode = tls.CERT_NONE
c = ctx.get_ciphers()
print(len(c), c[0], c[-1])
for bad in ([], ["TLS-NOPE"], ("TLS-RSA-WITH-AES-128-CBC-SHA", 5), "TLS-RSA-WITH-AES-128-CBC-SHA"):
    try:
        ctx.set_ciphers(bad)
    except Exception as e:
        print(type(e).__name__, e)
ctx.set_ciphers(("TLS-ECDHE-RSA-WITH-AES-128-CBC-SHA",))
s = socket.socket()
s.connect(("192.168.1.2", 8443))
t = ctx.wrap_socket(s, server_hostname="server.lan")
print(t.cipher())
t.write(b"GET / HTTP/1.0\\r\\n\\r\\n")
print(t.read())
t.close()
`,
    );
    const conn = await lab.until(server.accept());
    const tls = tlsServer(lab, conn, certs);
    expect(await lab.until(readUntil(tls, "\r\n\r\n"))).toBe("GET / HTTP/1.0\r\n\r\n");
    // The PC's side agreed on the one suite the board offered (its first choice would be AES-256-GCM).
    expect(tls.getCipher().standardName).toBe("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
    tls.end("HTTP/1.0 200 OK\r\n\r\nok");
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(b.lines().slice(2)).toEqual([
      "18 TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384 TLS-RSA-WITH-AES-128-CBC-SHA",
      "OSError (-24192, 'MBEDTLS_ERR_SSL_BAD_CONFIG')", // an empty list (line 325)
      "OSError (-24192, 'MBEDTLS_ERR_SSL_BAD_CONFIG')", // a name mbedTLS does not know (line 334)
      "TypeError can't convert 'int' object to str implicitly", // mp_obj_str_get_str
      "TypeError object 'str' isn't a tuple or list", // mp_obj_get_array (py/obj.c:432)
      "('TLS-ECDHE-RSA-WITH-AES-128-CBC-SHA', 'TLSv1.2')",
      "b'HTTP/1.0 200 OK\\r\\n\\r\\nok'",
    ]);
  });

  it("esp8266: axTLS's SSLContext has neither (modtls_axtls.c lines 212-215)", async () => {
    const { board: b } = await boardWith("esp8266", `import tls\nctx = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)\nprint(hasattr(ctx, "get_ciphers"), hasattr(ctx, "set_ciphers"))\n`);
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(b.lines().slice(2)).toEqual(["False False"]);
  });
});
