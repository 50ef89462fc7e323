/**
 * The MicroPython interpreter's thread. Python runs here so that a blocking host call can really
 * block it: each call is posted to the main thread, which runs it on the Board, and this thread
 * sleeps in Atomics.wait until the reply is on the port.
 */
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import type { HostValue } from "../host-api.ts";
import type { HostReply, WorkerInput, WorkerOutcome } from "./protocol.ts";

const input = workerData as WorkerInput;
const { signal, port } = input;

/** Heap for the guest library's own modules, on top of the board's (trimmed back by _boardsim.setup). */
const LIBRARY_ALLOWANCE = 64 * 1024;
/** malloc() space left once the heap is capped: for the interpreter's and its JS glue's small buffers. */
const MALLOC_RESERVE = 16 * 1024;
/**
 * How much Python work passes between two `poll` host calls, counted in the VM's C calls (see the
 * invoke_ wrappers below): about 200 iterations of a simple loop (4-6 calls each), close to the
 * TS engine's 256 iterations per poll. Counted, not timed, so a run in simulated time (where each
 * poll costs the busy loop's time) is the same every time.
 */
const POLL_EVERY_CALLS = 1024;
/**
 * When the host answers a poll at once (real time: no busy-loop cost, no event-loop turn due), the
 * next polls wait this long: a poll is a round trip to the main thread, which would slow a busy
 * loop by half. In simulated time every poll takes time, so none is skipped and runs repeat.
 */
const POLL_PAUSE_AFTER_INSTANT_MS = 5;

interface WasmExports {
  memory: { buffer: ArrayBuffer };
  malloc(size: number): number;
  free(ptr: number): void;
  mp_sched_keyboard_interrupt(): void;
  proxy_c_to_js_lookup_attr(ref: number, attr: number, out: number): void;
}
let wasm!: WasmExports;
let heapMayGrow = true;
/** The script's work is counted from its start, except the bridge's own (host calls, collections). */
let scriptStarted = false;
let inBridge = false;
let calls = 0;
let nextPollAt = 0;

type Imports = { env: Record<string, (...args: number[]) => unknown> };
// Node has WebAssembly at run time; @types/node only declares its types, not the value.
const webAssembly = (globalThis as unknown as { WebAssembly: { instantiate: unknown } }).WebAssembly;
const instantiate = webAssembly.instantiate as (m: WebAssembly.Module, i: Imports) => Promise<{ exports: unknown }>;
// The interpreter's glue instantiates its WebAssembly itself; this takes the module the main thread
// compiled, and wraps two of its imports:
// - emscripten's setjmp/longjmp helpers (invoke_*) run around nearly every C call the VM makes,
//   so they are where a busy loop still notices Ctrl-C (see poll());
// - once the heap is capped, the wasm memory may not grow, so malloc() cannot add Python heap.
webAssembly.instantiate = async (_bytes: unknown, imports: Imports) => {
  const { env } = imports;
  for (const [name, fn] of Object.entries(env)) {
    if (name.startsWith("invoke_")) {
      env[name] = (...args: number[]) => {
        if (scriptStarted && !inBridge && ++calls >= POLL_EVERY_CALLS) poll();
        return fn(...args);
      };
    }
  }
  const resize = env.emscripten_resize_heap!;
  env.emscripten_resize_heap = (size: number) => (heapMayGrow ? resize(size) : 0);
  const instance = await instantiate.call(webAssembly, input.wasm, imports);
  wasm = instance.exports as WasmExports;
  return { instance, module: input.wasm };
};

function hostCall(name: string, args: HostValue[]): HostReply {
  Atomics.store(signal, 0, 0);
  port.postMessage({ name, args });
  Atomics.wait(signal, 0, 0);
  for (;;) {
    const received = receiveMessageOnPort(port);
    if (received) return received.message as HostReply;
    // The reply is posted before the signal is set, but on a busy machine it can reach this port a moment later.
    Atomics.wait(signal, 0, 1, 1);
  }
}

/** A KeyboardInterrupt from the host outside a Python-made call: the VM raises it at its next instruction. */
function raiseIfInterrupted(reply: HostReply): void {
  if ("error" in reply && reply.error.pyType === "KeyboardInterrupt") wasm.mp_sched_keyboard_interrupt();
}

function poll(): void {
  calls = 0;
  if (performance.now() < nextPollAt) return;
  flushConsole();
  const reply = hostCall("poll", []);
  nextPollAt = "instant" in reply && reply.instant ? performance.now() + POLL_PAUSE_AFTER_INSTANT_MS : 0;
  raiseIfInterrupted(reply);
}

// The console: bytes from print() go to the host's write() a line at a time, and before any
// other host call so the order of output and effects is kept.
const decoder = new TextDecoder();
let consoleBytes: number[] = [];
function onConsoleByte(data: Uint8Array): void {
  consoleBytes.push(...data);
  if (data.includes(10) || consoleBytes.length >= 256) flushConsole();
}
function flushConsole(): void {
  if (consoleBytes.length === 0) return;
  const text = decoder.decode(Uint8Array.from(consoleBytes), { stream: true });
  consoleBytes = [];
  raiseIfInterrupted(hostCall("write", [text]));
}

function memory(): Uint8Array {
  return new Uint8Array(wasm.memory.buffer);
}

// Garbage collection. The webassembly port collects only when its outermost call from JavaScript
// returns (its external_call_depth counter back at 0, ports/webassembly/main.c), because it cannot
// scan the WebAssembly stack. A script runs as one long call, so nothing would ever be freed and
// the board's heap would run out. A host call is a safe point to collect: the script's values are
// all on the Python stack (pystack), which the collector scans. So the worker finds that counter
// once, and at each host call sets it to 0 around a call into the port that allocates nothing (a
// key lookup in a dict it holds), whose return collects if the interpreter asked for a collection
// (every 16 KiB allocated, or a full heap).
// Limit: a value only a C function in progress holds (a list() being built from a generator that
// makes a host call) is not on the Python stack; such scripts could lose it.
let callDepthAddress = -1;
const depthSnapshots: Int32Array[] = [];
/** The dict (its proxy, held so that JavaScript never releases it), a C string of a key to look up, and 12 bytes for the (unused) result. */
const lookup: { dict: { _ref: number } | null; key: number; out: number } = { dict: null, key: 0, out: 0 };

/** The port's static data: everything below the first malloc() block. */
function staticData(): Int32Array {
  const heapStart = wasm.malloc(4);
  wasm.free(heapStart);
  return new Int32Array(wasm.memory.buffer.slice(0, heapStart & ~3));
}

/** The address of external_call_depth: the one word of static data that is 0, 1 and 2 at those call depths. */
function findCallDepth(): number {
  depthSnapshots.push(staticData());
  mp.runPython("import _boardsim_js\n_boardsim_js.probe(lambda: _boardsim_js.probe(None, None), {})\ndel _boardsim_js");
  const [top, one, two] = depthSnapshots;
  const found = [];
  for (let i = 0; i < top!.length; i++) if (top![i] === 0 && one![i] === 1 && two![i] === 2) found.push(i * 4);
  if (found.length !== 1) throw new Error(`MicroPython: cannot find the collector's call depth (${found.length} candidates)`);
  return found[0]!;
}

function collectGarbage(): void {
  // A fresh view each time: the memory may have grown (before the heap is capped).
  const depth = () => new Int32Array(wasm.memory.buffer, callDepthAddress, 1);
  const saved = depth()[0]!;
  const wasInBridge = inBridge;
  inBridge = true; // no Ctrl-C check in there: it would be raised in the lookup, and lost
  depth()[0] = 0;
  wasm.proxy_c_to_js_lookup_attr(lookup.dict!._ref, lookup.key, lookup.out);
  depth()[0] = saved;
  inBridge = wasInBridge;
}

// The Python side of the bridge (_host.py) calls these. Bytes cross as {"__b": [...]}: from
// Python an (address, length) in its heap, to Python the index of a blob it then copies in.
let reply = new Uint8Array();
let blobs: Uint8Array[] = [];
let outcome: WorkerOutcome | undefined;
const bridge = {
  call(name: string, argsJson: string): number {
    const args = JSON.parse(argsJson, (_key, value) =>
      value !== null && typeof value === "object" && "__b" in value ? memory().slice(value.__b[0], value.__b[0] + value.__b[1]) : value,
    ) as HostValue[];
    flushConsole();
    // Not while the library is imported at start-up: a collection there corrupted the heap (cause not found).
    if (scriptStarted) collectGarbage();
    const answer = hostCall(name, args);
    blobs = [];
    const json =
      "error" in answer
        ? JSON.stringify({ e: [answer.error.pyType, answer.error.pyArgs] })
        : JSON.stringify({ v: answer.value }, (_key, value) => (value instanceof Uint8Array ? { __b: [blobs.push(value) - 1, value.length] } : value));
    reply = new TextEncoder().encode(json);
    return reply.length;
  },
  reply(address: number): void {
    memory().set(reply, address);
  },
  blob(index: number, address: number): void {
    memory().set(blobs[index]!, address);
  },
  collect(): void {
    collectGarbage();
  },
  /** Around a host call's Python side (_host.call): its work is not counted as the script's. */
  pause(): void {
    inBridge = true;
  },
  resume(): void {
    inBridge = false;
  },
  /** Depth probe (findCallDepth): called at depth 1 with a callback to call at depth 2, and the dict collections look up. */
  probe(deeper: (() => void) | null, dict: { _ref: number } | null): void {
    depthSnapshots.push(staticData());
    lookup.dict ??= dict;
    deeper?.();
  },
  finish(kind: string, pyType: string, traceback: string): void {
    flushConsole();
    outcome = kind === "raised" ? { kind: "raised", pyType, traceback: traceback.split("\n") } : { kind: "finished" };
  },
};

/** From here on the Python heap is the board's: malloc() gets all free memory but a small reserve, and memory cannot grow. */
function capHeap(): void {
  heapMayGrow = false;
  const blocks: [address: number, size: number][] = [];
  for (let size = 1 << 26; size >= 4096; ) {
    const address = wasm.malloc(size);
    if (address) blocks.push([address, size]);
    else size >>= 1;
  }
  for (let reserve = 0; reserve < MALLOC_RESERVE && blocks.length > 0; ) {
    const [address, size] = blocks.pop()!;
    wasm.free(address);
    reserve += size;
  }
}

const { loadMicroPython } = await import("@micropython/micropython-webassembly-pyscript");
const mp = await loadMicroPython({
  heapsize: input.heapBytes + LIBRARY_ALLOWANCE,
  linebuffer: false,
  stdout: onConsoleByte,
  stderr: onConsoleByte,
});
mp.registerJsModule("_boardsim_js", bridge);
callDepthAddress = findCallDepth();
const key = new TextEncoder().encode("__name__\0"); // an interned name: the lookup allocates nothing
lookup.key = wasm.malloc(key.length);
memory().set(key, lookup.key);
lookup.out = wasm.malloc(12);
mp.FS.mkdir("/boardsim");
for (const [name, source] of Object.entries(input.library)) {
  if (name.includes("/")) mp.FS.mkdirTree(`/boardsim/${name.slice(0, name.lastIndexOf("/"))}`);
  mp.FS.writeFile(`/boardsim/${name}`, source);
}
// `import config`: the settings from the command line or lab file, as the TS engine's config module has them.
mp.FS.writeFile("/boardsim/config.py", `from json import loads\nglobals().update(loads(${JSON.stringify(JSON.stringify(input.config))}))\ndel loads\n`);
mp.globals.set("_script", input.source);
mp.globals.set("_name", input.fileName);
mp.runPython(
  `import sys\nsys.path.insert(0, "/boardsim")\nimport _boardsim\n_boardsim.setup(_script, _name, ${input.heapBytes})\ndel _script, _name`,
);
capHeap();
scriptStarted = true;
mp.runPython("_boardsim.run()");
flushConsole();
parentPort!.postMessage(outcome ?? { kind: "finished" });
