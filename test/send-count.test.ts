/**
 * A non-blocking send() either takes bytes and returns how many, or takes none and raises EAGAIN:
 * a script that retries what send() did not take delivers every byte exactly once.
 */
import net from "node:net";
import { describe, expect, it } from "vitest";
import { startScript } from "./support/run-script.ts";


/** A PC server that keeps everything one client sends until it closes. */
async function sink(): Promise<{ port: number; received: Promise<Buffer>; close(): void }> {
  let done!: (data: Buffer) => void;
  const received = new Promise<Buffer>((resolve) => (done = resolve));
  const server = net.createServer((socket) => {
    const chunks: Buffer[] = [];
    socket.on("data", (c) => chunks.push(c)).on("end", () => done(Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as net.AddressInfo).port, received, close: () => server.close() };
}

describe("non-blocking send(): a count or EAGAIN, never both", () => {
  it.each([
    ["esp32", 32768],
    ["pico_w", 32768],
    // 12 KB: the ESP8266's ~35 KB free heap holds it (and, since its free bytes are one block
    // again, bytearray(12288) no longer raises MemoryError: _boardsim.py, _hold_all_but).
    ["esp8266", 12288],
  ])("%s: every byte arrives once when the script retries what send() left (%i bytes)", async (board, SIZE) => {
    const pc = await sink();
    try {
      const run = await startScript(
        `import network, socket, time
wlan = network.WLAN(network.STA_IF)
wlan.active(True)
wlan.connect("boardsim-lab", "micropython")
while wlan.ifconfig()[0] == "0.0.0.0":
    time.sleep_ms(20)
s = socket.socket()
s.connect(("192.168.1.2", ${pc.port}))
s.setblocking(False)
data = bytearray(${SIZE})
for i in range(${SIZE}):
    data[i] = i % 251
view = memoryview(data)
off = 0
while off < len(data):
    try:
        off += s.send(view[off:off + 8192])
    except OSError as e:
        if e.args[0] != 11:
            raise
        time.sleep_ms(2)
s.setblocking(True)
s.close()
print("sent", off)
`,
        board,
        "main.py",
      );
      expect(await run.done).toEqual({ kind: "finished" });
      expect(run.output()).toBe(`sent ${SIZE}\n`);
      const got = await pc.received;
      expect(got.length).toBe(SIZE);
      expect(got.equals(Buffer.from(Array.from({ length: SIZE }, (_, i) => i % 251)))).toBe(true);
    } finally {
      pc.close();
    }
  });
});

describe("a TS script sends a str as its own UTF-8, with no encoded copy in the board's heap", () => {
  it("ESP8266: sendall() and write() of a 30,000-character str each arrive whole (an encoded copy raised MemoryError); send() counts UTF-8 bytes", async () => {
    const pc = await sink();
    try {
      const run = await startScript(
        `import network from "network";
import socket from "socket";
import time from "time";
const wlan = network.WLAN(network.STA_IF);
wlan.active(true);
wlan.connect("boardsim-lab", "micropython");
while (!wlan.isconnected()) time.sleep_ms(20);
const s = socket.socket();
s.connect(["192.168.1.2", ${pc.port}]);
const text = "x".repeat(30000);
s.sendall(text);
print("wrote", s.write(text), s.send("é!"));
s.close();
`,
        "esp8266",
      );
      expect(await run.done).toEqual({ kind: "finished" });
      expect(run.output()).toBe("wrote 30000 3\n");
      const text = "x".repeat(30000);
      expect((await pc.received).toString("utf8")).toBe(`${text}${text}é!`);
    } finally {
      pc.close();
    }
  });
});
