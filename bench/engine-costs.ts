/**
 * What bounds rows 1, 2 and 4 (docs/benchmarks.md): the QuickJS engine's own costs, measured on a
 * stand-in host so no network is involved. Microseconds per guest operation, milliseconds per board.
 */
import { QuickJsEngine } from "../src/emulator/quickjs/engine.ts";
import type { GuestHost, HostValue } from "../src/emulator/host-api.ts";
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

export interface EngineCosts {
  /** µs: an empty loop iteration, a host call returning a number, recv(4096), sendall of 4 KiB, a call that suspends the guest. */
  loop: number;
  call: number;
  recv: number;
  sendall: number;
  suspend: number;
  /** ms: a QuickJS WebAssembly instance; running an empty script (context, host functions, guest library). */
  instanceMs: number;
  emptyRunMs: number;
}

function standInHost(report: (text: string) => void): GuestHost {
  const data = new Uint8Array(4096);
  const fns: Record<string, (...args: never[]) => HostValue | Promise<HostValue>> = {
    boardInfo: () => ({ board: "bench", errorcode: {}, socket: { AF_INET: 2, SOCK_STREAM: 1 }, network: {}, modules: [] }),
    poll: () => null,
    ticksMs: () => performance.now() * 1000,
    socketNew: () => 1,
    socketRecv: () => data,
    socketSendAll: (_id: number, sent: Uint8Array) => sent.length,
    timeSleep: () => Promise.resolve(null),
    write: (text: string) => (report(text), null),
  };
  return { functionNames: Object.keys(fns), call: (name, args) => (fns[name] as (...a: readonly HostValue[]) => HostValue)(...args) };
}

export async function engineCosts(runs: number): Promise<EngineCosts> {
  const calls = await compileScript(await scriptFile("calls.ts", CALLS));
  const empty = await compileScript(await scriptFile("empty.ts", ""));
  const samples: Omit<EngineCosts, "instanceMs" | "emptyRunMs">[] = [];
  for (let i = 0; i <= runs; i++) {
    const engine = await QuickJsEngine.create(calls, { heapBytes: 1 << 24, config: {} });
    let printed = "";
    await engine.run(standInHost((text) => (printed += text)));
    if (i > 0) samples.push(JSON.parse(printed));
  }
  const boards = 20;
  let started = performance.now();
  const engines = await Promise.all(Array.from({ length: boards }, () => QuickJsEngine.create(empty, { heapBytes: 1 << 20, config: {} })));
  const instanceMs = (performance.now() - started) / boards;
  started = performance.now();
  for (const engine of engines) await engine.run(standInHost(() => {}));
  const emptyRunMs = (performance.now() - started) / boards;
  const med = (key: keyof (typeof samples)[number]) => median(samples.map((s) => s[key]));
  return { loop: med("loop"), call: med("call"), recv: med("recv"), sendall: med("sendall"), suspend: med("suspend"), instanceMs, emptyRunMs };
}
