import { readFileSync } from "node:fs";
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import type { GuestHost } from "../host-api.ts";
import { createDataChannel, DATA_BYTES, DATA_CALLS, DataChannelHost, HOSTDATA_PY_WORDS, LENT_BYTES, LentData } from "./data-channel.ts";

// The guest library states some of the channel's numbers again: _hostdata.py's lent words' indexes
// are const()s the compiler puts into the bytecode as numbers (read at every recv and send), and
// _host.py numbers the data calls. A drift would show only as wrong bytes in behaviour tests; here
// it fails by name.
const guest = (name: string) => readFileSync(new URL(`./guest/${name}`, import.meta.url), "utf8");
const host = guest("_host.py");
const hostdata = guest("_hostdata.py");

/** A module's top-level assignments of integers (`A = const(1)`, `A, B = 0, 1`), by name. */
function integers(source: string): Map<string, { value: number; isConst: boolean }> {
  const found = new Map<string, { value: number; isConst: boolean }>();
  for (const [, names, values] of source.matchAll(/^(\w+(?:, \w+)*) = ((?:const\(\d+\)|\d+)(?:, (?:const\(\d+\)|\d+))*)$/gm)) {
    const list = values!.split(", ");
    names!.split(", ").forEach((name, i) => {
      const text = list[i]!;
      found.set(name, { value: Number(text.replace(/\D/g, "")), isConst: text.startsWith("const(") });
    });
  }
  return found;
}

describe("_host.py and _hostdata.py mirror the data channel (data-channel.ts)", () => {
  it("_hostdata.py's const() word indexes and send records are LentData's, and _host.py has no const()", () => {
    const consts = (source: string) => Object.fromEntries([...integers(source)].filter(([, v]) => v.isConst).map(([name, v]) => [name, v.value]));
    expect(consts(hostdata)).toEqual(HOSTDATA_PY_WORDS);
    expect(consts(host)).toEqual({});
  });

  it("_host.py's data call numbers are the calls' places in DATA_CALLS", () => {
    const py = integers(host);
    const calls = { RECV: "socketRecv", SEND: "socketSend", SENDALL: "socketSendAll", WRITE: "socketWrite", READ: "socketRead" };
    for (const [name, call] of Object.entries(calls)) expect([name, DATA_CALLS[py.get(name)?.value ?? -1]]).toEqual([name, call]);
    expect(Object.keys(calls)).toHaveLength(DATA_CALLS.length);
  });

  it("the layout the worker hands to _lend holds every word it indexes and a reply of DATA_BYTES", () => {
    const address = 8;
    const [words, received, ahead, sends, end] = new LentData(createDataChannel(), address, () => new ArrayBuffer(address + LENT_BYTES)).layout();
    expect(host).toContain("json.loads(js.lent())");
    expect(hostdata).toContain("_lend(*lent)");
    expect(words).toBe(address);
    expect((received! - words!) / 4).toBeGreaterThanOrEqual(HOSTDATA_PY_WORDS._LENGTHS + HOSTDATA_PY_WORDS._MAX_SENDS);
    expect(ahead! - received!).toBe(DATA_BYTES);
    expect(sends).toBeGreaterThan(ahead!);
    expect(end).toBe(address + LENT_BYTES);
  });

  it("its buffered send records start 8-byte aligned, as the worker and the main thread step through them (a copy to a misaligned record is slow)", () => {
    // data-channel.ts nextRecord: the padding after a record of n bytes counts against the room.
    expect(hostdata).toContain("w[_SEND_USED] = (used + n + 7) & ~7");
    expect(hostdata).toContain("if n <= w[_SEND_ROOM] - used and count < _MAX_SENDS:");
  });

  it("the reply region, the read-ahead and the sends start 16-byte aligned, as the heap's blocks (a copy between addresses aligned otherwise is slow)", () => {
    const address = 16;
    const [, received, ahead, sends] = new LentData(createDataChannel(), address, () => new ArrayBuffer(address + LENT_BYTES)).layout();
    expect([received! % 16, ahead! % 16, sends! % 16]).toEqual([0, 0, 0]);
  });
});

describe("a data call (LentData.call)", () => {
  it("ends at its reply, not at a notify left over from the previous one", async () => {
    const channel = createDataChannel();
    const address = 16;
    const memory = new ArrayBuffer(address + LENT_BYTES);
    const lent = new LentData(channel, address, () => memory);
    const returned = new Int32Array(new SharedArrayBuffer(4));
    // The main thread's side (DataChannelHost.loop), in a thread of its own: once the request is
    // there, notifies the caller's word three times (each as soon as the caller waits: a late
    // notify of the previous reply), then replies 42. Words by index: STATE 0 (REQUEST 1,
    // REPLIED 2), LENGTH 4, KIND 5 (FAST 0), SCHEDULED 6.
    const host = new Worker(
      `const { words, returned } = require("node:worker_threads").workerData;
      while (Atomics.load(words, 0) !== 1) Atomics.wait(words, 0, Atomics.load(words, 0));
      for (let stray = 0; stray < 3 && Atomics.load(returned, 0) === 0; ) stray += Atomics.notify(words, 0);
      words[4] = 42; words[5] = 0; words[6] = 0;
      Atomics.store(words, 0, 2);
      Atomics.notify(words, 0);`,
      { eval: true, workerData: { words: channel.words, returned } },
    );
    await once(host, "online");
    new Uint8Array(memory).set([1, 2, 3, 4, 5], 0);
    const reply = lent.call(DATA_CALLS.indexOf("socketSend"), 3, 0, 0, 5);
    Atomics.store(returned, 0, 1);
    await host.terminate();
    expect(reply).toBe(42 * 2); // 42, no callbacks due
    expect([...channel.data.subarray(0, 5)]).toEqual([1, 2, 3, 4, 5]);
  });
});

describe("the read-ahead a data call lends (DataChannelHost.lend, LentData.renew)", () => {
  // A send data call of no bytes on socket 3 answered 7, after which the socket lends its 100
  // queued bytes; the worker's memory known to the main thread (as once the worker has booted) or
  // not yet. Words by index: STATE 0 (REQUEST 1, REPLIED 2), OP 1, FD 2, SIZE 3, LENGTH 4.
  async function lend(memoryKnown: boolean) {
    const queued = Uint8Array.from({ length: 100 }, (_, i) => i + 1);
    const host: GuestHost = {
      functionNames: [],
      call: () => null,
      streams: { peek: (_fd, into) => (into.set(queued), queued.length), consume: () => {}, sendRoom: () => 0, send: () => {}, live: () => false },
    };
    const channel = createDataChannel();
    const address = 64;
    const memory = new SharedArrayBuffer(address + LENT_BYTES);
    const lent = new LentData(channel, address, () => memory as unknown as ArrayBuffer);
    const served = new DataChannelHost(channel, host, () => ({ value: 7, instant: true }), () => (memoryKnown ? memory : undefined));
    served.serve();
    const { words } = channel;
    words[1] = DATA_CALLS.indexOf("socketSend");
    words[2] = 3;
    words[3] = words[4] = 0;
    Atomics.store(words, 0, 1);
    Atomics.notify(words, 0);
    while (Atomics.load(words, 0) === 1) await new Promise((resolve) => setImmediate(resolve));
    served.stop();
    lent.renew("socketSend");
    const [, , ahead] = lent.layout();
    return { script: [...new Uint8Array(memory, ahead, 100)], shared: [...channel.ahead.subarray(0, 100)], queued: [...queued] };
  }

  it("goes straight into the worker's lent copy once the main thread has its memory: nothing through the AHEAD region", async () => {
    const { script, shared, queued } = await lend(true);
    expect(script).toEqual(queued);
    expect(shared).toEqual(new Array(100).fill(0));
  });

  it("before that, through the AHEAD region, which the worker copies", async () => {
    const { script, shared, queued } = await lend(false);
    expect(script).toEqual(queued);
    expect(shared).toEqual(queued);
  });
});

describe("more read-ahead, while the script reads (LentData.more; a real clock only)", () => {
  /**
   * A socket whose queue holds `queued` bytes (byte i is i % 251), a data call of recv(0) that lends
   * its read-ahead, then the script's reads and asks as _hostdata.py makes them (start moved in its
   * words, more() at the mark), answered by the main thread in this same thread (more() does not wait).
   */
  async function channelWith(queued: number, live: boolean) {
    const queue = Uint8Array.from({ length: queued }, (_, i) => i % 251);
    let taken = 0;
    const consumed: number[] = [];
    const host: GuestHost = {
      functionNames: [],
      call: () => null,
      streams: {
        peek: (_fd, into, skip = 0) => {
          const bytes = queue.subarray(taken + skip, taken + skip + into.length);
          into.set(bytes);
          return bytes.length;
        },
        consume: (_fd, n) => (consumed.push(n), (taken += n)),
        sendRoom: () => 0,
        send: () => {},
        live: () => live,
      },
    };
    const channel = createDataChannel();
    const address = 64;
    const memory = new SharedArrayBuffer(address + LENT_BYTES);
    const lent = new LentData(channel, address, () => memory as unknown as ArrayBuffer);
    const served = new DataChannelHost(channel, host, () => ({ value: 0, instant: true }), () => memory);
    served.serve();
    const answered = async () => {
      while (Atomics.load(channel.words, 0) !== 2) await new Promise((resolve) => setImmediate(resolve));
    };
    // recv(0) on socket 3 (op 0, fd 3, size 0): a data call that lends the queue's first bytes.
    const { words } = channel;
    [words[1], words[2], words[3], words[4]] = [0, 3, 0, 0];
    Atomics.store(words, 0, 1);
    Atomics.notify(words, 0);
    await answered();
    lent.renew("socketRecv");
    const [wordsAt, , ahead] = lent.layout();
    const w = new Int32Array(memory, wordsAt, HOSTDATA_PY_WORDS._LENGTHS);
    const ring = new Uint8Array(memory, ahead, HOSTDATA_PY_WORDS._AHEAD_BYTES);
    const { _AHEAD_START: START, _AHEAD_END: END, _MORE_AT: MORE_AT } = HOSTDATA_PY_WORDS;
    /** The script reads n bytes (as recv: up to the ring's end) and asks at the mark; returns them. */
    const read = async (n: number) => {
      const start = w[START]!;
      const at = start % ring.length;
      const got = [...ring.subarray(at, at + Math.min(n, w[END]! - start, ring.length - at))];
      w[START] = start + got.length;
      if (w[START]! >= w[MORE_AT]!) {
        lent.more();
        await answered();
      }
      return got;
    };
    return { w, read, consumed, stop: () => served.stop(), END, MORE_AT };
  }
  const expected = (from: number, n: number) => Array.from({ length: n }, (_, i) => (from + i) % 251);

  it("lends the bytes queued after the lent ones into the ring's free part, in order across its end, and takes what was read from the queue", async () => {
    const { w, read, consumed, stop, END, MORE_AT } = await channelWith(300_000, true);
    try {
      expect([w[END], w[MORE_AT]]).toEqual([65536, 32768]);
      let at = 0;
      const lengths = [];
      while (at < 150_000) {
        const got = await read(30_000);
        expect(got).toEqual(expected(at, got.length));
        lengths.push(got.length);
        at += got.length;
      }
      // 161,072 bytes from one lending, a read cut short at the ring's end (65,536) each time, as recv()
      // is: each ask took what was read from the queue (its window opens) and lent more.
      expect(lengths).toEqual([30_000, 30_000, 5_536, 30_000, 30_000, 5_536, 30_000]);
      expect(consumed.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(98_304);
      expect(w[END]! - at).toBeGreaterThan(0);
    } finally {
      stop();
    }
  });

  it("on a simulated clock lends only at the board's data call: no mark, and an ask lends nothing", async () => {
    const { w, read, consumed, stop, END, MORE_AT } = await channelWith(300_000, false);
    try {
      expect([w[END], w[MORE_AT]]).toEqual([65536, 0x7fffffff]);
      expect(await read(65536)).toEqual(expected(0, 65536));
      expect(await read(10)).toEqual([]);
      expect(consumed).toEqual([]);
    } finally {
      stop();
    }
  });

  it("asks no more once the queue had nothing more to lend", async () => {
    const { w, read, stop, END, MORE_AT } = await channelWith(40_000, true);
    try {
      expect([w[END], w[MORE_AT]]).toEqual([40_000, 20_000]);
      expect(await read(25_000)).toEqual(expected(0, 25_000));
      expect([w[END], w[MORE_AT]]).toEqual([40_000, 0x7fffffff]);
      expect(await read(20_000)).toEqual(expected(25_000, 15_000));
    } finally {
      stop();
    }
  });
});
