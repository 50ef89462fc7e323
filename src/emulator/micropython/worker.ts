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
/** How often the interpreter, when it makes no host call, asks the host for a pending Ctrl-C. */
const POLL_EVERY_MS = 20;
const POLL_CHECK_EVERY_CALLS = 1024;

interface WasmExports {
  memory: { buffer: ArrayBuffer };
  malloc(size: number): number;
  free(ptr: number): void;
  mp_sched_keyboard_interrupt(): void;
}
let wasm!: WasmExports;
let heapMayGrow = true;
let calls = 0;
let lastPoll = performance.now();

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
        if (++calls >= POLL_CHECK_EVERY_CALLS) poll();
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
  return receiveMessageOnPort(port)!.message as HostReply;
}

/** A KeyboardInterrupt from the host outside a Python-made call: the VM raises it at its next instruction. */
function raiseIfInterrupted(reply: HostReply): void {
  if ("error" in reply && reply.error.pyType === "KeyboardInterrupt") wasm.mp_sched_keyboard_interrupt();
}

function poll(): void {
  calls = 0;
  const now = performance.now();
  if (now - lastPoll < POLL_EVERY_MS) return;
  lastPoll = now;
  flushConsole();
  raiseIfInterrupted(hostCall("poll", []));
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
mp.FS.mkdir("/boardsim");
for (const [name, source] of Object.entries(input.library)) mp.FS.writeFile(`/boardsim/${name}`, source);
// `import config`: the settings from the command line or lab file, as the TS engine's config module has them.
mp.FS.writeFile("/boardsim/config.py", `from json import loads\nglobals().update(loads(${JSON.stringify(JSON.stringify(input.config))}))\ndel loads\n`);
mp.registerJsModule("_boardsim_js", bridge);
mp.globals.set("_script", input.source);
mp.globals.set("_name", input.fileName);
mp.runPython(
  `import sys\nsys.path.insert(0, "/boardsim")\nimport _boardsim\n_boardsim.setup(_script, _name, ${input.heapBytes})\ndel _script, _name`,
);
capHeap();
mp.runPython("_boardsim.run()");
flushConsole();
parentPort!.postMessage(outcome ?? { kind: "finished" });
