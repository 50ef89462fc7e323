import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { type MessagePort, Worker } from "node:worker_threads";
import { packageRoot } from "../../package-root.ts";
import { GuestException, type GuestEngine, type GuestHost, type HostValue, type RunOutcome } from "../host-api.ts";
import { WOKEN } from "../host/blocking-wake.ts";
import { createDataChannel, DataChannelHost } from "./data-channel.ts";
import { withCHeldRecords } from "./c-held.ts";
import { withFloatPrecision } from "./float-precision.ts";
import { withGcAllocSkip } from "./gc-alloc-skip.ts";
import { withGcAllocTails } from "./gc-alloc-tails.ts";
import { withDictlessInstances, withStreamNumberHidden } from "./instance-dict.ts";
import { withGcMarkStack } from "./gc-mark-stack.ts";
import { withGcSweepSkip } from "./gc-sweep-skip.ts";
import { withLazyStrHash } from "./lazy-str-hash.ts";
import { withModuleAttributeError } from "./module-attribute-error.ts";
import { withSharedMemory } from "./shared-memory.ts";
import { sharedCollectionCounts } from "./mark-stack.ts";
import type { BoardBoot, HostReply, HostRequest, WorkerInput } from "./protocol.ts";
import { Attention, type AttentionWords, isAttentionWords } from "./attention.ts";

/** The guest library's folder; src/ ships with the package, so the CLI bundle in dist/ reads it there too. */
const GUEST_DIR = path.join(packageRoot(), "src/emulator/micropython/guest");

/** The worker's entry in the CLI bundle (dist/, set by tools/build.mjs); undefined when running from source. */
declare const BOARDSIM_MICROPYTHON_WORKER: string | undefined;

/** The worker's entry: the bundled worker beside the CLI bundle, or the TypeScript source through tsx. */
function workerFile(): string {
  const entry = typeof BOARDSIM_MICROPYTHON_WORKER === "string" ? BOARDSIM_MICROPYTHON_WORKER : "src/emulator/micropython/worker-entry.mjs";
  return path.join(packageRoot(), entry);
}

/**
 * The worker's V8 young generation, 6 MB: semi-spaces of 2 MB (a third for new large objects). By
 * default they grew to 4 MB each during the boot (the library's start-up keeps ≈ 3 MB) and stay
 * committed and touched while the worker waits in Atomics.wait, never idle long enough for V8 to
 * shrink them: ≈ 4-5 MiB of each .py board's RSS. 1 MB semi-spaces (session 20) took ≈ 1 MiB more
 * off but scavenged the .py echo twice as often (docs/benchmarks.md, sessions 20 and 21).
 */
const WORKER_YOUNG_MB = 6;
let wasmFile: Promise<Uint8Array> | undefined;
const wasm = new Map<number, Promise<WebAssembly.Module>>();
/** The interpreter's load-time patches after c-held.ts's (first: it finds its functions by their bodies' hashes) and float-precision.ts's, in the order applied (each finds its code as the ones before left it). */
const PATCHES = [withModuleAttributeError, withLazyStrHash, withDictlessInstances, withStreamNumberHidden, withGcAllocSkip, withGcAllocTails, withGcSweepSkip, withGcMarkStack, withSharedMemory];
/**
 * MicroPython's WebAssembly printing floats with `floatDigits` digits (float-precision.ts), a
 * module's missing attribute with v1.23's message (module-attribute-error.ts), hashing
 * new str and bytes objects when needed (lazy-str-hash.ts), answering `__dict__` of the library's
 * objects as C objects do (instance-dict.ts), finding free blocks past full stretches of the heap
 * 32 blocks at a time (gc-alloc-skip.ts), marking a new object's tail blocks a table byte at a time
 * (gc-alloc-tails.ts), sweeping whole allocation table
 * words and bytes where it can (gc-sweep-skip.ts), marking on a larger stack (gc-mark-stack.ts) and
 * with a shared memory (shared-memory.ts), its built-ins that call back into Python recording what
 * their C locals hold (c-held.ts), compiled once per process for each; each board's worker
 * instantiates its own.
 */
function compiledWasm(floatDigits: number): Promise<WebAssembly.Module> {
  const require = createRequire(import.meta.url);
  const { compile } = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> } }).WebAssembly;
  let module = wasm.get(floatDigits);
  if (!module) {
    // Read once for every digit count (a lab of ESP8266s and other boards compiles two).
    wasmFile ??= readFile(require.resolve("@micropython/micropython-webassembly-pyscript/micropython.wasm"));
    module = wasmFile.then((bytes) => compile(PATCHES.reduce((code, patch) => patch(code), withFloatPrecision(withCHeldRecords(bytes), floatDigits))));
    wasm.set(floatDigits, module);
  }
  return module;
}

let library: Promise<Record<string, Uint8Array>> | undefined;
/**
 * The guest library (./guest, packages as folders): the board's modules, written in Python, read
 * once per process. As bytes: each worker writes them to its file system as they are (a string
 * the glue's writeFile encodes a character at a time, ≈ 20 ms of every boot).
 */
function guestLibrary(): Promise<Record<string, Uint8Array>> {
  return (library ??= readdir(GUEST_DIR, { recursive: true }).then(async (names) =>
    Object.fromEntries(
      await Promise.all(
        names.filter((n) => n.endsWith(".py")).map(async (n) => [n.split(path.sep).join("/"), new Uint8Array(await readFile(path.join(GUEST_DIR, n)))]),
      ),
    ),
  ));
}

export interface PythonScript {
  /** The file's bytes as they are (the board's lexer takes invalid UTF-8 as it is), or text. */
  source: string | Uint8Array;
  /** The file name tracebacks show: the script's path as given on the command line. */
  fileName: string;
  /** The other .py files of the script's folder (secrets.py, a helper module): importable as on the board's flash. */
  modules?: Record<string, string | Uint8Array>;
}

export interface MicroPythonOptions {
  /** The board's heap: what the script may allocate (MemoryError beyond). */
  heapBytes: number;
  /** The `config` module: the settings the command line or lab file gives the script, as in a TS script. */
  config: Record<string, HostValue>;
  /** Significant digits str() and repr() give a float: the board's port.floatDigits. */
  floatDigits: number;
  /** The board boots to its REPL with the flash mounted (the script, if any, runs as main.py). */
  board?: BoardBoot;
}

/**
 * Runs one .py script, unchanged, in MicroPython compiled to WebAssembly, in a worker thread of
 * its own. The worker blocks on each host call while this thread runs it on the Board. After a
 * soft reset the worker stays: it has put the interpreter back as it was before the first run
 * (worker.ts), and the next run() lets it boot again.
 */
export class MicroPythonEngine implements GuestEngine {
  private worker: Worker | undefined;
  private port: MessagePort | undefined;
  /** [0]: a host call's reply is on the port; [1]: the worker may run again after a soft reset. */
  private readonly signal = new Int32Array(new SharedArrayBuffer(8));
  private readonly data = createDataChannel();
  /** The run in progress: its host, its data channel, and how it ends. */
  private current: { host: GuestHost; channel: DataChannelHost; end(outcome: RunOutcome): void } | undefined;
  /** The way to the script between its host calls, once the worker has booted (attention.ts). */
  private attention: Attention | undefined;
  /** The worker's memory, once it has booted: the data channel lends read-ahead straight into it. */
  private memory: SharedArrayBuffer | undefined;

  private constructor(
    private readonly wasm: WebAssembly.Module,
    private readonly library: Record<string, Uint8Array>,
    private readonly script: PythonScript,
    private readonly options: MicroPythonOptions,
  ) {}

  static async create(script: PythonScript, options: MicroPythonOptions): Promise<MicroPythonEngine> {
    const [module, library] = await Promise.all([compiledWasm(options.floatDigits), guestLibrary()]);
    return new MicroPythonEngine(module, library, script, options);
  }

  run(host: GuestHost): Promise<RunOutcome> {
    return new Promise<RunOutcome>((end) => {
      const channel = new DataChannelHost(this.data, host, (name, args) => this.answer(host, name, args), () => this.memory);
      this.current = { host, channel, end };
      // Also while a host call is answered: its reply may not carry it (a console write takes no
      // Ctrl-C); the worker's next call clears the request, its next branch polls.
      host.onWanted?.(() => this.attention?.ask());
      channel.serve();
      if (this.worker) {
        Atomics.store(this.signal, 1, 1);
        Atomics.notify(this.signal, 1);
      } else this.start();
    });
  }

  private start(): void {
    this.memory = undefined; // a new worker's, once it has booted
    const { port1, port2 } = new MessageChannel();
    const input: WorkerInput = {
      wasm: this.wasm,
      signal: this.signal,
      port: port2,
      data: this.data,
      library: this.library,
      source: this.script.source,
      fileName: this.script.fileName,
      heapBytes: this.options.heapBytes,
      config: this.options.config,
      modules: this.script.modules ?? {},
      collections: sharedCollectionCounts(),
      ...(this.options.board ? { board: this.options.board } : {}),
    };
    const worker = new Worker(workerFile(), { workerData: input, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
    this.worker = worker;
    this.port = port1;
    port1.on("message", async ({ name, args }: HostRequest) => {
      const run = this.current;
      if (!run) return;
      run.channel.settle(name);
      port1.postMessage(await this.answer(run.host, name, args));
      Atomics.store(this.signal, 0, 1);
      Atomics.notify(this.signal, 0);
    });
    worker.on("message", (message: RunOutcome | AttentionWords) => {
      if (isAttentionWords(message)) {
        this.attention = new Attention(message);
        this.memory = message.attention.memory;
      }
      // What the script sent last goes out before the run's end closes its sockets.
      else this.finish(message, true);
    });
    // The worker's own end (out of memory, an error outside the interpreter) is this board's fatal
    // error, never the process's: other boards run on.
    worker.once("error", (error) => this.finish(fatal(error?.name ?? ""), false));
    worker.once("exit", (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.finish(fatal(`exit ${code}`), false);
    });
  }

  private finish(outcome: RunOutcome, settle: boolean): void {
    const run = this.current;
    if (!run) return;
    this.current = undefined;
    run.host.onWanted?.(null);
    this.attention?.answered();
    if (settle) run.channel.settle("");
    run.channel.stop();
    if (outcome.kind !== "soft-reset") void this.dispose();
    run.end(outcome);
  }

  /** A host call of the worker (a port message or a data call): its reply carries what the host wants, so no request is left. */
  private answer(host: GuestHost, name: string, args: HostRequest["args"]): HostReply | Promise<HostReply> {
    this.attention?.answered();
    return answer(host, name, args);
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.port?.close();
    this.port = undefined;
    await worker?.terminate();
  }
}

function fatal(cause: string): RunOutcome {
  return { kind: "raised", pyType: "RuntimeError", traceback: [`RuntimeError: fatal error (${cause})`] };
}

/**
 * Runs one host call; a GuestException (or any failure) becomes the reply the worker raises in
 * Python. A call the host answers at once is answered at once, not through a promise: the
 * microtask turns of two awaits were ≈ 0.7 µs of a .py data call's round trip (data-channel.ts).
 */
function answer(host: GuestHost, name: string, args: HostRequest["args"]): HostReply | Promise<HostReply> {
  let result: HostValue | Promise<HostValue>;
  try {
    result = host.call(name, args);
    if (!(result instanceof Promise)) return valueReply(host, result, true);
  } catch (error) {
    return errorReply(error);
  }
  return result.then((value) => valueReply(host, value, false)).catch(errorReply);
}

function valueReply(host: GuestHost, value: HostValue, instant: boolean): HostReply {
  if (!host.scheduled?.()) return { value, instant };
  // WOKEN comes only with callbacks due (blocking-wake.ts): a flag, not a value a string could equal.
  return value === WOKEN ? { value: null, instant, scheduled: true, woken: true } : { value, instant, scheduled: true };
}

function errorReply(error: unknown): HostReply {
  if (error instanceof GuestException) return { error: { pyType: error.pyType, pyArgs: error.pyArgs } };
  return { error: { pyType: "RuntimeError", pyArgs: [`boardsim internal error: ${(error as Error)?.message ?? String(error)}`] } };
}
