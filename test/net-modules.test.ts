/**
 * The firmware's network modules from .py scripts, per board, in simulated time: socket.getaddrinfo
 * and the stream methods, select.poll/select.select, asyncio, and the frozen requests, ntptime,
 * umqtt and mip. Each expectation cites the firmware source (MicroPython v1.23.0) it follows.
 */
import { describe, expect, it, onTestFinished } from "vitest";
import { Lab } from "../src/testing/index.ts";
import type { PcConnection } from "../src/network-sim/pc/pc-peers.ts";
import { JOIN_PY, JOIN_TS } from "./support/join.ts";
import { sntpResponderPy } from "./support/ntp.ts";


const BOARDS = ["pico_w", "esp32", "esp8266"] as const;
const LWIP = ["pico_w", "esp8266"] as const;

async function runPy(board: string, body: string, opts: { hosts?: Record<string, string>; lab?: Lab } = {}) {
  const lab = opts.lab ?? new Lab({ timing: "fast", hosts: opts.hosts });
  const b = await lab.addBoard({ name: "py", board, fileName: "main.py", source: JOIN_PY + body });
  return { lab, board: b };
}

/** Runs to the end; the lines after the banner. */
async function output(board: string, body: string, hosts?: Record<string, string>): Promise<string[]> {
  const { board: b } = await runPy(board, body, { hosts });
  await b.finished();
  return b.lines().slice(2);
}

/** Reads a PC connection's bytes n at a time, whatever segments they came in (each within 10 s of simulated time). */
function byteReader(lab: Lab, conn: PcConnection): (n: number) => Promise<Buffer> {
  const received: number[] = [];
  return async (n) => {
    while (received.length < n) received.push(...(await lab.until(conn.recv(), { within: 10_000 })));
    return Buffer.from(received.splice(0, n));
  };
}

/** All bytes a PC connection receives until the board closes. */
async function allBytes(conn: PcConnection): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for (;;) {
    const chunk = await conn.recv();
    if (chunk.length === 0) return Buffer.concat(parts);
    parts.push(chunk);
  }
}

describe("socket.fileno()", () => {
  // ports/esp32/modsocket.c:775-779 returns lwIP's descriptor: ESP-IDF numbers them from
  // LWIP_SOCKET_OFFSET (FD_SETSIZE 64 - CONFIG_LWIP_MAX_SOCKETS 10 = 54) in lwIP's lowest free slot
  // (api/sockets.c alloc_socket), UNVERIFIED on a board; modlwip's socket has none (extmod/modlwip.c:1632-1653).
  it.each([
    ["esp32", ["54 55", "54 True"]],
    ["pico_w", ["AttributeError 'socket' object has no attribute 'fileno'", "False"]],
    ["esp8266", ["AttributeError 'socket' object has no attribute 'fileno'", "False"]],
  ])("%s: socket.fileno() as the port has it", async (board, expected) => {
    const lab = new Lab({ timing: "fast" });
    onTestFinished(() => lab.close());
    const b = await lab.addBoard({
      name: "b",
      board,
      fileName: "main.py",
      source: `import socket
s1 = socket.socket()
s2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    print(s1.fileno(), s2.fileno())
    s1.close()
    s3 = socket.socket()
    print(s3.fileno(), "fileno" in dir(s3))
except AttributeError as e:
    print("AttributeError", e)
    print("fileno" in dir(s1))
`,
    });
    await b.finished();
    expect(b.lines().slice(2)).toEqual(expected);
  });
});

describe("socket.getaddrinfo", () => {
  it.each(LWIP)("%s: one (AF_INET, SOCK_STREAM, 0, '', addr) tuple; unknown names OSError -2 (modlwip.c lwip_getaddrinfo, lines 1746-1813)", async (board) => {
    const lines = await output(
      board,
      `print(socket.getaddrinfo("192.168.1.2", 80))
print(socket.getaddrinfo("broker.local", 1883))
try:
    socket.getaddrinfo("micropython.org", 80)
except OSError as e:
    print("OSError", e.errno)
try:
    socket.getaddrinfo("", 80)
except OSError as e:
    print("OSError", e.errno)
print(socket.getaddrinfo("10.0.0.1", 53, 0, socket.SOCK_DGRAM))
`,
      { "broker.local": "192.168.1.2" },
    );
    expect(lines).toEqual([
      "[(2, 1, 0, '', ('192.168.1.2', 80))]",
      "[(2, 1, 0, '', ('192.168.1.2', 1883))]",
      "OSError -2",
      // lwIP dns_gethostbyname: an empty name is ERR_ARG, -12 in the ESP8266 SDK's lwIP 1.4, -16 in 2.x
      `OSError ${board === "esp8266" ? -12 : -16}`,
      "Warning: unsupported getaddrinfo constraints",
      "[(2, 1, 0, '', ('10.0.0.1', 53))]",
    ]);
  });

  it("esp32: lwIP's getaddrinfo echoes type and canonname; unknown names OSError -202 (esp32 modsocket.c lines 215-262, 920-975)", async () => {
    const lines = await output(
      "esp32",
      `print(socket.getaddrinfo("broker.local", "1883"))
print(socket.getaddrinfo("192.168.1.2", 123, 0, socket.SOCK_DGRAM))
print(socket.getaddrinfo("", 80))
for host, port in (("micropython.org", 80), ("192.168.1.2", 70000)):
    try:
        socket.getaddrinfo(host, port)
    except OSError as e:
        print(e)
`,
      { "broker.local": "192.168.1.2" },
    );
    expect(lines).toEqual([
      "[(2, 1, 0, 'broker.local', ('192.168.1.2', 1883))]",
      "[(2, 2, 0, '192.168.1.2', ('192.168.1.2', 123))]",
      "[(2, 1, 0, '0.0.0.0', ('0.0.0.0', 80))]",
      "-202",
      "-201", // EAI_SERVICE
    ]);
  });

  // Before the station joined, a name reaches no DNS server: none at all where ifconfig()'s DNS is
  // 0.0.0.0 (lwIP 2.x dns.c dns_gethostbyname_addrtype: ERR_VAL, raised raw by modlwip.c v1.23.0
  // lines 1785-1800; ESP-IDF's netdb.c makes it EAI_FAIL), an unreachable one after active(True) on
  // the Pico W (cyw43's 8.8.8.8) and always on the ESP8266 (lwIP 1.4's OpenDNS default): lwIP
  // resends the query for 7 s (dns.c dns_check_entry), then lwip_getaddrinfo_cb's -2. An address
  // needs no DNS. After connecting, the name resolves. (Seconds in the board's clock.)
  it.each([
    ["pico_w", "-6 0", "-2 7"],
    ["esp32", "-202 0", "-202 0"],
    ["esp8266", "-2 7", "-2 7"],
  ] as const)("%s: a name before the WiFi joined is OSError (errno, seconds) %s (inactive), %s (active, not connected); an address resolves", async (board, inactive, active) => {
    const lab = new Lab({ timing: "fast", hosts: { "example.com": "192.168.1.2" } });
    const b = await lab.addBoard({
      name: "py",
      board,
      fileName: "main.py",
      source: `import network, socket, time
def lookup(host):
    t = time.ticks_ms()
    try:
        print(socket.getaddrinfo(host, 80)[0][-1])
    except OSError as e:
        print("OSError", e.errno, time.ticks_diff(time.ticks_ms(), t) // 1000)
wlan = network.WLAN(network.STA_IF)
lookup("example.com")
lookup("10.0.0.1")
wlan.active(True)
lookup("example.com")
wlan.connect("boardsim-lab", "micropython")
while not wlan.isconnected():
    time.sleep_ms(100)
lookup("example.com")
`,
    });
    await b.finished();
    expect(b.lines().slice(2)).toEqual([`OSError ${inactive}`, "('10.0.0.1', 80)", `OSError ${active}`, "('192.168.1.2', 80)"]);
  });

  it.each([
    ["pico_w", -16],
    ["esp32", -202],
    ["esp8266", -12],
  ] as const)("%s: a name of 256 bytes or more is ERR_ARG before any lookup (lwIP dns.c DNS_MAX_NAME_LENGTH), even an address padded with spaces", async (board, errno) => {
    const name = "a".repeat(249) + ".lan"; // 253 characters: the longest DNS name
    const lines = await output(
      board,
      `print(socket.getaddrinfo("${name}", 80)[0][4])
print(socket.getaddrinfo("10.0.0.1" + " " * 247, 80)[0][4])
for host in ("10.0.0.1" + " " * 248, "${name}" + "." * 3):
    try:
        socket.getaddrinfo(host, 80)
    except OSError as e:
        print("OSError", e.errno)
`,
      { [name]: "192.168.1.2" },
    );
    expect(lines).toEqual(["('192.168.1.2', 80)", "('10.0.0.1', 80)", `OSError ${errno}`, `OSError ${errno}`]);
  });

  it.each(BOARDS)("%s: wrong types raise the firmware's TypeError (mp_obj_str_get_str, mp_obj_get_int)", async (board) => {
    const lines = await output(
      board,
      `for args in ((80, 80), ("1.2.3.4", None), ("1.2.3.4", 80, "x")):
    try:
        socket.getaddrinfo(*args)
    except TypeError as e:
        print(e)
`,
    );
    expect(lines).toEqual(["can't convert 'int' object to str implicitly", "can't convert NoneType to int", "can't convert str to int"]);
  });

  it("esp32: connect() resolves a name from the router's hosts table (modsocket.c line 270)", async () => {
    const lab = new Lab({ timing: "fast", hosts: { "server.lan": "192.168.1.2" } });
    const server = lab.pc.listen(8888);
    const { board } = await runPy("esp32", `s = socket.socket()\ns.connect(("server.lan", 8888))\ns.write(b"hi")\ns.close()\n`, { lab });
    const conn = await lab.until(server.accept());
    expect((await lab.until(allBytes(conn))).toString()).toBe("hi");
    expect(await board.finished()).toEqual({ kind: "finished" });
  });
});

describe("TCP PCBs on the lwIP raw-API ports", () => {
  // socket() takes a PCB from MEMP_NUM_TCP_PCB (5: rp2's lwIP opt.h default, the ESP8266 SDK's
  // register; modlwip.c lwip_socket_make_new raises ENOMEM when tcp_new fails); listen() frees it
  // for one of MEMP_NUM_TCP_PCB_LISTEN (lwIP core/tcp.c tcp_listen_with_backlog_and_err), and each
  // connection lwIP accepts takes one (tcp_listen_input → tcp_alloc). So a server with 4 clients
  // can still open a 5th socket, and with that one closed accepts a 5th client.
  it.each(LWIP)("%s: a listening socket holds none of the 5 PCBs: 4 clients and one more socket(), then ENOMEM", async (board) => {
    const lab = new Lab({ timing: "fast" });
    const { board: b } = await runPy(
      board,
      `s = socket.socket()
s.bind(("0.0.0.0", 8000))
s.listen(5)
print("listening")
conns = [s.accept()[0] for _ in range(4)]
extra = []
try:
    while True:
        extra.append(socket.socket())
except OSError as e:
    print(len(conns), "clients,", len(extra), "more sockets:", e)
extra.pop().close()
print("ready")
conns.append(s.accept()[0])
print(len(conns), "clients")
`,
      { lab },
    );
    await b.waitFor("listening");
    const clients = [];
    for (let i = 0; i < 4; i++) clients.push(await lab.until(lab.pc.connect("192.168.1.100", 8000)));
    await b.waitFor("ready");
    clients.push(await lab.until(lab.pc.connect("192.168.1.100", 8000)));
    expect(await b.finished()).toEqual({ kind: "finished" });
    expect(b.lines().slice(3)).toEqual(["4 clients, 1 more sockets: [Errno 12] ENOMEM", "ready", "5 clients"]);
  });
});

describe("socket stream methods (py/stream.c)", () => {
  it.each(BOARDS)("%s: makefile() is the socket; readline, read(n), readinto, read() to the end; write returns the count", async (board) => {
    const lab = new Lab({ timing: "fast" });
    const server = lab.pc.listen(8888);
    const { board: b } = await runPy(
      board,
      `s = socket.socket()
s.connect(("192.168.1.2", 8888))
f = s.makefile("rwb", 0)
print(f is s)
print(s.write("GET / HTTP/1.0\\r\\n\\r\\n"))
print(f.readline())
print(s.read(5))
buf = bytearray(4)
print(s.readinto(buf), buf)
print(s.read())
print(s.read(), s.readline())
s.close()
`,
      { lab },
    );
    const conn = await lab.until(server.accept());
    await lab.until(conn.readUntil("\r\n\r\n"));
    await lab.until(conn.send("HTTP/1.0 200 OK\r\n"));
    await lab.until(conn.send("ab"));
    await lab.advance(100);
    await lab.until(conn.send("cdefghij-rest"));
    conn.end();
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["True", "18", "b'HTTP/1.0 200 OK\\r\\n'", "b'abcde'", "4 bytearray(b'fghi')", "b'j-rest'", "b'' b''"]);
  });

  it.each(BOARDS)("%s: non-blocking read(), readline() and readinto() return None with nothing to read; recv() raises EAGAIN", async (board) => {
    const lab = new Lab({ timing: "fast" });
    lab.pc.listen(8888);
    const lines = await (async () => {
      const { board: b } = await runPy(
        board,
        `s = socket.socket()
s.connect(("192.168.1.2", 8888))
s.setblocking(False)
print(s.read(), s.read(10), s.readline(), s.readinto(bytearray(3)))
try:
    s.recv(10)
except OSError as e:
    print(e)
`,
        { lab },
      );
      await b.finished();
      return b.lines().slice(2);
    })();
    expect(lines).toEqual(["None None None None", "[Errno 11] EAGAIN"]);
  });

  it.each([
    ["pico_w", ["<socket state=0 timeout=-1 incoming=0 off=0>", "<socket state=1 timeout=2000 incoming=0 off=0>", "<socket state=5 timeout=0 incoming=0 off=0>"]],
    ["esp8266", ["<socket state=0 timeout=-1 incoming=0 off=0>", "<socket state=1 timeout=2000 incoming=0 off=0>", "<socket state=5 timeout=0 incoming=0 off=0>"]],
    ["esp32", ["<socket>", "<socket>", "<socket>"]],
  ])("%s: repr as the firmware prints it (modlwip.c line 846; esp32's type has no print)", async (board, expected) => {
    const lines = await output(
      board,
      `s = socket.socket()
print(repr(s))
s.settimeout(2)
s.bind(("", 80))
s.listen(1)
print(repr(s))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.setblocking(False)
print(repr(u))
`,
    );
    expect(lines).toEqual(expected);
  });
});

describe("select (extmod/modselect.c)", () => {
  it.each(BOARDS)("%s: poll() on a listening socket waits in simulated time and wakes for a connection", async (board) => {
    const lab = new Lab({ timing: "fast" });
    const { board: b } = await runPy(
      board,
      `import select
srv = socket.socket()
srv.bind(("0.0.0.0", 8000))
srv.listen(1)
p = select.poll()
p.register(srv, select.POLLIN)
t = time.ticks_ms()
print(p.poll(250), time.ticks_diff(time.ticks_ms(), t) // 10 * 10)
print("waiting")
ready = p.poll()
print(ready[0][0] is srv, ready[0][1], time.ticks_diff(time.ticks_ms(), t))
c, addr = srv.accept()
p.register(c, select.POLLIN)
p.unregister(srv)
print(p.poll(1000)[0][1])
print(c.recv(10))
print([ev for obj, ev in p.poll(1000)], c.recv(10))
c.close()
print(p.poll(0)[0][1])
`,
      { lab },
    );
    await b.waitFor("waiting");
    await lab.advance(1000);
    const conn = await lab.until(lab.pc.connect("192.168.1.100", 8000));
    await lab.until(conn.send("ping"));
    await lab.advance(10);
    conn.end();
    await b.finished();
    const lines = b.lines().slice(2);
    expect(lines[0]).toBe("[] 250"); // the timeout, exactly, in the board's clock
    expect(lines[2]).toMatch(/^True 1 1\d\d\d$/); // POLLIN once the PC connected, about 1 s later
    expect(lines.slice(3)).toEqual(["1", "b'ping'", "[1] b''", "32"]); // POLLNVAL once closed
  });

  it.each([
    ["pico_w", ["[16]", "[20]", "[4]"]],
    ["esp8266", ["[16]", "[20]", "[4]"]],
    ["esp32", ["[16]", "[20]", "[4]"]],
  ])("%s: a new TCP socket reports POLLHUP; POLLOUT when asked; UDP is writable", async (board, expected) => {
    const lines = await output(
      board,
      `import select
s = socket.socket()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for obj, mask in ((s, select.POLLIN), (s, select.POLLIN | select.POLLOUT), (u, select.POLLOUT)):
    p = select.poll()
    p.register(obj, mask)
    print([ev for o, ev in p.poll(0)])
`,
    );
    expect(lines).toEqual(expected);
  });

  it.each(BOARDS)("%s: select.select() on a UDP socket: readable when a datagram waits; ([], [], []) after the timeout", async (board) => {
    const lab = new Lab({ timing: "fast" });
    const echo = await lab.addBoard({
      name: "peer",
      board: "esp32",
      fileName: "peer.py",
      source: `${JOIN_PY}u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nu.bind(("", 7000))\nd, a = u.recvfrom(100)\nu.sendto(d, a)\n`,
    });
    await echo.waitFor(/^/);
    const { board: b } = await runPy(
      board,
      `import select
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("", 7001))
t = time.ticks_ms()
print(select.select([u], [], [], 0.5), time.ticks_diff(time.ticks_ms(), t) // 10 * 10)
u.sendto(b"hello", ("192.168.1.100", 7000))
r, w, x = select.select([u], [], [], 5)
print(r[0] is u, w, x, u.recvfrom(10)[0])
`,
      { lab },
    );
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["([], [], []) 500", "True [] [] b'hello'"]);
  });

  it.each(BOARDS)("%s: bad input fails as the firmware does", async (board) => {
    const lines = await output(
      board,
      `import select
p = select.poll()
s = socket.socket()
for f in (lambda: p.modify(s, select.POLLIN), lambda: p.register(42), lambda: p.register(s, "x"), lambda: select.select(1, [], [])):
    try:
        f()
    except Exception as e:
        print(type(e).__name__, e)
p.unregister(s)
print(repr(p))
`,
    );
    expect(lines).toEqual([
      "OSError [Errno 2] ENOENT", // modselect.c poll_modify
      "OSError stream operation not supported", // py/stream.c mp_get_stream_raise
      "TypeError can't convert str to int",
      "TypeError object 'int' isn't a tuple or list",
      "<poll>",
    ]);
  });

  // (A new TCP socket would come back anyway: modlwip adds POLLHUP whatever the mask, even 0.)
  it("ipoll() with flags=1 reports an object once, until modify() (FLAG_ONESHOT)", async () => {
    const lines = await output(
      "pico_w",
      `import select
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
p = select.poll()
p.register(s, select.POLLOUT)
print(list((o is s, e) for o, e in p.ipoll(0, 1)))
print(list(p.ipoll(0, 1)))
p.modify(s, select.POLLOUT)
print(len(list(p.ipoll(0))))
`,
    );
    expect(lines).toEqual(["[(True, 4)]", "[]", "1"]);
  });

  // poll_set_poll_until_ready_or_timeout (extmod/modselect.c v1.23.0) runs MICROPY_EVENT_POLL_HOOK
  // while it waits, where scheduled callbacks run: a Timer's run on time, the wait goes on to its end.
  it.each([["esp32", 0], ["pico_w", -1]] as const)("%s: Timer callbacks run on time inside poll(350) and select(), which still wait their full time", async (board, id) => {
    const lines = await output(
      board,
      `import select
from machine import Timer
t0 = time.ticks_ms()
tim = Timer(${id})
tim.init(period=100, mode=Timer.PERIODIC, callback=lambda t: print("tick", time.ticks_diff(time.ticks_ms(), t0)))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
p = select.poll()
p.register(s, select.POLLIN)
print(p.poll(350), time.ticks_diff(time.ticks_ms(), t0))
print(select.select([s], [], [], 0.12), time.ticks_diff(time.ticks_ms(), t0))
tim.deinit()
`,
    );
    expect(lines.map((l) => l.replace(/ (\d+)$/, (_, ms) => ` ${Math.round(Number(ms) / 10) * 10}`))).toEqual([
      "tick 100", "tick 200", "tick 300", "[] 350", "tick 400", "([], [], []) 470",
    ]);
  });

  it("Ctrl-C ends a poll() that waits for ever with KeyboardInterrupt", async () => {
    const { lab, board } = await runPy("esp32", `import select\np = select.poll()\nprint("polling")\np.poll()\n`);
    await board.waitFor("polling");
    await lab.advance(5000);
    board.board!.interrupt();
    const outcome = await board.finished();
    expect(outcome).toMatchObject({ kind: "raised", pyType: "KeyboardInterrupt" });
  });
});

describe("asyncio on the board's clock", () => {
  it("wait_for waits for the cancelled task's clean-up before TimeoutError (extmod/asyncio/funcs.py v1.23.0 lines 48-51)", async () => {
    const lines = await output(
      "pico_w",
      `import asyncio
async def slow():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        await asyncio.sleep_ms(200)
        print("clean-up done", time.ticks_ms() - t0)
        raise
async def main():
    try:
        await asyncio.wait_for(slow(), 0.5)
    except asyncio.TimeoutError:
        print("TimeoutError", time.ticks_ms() - t0)
t0 = time.ticks_ms()
asyncio.run(main())
`,
    );
    // 500 ms timeout + 200 ms clean-up, plus the few ms of interpreter time the .py engine charges
    expect(lines.map((l) => l.replace(/ \d+$/, ""))).toEqual(["clean-up done", "TimeoutError"]);
    const [cleanUp, timeout] = lines.map((l) => Number(l.split(" ").at(-1)));
    expect(cleanUp).toBeGreaterThanOrEqual(700);
    expect(cleanUp).toBeLessThan(720);
    // right after the clean-up, unless a busy-time poll (every POLL_EVERY_CALLS of the VM's calls,
    // counted from the script's start) falls between the two prints
    expect(timeout - cleanUp).toBeGreaterThanOrEqual(0);
    expect(timeout - cleanUp).toBeLessThanOrEqual(1);
  });

  it.each(BOARDS)("%s: tasks, sleep_ms, gather, wait_for, Event and Lock run in simulated time, the same each run", async (board) => {
    const body = `import asyncio, uasyncio
print(uasyncio.sleep_ms is asyncio.sleep_ms)
t0 = time.ticks_ms()
def now():
    return time.ticks_diff(time.ticks_ms(), t0)
async def worker(name, ms, n):
    for i in range(n):
        await asyncio.sleep_ms(ms)
        print(name, i, round(now(), -1))  # the library's own Python costs the busy loop's 1 ms per ~200 steps
    return name
async def waiter(ev, lock):
    await ev.wait()
    async with lock:
        print("event seen", round(now(), -1))
async def main():
    ev = asyncio.Event()
    lock = asyncio.Lock()
    w = asyncio.create_task(waiter(ev, lock))
    print(await asyncio.gather(worker("a", 100, 3), worker("b", 160, 2)))
    ev.set()
    await w
    try:
        await asyncio.wait_for(forever(), 0.5)
    except asyncio.TimeoutError:
        print("timeout", round(now(), -1))
    return "done"
async def forever():
    await asyncio.sleep(10)
print(asyncio.run(main()))
`;
    const first = await output(board, body);
    expect(first).toEqual(["True", "a 0 100", "b 0 160", "a 1 200", "a 2 300", "b 1 320", "['a', 'b']", "event seen 320", "timeout 820", "done"]);
    expect(await output(board, body)).toEqual(first);
  });

  it.each(BOARDS)("%s: start_server echoes lines to a PC client with StreamReader.readline and StreamWriter.write/drain", async (board) => {
    const lab = new Lab({ timing: "fast" });
    const { board: b } = await runPy(
      board,
      `import asyncio
async def handle(reader, writer):
    print("client", writer.get_extra_info("peername")[0])
    while True:
        line = await reader.readline()
        if not line:
            break
        writer.write("echo " + line.decode())  # a str, as tutorials write it
        await writer.drain()
    writer.close()
    await writer.wait_closed()
    print("closed")
async def main():
    server = await asyncio.start_server(handle, "0.0.0.0", 8000)
    print("serving")
    await asyncio.sleep(5)
    server.close()
asyncio.run(main())
`,
      { lab },
    );
    await b.waitFor("serving");
    const conn = await lab.until(lab.pc.connect("192.168.1.100", 8000));
    await lab.until(conn.send("one\ntw"));
    await lab.advance(50);
    await lab.until(conn.send("o\n"));
    await lab.until(conn.readUntil("echo two\n"));
    conn.end();
    await b.finished();
    expect(conn.text).toBe("echo one\necho two\n");
    expect(b.lines().slice(2)).toEqual(["serving", "client 192.168.1.2", "closed"]);
  });

  it.each(BOARDS)("%s: open_connection to a PC server; readexactly raises EOFError at the end", async (board) => {
    const lab = new Lab({ timing: "fast" });
    const server = lab.pc.listen(9000);
    const { board: b } = await runPy(
      board,
      `import asyncio
async def main():
    r, w = await asyncio.open_connection("192.168.1.2", 9000)
    w.write(b"hello")
    await w.drain()
    print(await r.readexactly(3), await r.read(100))
    try:
        await r.readexactly(1)
    except EOFError:
        print("EOF")
    w.close()
asyncio.run(main())
`,
      { lab },
    );
    const conn = await lab.until(server.accept());
    await lab.until(conn.readUntil("hello"));
    await lab.until(conn.send("abcdef"));
    await lab.advance(10);
    conn.end();
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["b'abc' b'def'", "EOF"]);
  });

  // The ports' Task is the C _asyncio one: cancel() of the running task raises (extmod/modasyncio.c:182-192).
  it("a task cancelling itself raises RuntimeError: can't cancel self", async () => {
    const lines = await output(
      "esp32",
      `import asyncio
async def main():
    try:
        asyncio.current_task().cancel()
    except RuntimeError as e:
        print("RuntimeError", e)
    await asyncio.sleep_ms(1)
    print("goes on")
asyncio.run(main())
`,
    );
    expect(lines).toEqual(["RuntimeError can't cancel self", "goes on"]);
  });

  // extmod/asyncio/core.py v1.23.0: one run queue keyed by time (modasyncio.c task_lt): sleep_ms(0)
  // queues a task at now (35-58), a finished task's waiters at the moment it ends (207-211). So a task
  // back from sleep_ms(0) runs before the main task that a task ending after it woke; microdot's
  // shutdown() (the serving task cancelled from a handler) writes a header line more before run() returns.
  it("a task back from sleep_ms(0) runs before a task woken after it", async () => {
    const lines = await output(
      "pico_w",
      `import asyncio
log = []
async def serving():
    try:
        await asyncio.sleep(100)
    except asyncio.CancelledError:
        log.append("cancelled")
async def handler(s):
    s.cancel()
    for i in range(3):
        log.append(i)
        await asyncio.sleep_ms(0)
async def main():
    s = asyncio.create_task(serving())
    await asyncio.sleep_ms(0)
    asyncio.create_task(handler(s))
    await s
    log.append("main")
asyncio.run(main())
print(log)
`,
    );
    expect(lines).toEqual(["[0, 'cancelled', 1, 'main']"]);
  });

  // extmod/asyncio/stream.py v1.23.0: Server.close() cancels the serving task, which closes the
  // socket and returns at its wait, so wait_closed() returns (135-159; start_server's sleep_ms(0)
  // puts the task at that wait first, 193-202); drain() with nothing queued still gives the other
  // tasks a turn (77-80); open_connection's stream has no extra info (121); Stream has no
  // __aenter__ (no `async with writer`, 7-93), Server has (128-133).
  it.each(BOARDS)("%s: server.close(); await server.wait_closed() returns; drain() yields; no peername or `async with` on a client stream", async (board) => {
    const lab = new Lab({ timing: "fast" });
    const server = lab.pc.listen(9000);
    const { board: b } = await runPy(
      board,
      `import asyncio
async def handle(r, w):
    pass
async def ticker():
    for i in range(3):
        print("tick", i)
        await asyncio.sleep_ms(0)
async def main():
    srv = await asyncio.start_server(handle, "0.0.0.0", 8000)
    srv.close()
    print("wait_closed", await srv.wait_closed())
    async with await asyncio.start_server(handle, "0.0.0.0", 8001) as srv2:
        print("in", type(srv2).__name__)
    r, w = await asyncio.open_connection("192.168.1.2", 9000)
    try:
        w.get_extra_info("peername")
    except KeyError as e:
        print("KeyError", e)
    asyncio.create_task(ticker())
    for i in range(3):
        w.write(b"x")
        await w.drain()
        print("drained", i)
    try:
        async with w:
            pass
    except AttributeError as e:
        print("AttributeError", e)
    w.close()
    await w.wait_closed()
asyncio.run(main())
`,
      { lab },
    );
    const conn = await lab.until(server.accept());
    await lab.until(conn.readUntil("xxx"));
    await b.finished();
    expect(b.lines().slice(2)).toEqual([
      "wait_closed None",
      "in Server",
      "KeyError peername",
      "tick 0",
      "drained 0",
      "tick 1",
      "drained 1",
      "tick 2",
      "drained 2",
      "AttributeError 'Stream' object has no attribute '__aenter__'",
    ]);
  });

  // sleep and sleep_ms return one SingletonGenerator, no coroutine (extmod/asyncio/core.py v1.23.0
  // lines 35-63), so create_task, gather and wait_for refuse it (core.py:143-145, funcs.py:25);
  // get_event_loop() is the class Loop itself (core.py:292-293).
  it.each(BOARDS)("%s: asyncio.sleep is no coroutine: wait_for(asyncio.sleep(1), ...) raises TypeError; the loop is the class Loop", async (board) => {
    const lines = await output(
      board,
      `import asyncio
print(type(asyncio.sleep(1)).__name__, asyncio.sleep_ms(1) is asyncio.sleep(2), asyncio.get_event_loop())
async def main():
    for aw in (lambda: asyncio.wait_for(asyncio.sleep(1), 0.5), lambda: asyncio.gather(asyncio.sleep_ms(5))):
        try:
            await aw()
        except TypeError as e:
            print("TypeError", e)
    print(asyncio.current_task() is asyncio.core.cur_task, asyncio.run_until_complete is asyncio.core.run_until_complete)
asyncio.run(main())
`,
    );
    expect(lines).toEqual(["SingletonGenerator True <class 'Loop'>", "TypeError coroutine expected", "TypeError coroutine expected", "True True"]);
  });

  // A ThreadSafeFlag is polled as a stream (extmod/asyncio/event.py v1.23.0 lines 50-66) by the
  // loop's poll, inside which the firmware runs due callbacks (extmod/modselect.c, MICROPY_EVENT_POLL_HOOK);
  // with no task queued and no stream polled, run_until_complete returns None (core.py:156-168).
  it.each([["esp32", 0], ["pico_w", -1], ["esp8266", -1]] as const)("%s: a Timer callback sets a ThreadSafeFlag the main task waits on; run() returns None once nothing can wake its task", async (board, id) => {
    const lines = await output(
      board,
      `import asyncio
from machine import Timer
flag = asyncio.ThreadSafeFlag()
t0 = time.ticks_ms()
tim = Timer(${id})
tim.init(period=100, mode=Timer.PERIODIC, callback=lambda t: flag.set())
async def main():
    for i in range(3):
        await flag.wait()
        print("flag", round(time.ticks_diff(time.ticks_ms(), t0), -1))
    tim.deinit()
    return "main done"
print(asyncio.run(main()))
async def stuck():
    await asyncio.Event().wait()
    return "never"
print(asyncio.run(stuck()))
async def once():
    await asyncio.sleep_ms(10)
    print("once")
loop = asyncio.get_event_loop()
loop.create_task(once())
loop.run_forever()
print("run_forever returned")
`,
    );
    // run_forever() too ends once no task is left (core.py:257-261)
    expect(lines).toEqual(["flag 100", "flag 200", "flag 300", "main done", "None", "once", "run_forever returned"]);
  });

  // funcs.py v1.23.0: gather ends at its first task's failure, in time, the others running on
  // unawaited (lines 66-80, 96-124); a gather or wait_for cancelled from outside cancels its tasks
  // (lines 35-40, 107-124).
  it.each(["pico_w", "esp8266"])("%s: gather raises the first failure at once; cancelling a gather or a wait_for cancels what they wait for", async (board) => {
    const lines = await output(
      board,
      `import asyncio
t0 = time.ticks_ms()
def now():
    return round(time.ticks_diff(time.ticks_ms(), t0), -1)
async def ok(ms):
    await asyncio.sleep_ms(ms)
    print("ok", ms, now())
async def bad(ms, e):
    await asyncio.sleep_ms(ms)
    raise e
async def main():
    try:
        await asyncio.gather(ok(500), bad(300, KeyError("late")), bad(100, ValueError("first")))
    except Exception as e:
        print("gather raised", repr(e), now())
    inner = asyncio.create_task(ok(1000))
    w = asyncio.create_task(asyncio.wait_for(inner, 5))
    g = asyncio.create_task(asyncio.gather(ok(1000), ok(2000)))
    await asyncio.sleep_ms(100)
    w.cancel()
    g.cancel()
    await asyncio.sleep_ms(2000)
    print("end", inner.done(), now())
asyncio.run(main())
`,
    );
    expect(lines).toEqual([
      "gather raised ValueError('first',) 100",
      "Task exception wasn't retrieved",
      expect.stringMatching(/^future: <Task> coro= <generator object 'bad' at [0-9a-f]+>$/),
      "Traceback (most recent call last):",
      '  File "main.py", line 16, in bad',
      "KeyError: late",
      "ok 500 500",
      "end True 2200",
    ]);
  });

  it("an exception in a task nobody awaits is printed as the firmware's handler does", async () => {
    const lines = await output(
      "pico_w",
      `import asyncio
async def boom():
    raise ValueError("bad")
async def main():
    asyncio.create_task(boom())
    await asyncio.sleep_ms(10)
    print("main goes on")
asyncio.run(main())
`,
    );
    expect(lines[0]).toBe("Task exception wasn't retrieved");
    expect(lines[1]).toMatch(/^future: <Task> coro= <generator object 'boom' at [0-9a-f]+>$/);
    expect(lines.slice(2)).toEqual(["Traceback (most recent call last):", '  File "main.py", line 9, in boom', "ValueError: bad", "main goes on"]);
  });
});

describe("frozen network libraries", () => {
  it.each(BOARDS)("%s: requests.get sends an HTTP/1.0 request; status, headers, text and json() of the reply; urequests is the same", async (board) => {
    const lab = new Lab({ timing: "fast", hosts: { "api.lan": "192.168.1.2" } });
    const server = lab.pc.listen(8080);
    const { board: b } = await runPy(
      board,
      `import requests, urequests
r = urequests.get("http://api.lan:8080/v1/data?x=1", headers={"X-Key": "k"})
print(r.status_code, r.reason, r.headers["Content-Type"])
print(r.json()["temp"])
r.close()
`,
      { lab },
    );
    const conn = await lab.until(server.accept());
    const request = await lab.until(conn.readUntil("\r\n\r\n"));
    await lab.until(conn.send('HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{"temp": 21.5}'));
    conn.end();
    await b.finished();
    expect(request).toBe("GET /v1/data?x=1 HTTP/1.0\r\nHost: api.lan\r\nX-Key: k\r\nConnection: close\r\n\r\n");
    expect(b.lines().slice(2)).toEqual(["200 b'OK' application/json", "21.5"]);
  });

  // micropython-lib urequests 0.8.0 (micropython/urequests/urequests.py): a module __getattr__ that
  // imports requests and forwards each name, so dir(), which probes every name, lists requests' (a
  // package: __path__) beside its own __getattr__ and __file__.
  it("urequests forwards every name to requests: dir(urequests)", async () => {
    const lines = await output(
      "esp8266",
      `import urequests, sys
print(sorted(dir(urequests)))
print(urequests.get is sys.modules["requests"].get)
`,
    );
    expect(lines).toEqual([
      "['Response', '__class__', '__dict__', '__file__', '__getattr__', '__name__', '__path__', 'delete', 'get', 'head', 'patch', 'post', 'put', 'request', 'usocket']",
      "True",
    ]);
  });

  // micropython-lib 50ed36fb requests 0.9.0 (python-ecosys/requests/requests/__init__.py): auth=
  // writes Authorization into the headers dict, the default one every later call shares (:41, 50-56);
  // 301-303 are followed as GET with the headers, other 3xx with a Location are NotImplementedError
  // (:145-149, 162-167); an iterator body goes chunked (:48, 111-123); parse_headers=False leaves
  // no .headers, a function gets each line (:79-81, 151-157, 172-173); no reason is "" (:134-136).
  it("requests 0.9.0: auth= sticks to the shared default headers, redirects, chunked bodies, parse_headers, NotImplementedError", async () => {
    const lab = new Lab({ timing: "fast" });
    const server = lab.pc.listen(8080);
    const { board: b } = await runPy(
      "pico_w",
      `import requests
r = requests.get("http://192.168.1.2:8080/old", auth=("u", "p"), timeout=5)
print(r.status_code, r.reason, r.text)
r = requests.get("http://192.168.1.2:8080/plain", parse_headers=False)
print(hasattr(r, "headers"), r.text)
def gen():
    yield b"ab"
    yield b"cde"
r = requests.post("http://192.168.1.2:8080/up", data=gen(), parse_headers=lambda l, d: print("hdr", l))
print(r.status_code, repr(r.reason))
r.close()
try:
    requests.get("http://192.168.1.2:8080/multi")
except NotImplementedError as e:
    print("NotImplementedError", e)
`,
      { lab },
    );
    const served: string[] = [];
    for (const [end, reply] of [
      ["\r\n\r\n", "HTTP/1.0 302 Found\r\nLocation: http://192.168.1.2:8080/new\r\n\r\n"],
      ["\r\n\r\n", "HTTP/1.0 200 OK\r\n\r\nhi"],
      ["\r\n\r\n", "HTTP/1.0 200 OK\r\nX: y\r\n\r\nplain"],
      ["0\r\n\r\n", "HTTP/1.0 204\r\nX: y\r\n\r\n"],
      ["\r\n\r\n", "HTTP/1.0 300 Multiple Choices\r\nLocation: /a\r\n\r\n"],
    ]) {
      const conn = await lab.until(server.accept());
      served.push(await lab.until(conn.readUntil(end)));
      await lab.until(conn.send(reply));
      conn.end();
    }
    await b.finished();
    const auth = "Authorization: Basic dTpw\r\n";
    expect(served).toEqual([
      `GET /old HTTP/1.0\r\nHost: 192.168.1.2\r\n${auth}Connection: close\r\n\r\n`,
      `GET /new HTTP/1.0\r\nHost: 192.168.1.2\r\n${auth}Connection: close\r\n\r\n`,
      `GET /plain HTTP/1.0\r\nHost: 192.168.1.2\r\n${auth}Connection: close\r\n\r\n`,
      `POST /up HTTP/1.0\r\nHost: 192.168.1.2\r\n${auth}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n`,
      `GET /multi HTTP/1.0\r\nHost: 192.168.1.2\r\n${auth}Connection: close\r\n\r\n`,
    ]);
    expect(b.lines().slice(2)).toEqual(["200 b'OK' hi", "False plain", "hdr b'X: y\\r\\n'", "204 ''", "NotImplementedError Redirect 300 not yet supported"]);
  });

  it("requests.post(json=...) sends the body with its length (https: test/net-tls.test.ts)", async () => {
    const lab = new Lab({ timing: "fast" });
    const server = lab.pc.listen(80);
    const { board: b } = await runPy(
      "esp32",
      `import requests
r = requests.post("http://192.168.1.2/log", json={"a": 1})
print(r.status_code, r.text)
`,
      { lab },
    );
    const conn = await lab.until(server.accept());
    const request = await lab.until(conn.readUntil('{"a": 1}'));
    await lab.until(conn.send("HTTP/1.0 201 Created\r\n\r\nok"));
    conn.end();
    await b.finished();
    expect(request).toBe('POST /log HTTP/1.0\r\nHost: 192.168.1.2\r\nContent-Type: application/json\r\nContent-Length: 8\r\nConnection: close\r\n\r\n{"a": 1}');
    expect(b.lines().slice(2)).toEqual(["201 ok"]);
  });

  it.each(BOARDS)("%s: ntptime.time() asks an NTP server (a board answering on UDP 123) and returns seconds since the board's epoch", async (board) => {
    const lab = new Lab({ timing: "fast", hosts: { "pool.ntp.org": "192.168.1.100" } });
    // An SNTP responder (RFC 4330): transmit timestamp 3913056000 = 2024-01-01 00:00:00 UTC.
    const ntp = await lab.addBoard({ name: "ntp", board: "esp32", fileName: "ntp.py", source: sntpResponderPy(3913056000) });
    await ntp.waitFor(/^/);
    const { board: b } = await runPy(board, `import ntptime\nprint(ntptime.time())\n`, { lab });
    await b.finished();
    await ntp.finished();
    expect(ntp.lines().slice(2)).toEqual(["query 27 48"]); // 0x1B: LI 0, VN 3, mode 3
    // 2024-01-01 from 1970 (1704067200) or from 2000 (757382400), whichever epoch the board's time module has.
    expect(["1704067200", "757382400"]).toContain(b.lines()[2]);
  });

  // micropython-lib ntptime 0.1.1 (v1.23.0's) works its epoch offset out inside time() (ntptime.py:56-64):
  // a tutorial's `ntptime.NTP_DELTA = ...` (older firmware's time zone trick) changes nothing, and
  // a count below 2024-01-01's is taken as wrapped past 2036 (:32, 51-52).
  it.each([
    ["esp32", 3913056000, "ntptime.NTP_DELTA = 3155673600 - 8 * 3600  # UTC+8, as tutorials for older firmware do\nntptime.settime()\nprint(time.localtime()[:5])\n", "(2024, 1, 1, 0, 0)"],
    ["pico_w", 16, "print(ntptime.time())  # 2036-02-07 06:28:32 UTC\n", "2085978512"],
  ])("%s: ntptime keeps UTC whatever NTP_DELTA a script sets; a timestamp before 2024 is read as after 2036", async (board, transmit, body, printed) => {
    const lab = new Lab({ timing: "fast", hosts: { "pool.ntp.org": "192.168.1.100" } });
    const ntp = await lab.addBoard({ name: "ntp", board: "esp32", fileName: "ntp.py", source: sntpResponderPy(transmit as number) });
    await ntp.waitFor(/^/);
    const { board: b } = await runPy(board as string, `import ntptime\n${body}`, { lab });
    await b.finished();
    expect(b.lines().slice(2)).toEqual([printed]);
  });

  it("ntptime.time() with no answer raises ETIMEDOUT after ntptime.timeout", async () => {
    const lines = await output("pico_w", `import ntptime\nntptime.host = "192.168.1.77"\nt = time.ticks_ms()\ntry:\n    ntptime.time()\nexcept OSError as e:\n    print(e, time.ticks_diff(time.ticks_ms(), t) // 10 * 10)\n`);
    expect(lines).toEqual(["[Errno 110] ETIMEDOUT 1000"]);
  });

  it.each(["esp32", "esp8266"])("%s: umqtt.simple speaks MQTT 3.1.1: CONNECT, SUBSCRIBE, PUBLISH both ways, DISCONNECT", async (board) => {
    const lab = new Lab({ timing: "fast", hosts: { "broker.local": "192.168.1.2" } });
    const broker = lab.pc.listen(1883);
    const { board: b } = await runPy(
      board,
      `from umqtt.simple import MQTTClient
c = MQTTClient("dev1", "broker.local", keepalive=60)
c.set_callback(lambda t, m: print("got", t, m))
print(c.connect())
c.subscribe(b"led")
c.publish(b"temp", b"21")
c.wait_msg()
c.disconnect()
`,
      { lab },
    );
    const conn = await lab.until(broker.accept());
    const take = byteReader(lab, conn);
    // CONNECT: remaining length 16; "MQTT", level 4, clean session, keep alive 60; client id "dev1"
    expect((await take(18)).toString("hex")).toBe("1010" + "00044d515454" + "04" + "02" + "003c" + "000464657631");
    await lab.until(conn.send(Uint8Array.of(0x20, 2, 0, 0))); // CONNACK, accepted
    expect((await take(10)).toString("hex")).toBe("8208000100036c656400"); // SUBSCRIBE pid 1 "led" QoS 0
    await lab.until(conn.send(Uint8Array.of(0x90, 3, 0, 1, 0))); // SUBACK
    expect((await take(10)).toString("hex")).toBe("3008000474656d703231"); // PUBLISH "temp" "21"
    await lab.until(conn.send(Uint8Array.of(0x30, 7, 0, 3, ...Buffer.from("led"), ...Buffer.from("on")))); // PUBLISH "led" "on"
    expect((await take(2)).toString("hex")).toBe("e000"); // DISCONNECT
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["0", "got b'led' b'on'"]);
  });

  it("umqtt: a refused CONNACK raises MQTTException with the return code; the Pico W has no umqtt frozen", async () => {
    const lab = new Lab({ timing: "fast" });
    const broker = lab.pc.listen(1883);
    const { board: b } = await runPy("esp32", `from umqtt.simple import MQTTClient, MQTTException\ntry:\n    MQTTClient("x", "192.168.1.2").connect()\nexcept MQTTException as e:\n    print("refused", e)\n`, { lab });
    const conn = await lab.until(broker.accept());
    await lab.until(conn.recv());
    await lab.until(conn.send(Uint8Array.of(0x20, 2, 0, 5))); // not authorised
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["refused 5"]);
    expect(await output("pico_w", `try:\n    import umqtt.simple\nexcept ImportError as e:\n    print(e)\n`)).toEqual(["no module named 'umqtt'"]);
  });

  // micropython-lib 50ed36fb (v1.23.0's) umqtt.simple 1.4.0: wait_msg()/check_msg() return a
  // PUBLISH's opcode after the callback (simple.py:174-205); user and password are sent together
  // (:74-76, 100-102), an empty password too; connect() takes no timeout (:63).
  it.each(["esp32", "esp8266"])("%s: umqtt.simple check_msg() returns the PUBLISH's opcode; user with an empty password sends both; connect(timeout=) is a TypeError", async (board) => {
    const lab = new Lab({ timing: "fast" });
    const broker = lab.pc.listen(1883);
    const { board: b } = await runPy(
      board,
      `from umqtt.simple import MQTTClient
c = MQTTClient("d", "192.168.1.2", user="u", password="")
c.set_callback(lambda t, m: print("got", t, m))
try:
    c.connect(timeout=5)
except TypeError as e:
    print("TypeError")
c.connect()
while True:
    op = c.check_msg()
    if op is not None:
        break
    time.sleep_ms(10)
print("op", op)
c.disconnect()
`,
      { lab },
    );
    const conn = await lab.until(broker.accept());
    const take = byteReader(lab, conn);
    // CONNECT: remaining length 18; flags 0xC2 (user, password, clean session); "d", "u", ""
    expect((await take(20)).toString("hex")).toBe("1012" + "00044d515454" + "04" + "c2" + "0000" + "000164" + "000175" + "0000");
    await lab.until(conn.send(Uint8Array.of(0x20, 2, 0, 0, 0x31, 4, 0, 1, ...Buffer.from("tm")))); // CONNACK; PUBLISH retained "t" "m"
    expect((await take(2)).toString("hex")).toBe("e000"); // DISCONNECT
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["TypeError", "got b't' b'm'", "op 49"]);
  });

  // umqtt.robust 1.0.2's check_msg(attempts=2) (robust.py:45-53): after a lost connection it
  // reconnects and tries once more without blocking, then returns None (was: blocked after the reconnect).
  it("esp32: umqtt.robust check_msg() reconnects after the broker closed and returns None without waiting", async () => {
    const lab = new Lab({ timing: "fast" });
    const broker = lab.pc.listen(1883);
    const { board: b } = await runPy(
      "esp32",
      `from umqtt.robust import MQTTClient
c = MQTTClient("d", "192.168.1.2")
c.DEBUG = True
c.set_callback(print)
c.connect()
time.sleep(1)
print(c.check_msg())
c.disconnect()
`,
      { lab },
    );
    const first = await lab.until(broker.accept());
    await byteReader(lab, first)(15);
    await lab.until(first.send(Uint8Array.of(0x20, 2, 0, 0)));
    first.end();
    const second = await lab.until(broker.accept());
    const take = byteReader(lab, second);
    expect((await take(15)).toString("hex")).toBe("100d00044d51545404000000000164"); // clean_session False
    await lab.until(second.send(Uint8Array.of(0x20, 2, 0, 0)));
    // DISCONNECT at once: check_msg() did not wait for a message
    expect(Buffer.from(await lab.until(second.recv(), { within: 100 })).toString("hex")).toBe("e000");
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["mqtt: OSError(-1,)", "None"]);
  });

  // micropython-lib mip 0.3.0 (frozen in v1.23.0): an index package is
  // <index>/package/<mpy version>/<name>/<version>.json, the mpy version sys.implementation._mpy & 0xff
  // (6) or "py" with mpy=False; a URL is <url>/package.json. Every address goes through requests, so
  // a name on the internet fails as the board's getaddrinfo does: ESP32 -202 (ports/esp32/modsocket.c
  // _getaddrinfo_inner, lwip EAI_FAIL), the lwIP ports -2 (extmod/modlwip.c lwip_getaddrinfo_cb).
  // 0.3.0 takes a package.json's urls as they are (relative ones came later, micropython-lib b379e4fb).
  it.each([
    ["pico_w", "-2"],
    ["esp32", "-202"],
    ["esp8266", "-2"],
  ])("%s: mip installs from a URL and from an index served on the PC (/package/6/...), and a name on the internet fails as getaddrinfo does (%s)", async (board, gaiError) => {
    const lab = new Lab({ timing: "fast" });
    const server = lab.pc.listen(8000);
    const { board: b } = await runPy(
      board,
      `import mip
mip.install("http://192.168.1.2:8000/hello")
import hello
print(hello.greet())
mip.install("tool", index="http://192.168.1.2:8000/pi/")
mip.install("tool", index="http://192.168.1.2:8000/pi", version="1.0", mpy=False)
try:
    mip.install("umqtt.simple")
except OSError as e:
    print(repr(e))
`,
      { lab },
    );
    const serve = async (path: string, status: string, body: string) => {
      const conn = await lab.until(server.accept());
      expect(await lab.until(conn.readUntil("\r\n\r\n"))).toMatch(new RegExp(`^GET ${path} HTTP/1.0\r\n`));
      await lab.until(conn.send(`HTTP/1.0 ${status}\r\n\r\n${body}`));
      conn.end();
    };
    await serve("/hello/package.json", "200 OK", '{"urls": [["hello.py", "http://192.168.1.2:8000/hello/hello.py"]], "version": "1.0"}');
    await serve("/hello/hello.py", "200 OK", "def greet():\n    return 'hi from mip'\n");
    await serve("/pi/package/6/tool/latest.json", "200 OK", '{"urls": [["tool/x.py", "http://192.168.1.2:8000/x.py"]]}');
    await serve("/x.py", "404 Not Found", "");
    await serve("/pi/package/py/tool/1.0.json", "404 Not Found", "");
    await b.finished();
    expect(b.lines().slice(2)).toEqual([
      "Installing http://192.168.1.2:8000/hello/package.json to /lib",
      "Copying: /lib/hello.py",
      "Done",
      "hi from mip",
      "Installing tool (latest) from http://192.168.1.2:8000/pi to /lib",
      "Error 404 requesting http://192.168.1.2:8000/x.py",
      "File not found: tool/x.py http://192.168.1.2:8000/x.py",
      "Package may be partially installed",
      "Installing tool (1.0) from http://192.168.1.2:8000/pi to /lib",
      "Package not found: http://192.168.1.2:8000/pi/package/py/tool/1.0.json",
      "Package may be partially installed",
      "Installing umqtt.simple (latest) from https://micropython.org/pi/v2 to /lib",
      `OSError(${gaiError},)`,
    ]);
  });
});

describe("the TS guest: getaddrinfo, select and the stream methods from the same host rules", () => {
  it.each([
    ["pico_w", "[(2, 1, 0, '', ('192.168.1.2', 8888))]", "<socket state=3 timeout=-1 incoming=0 off=0>"],
    ["esp32", "[(2, 1, 0, 'pc.lan', ('192.168.1.2', 8888))]", "<socket>"],
  ])("%s: getaddrinfo, repr, poll on a connected socket, readline and read(n)", async (board, addrinfo, shown) => {
    const lab = new Lab({ timing: "fast", hosts: { "pc.lan": "192.168.1.2" } });
    const server = lab.pc.listen(8888);
    const b = await lab.addBoard({
      name: "ts",
      board,
      source: `${JOIN_TS}const ai = socket.getaddrinfo("pc.lan", 8888);
print(ai);
const s = socket.socket();
s.connect(ai[0][4]);
print(s);
const p = select.poll();
p.register(s, select.POLLIN);
print(p.poll(0).length);
const ready = p.poll();
print(ready[0][1], s.readline(), s.read(3));
`,
    });
    const conn = await lab.until(server.accept());
    await lab.advance(100);
    await lab.until(conn.send("line one\nabcdef"));
    await b.finished();
    expect(b.lines().slice(2)).toEqual([addrinfo, shown, "0", "1 b'line one\\n' b'abc'"]);
  });

  // As the .py boards' (above): poll_set_poll_until_ready_or_timeout (extmod/modselect.c v1.23.0)
  // runs MICROPY_EVENT_POLL_HOOK while it waits, where due callbacks run; the wait goes on to its end,
  // or until an object is ready, also one a callback made ready.
  it.each([["esp32", 0], ["pico_w", -1]] as const)("%s: Timer callbacks run on time inside poll(350), select() and ipoll(), which wait their full time or until a callback makes a socket ready", async (board, id) => {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({
      name: "ts",
      board,
      source: `${JOIN_TS}import machine from "machine";
const t0 = time.ticks_ms();
const ms = () => Math.round(time.ticks_diff(time.ticks_ms(), t0) / 10) * 10;
const tim = machine.Timer(${id});
tim.init({ period: 100, mode: machine.Timer.PERIODIC, callback: () => print("tick", ms()) });
const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
s.bind(["0.0.0.0", 5005]);
const p = select.poll();
p.register(s, select.POLLIN);
print(p.poll(350), ms());
print(select.select([s], [], [], 0.12), ms());
tim.deinit();
const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
const one = machine.Timer(${id});
one.init({ period: 50, mode: machine.Timer.ONE_SHOT, callback: () => u.sendto("x", [wlan.ifconfig()[0], 5005]) });
print(p.ipoll(1000).length, ms(), s.recv(8));
`,
    });
    await b.finished();
    expect(b.lines().slice(2)).toEqual(["tick 100", "tick 200", "tick 300", "[] 350", "tick 400", "([], [], []) 470", "1 520 b'x'"]);
  });
});

describe("a host with a NUL: the firmware reads it as a C string, up to the NUL", () => {
  // esp32 modsocket.c v1.23.0 lines 228-244 (mp_obj_str_get_str, lwip_getaddrinfo), 954 (canonname by
  // strlen); modlwip.c lines 1748-1781 (getaddrinfo), 382-390 (connect: ipaddr_aton), on the ESP8266 too.
  it.each([
    ["pico_w", "py", ["[(2, 1, 0, '', ('192.168.1.2', 8888))]", "[(2, 1, 0, '', ('10.0.0.1', 80))]", "OSError -16"]],
    ["esp32", "py", ["[(2, 1, 0, 'pc.lan', ('192.168.1.2', 8888))]", "[(2, 1, 0, '10.0.0.1', ('10.0.0.1', 80))]", "[(2, 1, 0, '0.0.0.0', ('0.0.0.0', 80))]"]],
    ["esp8266", "py", ["[(2, 1, 0, '', ('192.168.1.2', 8888))]", "[(2, 1, 0, '', ('10.0.0.1', 80))]", "OSError -12"]],
    ["pico_w", "ts", ["[(2, 1, 0, '', ('192.168.1.2', 8888))]", "[(2, 1, 0, '', ('10.0.0.1', 80))]"]],
    ["esp32", "ts", ["[(2, 1, 0, 'pc.lan', ('192.168.1.2', 8888))]", "[(2, 1, 0, '10.0.0.1', ('10.0.0.1', 80))]"]],
  ] as const)("%s (%s): getaddrinfo and connect use the name before the NUL", async (board, engine, expected) => {
    const lab = new Lab({ timing: "fast", hosts: { "pc.lan": "192.168.1.2" } });
    const server = lab.pc.listen(8888);
    const py = `print(socket.getaddrinfo("pc.lan\\x00junk", 8888))
print(socket.getaddrinfo("10.0.0.1\\x00junk", 80))
try:
    print(socket.getaddrinfo("\\x00junk", 80))
except OSError as e:
    print("OSError", e.errno)
s = socket.socket()
s.connect(("192.168.1.2\\x00junk", 8888))
s.write(b"hi")
s.close()
`;
    const ts = `${JOIN_TS}print(socket.getaddrinfo("pc.lan\\x00junk", 8888));
print(socket.getaddrinfo("10.0.0.1\\x00junk", 80));
const s = socket.socket();
s.connect(["192.168.1.2\\x00junk", 8888]);
s.write("hi");
s.close();
`;
    const b = await lab.addBoard(engine === "py" ? { name: "py", board, fileName: "main.py", source: JOIN_PY + py } : { name: "ts", board, source: ts });
    const conn = await lab.until(server.accept());
    expect((await lab.until(allBytes(conn))).toString()).toBe("hi");
    await b.finished();
    expect(b.lines().slice(2)).toEqual(expected);
  });
});

describe("frozen libraries cost the script no heap, as from the firmware's flash", () => {
  it("esp8266 (38 KB heap): asyncio, requests and umqtt import, and gc.mem_free() stays within 256 bytes", async () => {
    const lines = await output(
      "esp8266",
      `import gc
gc.collect()
before = gc.mem_free()
import asyncio, requests, umqtt.simple
gc.collect()
print(abs(gc.mem_free() - before) <= 256, before > 30000)
`,
    );
    expect(lines).toEqual(["True True"]);
  });

  // The free bytes stay one block, as on a board that imported from flash. Taken back after the
  // import, they were the heap's smallest holes around the module's objects: on an ESP8266 28 KB
  // in one block of 37 KB free, on an ESP32 84 KB of 111 KB. asyncio's parts load at a name's
  // first use, here gather's inside a coroutine (extmod/asyncio/__init__.py v1.23.0:27-31), after
  // a first run made asyncio's own objects.
  it.each(["pico_w", "esp32", "esp8266", "mpython"])("%s: after each frozen import the largest bytearray that fits and gc.mem_free() are as before it", async (board) => {
    const lines = await output(
      board,
      `import gc
def largest():
    gc.collect()
    fits, fails = 0, gc.mem_free() + 16
    while fails - fits > 64:
        n = (fits + fails) // 2
        try:
            bytearray(n)
            fits = n
        except MemoryError:
            fails = n
        gc.collect()
    return fits, gc.mem_free()
before = largest()
def same(what):
    global before
    now = largest()
    print(what, before[0] - now[0] <= 512, abs(before[1] - now[1]) <= 512)
    before = now
import requests
same("requests")
import asyncio
same("asyncio")
async def one(n):
    await asyncio.sleep_ms(n)
    return n
asyncio.run(one(1))
before = largest()
async def main():
    return await asyncio.gather(one(2), one(1))
print(asyncio.run(main()))
same("asyncio.funcs")
import mip
same("mip")
`,
    );
    expect(lines).toEqual(["requests True True", "asyncio True True", "[2, 1]", "asyncio.funcs True True", "mip True True"]);
  });

  it("esp8266: also after the script wrote a file (the import asks the flash again: its host call took the heap back before the module compiled, MemoryError)", async () => {
    const lines = await output(
      "esp8266",
      `import gc
with open("log.txt", "w") as f:
    f.write("x")
gc.collect()
before = gc.mem_free()
import asyncio
gc.collect()
print(abs(gc.mem_free() - before) <= 256, before > 30000)
`,
    );
    expect(lines).toEqual(["True True"]);
  });
});
