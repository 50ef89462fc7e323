import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { packageRoot } from "../../package-root.ts";
import { GuestException, type GuestEngine, type GuestHost, type HostValue, type RunOutcome } from "../host-api.ts";
import { createDataChannel, DataChannelHost } from "./data-channel.ts";
import type { BoardBoot, HostReply, HostRequest, WorkerInput } from "./protocol.ts";

/** The guest library's folder; src/ ships with the package, so the CLI bundle in dist/ reads it there too. */
const GUEST_DIR = path.join(packageRoot(), "src/emulator/micropython/guest");

/** The worker's entry in the CLI bundle (dist/, set by tools/build.mjs); undefined when running from source. */
declare const BOARDSIM_MICROPYTHON_WORKER: string | undefined;

/** The worker's entry: the bundled worker beside the CLI bundle, or the TypeScript source through tsx. */
function workerFile(): string {
  const entry = typeof BOARDSIM_MICROPYTHON_WORKER === "string" ? BOARDSIM_MICROPYTHON_WORKER : "src/emulator/micropython/worker-entry.mjs";
  return path.join(packageRoot(), entry);
}

let wasm: Promise<WebAssembly.Module> | undefined;
/** MicroPython's WebAssembly, compiled once per process; each board's worker instantiates its own. */
function compiledWasm(): Promise<WebAssembly.Module> {
  const require = createRequire(import.meta.url);
  const { compile } = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> } }).WebAssembly;
  return (wasm ??= readFile(require.resolve("@micropython/micropython-webassembly-pyscript/micropython.wasm")).then(compile));
}

let library: Promise<Record<string, string>> | undefined;
/** The guest library (./guest, packages as folders): the board's modules, written in Python, read once per process. */
function guestLibrary(): Promise<Record<string, string>> {
  return (library ??= readdir(GUEST_DIR, { recursive: true }).then(async (names) =>
    Object.fromEntries(
      await Promise.all(
        names.filter((n) => n.endsWith(".py")).map(async (n) => [n.split(path.sep).join("/"), await readFile(path.join(GUEST_DIR, n), "utf8")]),
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
  /** The board boots to its REPL with the flash mounted (the script, if any, runs as main.py). */
  board?: BoardBoot;
}

/**
 * Runs one .py script, unchanged, in MicroPython compiled to WebAssembly, in a worker thread of
 * its own. The worker blocks on each host call while this thread runs it on the Board.
 */
export class MicroPythonEngine implements GuestEngine {
  private worker: Worker | undefined;

  private constructor(
    private readonly wasm: WebAssembly.Module,
    private readonly library: Record<string, string>,
    private readonly script: PythonScript,
    private readonly options: MicroPythonOptions,
  ) {}

  static async create(script: PythonScript, options: MicroPythonOptions): Promise<MicroPythonEngine> {
    const [module, library] = await Promise.all([compiledWasm(), guestLibrary()]);
    return new MicroPythonEngine(module, library, script, options);
  }

  run(host: GuestHost): Promise<RunOutcome> {
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const data = createDataChannel();
    const input: WorkerInput = {
      wasm: this.wasm,
      signal,
      port: port2,
      data,
      library: this.library,
      source: this.script.source,
      fileName: this.script.fileName,
      heapBytes: this.options.heapBytes,
      config: this.options.config,
      modules: this.script.modules ?? {},
      ...(this.options.board ? { board: this.options.board } : {}),
    };
    const worker = new Worker(workerFile(), { workerData: input, transferList: [port2] });
    this.worker = worker;
    const channel = new DataChannelHost(data, host, (name, args) => answer(host, name, args));
    port1.on("message", async ({ name, args }: HostRequest) => {
      channel.settle(name);
      port1.postMessage(await answer(host, name, args));
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
    });
    channel.serve();
    return new Promise<RunOutcome>((resolve) => {
      // What the script sent last goes out before the run's end closes its sockets.
      worker.once("message", (outcome: RunOutcome) => resolve((channel.settle(""), outcome)));
      // The worker's own end (out of memory, an error outside the interpreter) is this board's fatal
      // error, never the process's: other boards run on.
      worker.once("error", (error) => resolve(fatal(error?.name ?? "")));
      worker.once("exit", (code) => resolve(fatal(`exit ${code}`)));
    }).finally(() => {
      channel.stop();
      port1.close();
      void worker.terminate();
      this.worker = undefined;
    });
  }

  async dispose(): Promise<void> {
    await this.worker?.terminate();
  }
}

function fatal(cause: string): RunOutcome {
  return { kind: "raised", pyType: "RuntimeError", traceback: [`RuntimeError: fatal error (${cause})`] };
}

/** Runs one host call; a GuestException (or any failure) becomes the reply the worker raises in Python. */
async function answer(host: GuestHost, name: string, args: HostRequest["args"]): Promise<HostReply> {
  try {
    const result = host.call(name, args);
    const value = await result;
    return { value, instant: !(result instanceof Promise), ...(host.scheduled?.() ? { scheduled: true } : {}) };
  } catch (error) {
    if (error instanceof GuestException) return { error: { pyType: error.pyType, pyArgs: error.pyArgs } };
    return { error: { pyType: "RuntimeError", pyArgs: [`boardsim internal error: ${(error as Error)?.message ?? String(error)}`] } };
  }
}
