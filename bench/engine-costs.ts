/**
 * What bounds rows 1, 2 and 4 (docs/benchmarks.md): each engine's own costs, measured on a
 * stand-in host so no network is involved. Microseconds per guest operation, milliseconds per board.
 */
import { MicroPythonEngine } from "../src/emulator/micropython/engine.ts";
import { QuickJsEngine } from "../src/emulator/quickjs/engine.ts";
import type { GuestEngine, GuestHost, HostValue } from "../src/emulator/host-api.ts";
import { BOARDS } from "../src/boards/index.ts";
import { boardInfo } from "../src/emulator/host/modbuiltins.ts";
import { compileScript } from "../src/emulator/quickjs/transpile.ts";
import { median, scriptFile } from "./support.ts";

const N = 20_000;

/** Times each kind of call from the guest with ticks_ms (the stand-in host's clock is in µs). */
const CALLS = `
import time from "time";
import socket from "socket";
const s = socket.socket();
const data = new bytes(4096);
const timed = (n, body) => { const t = time.ticks_ms(); body(n); return (time.ticks_ms() - t) / n; };
print(JSON.stringify({
  loop: timed(${N}, (n) => { for (let i = 0; i < n; i++) {} }),
  call: timed(${N}, (n) => { for (let i = 0; i < n; i++) time.ticks_ms(); }),
  recv: timed(${N}, (n) => { for (let i = 0; i < n; i++) s.recv(4096); }),
  sendall: timed(${N}, (n) => { for (let i = 0; i < n; i++) s.sendall(data); }),
  suspend: timed(${N / 4}, (n) => { for (let i = 0; i < n; i++) time.sleep_ms(0); }),
}));
`;

/** The same calls from a .py script (the stand-in host's ticks_ms counts microseconds). */
const PY_CALLS = `
import time, socket, json
s = socket.socket()
data = bytes(4096)
def timed(n, body):
    t = time.ticks_ms()
    body(n)
    return (time.ticks_ms() - t) / n
def calls(n):
    for i in range(n):
        time.ticks_ms()
def recvs(n):
    for i in range(n):
        s.recv(4096)
def readintos(n):
    for i in range(n):
        s.readinto(buf)
def sends(n):
    for i in range(n):
        s.sendall(data)
def allocs(n):
    for i in range(n):
        bytes(4096)
buf = bytearray(4096)
print(json.dumps({"call": timed(${N / 4}, calls), "recv": timed(${N / 4}, recvs), "readinto": timed(${N / 4}, readintos), "sendall": timed(${N / 4}, sends), "alloc": timed(${N / 4}, allocs)}))
`;

export interface PythonCosts {
  /** µs: a host call returning a number (ticks_ms), a message round trip to the main thread. */
  call: number;
  /**
   * µs: recv(4096), readinto of a 4 KiB bytearray and sendall of 4 KiB as data calls (shared
   * memory, one round trip each: a host without SocketStreams). recv makes a new 4 KiB bytes object
   * each time (the interpreter's allocator); readinto fills the same buffer: the data call alone.
   */
  recv: number;
  readinto: number;
  sendall: number;
  /** µs: the same with the host's SocketStreams: 64 KiB read ahead and 64 KiB of send room lent per call (data-channel.ts), so one call in 17. */
  aheadRecv: number;
  aheadReadinto: number;
  bufferedSendall: number;
  /**
   * µs: a new 4 KiB bytes object alone (bytes(4096)), no call: what recv(4096) spends in the
   * interpreter whatever the bridge does. py/gc.c gc_alloc's first-fit search from the lowest free
   * block, the hash every bytes object gets (py/objstr.c), its share of the collections.
   */
  alloc: number;
}

export interface EngineCosts {
  /** µs: an empty loop iteration, a host call returning a number, recv(4096), sendall of 4 KiB, a call that suspends the guest. */
  loop: number;
  call: number;
  recv: number;
  sendall: number;
  suspend: number;
  /** ms: a board's QuickJS start and an empty script's run (the instance from the guest library's snapshot, host functions). */
  bootMs: number;
}

function standInHost(report: (text: string) => void, streams = false): GuestHost {
  const data = new Uint8Array(4096);
  const fns: Record<string, (...args: never[]) => HostValue | Promise<HostValue>> = {
    boardInfo: () => boardInfo(BOARDS.pico_w!, false),
    // The .py boot's chdir("/") on the flash; its wait for Timers at the script's end.
    flashIsDir: () => true,
    // The import order's question at boot (_flash.py modules_on_flash): no student's file shadows a module.
    flashModules: () => [],
    timersRunning: () => false,
    poll: () => null,
    ticksMs: () => performance.now() * 1000,
    socketNew: () => 1,
    socketRecv: () => data,
    socketRead: () => data,
    socketSendAll: (_id: number, sent: Uint8Array) => sent.length,
    timeSleep: () => Promise.resolve(null),
    write: (text: string) => (report(text), null),
  };
  const call = (name: string, args: readonly HostValue[]) => (fns[name] as (...a: readonly HostValue[]) => HostValue)(...args);
  if (!streams) return { functionNames: Object.keys(fns), call };
  // Always more data waiting and room to send, as on a busy connection.
  const waiting = new Uint8Array(1 << 16);
  return {
    functionNames: Object.keys(fns),
    call,
    // A real clock's: the engine may lend more while the script reads (data-channel.ts "More read-ahead").
    streams: { peek: (_fd, into) => (into.set(waiting.subarray(0, into.length)), into.length), consume: () => {}, sendRoom: () => 1 << 16, send: () => {}, live: () => true },
  };
}

/** Runs one engine on the stand-in host; returns what the script printed. */
async function printedBy(engine: GuestEngine, streams = false): Promise<string> {
  let printed = "";
  await engine.run(standInHost((text) => (printed += text), streams));
  engine.dispose();
  return printed;
}

export async function pythonCosts(runs: number): Promise<PythonCosts> {
  type Sample = Pick<PythonCosts, "call" | "recv" | "readinto" | "sendall" | "alloc">;
  const samples: [Sample, Sample][] = [];
  for (let i = 0; i <= runs; i++) {
    const run = async (streams: boolean) => {
      const engine = await MicroPythonEngine.create({ source: PY_CALLS, fileName: "calls.py" }, { heapBytes: 1 << 20, config: {}, floatDigits: BOARDS.pico_w!.port.floatDigits });
      return JSON.parse(await printedBy(engine, streams)) as Sample;
    };
    const sample: [Sample, Sample] = [await run(false), await run(true)];
    if (i > 0) samples.push(sample);
  }
  const med = (which: 0 | 1, key: keyof Sample) => median(samples.map((s) => s[which][key]));
  return {
    call: med(0, "call"),
    recv: med(0, "recv"),
    readinto: med(0, "readinto"),
    sendall: med(0, "sendall"),
    aheadRecv: med(1, "recv"),
    aheadReadinto: med(1, "readinto"),
    bufferedSendall: med(1, "sendall"),
    alloc: med(1, "alloc"),
  };
}

export async function engineCosts(runs: number): Promise<EngineCosts> {
  const calls = await compileScript(await scriptFile("calls.ts", CALLS));
  const empty = await compileScript(await scriptFile("empty.ts", ""));
  const samples: Omit<EngineCosts, "bootMs">[] = [];
  for (let i = 0; i <= runs; i++) {
    const printed = await printedBy(await QuickJsEngine.create(calls, { heapBytes: 1 << 24, config: {} }));
    if (i > 0) samples.push(JSON.parse(printed));
  }
  // The snapshot for the stand-in host's board exists by now (the runs above took it).
  const boards = 20;
  const started = performance.now();
  for (let i = 0; i < boards; i++) await (await QuickJsEngine.create(empty, { heapBytes: 1 << 20, config: {} })).run(standInHost(() => {}));
  const bootMs = (performance.now() - started) / boards;
  const med = (key: keyof (typeof samples)[number]) => median(samples.map((s) => s[key]));
  return { loop: med("loop"), call: med("call"), recv: med("recv"), sendall: med("sendall"), suspend: med("suspend"), bootMs };
}
