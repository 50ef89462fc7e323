/**
 * A .py board's socket data (recv, sendall) crosses from the worker through shared memory
 * (src/emulator/micropython/data-channel.ts): every byte arrives once and in order, with or without a
 * fault on the way, in simulated time the same way every run, and Ctrl-C ends a waiting recv().
 */
import { createHash, randomBytes } from "node:crypto";
import net from "node:net";
import { describe, expect, it } from "vitest";
import { Lab } from "../src/testing/index.ts";
import { startScript } from "./support/run-script.ts";

const MIB = 1 << 20;

/** A PC server that sends `payload` to the one board that connects and keeps what comes back until the board closes. */
async function pcServer(payload: Buffer): Promise<{ port: number; received: Promise<Buffer>; close(): void }> {
  let done!: (data: Buffer) => void;
  const received = new Promise<Buffer>((resolve) => (done = resolve));
  const server = net.createServer((socket) => {
    const chunks: Buffer[] = [];
    const finish = () => done(Buffer.concat(chunks));
    // A board that fails resets the connection: what arrived until then is the result.
    socket.on("data", (c) => chunks.push(c)).on("end", finish).on("error", finish);
    socket.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as net.AddressInfo).port, received, close: () => server.close() };
}

const JOIN = `import network, socket, time
wlan = network.WLAN(network.STA_IF)
wlan.active(True)
wlan.connect("boardsim-lab", "micropython")
while not wlan.isconnected():
    time.sleep_ms(20)
`;

/** A .py client: joins the WiFi, connects to the PC's `port`, runs `body` on each recv(size) until the end, then prints `done` and `total`. */
function client(port: number, size: number, body: string, done: string): string {
  return `${JOIN}s = socket.socket()
s.connect(("192.168.1.2", ${port}))
t = time.ticks_ms()
total = 0
while True:
    data = s.recv(${size})
    if not data:
        break
${body.replace(/^/gm, "    ")}
    total += len(data)
s.close()
print("${done}", total)
`;
}

/** A pico_w running `source` in `lab`, and its connection to the lab PC's port 8888. */
async function labClient(lab: Lab, source: string) {
  const server = lab.pc.listen(8888);
  const board = await lab.addBoard({ name: "py", board: "pico_w", fileName: "main.py", source });
  return { board, conn: await lab.until(server.accept()) };
}

/** A pico_w client script that sends to the lab PC, run to its end: its console lines from the
 *  third on (as the tests here read them) and what the PC received. */
async function sends(script: string): Promise<{ lines: string[]; received: string }> {
  const lab = new Lab({ timing: "fast" });
  try {
    const { board, conn } = await labClient(lab, script);
    const received = conn.readAll();
    expect(await board.finished()).toEqual({ kind: "finished" });
    return { lines: board.lines().slice(2), received: await lab.until(received) };
  } finally {
    await lab.close();
  }
}

/** A pico_w client script that reads what the lab PC sends (`text`, then the end), run to its end: its console lines from the third on. */
async function reads(script: string, text: string): Promise<string[]> {
  const lab = new Lab({ timing: "fast" });
  try {
    const { board, conn } = await labClient(lab, script);
    await lab.until(conn.send(text));
    await lab.advance(50);
    conn.end();
    expect(await board.finished()).toEqual({ kind: "finished" });
    return board.lines().slice(2);
  } finally {
    await lab.close();
  }
}

describe(".py socket data", () => {
  it.each([[[] as string[]], [["latency:ms=10,jitter=5ms"]], [["slicer:size=700,variation=500,delay=0ms"]]])(
    "a pico_w echoes 1 MiB from a PC back in order (faults %j)",
    async (faults) => {
      const payload = randomBytes(MIB);
      const pc = await pcServer(payload);
      try {
        const run = await startScript(client(pc.port, 4096, "s.sendall(data)", "echoed"), "pico_w", "main.py", { faults });
        expect(await run.done).toEqual({ kind: "finished" });
        expect(run.output()).toBe(`echoed ${MIB}\n`);
        const back = await pc.received;
        expect(back.length).toBe(MIB);
        expect(back.equals(payload)).toBe(true);
      } finally {
        pc.close();
      }
    },
    120_000,
  );

  it("in simulated time an echo repeats exactly: the same lines, the same bytes, the same simulated time", async () => {
    const payload = "abcdefghijklmnopqrstuvwxyz0123456789".repeat(2000);
    const run = async () => {
      const lab = new Lab({ timing: "fast" });
      try {
        const { board, conn } = await labClient(
          lab,
          client(8888, 1000, "s.sendall(data)\nif (total + len(data)) % 8192 < len(data):\n    print(total + len(data), time.ticks_diff(time.ticks_ms(), t))", "echoed"),
        );
        const back = conn.readAll();
        for (let at = 0; at < payload.length; at += 3000) {
          await lab.until(conn.send(payload.slice(at, at + 3000)));
          await lab.advance(1);
        }
        conn.end();
        const echoed = await lab.until(back);
        expect(await board.finished()).toEqual({ kind: "finished" });
        return { lines: board.lines().slice(2), same: echoed === payload, now: lab.now() };
      } finally {
        await lab.close();
      }
    };
    const first = await run();
    expect(first.same).toBe(true);
    expect(first.lines.length).toBeGreaterThan(5);
    expect(first.lines.at(-1)).toBe(`echoed ${payload.length}`);
    expect(await run()).toEqual(first);
  }, 180_000);

  it("recv() returns bytes that hash as their content: a dict or set finds them, read ahead or not", async () => {
    // The firmware hashes bytes when made (py/objstr.c:2223 mp_obj_new_str_copy, v1.27.0; boardsim
    // when first needed, lazy-str-hash.ts): bytes made first and filled after would keep the hash
    // of zeros, and a dict keyed by the same bytes would not find them.
    const lab = new Lab({ timing: "fast" });
    try {
      const { board, conn } = await labClient(lab, client(8888, 4, 'print(data, {b"ping": "found"}.get(data), data in {b"pong"}, hash(data) == hash(b"ping"))', "done"));
      await lab.until(conn.send("pingpongping"));
      conn.end();
      expect(await board.finished()).toEqual({ kind: "finished" });
      expect(board.lines().slice(2)).toEqual(["b'ping' found False True", "b'pong' None True False", "b'ping' found False True", "done 12"]);
    } finally {
      await lab.close();
    }
  }, 60_000);

  it("readinto() fills the buffer in order from the read-ahead and from data calls; a bytes buffer raises TypeError and reads nothing", async () => {
    // readinto waits for len(buf) (or nbytes) bytes or the end (py/stream.c stream_readinto,
    // mp_stream_rw); a read-only buffer fails mp_get_buffer_raise(..., MP_BUFFER_WRITE) before any read.
    const script = `${JOIN}s = socket.socket()
s.connect(("192.168.1.2", 8888))
buf = bytearray(6)
def show(n):
    print(n, bytes(buf[:n]) if n else buf)
show(s.readinto(buf, 1))
show(s.readinto(buf, 3))
try:
    s.readinto(b"xxxx")
except TypeError as e:
    print("TypeError:", e)
print(s.readinto(memoryview(buf)[2:], 2), buf)
show(s.readinto(buf))
try:
    s.readinto(b"xx")
except TypeError as e:
    print("TypeError:", e)
show(s.readinto(buf))
show(s.readinto(buf))
s.close()
`;
    expect(await reads(script, "helloworld0123")).toEqual([
      "1 b'h'",
      "3 b'ell'",
      "TypeError: object with buffer protocol required",
      "2 bytearray(b'elow\\x00\\x00')",
      "6 b'orld01'",
      "TypeError: object with buffer protocol required",
      "2 b'23'",
      "0 bytearray(b'23ld01')",
    ]);
  }, 60_000);

  it("readinto(buf, -1) reads len(buf) bytes, not to the end; a read of 0 bytes returns 0 without reading, closed socket or not", async () => {
    // nbytes is C's unsigned length capped at the buffer's, and mp_stream_rw reads nothing for 0
    // bytes (py/stream.c: v1.23.0 stream_readinto, v1.27.0 stream_readinto_write_generic).
    const script = `${JOIN}s = socket.socket()
s.connect(("192.168.1.2", 8888))
buf = bytearray(4)
print(s.readinto(buf, -1), buf)
print(s.readinto(bytearray(0)), s.readinto(buf, 0))
print(s.recv(100))
s.close()
print(s.readinto(bytearray(0)), s.readinto(buf, 0))
`;
    expect(await reads(script, "0123456789")).toEqual(["4 bytearray(b'0123')", "0 0", "b'456789'", "0 0"]);
  }, 60_000);

  it("readinto(buf, n) of more than 64 KiB reads straight into buf: 100 KiB into a 100 KiB bytearray on a pico_w", async () => {
    // The firmware reads into the buffer itself (py/stream.c stream_readinto, v1.27.0
    // stream_readinto_write_generic), so a bytearray of most of the free heap can be filled: a
    // copy of n bytes made on the way would not fit beside it (MemoryError).
    const text = Array.from({ length: 100 * 1024 }, (_, i) => String.fromCharCode(33 + ((i * 7 + (i >> 10)) % 90))).join("");
    const script = `${JOIN}import hashlib, binascii
s = socket.socket()
s.connect(("192.168.1.2", 8888))
buf = bytearray(${text.length})
print(s.readinto(buf, ${text.length}), binascii.hexlify(hashlib.sha256(buf).digest()).decode())
s.close()
`;
    expect(await reads(script, text)).toEqual([`${text.length} ${createHash("sha256").update(text).digest("hex")}`]);
  }, 60_000);

  it("readinto over 64 KiB: None when non-blocking with nothing there; into a memoryview slice, n capped at its length, nothing written around it; an array('H') by its bytes", async () => {
    // py/stream.c (v1.27.0 stream_readinto_write_generic): the buffer's bytes as mp_get_buffer
    // gives them, nbytes capped at their count; a non-blocking stream with nothing returns None.
    const lab = new Lab({ timing: "fast" });
    try {
      const script = `${JOIN}import array, gc
s = socket.socket()
s.connect(("192.168.1.2", 8888))
s.setblocking(False)
print("nothing", s.readinto(bytearray(70000)))
gc.collect()
s.setblocking(True)
big = bytearray(80010)
big[:5] = big[80005:] = b"-----"
print(s.readinto(memoryview(big)[5:80005], 90000), bytes(big[:7]), bytes(big[80003:]))
del big
gc.collect()
a = array.array("H", bytearray(80000))
print(s.readinto(a), hex(a[0]), hex(a[39999]), s.readinto(bytearray(70000)))
s.close()
`;
      const { board, conn } = await labClient(lab, script);
      await board.waitFor("nothing None\n");
      const data = Buffer.alloc(160_100, 0x41);
      data.fill(0x42, 80_000, 160_000);
      data.fill(0x43, 160_000);
      await lab.until(conn.send(data));
      conn.end();
      expect(await board.finished()).toEqual({ kind: "finished" });
      expect(board.lines().slice(2)).toEqual(["nothing None", "80000 b'-----AA' b'AA-----'", "80000 0x4242 0x4242 100"]);
    } finally {
      await lab.close();
    }
  }, 60_000);

  it("send/sendall/write of an array send all its bytes (2 per item of an array('H')), not len(array) bytes", async () => {
    // The firmware sends the bytes mp_get_buffer gives (extmod/modlwip.c v1.27.0 lwip_socket_send
    // line 1265, lwip_socket_sendall line 1380; py/stream.c stream_readinto_write_generic line 266),
    // little-endian on these boards; len(memoryview) counts items.
    const script = `${JOIN}import array
s = socket.socket()
s.connect(("192.168.1.2", 8888))
a = array.array("H", [0x4142, 0x4344])
print(s.send(a), s.write(a))
s.sendall(array.array("i", [0x44434241]))
s.sendall(memoryview(a)[1:])
print(s.send(b"!"), s.write("?"))
s.close()
`;
    expect(await sends(script)).toEqual({ lines: ["4 4", "1 1"], received: "BADCBADCABCDDC!?" });
  }, 60_000);

  it("write(buf, max_len) and write(buf, off, max_len) send that slice of buf and return its length", async () => {
    // mp_stream_write_obj (py/stream.c v1.27.0 lines 268-286): both sizes are C's unsigned, so a
    // negative off is past the end (nothing) and a negative max_len no limit.
    const script = `${JOIN}s = socket.socket()
s.connect(("192.168.1.2", 8888))
print(s.write(b"abcdef", 3), s.write(b"abcdef", 2, 3), s.write("xyz", -1, 2), s.write(b"<>", 1, -1))
try:
    s.write(b"ab", 0, 1, 2)
except TypeError as e:
    print(e)
s.close()
`;
    expect(await sends(script)).toEqual({ lines: ["3 3 0 1", "function expected at most 4 arguments, got 5"], received: "abccde>" });
  }, 60_000);

  it("a pico_w echoes 1 MiB with readinto() and sendall of a memoryview, every byte in order", async () => {
    const payload = randomBytes(MIB);
    const pc = await pcServer(payload);
    try {
      const script = `${JOIN}s = socket.socket()
s.connect(("192.168.1.2", ${pc.port}))
buf = bytearray(1000)
mv = memoryview(buf)
total = 0
while True:
    n = s.readinto(buf)
    if not n:
        break
    s.sendall(mv[:n])
    total += n
s.close()
print("echoed", total)
`;
      const run = await startScript(script, "pico_w", "main.py", { faults: ["slicer:size=700,variation=500,delay=0ms"] });
      expect(await run.done).toEqual({ kind: "finished" });
      expect(run.output()).toBe(`echoed ${MIB}\n`);
      expect((await pc.received).equals(payload)).toBe(true);
    } finally {
      pc.close();
    }
  }, 120_000);

  it("in real time, sends the main thread took between calls keep program order: every byte, then FIN, with host calls between the sends", async () => {
    // The PC's view: the bytes in order, and how the connection ended (a board's RST would be "error").
    let ended!: (result: { data: string; how: string }) => void;
    const result = new Promise<{ data: string; how: string }>((resolve) => (ended = resolve));
    const server = net.createServer((socket) => {
      let data = "";
      socket.on("data", (c) => (data += c.toString())).on("end", () => ended({ data, how: "end" })).on("error", () => ended({ data, how: "error" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const script = `${JOIN}s = socket.socket()
s.connect(("192.168.1.2", ${port}))
for i in range(300):
    s.sendall(b"%04d," % i)
    if i % 7 == 0:
        time.sleep_ms(0)
s.close()
print("sent")
`;
      const run = await startScript(script, "pico_w", "main.py");
      expect(await run.done).toEqual({ kind: "finished" });
      expect(run.output()).toBe("sent\n");
      const expected = Array.from({ length: 300 }, (_, i) => `${String(i).padStart(4, "0")},`).join("");
      expect(await result).toEqual({ data: expected, how: "end" });
    } finally {
      server.close();
    }
  });

  it("a request sent within the lent send room reaches the PC before the recv() that waits for its answer: 50 request/answer rounds", async () => {
    // A PC server that answers each line with "ok <line>".
    const server = net.createServer((socket) => {
      let text = "";
      socket.on("data", (c) => {
        text += c.toString();
        for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n")) {
          socket.write(`ok ${text.slice(0, at)};`);
          text = text.slice(at + 1);
        }
      });
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const script = `${JOIN}s = socket.socket()
s.connect(("192.168.1.2", ${port}))
answers = []
for i in range(50):
    s.sendall(b"%d\\n" % i)
    want = b"ok %d;" % i
    got = b""
    while len(got) < len(want):
        got += s.recv(len(want) - len(got))
    answers.append(got == want)
s.close()
print(answers.count(True))
`;
      const run = await startScript(script, "pico_w", "main.py");
      expect(await run.done).toEqual({ kind: "finished" });
      expect(run.output()).toBe("50\n");
    } finally {
      server.close();
    }
  }, 60_000);

  it("Ctrl-C ends a recv() that waits for data with KeyboardInterrupt", async () => {
    // A PC server that accepts and sends nothing.
    const server = net.createServer((socket) => socket.on("error", () => {}));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const script = `${JOIN}s = socket.socket()
s.connect(("192.168.1.2", ${port}))
print("waiting")
try:
    s.recv(100)
except KeyboardInterrupt:
    print("interrupted")
s.close()
`;
      const run = await startScript(script, "pico_w", "main.py");
      await run.printed("waiting\n");
      run.board.interrupt();
      expect(await run.done).toEqual({ kind: "finished" });
      expect(run.output()).toBe("waiting\ninterrupted\n");
    } finally {
      server.close();
    }
  });
});
