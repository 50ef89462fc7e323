/**
 * A .py board's read-ahead on a real clock is a ring the main thread keeps filling while the script
 * reads (src/emulator/micropython/data-channel.ts, "More read-ahead"): recv() and readinto() get
 * every byte once and in order, a read cut short at the ring's end, and the socket's queue gives up
 * exactly what the script read. A stand-in host: one socket whose queue holds a known stream.
 */
import { describe, expect, it } from "vitest";
import type { GuestHost, HostValue } from "../src/emulator/host-api.ts";
import { BOARDS } from "../src/boards/index.ts";
import { boardInfo } from "../src/emulator/host/modbuiltins.ts";
import { MicroPythonEngine } from "../src/emulator/micropython/engine.ts";

const STREAM = 300_000;
const byteAt = (i: number) => (i * 7 + (i >> 9)) & 255;
/** Each byte weighed by its place in the stream: a byte read twice, skipped or out of order changes it. */
const checksum = (bytes: Uint8Array) => bytes.reduce((check, b, i) => (check + b * ((i % 251) + 1)) & 0xffffff, 0);

/** Reads the whole stream in pieces of 3,000 (no divisor of the ring's 65,536), by recv and readinto in turn. */
const SCRIPT = `import socket
s = socket.socket()
buf = bytearray(3000)
total = check = reads = 0
while total < ${STREAM}:
    if reads % 2:
        n = s.readinto(buf, min(3000, ${STREAM} - total))
        data = buf[:n]
    else:
        data = s.recv(min(3000, ${STREAM} - total))
    reads += 1
    for b in data:
        check = (check + b * (total % 251 + 1)) & 0xffffff
        total += 1
print(total, check)
`;

describe(".py read-ahead ring (a real clock)", () => {
  it("recv() and readinto() read a 300,000-byte stream once and in order across the ring's end; the queue gives up what was read", async () => {
    const stream = Uint8Array.from({ length: STREAM }, (_, i) => byteAt(i));
    let taken = 0;
    let printed = "";
    const read = (size: number) => {
      const bytes = stream.slice(taken, taken + size);
      taken += bytes.length;
      return bytes;
    };
    const fns: Record<string, (...args: never[]) => HostValue> = {
      boardInfo: () => boardInfo(BOARDS.pico_w!, false),
      flashIsDir: () => true,
      flashModules: () => [],
      timersRunning: () => false,
      poll: () => null,
      socketNew: () => 1,
      socketRecv: (_fd: number, size: number) => read(size),
      socketRead: (_fd: number, size: number) => read(size),
      write: (text: string) => ((printed += text), null),
    };
    const host: GuestHost = {
      functionNames: Object.keys(fns),
      call: (name, args) => (fns[name] as (...a: readonly HostValue[]) => HostValue)(...args),
      streams: {
        peek: (_fd, into, skip = 0) => {
          const bytes = stream.subarray(taken + skip, taken + skip + into.length);
          into.set(bytes);
          return bytes.length;
        },
        consume: (_fd, n) => void (taken += n),
        sendRoom: () => 0,
        send: () => {},
        live: () => true,
      },
    };
    const engine = await MicroPythonEngine.create({ source: SCRIPT, fileName: "main.py" }, { heapBytes: 1 << 20, config: {}, floatDigits: BOARDS.pico_w!.port.floatDigits });
    expect(await engine.run(host)).toEqual({ kind: "finished" });
    engine.dispose();
    expect(printed).toBe(`${STREAM} ${checksum(stream)}\n`);
    expect(taken).toBe(STREAM);
  }, 120_000);
});
