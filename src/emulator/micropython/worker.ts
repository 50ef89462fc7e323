/**
 * The MicroPython interpreter's thread. Python runs here so that a blocking host call can really
 * block it: each call is posted to the main thread, which runs it on the Board, and this thread
 * sleeps in Atomics.wait until the reply is on the port.
 */
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import type { HostValue } from "../host-api.ts";
import { bootFirmware, ConsoleInput, prepareFirmware, SOURCE_FILE } from "./board-repl.ts";
import { DATA_BYTES, DATA_CALLS, LENT_BYTES, LentData, READ } from "./data-channel.ts";
import { waitWhile } from "./spin-wait.ts";
import type { HostReply, WorkerInput, WorkerOutcome } from "./protocol.ts";
import { type Collector, findCollector } from "./collector.ts";
import { giveMarkStack, MARK_STACK_BYTES } from "./gc-mark-stack.ts";
import { type LibraryFirst, libraryFirst } from "./library-first.ts";
import { type HeldFree, heldFree } from "./held-free.ts";
import { type SpareHeap, spareHeap } from "./spare-heap.ts";
import { hideBuiltinModules, type ModuleTable, offerBoardModules, useModuleTable } from "./builtin-module-map.ts";
import { inFirmwareOrder } from "./import-completion.ts";
import { AREA_POOL } from "./gc-heap.ts";
import { type MemoryReport, memoryReport } from "./memory-report.ts";
import { findPythonStack, type PythonStack } from "./python-stack.ts";
import { loadSandboxedMicroPython, type WasmExports } from "./realm.ts";
import { findSchedQueue, type SchedQueue } from "./sched-queue.ts";
import type { AttentionWords } from "./attention.ts";

const input = workerData as WorkerInput;
const { signal, port } = input;

/**
 * Heap for the guest library's own modules, on top of the board's (trimmed back by _boardsim.setup).
 * Enough for all of them (≈ 70 KB live, and one module's compilation: setup collects between its
 * imports), so the heap stays one area: with 64 KiB the port added a second one while the library
 * loaded (py/gc.c gc_try_add_heap doubles the heap), the trim then held that area's free half
 * (≈ 1 MB with a 1 MiB heap) as bytearrays the collector marks word by word at every collection:
 * a 4 KiB bytes object cost ≈ 2× (docs/benchmarks.md, session 11).
 */
const LIBRARY_ALLOWANCE = 128 * 1024;

/**
 * The heap the interpreter is given, so that its pool holds the board's heap and the allowance:
 * py/gc.c gc_setup_area (v1.27.0, the wasm's version) takes the allocation table (a byte per 4
 * blocks of 16 bytes), the finaliser table (a bit per block) and a gap byte out of it, 1.5 bytes
 * per 64; the end is rounded down to a block (gc_init). Without this the allowance shrank by 2.3 %
 * of the board's heap (24 KB with 1 MiB) and the library spilled into a second area.
 */
function interpreterHeapBytes(heapBytes: number): number {
  const tableBytes = Math.ceil((heapBytes + LIBRARY_ALLOWANCE) / 64);
  return Math.ceil(tableBytes * 65.5) + 1 + 16;
}
/** Entries the built-in module table may have with the board's C modules added (the interpreter's ≈ 30, a board's ≈ 40). */
const MODULE_TABLE_ENTRIES = 96;
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

let wasm!: WasmExports;
let heapMayGrow = true;
/** The script's work is counted from its start, except the bridge's own (host calls, collections). */
let scriptStarted = false;
let inBridge = false;
let nextPollAt = 0;

/** Whether the VM's C calls count as the script's work now (realm.ts counts them). */
function setInBridge(on: boolean): void {
  inBridge = on;
  sandboxed.countInvokes(scriptStarted && !inBridge);
}

function hostCall(name: string, args: HostValue[]): HostReply {
  lent.publish();
  Atomics.store(signal, 0, 0);
  port.postMessage({ name, args });
  for (;;) {
    // Only the set signal says the reply is posted: a notify can come before it (the engine's
    // notify for the previous reply, held up after its store), and polling the port then spun
    // for the whole call (a blocking accept, a sleep).
    if (Atomics.load(signal, 0) === 0) {
      waitWhile(signal, 0, 0);
      continue;
    }
    const received = receiveMessageOnPort(port);
    if (received) {
      lent.renew(name);
      return received.message as HostReply;
    }
    // The reply is posted before the signal is set, but on a busy machine it can reach this port a moment later.
    Atomics.wait(signal, 0, 1, 1);
  }
}

/** A KeyboardInterrupt from the host outside a Python-made call: the VM raises it at its next instruction. */
function raiseIfInterrupted(reply: HostReply): void {
  if ("error" in reply && reply.error.pyType === "KeyboardInterrupt") wasm.mp_sched_keyboard_interrupt();
}

/**
 * emscripten's setjmp/longjmp helpers (invoke_*) run around nearly every C call the VM makes, so
 * they are where a busy loop still notices Ctrl-C: this runs once every POLL_EVERY_CALLS of them,
 * and (`asked`) at the VM's next branch when the main thread asks (attention.ts), also in a loop
 * that calls no C function. Callbacks due run at the VM's branch as the firmware runs an IRQ's
 * (sched-queue.ts), not only after the script's next host call.
 */
function poll(asked = false): void {
  collector.checkGrowth();
  if (!asked && performance.now() < nextPollAt) return;
  flushConsole();
  const reply = hostCall("poll", []);
  nextPollAt = "instant" in reply && reply.instant ? performance.now() + POLL_PAUSE_AFTER_INSTANT_MS : 0;
  raiseIfInterrupted(reply);
  if (reply.scheduled) schedQueue.schedule();
}

// The console: bytes from print() go to the host's write() a line at a time, and before any
// other host call so the order of output and effects is kept.
const decoder = new TextDecoder();
let consoleBytes: number[] = [];
/** The interpreter's own report being read (memory-report.ts), not printed: its bytes. */
let captured: number[] | null = null;
function onConsoleByte(byte: number): void {
  if (captured !== null) {
    captured.push(byte);
    return;
  }
  if (consoleBytes.push(byte) === 1) lent.consolePending(true);
  if (byte === 10 || consoleBytes.length >= 256) flushConsole();
}
/** sys.stdout.buffer is writing: its bytes go out as they are, not cooked as text (see _sys.py). */
let rawOutput = false;
let consoleSink = (bytes: Uint8Array, _raw: boolean) => {
  duplicate(bytes);
  raiseIfInterrupted(hostCall("write", [decoder.decode(bytes, { stream: true })]));
};
function flushConsole(): void {
  if (consoleBytes.length === 0) return;
  const bytes = Uint8Array.from(consoleBytes);
  consoleBytes = [];
  lent.consolePending(false);
  consoleSink(bytes, rawOutput);
}

// os.dupterm (guest _os_dupterm.py): while a stream is registered the console's bytes are also kept
// for it, as the port's stdout sends them (text's "\n" as "\r\n": mp_hal_stdout_tx_strn_cooked,
// shared/runtime/stdout_helpers.c v1.23.0; at the REPL after its filter, board-repl.ts), and the
// library writes them to the streams at the VM's next branch (run_at_branch), when the REPL waits
// for a key, at the script's end or when it asks (bridge.dupterm). The firmware writes them at
// once, inside mp_hal_stdout_tx_strn; Python cannot run inside the port's output here.
let duplicated: string | null = null;
let duplicatedLast = 0;
function duplicate(bytes: Uint8Array): void {
  if (duplicated === null) return;
  for (const byte of bytes) {
    if (byte === 10 && !rawOutput && duplicatedLast !== 13) duplicated += "\r";
    duplicated += String.fromCharCode(byte);
    duplicatedLast = byte;
  }
  schedQueue.schedule();
}

/** sys.stdin, when the board has a console. */
const newConsoleInput = () =>
  input.board
    ? new ConsoleInput(hostCall, flushConsole, raiseIfInterrupted, () => runLibrary("__import__('_board').run_callbacks()"), () => Boolean(duplicated))
    : null;
let consoleInput = newConsoleInput();
let softResetRequested = false;
/** Set while the worker's own code imports the library's _boardsim or _board (runLibrary): for a script, no such module. */
let libraryImport = false;

/**
 * Runs the worker's `code`, which reaches the library by `__import__('_boardsim')` or
 * `__import__('_board')` once, first: no name of it in __main__, where the script's and the REPL's
 * globals are (dir(), `import __main__`), and no import of it by a script (_boardsim.py _import).
 */
function runLibrary(code: string): unknown {
  // Nothing an earlier run left on the Python stack (the script's text) is kept by this one's frames.
  pythonStack.clearAboveTop();
  libraryImport = true;
  try {
    return mp.runPython(code);
  } finally {
    libraryImport = false;
  }
}

function memory(): Uint8Array {
  return new Uint8Array(sandboxed.buffer());
}

// Garbage collection. The webassembly port collects only when its outermost call from JavaScript
// returns (its external_call_depth counter back at 0, ports/webassembly/main.c), because it cannot
// scan the WebAssembly stack. A script runs as one long call, so nothing would ever be freed and
// the board's heap would run out. A host call is a safe point to collect: the script's values are
// all on the Python stack (pystack), which the collector scans. So the worker finds that counter
// once, and at each host call sets it to 0 around a call into the port that allocates nothing (a
// key lookup in a dict it holds), whose return collects if the interpreter asked for a collection
// (its threshold passed, see collector.ts, or a full heap). A value only a C function in progress
// holds (a list() being built from a generator that makes a host call, a with block's return
// value while __exit__ runs, the heap block a closure's or a class's call copies its arguments to)
// is not on the Python stack. The VM's own branches collect only when the calls below are plain
// calls of Python code (collector.ts), as does dir(obj) between two names; a host call unless that
// __exit__ or a built-in calling back into Python (sorted, join, sum, min, max) is below. The
// argument blocks of such calls, and dir()'s list, are pinned (realm.ts heldByC, pinned-args.ts;
// other C callers are a known limit).
let callDepthAddress = -1;
/**
 * The static data the depth probe reads, in bytes either side of the __main__ dict: that dict is
 * MP_STATE_VM(dict_main), inside mp_state_ctx with the Python stack's words (its first part,
 * mp_state_thread_t: py/mpstate.h v1.27.0 197, 283-285, 323-327), and ports/webassembly/main.c's
 * external_call_depth lies 912 bytes above it in the pinned build (the stack's words 92 below).
 * A window, not all static data: that is 0.7 MB, which was copied three times at each boot and
 * kept (2.1 MB of ArrayBuffers a board).
 */
const DEPTH_WINDOW = 4 * 1024;
/** The window's first byte, once the __main__ dict's address is known (findCallDepth). */
let depthWindowStart = -1;
const depthSnapshots: Int32Array[] = [];
/** The __main__ dict (its proxy's reference; the glue holds the proxy), a C string of a key to look up, and 12 bytes for the (unused) result. */
const lookup = { dict: 0, key: 0, out: 0 };

/** A copy of the depth probe's window of static data: word i is at depthWindowStart + 4 i. */
function staticData(): Int32Array {
  return new Int32Array(sandboxed.buffer(), depthWindowStart, (2 * DEPTH_WINDOW) >> 2).slice();
}

/** The address of external_call_depth: the one word of static data that is 0, 1 and 2 at those call depths. */
function findCallDepth(): number {
  // id() of the top level's globals(): the __main__ dict's address (py/runtime.c v1.27.0 118-119).
  mp.runPython('__import__("_boardsim_js").probe(id(globals()))');
  depthSnapshots.push(staticData());
  // Called from Python (depth 1), then from Python that JavaScript called (depth 2).
  mp.runPython("import _boardsim_js, js\n_boardsim_js.probe()\njs.Array.of(0).forEach(lambda *_: _boardsim_js.probe())\ndel _boardsim_js, js");
  const [top, one, two] = depthSnapshots;
  const found = [];
  for (let i = two!.indexOf(2); i !== -1; i = two!.indexOf(2, i + 1)) if (top![i] === 0 && one![i] === 1) found.push(depthWindowStart + i * 4);
  if (found.length !== 1) throw new Error(`MicroPython: cannot find the collector's call depth (${found.length} candidates)`);
  return found[0]!;
}

let depthView = new Int32Array();
/** external_call_depth's word; a new view once the memory has grown (before the heap is capped): the old buffer is detached. */
function callDepth(): Int32Array {
  if (depthView.length === 0) depthView = new Int32Array(sandboxed.buffer(), callDepthAddress, 1);
  return depthView;
}

let pythonStack!: PythonStack;
let schedQueue!: SchedQueue;
let collector!: Collector;
let library!: LibraryFirst;
let spare!: SpareHeap;
let scriptFree!: HeldFree;
let report!: MemoryReport;

/** The interpreter's output since `capture` began (micropython.qstr_info()'s), as text; the capture ends. */
function endCapture(): string {
  const text = new TextDecoder().decode(Uint8Array.from(captured ?? [])); // not the console's: a character it has half of stays
  captured = null;
  return text;
}

/** What the board's memory reports read (_micropython.py, _modgc.py), by `what`. */
function memoryFigures(what: unknown, arg: unknown): number | string | string[] {
  switch (what) {
    case "alloc": // gc.mem_alloc(): the board's heap less its free bytes (py/modgc.c gc_mem_alloc: gc_info's used)
      return input.heapBytes - collector.freeBytes();
    case "holdable": {
      // The next piece a hold of the library's takes (_boardsim.py _fill): the largest free block, at
      // most the free bytes beyond `arg`, so that no allocation of it fails. One pass over the
      // allocation table per piece: with gc.mem_free() beside it, the heap trim at start-up took twice as long.
      const { free, largest } = collector.freeAndLargest();
      return Math.max(0, Math.min(largest, free - checked(arg, isIndex)));
    }
    case "mark":
      report.mark();
      return 0;
    case "counts": // mem_info's: the board's heap, its free bytes (as gc.mem_free()), its blocks' counts
      return [input.heapBytes, collector.freeBytes(), ...report.counts()].join(" ");
    case "layout": {
      const letters = checked(arg, isString).split(" ");
      const types = new Map<number, string>();
      // "<id> <letter>" pairs: a type object by id() (its address), the letter its instances get
      for (let i = 0; i + 1 < letters.length; i += 2) types.set(bytesSpan(Number(letters[i]), 4).address, letters[i + 1]!);
      return report.layout(types);
    }
    case "capture":
      flushConsole();
      captured = [];
      return 0;
    case "qstrBase":
      report.qstrBase(endCapture());
      return 0;
    case "qstrs": {
      // qstr_info(1)'s output: the board's figures, then every name its Q(name) lines give
      const text = endCapture();
      const { pools, count, dataBytes, totalBytes } = report.qstrs(text);
      return [[pools, count, dataBytes, totalBytes].join(" "), ...Array.from(text.matchAll(/^Q\((.*)\)$/gm), (m) => m[1]!)];
    }
    default:
      throw new TypeError("invalid bridge argument");
  }
}

/**
 * Runs the collection the interpreter asked for: at a safe point of the VM (collector.ts found it
 * safe), or at a host call unless a with block's __exit__ on its way out is below it, with the
 * blocks C holds for the calls below pinned (heldBlocks); otherwise it waits for the next safe point.
 */
function collectGarbage(): void {
  if (!collector.asked()) return;
  const pinned = heldBlocks();
  if (pinned === null) return;
  collector.pins.holding(pinned, () => {
    const saved = callDepth()[0]!;
    const wasInBridge = inBridge;
    setInBridge(true); // no Ctrl-C check in there: it would be raised in the lookup, and lost
    callDepth()[0] = 0;
    collector.markStack.arm();
    spare.mark();
    scriptFree.mark();
    library.around(() => wasm.proxy_c_to_js_lookup_attr(lookup.dict, lookup.key, lookup.out));
    if (scriptStarted) collector.markStack.count(); // the library's own at start-up are not the script's
    callDepth()[0] = saved; // the collection may have grown the memory
    setInBridge(wasInBridge);
  });
  collector.retune();
}

/** The heap blocks to pin for a collection here, null if it may not run (realm.ts heldByC, pinned-args.ts). */
function heldBlocks(): number[] | null {
  const held = sandboxed.heldByC();
  return held === null ? null : collector.pins.find(held);
}

// The Python side of the bridge (_host.py) calls these. Bytes cross as {"__b": [...]}: from
// Python an (address, length) in its heap, to Python the index of a blob it then copies in.
let blobs: Uint8Array[] = [];
let outcome: WorkerOutcome | undefined;
/** A bridge argument: anything but what `check` accepts is refused (the script can call the bridge itself). */
function checked<T>(value: unknown, check: (v: unknown) => v is T): T {
  if (!check(value)) throw new TypeError("invalid bridge argument");
  return value;
}
const isString = (v: unknown): v is string => typeof v === "string";
const isIndex = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** A float JSON cannot carry, as _host.py tags it ({"__f": str(value)}). */
const NON_FINITE: Record<string, number> = { nan: NaN, inf: Infinity, "-inf": -Infinity };

/** An (address, length) the script named: checked to lie within the memory. */
function bytesSpan(address: unknown, length: unknown): { address: number; length: number } {
  if (!isIndex(address) || !isIndex(length)) throw new TypeError("invalid bridge argument");
  if (address + length > sandboxed.buffer().byteLength) throw new RangeError("outside the heap");
  return { address, length };
}

/** An [address, length] the script named, within the memory. */
function spanOf(span: unknown): { address: number; length: number } {
  if (!Array.isArray(span) || span.length !== 2) throw new TypeError("invalid bridge argument");
  return bytesSpan(span[0], span[1]);
}

/** Bytes the script named by [address, length]: a copy. */
function bytesAt(span: unknown): Uint8Array {
  const { address, length } = spanOf(span);
  return memory().slice(address, address + length);
}

/**
 * The longest reply that crosses as a string. The glue turns a JavaScript string into a Python str
 * through a buffer it mallocs and does not check (micropython.mjs proxy_convert_js_to_mp_obj_jsside:
 * `_malloc(len + 1)`, then stringToUTF8), and after capHeap() malloc has only MALLOC_RESERVE left:
 * a longer reply (os.listdir of a few hundred files) failed with a MemoryError or wrote over memory
 * at address 0. At most 3 UTF-8 bytes a UTF-16 unit: 12 KB, within the reserve. Also the most
 * characters of one piece of a longer reply (longReply).
 */
const REPLY_TEXT_MAX = 4096;
const utf8 = new TextEncoder();

/** JSON.stringify's replacer for a reply: bytes as a blob _host.py copies with `blob`. */
const blobbed = (_key: string, value: unknown) => (value instanceof Uint8Array ? { __b: [blobs.push(value) - 1, value.length] } : value);

/** A host call's reply as JSON for _host.py; "s": 1 callbacks due, 2 and woken for them. */
function encodeReply(answer: HostReply): string {
  blobs = [];
  const text =
    "error" in answer
      ? JSON.stringify({ e: [answer.error.pyType, answer.error.pyArgs] })
      : JSON.stringify({ v: answer.value, ...(answer.scheduled ? { s: answer.woken ? 2 : 1 } : {}) }, blobbed);
  return text.length <= REPLY_TEXT_MAX ? text : longReply(answer, text);
}

/**
 * A reply longer than REPLY_TEXT_MAX, as blobs _host.py read_long copies into one buffer in its
 * heap and decodes one at a time, {"p": [first blob, blobs, longest]}: a list value's items in
 * pieces of about REPLY_TEXT_MAX characters, each a JSON list, or ("w") the whole reply as one.
 */
function longReply(answer: HostReply, text: string): string {
  const list = "value" in answer && Array.isArray(answer.value);
  if (list) blobs = []; // the items' bytes again, as the items are encoded again
  const items = list ? (answer.value as HostValue[]).map((item) => JSON.stringify(item, blobbed) ?? "null") : [text];
  const first = blobs.length;
  let longest = 0;
  let piece: string[] = [];
  let size = 0;
  const flush = () => {
    const bytes = utf8.encode(`[${piece.join(",")}]`);
    blobs.push(bytes);
    longest = Math.max(longest, bytes.length);
    piece = [];
    size = 0;
  };
  for (const item of items) {
    if (piece.length > 0 && size + item.length > REPLY_TEXT_MAX) flush();
    piece.push(item);
    size += item.length + 1;
  }
  flush();
  const marks = !list ? { w: 1 } : answer.scheduled ? { s: answer.woken ? 2 : 1 } : {};
  return JSON.stringify({ p: [first, blobs.length - first, longest], ...marks });
}

/** Integer values the bridge returns as value × 2 + (callbacks due), a number Python reads with no JSON (the glue converts integers through 32 bits). */
const FAST_LIMIT = 2 ** 29;

// Every argument is a primitive (realm.ts guarantees it) and checked here: scripts can reach these.
const bridge = {
  /**
   * `collect` false: not a safe point to collect garbage (an instance under construction, see
   * _host.py). Returns an integer value as value × 2 + (callbacks due), anything else as a JSON
   * reply; the script's work is counted again at `resume` either way (where the poll count stood
   * before: a simulated run's polls, and so its clock, must not move with the bridge's own work).
   */
  call(name: unknown, argsJson: unknown, collect: unknown = true): number | string {
    let into = null as { address: number; length: number } | null;
    const args = JSON.parse(checked(argsJson, isString), (_key, value) =>
      value !== null && typeof value === "object"
        ? Object.hasOwn(value, "__b")
          ? bytesAt(value.__b)
          : Object.hasOwn(value, "__f")
            ? NON_FINITE[value.__f as string] ?? NaN
            : Object.hasOwn(value, "__w")
              ? (into = spanOf(value.__w))
              : value
        : value,
    ) as HostValue[];
    if (!Array.isArray(args)) throw new TypeError("invalid bridge argument");
    // {"__w": [address, length]} last: the buffer a stream's readinto reads into (_hostdata.read_into), not an argument of the host's.
    if (into !== null && args.pop() !== into) throw new TypeError("invalid bridge argument");
    flushConsole();
    consoleInput?.returnPending();
    // Not while the library is imported at start-up: a collection there corrupted the heap (cause not found).
    if (scriptStarted && collect !== false) collectGarbage();
    const answer = hostCall(checked(name, isString), args);
    if (into !== null && "value" in answer && answer.value instanceof Uint8Array) {
      // Straight into the buffer, as the firmware reads (py/stream.c stream_readinto): no bytes object of n bytes on the way.
      if (answer.value.length > into.length) throw new RangeError("outside the buffer");
      memory().set(answer.value, into.address);
      answer.value = answer.value.length;
    }
    if ("value" in answer && Number.isInteger(answer.value) && Math.abs(answer.value as number) < FAST_LIMIT) {
      return (answer.value as number) * 2 + (answer.scheduled ? 1 : 0);
    }
    return encodeReply(answer);
  },
  /**
   * A socket data call (data-channel.ts), no JSON: op (its index in DATA_CALLS), socket, recv's
   * and readinto's size, and for a send the bytes at `address`, for a readinto the buffer there.
   * Returns value × 2 + (callbacks due), the value a count or how many bytes a recv left in the
   * lent copy's reply region; or, for None and exceptions, a JSON reply as `call` gives one. (recv
   * and readinto from the read-ahead and sends within the send room never come here: _hostdata.py
   * serves them from the lent copy.)
   */
  data(op: unknown, fd: unknown, size: unknown, address: unknown, length: unknown, collect: unknown = true): number | string {
    if (!isIndex(op) || op >= DATA_CALLS.length || !isIndex(fd) || !isIndex(size) || size > DATA_BYTES) throw new TypeError("invalid bridge argument");
    const span = bytesSpan(address, length);
    const read = op === READ;
    if (span.length > DATA_BYTES || (read && size > span.length)) throw new TypeError("invalid bridge argument");
    // The console's pending output goes out before the data (program order).
    flushConsole();
    if (scriptStarted && collect !== false) collectGarbage();
    // A readinto's bytes go to its buffer; a send's come from there.
    const answer = read ? lent.call(op, fd, size, 0, 0, span.address) : lent.call(op, fd, size, span.address, span.length);
    return typeof answer === "number" ? answer : encodeReply(answer);
  },
  /** The script read to the mark in the read-ahead (_hostdata.py recv): more is lent while it reads on (data-channel.ts LentData.more). */
  more(): void {
    lent.more();
  },
  /** Where the lent copy's parts start (data-channel.ts LentData.layout), as JSON, for _hostdata.py's uctypes views. */
  lent(): string {
    return JSON.stringify(lent.layout());
  },
  /** Copies blob `index` to `address`; returns its length. */
  blob(index: unknown, address: unknown): number {
    const bytes = blobs[checked(index, isIndex)]!;
    memory().set(bytes, checked(address, isIndex));
    return bytes.length;
  },
  collect(): void {
    collectGarbage();
  },
  /** The pin area (_host.py _pins: a bytearray's bytes), once at the library's import. */
  pins(address: unknown, length: unknown): void {
    const span = bytesSpan(address, length);
    collector.pins.setArea(span.address, span.length);
  },
  /** Whether this import of _boardsim or _board is the worker's own (runLibrary); only its first. */
  ownImport(): boolean {
    const own = libraryImport;
    libraryImport = false;
    return own;
  },
  /** The library's chain to mark first (library-first.ts), by its first and last tuples' id()s: once, at start-up. */
  markFirst(head: unknown, tail: unknown): void {
    if (scriptStarted) throw new TypeError("invalid bridge argument");
    library.set(checked(head, isIndex), checked(tail, isIndex));
  },
  /** The held spare (_host.py spare): its chain by id(), 0 once let go. */
  spare(chain: unknown): void {
    spare.hold(checked(chain, isIndex));
  },
  /** Through a frozen import (_host.py hold_free): every free block held (true), then free again (false). */
  holdFree(on: unknown): void {
    if (on === true) scriptFree.hold();
    else if (on === false) scriptFree.release();
    else throw new TypeError("invalid bridge argument");
  },
  /** Once, before the library loads (see below): the built-in module table's entries of these modules take the key `empty`. */
  hideBuiltinModules(empty: unknown, ...modules: unknown[]): void {
    if (scriptStarted) throw new TypeError("invalid bridge argument");
    const words = new Int32Array(sandboxed.buffer());
    hideBuiltinModules(words, words[(collector.firstArea >> 2) + AREA_POOL]!, checked(empty, isIndex), modules.map((m) => checked(m, isIndex)));
  },
  /**
   * Once, at start-up: the interpreter's built-in module table (`table` 0) or its extensible one (1),
   * found by modules it holds (ids, 0: none), with the board's C modules loaded by then, each by its
   * name's id() and its own, for the REPL's completion (completing()).
   */
  offerBoardModules(table: unknown, known: unknown, other: unknown, ...added: unknown[]): void {
    if (scriptStarted || (table !== 0 && table !== 1) || added.length % 2 !== 0) throw new TypeError("invalid bridge argument");
    const ids = added.map((v) => checked(v, isIndex));
    const pairs = ids.filter((_, i) => i % 2 === 0).map((key, i) => [key, ids[2 * i + 1]!] as const);
    const words = new Int32Array(sandboxed.buffer());
    const holds = [checked(known, isIndex), checked(other, isIndex)].filter((id) => id !== 0);
    moduleTables.push(offerBoardModules(words, words[(collector.firstArea >> 2) + AREA_POOL]!, holds, pairs, moduleRooms[table]!));
  },
  /** The library's copies of the function and closure types (_builtin_functions.py), by address: once, at start-up. */
  builtinFunctionTypes(fun: unknown, closure: unknown): void {
    if (scriptStarted) throw new TypeError("invalid bridge argument");
    sandboxed.builtinFunctionTypes(checked(fun, isIndex), checked(closure, isIndex));
  },
  /** The library's copy of execfile (_flash.py run_source), by id(): once, at start-up. */
  ownExecfile(address: unknown): void {
    if (scriptStarted) throw new TypeError("invalid bridge argument");
    sandboxed.ownExecfile(checked(address, isIndex));
  },
  /** gc.mem_free() (_gc.py): the heap's free bytes. */
  freeBytes(): number {
    return collector.freeBytes();
  },
  /** gc.mem_alloc(), micropython.mem_info() and qstr_info(): the board's part of the memory (memoryFigures). */
  memory(what: unknown, arg: unknown = null): number | string {
    const figures = memoryFigures(what, arg);
    // Texts as a reply: qstr_info(1)'s names are as many as the script made, a long list crosses in pieces (encodeReply).
    return typeof figures === "number" ? figures : encodeReply({ value: figures, instant: true });
  },
  /** gc.threshold(n) of the script, in bytes as py/modgc.c keeps it (-1: none). */
  gcThreshold(bytes: unknown): void {
    if (!Number.isSafeInteger(bytes) || (bytes as number) < -1) throw new TypeError("invalid bridge argument");
    if (collector.setScriptThreshold(bytes as number)) collectGarbage();
  },
  /** Around a host call's Python side (_host.call): its work is not counted as the script's. */
  pause(): void {
    setInBridge(true);
  },
  resume(): void {
    setInBridge(false);
  },
  /** Once a frame that held the script's text has returned (_boardsim.py, _board.py): nothing of it left above the stack's top. */
  clearStack(): void {
    pythonStack.clearAboveTop();
  },
  /** Depth probe (findCallDepth), at start-up only: first with the __main__ dict's id(), which places the window. */
  probe(mainDict?: unknown): void {
    if (callDepthAddress !== -1) return;
    if (depthWindowStart === -1) depthWindowStart = Math.max(0, checked(mainDict, isIndex) - DEPTH_WINDOW);
    else depthSnapshots.push(staticData());
  },
  /** A KeyboardInterrupt a callback's host call got (_host.py run_at_branch): raised again at the VM's next branch. */
  interrupt(): void {
    wasm.mp_sched_keyboard_interrupt();
  },
  /**
   * os.dupterm: whether a stream is registered (the console's bytes are then kept for it); returns
   * the bytes kept since the last ask, one char a byte (_os_dupterm.py).
   */
  dupterm(on: unknown): string {
    flushConsole();
    const kept = duplicated ?? "";
    duplicated = on === true ? "" : null;
    return kept;
  },
  /** Around a write of sys.stdout.buffer: what was printed before is text, what comes until false is raw bytes. */
  rawOutput(on: unknown): void {
    flushConsole();
    rawOutput = on === true;
  },
  /** machine.soft_reset() (true), or whether it was called (false). */
  softReset(request: unknown): boolean {
    if (request === true) softResetRequested = true;
    return softResetRequested;
  },
  finish(kind: unknown, pyType: unknown, traceback: unknown): void {
    flushConsole();
    outcome =
      kind === "raised"
        ? { kind: "raised", pyType: checked(pyType, isString), traceback: checked(traceback, isString).split("\n") }
        : kind === "soft-reset"
          ? { kind: "soft-reset" }
          : { kind: "finished" };
  },
};

/**
 * From here on the Python heap is the board's: malloc() gets all free memory but a small reserve,
 * and memory cannot grow. Returns the blocks it holds: no one writes them (the snapshot skips them).
 */
function capHeap(): [address: number, size: number][] {
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
  return blocks;
}

const sandboxed = await loadSandboxedMicroPython(interpreterHeapBytes(input.heapBytes), {
  wasm: input.wasm,
  onInvokes: poll,
  invokesPerCall: POLL_EVERY_CALLS,
  onSafePoint: () => collectGarbage(),
  onAttention: () => poll(true),
  // Once the heap is capped, the wasm memory may not grow, so malloc() cannot add Python heap.
  mayGrowHeap: () => heapMayGrow,
  consoleByte: onConsoleByte,
  stdinByte: consoleInput ? () => consoleInput!.readStdin() : null,
  glueMessage: (text) => console.error(text),
});
const mp = sandboxed.mp;
wasm = sandboxed.exports;
giveMarkStack(new Int32Array(sandboxed.buffer()), wasm.malloc(MARK_STACK_BYTES)); // before any collection
mp.FS.mkdir("/boardsim");
// The board's heap in one block (_boardsim.setup holds it until the script runs), lowest in the
// heap: the library loads above it, as on the board, where it is in ROM. After each collection
// py/gc.c gc_alloc (v1.27.0 lines 807-823) looks for free blocks from the heap's start
// (gc_collect_end, 542-544, sets gc_last_free_atb_index to 0; only a 1-block allocation moves it
// on, 853-861): with the library's ≈ 55-62 KB below the board's heap, and its holes taking the
// script's small objects, each 4 KiB bytes object walked its allocation table (docs/benchmarks.md, session 17).
mp.runPython(`_heap = bytearray(${input.heapBytes})`);
// The script's text in a file the lexer reads as it compiles (_flash.py run_source), as a board's
// reads main.py from flash: never whole in the heap. Kept for each soft reset's run. The file's
// bytes reach the compiler as they are: MicroPython's lexer (py/lexer.c, v1.23) does not check
// UTF-8, so a Latin-1 "ü" stays the byte 0xfc in a string literal, as on the board.
mp.FS.mkdir(SOURCE_FILE.slice(0, SOURCE_FILE.lastIndexOf("/")));
mp.FS.writeFile(SOURCE_FILE, input.source);
sandboxed.registerJsModule("_boardsim_js", bridge);
callDepthAddress = findCallDepth();
pythonStack = findPythonStack(() => new Int32Array(sandboxed.buffer()), depthSnapshots, depthWindowStart);
collector = findCollector({ mp, wasm, sandboxed, callDepthAddress, counts: input.collections });
library = libraryFirst(() => new Int32Array(sandboxed.buffer()), collector.dictLocals);
spare = spareHeap(() => new Int32Array(sandboxed.buffer()), collector);
scriptFree = heldFree(() => new Int32Array(sandboxed.buffer()), collector);
// The port's bridges to JavaScript out of the built-in module table, which tab completion lists
// (builtin-module-map.ts). One expression, no name bound: a global more in __main__ grew its table,
// and the Pico W's .py echo then filled py/gc.c's mark stack (mark-stack.ts).
mp.runPython('__import__("_boardsim_js").hideBuiltinModules(id(""), id(__import__("js")), id(__import__("jsffi")))');
report = memoryReport(() => new Int32Array(sandboxed.buffer()), collector.firstArea);
// Before the library loads: _hostdata.py views it at its import.
// Room for the built-in module tables with the board's modules (addBuiltinModules): malloc() from a
// bridge call failed (the glue's memory-growth hook refuses it there).
const moduleRooms = [0, 1].map(() => ({ address: wasm.malloc(MODULE_TABLE_ENTRIES * 8), entries: MODULE_TABLE_ENTRIES }));
/** The built-in module tables with the board's modules (offerBoardModules), in place while the REPL completes. */
const moduleTables: ModuleTable[] = [];
const lent = new LentData(input.data, wasm.malloc(LENT_BYTES), () => sandboxed.buffer());
const key = utf8.encode("__name__\0"); // an interned name: the lookup allocates nothing
lookup.key = wasm.malloc(key.length);
memory().set(key, lookup.key);
lookup.out = wasm.malloc(12);
lookup.dict = (mp.globals as unknown as { __dict__: { _ref: number } }).__dict__._ref;
for (const [name, source] of Object.entries(input.library)) {
  if (name.includes("/")) mp.FS.mkdirTree(`/boardsim/${name.slice(0, name.lastIndexOf("/"))}`);
  mp.FS.writeFile(`/boardsim/${name}`, source);
}
// `import config`: the settings from the command line or lab file, as the TS engine's config module has them.
mp.FS.writeFile("/boardsim/config.py", `from json import loads\nglobals().update(loads(${JSON.stringify(JSON.stringify(input.config))}))\ndel loads\n`);
// The script's neighbours in a folder of their own: in the interpreter's current directory, a
// json.py among them was what the library's `import json` loaded at start-up (a fatal error).
mp.FS.mkdir("/beside");
for (const [name, source] of Object.entries(input.modules)) mp.FS.writeFile(`/beside/${name}`, source);
mp.globals.set("_name", input.fileName);
mp.runPython(
  `import sys\nsys.path.insert(0, "/boardsim")\nimport _boardsim\n_boardsim.setup(_name, _heap)\ndel _name, _heap, _boardsim, sys`,
);
// No branch of the VM after the schedules (a lambda's call and a tuple: no jump), which would run
// the entries before the probe has read and removed them.
const scheduleProbe = "(lambda h: (h.schedule_at_branch(), h.schedule_at_branch()))(__import__('_boardsim')._host)";
schedQueue = findSchedQueue(() => sandboxed.buffer(), () => runLibrary(scheduleProbe), collector.schedState, collector.none);
const attentionRequest = wasm.malloc(4);
new Int32Array(sandboxed.buffer())[attentionRequest >> 2] = 0;
const held = capHeap();
collector.watch();
sandboxed.watchAttention(attentionRequest);
// The memory is shared (shared-memory.ts): the main thread reaches a script that makes no host call (attention.ts).
parentPort!.postMessage({ attention: { memory: sandboxed.buffer() as unknown as SharedArrayBuffer, request: attentionRequest, schedState: collector.schedState } } satisfies AttentionWords);
sandboxed.lockdown();
scriptStarted = true;
setInBridge(false);
if (input.board) prepareFirmware(runLibrary);

// Soft reset. The firmware keeps running on the same chip: it sweeps the heap, re-inits the
// interpreter and runs _boot.py and boot.py again (v1.23.0 ports/rp2/main.c:149-229, the
// `for (;;)` loop from mp_init() to gc_sweep_all() and mp_deinit(); ports/esp32/main.c:124-210,
// `soft_reset:` to `goto soft_reset`), in milliseconds. Here the interpreter's whole state as it is now (the
// board's library loaded, nothing of the script run yet) is kept and brought back at each soft
// reset: no module, global, object or heap block of the last run is left, and the worker, its
// WebAssembly instance and the library are not made again. The glue's FinalizationRegistry
// callbacks (which free ids in that state) run only from this thread's event loop, which it
// never returns to while the interpreter lives. Not the socket data lent to the script (lent.reset()
// empties it): read here, its pages were committed at each boot (192 KiB; docs/benchmarks.md session 24).
const start = sandboxed.snapshot([...held, lent.unkept()]);
const spareAtStart = spare.saved();
let restored = false;
for (;;) {
  const result = runOnce();
  if (result.kind !== "soft-reset") {
    parentPort!.postMessage(result);
    break;
  }
  start.restore();
  spare.restore(spareAtStart);
  scriptFree.forget();
  restored = true;
  resetBridge();
  Atomics.store(signal, 1, 0);
  parentPort!.postMessage(result);
  Atomics.wait(signal, 1, 0); // until the runner runs the board again (engine.ts)
}

function runOnce(): WorkerOutcome {
  try {
    // What import found on the flash at start-up came back with the state: the last run may have changed it.
    if (restored) runLibrary("__import__('_boardsim')._flash_unseen()");
    if (input.board) {
      const takeSoftReset = () => [softResetRequested, (softResetRequested = false)][0]!;
      // A Tab: the board's modules in the tables, and what it prints held to be put in the
      // firmware's order (import-completion.ts); no code runs, so all of it is readline's.
      const completing = <T>(fn: () => T): T => {
        const words = () => new Int32Array(sandboxed.buffer());
        for (const table of moduleTables) useModuleTable(words(), table, true);
        flushConsole();
        captured = [];
        try {
          return fn();
        } finally {
          for (const table of moduleTables) useModuleTable(words(), table, false);
          const printed = String.fromCharCode(...captured!); // a byte a character: the line's own bytes go back as they were
          captured = null;
          const text = inFirmwareOrder(printed);
          for (let i = 0; i < text.length; i++) onConsoleByte(text.charCodeAt(i));
        }
      };
      const context = { mp, runLibrary, hostCall, flushConsole, raiseIfInterrupted, takeSoftReset, completing, input: consoleInput!, setConsoleSink: (sink: typeof consoleSink) => (consoleSink = sink), duplicate };
      outcome = bootFirmware(context, input.board);
    } else runLibrary("__import__('_boardsim').run()");
  } catch (error) {
    // Something unwound the interpreter itself: a wasm trap (memory the script corrupted through
    // uctypes), or an exception of the glue's JavaScript the script reached. Its state is lost: the
    // board stops with a fatal error, as firmware does on a hard fault; the process and other boards go on.
    const cause = sandboxed.describe(error);
    outcome = { kind: "raised", pyType: "RuntimeError", traceback: [`RuntimeError: fatal error${cause ? ` (${cause})` : ""}`] };
  }
  flushConsole();
  lent.publish(); // what the script sent last goes out before the run's end closes its sockets (engine.ts)
  return outcome ?? { kind: "finished" };
}

/** This side of the bridge as at the start: nothing of the last run's console, calls or replies. */
function resetBridge(): void {
  consoleBytes = [];
  decoder.decode();
  rawOutput = false;
  duplicated = null;
  softResetRequested = false;
  sandboxed.countInvokes(!inBridge, true);
  collector.reset();
  nextPollAt = 0;
  outcome = undefined;
  blobs = [];
  lent.reset();
  consoleInput = newConsoleInput();
}
