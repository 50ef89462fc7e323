import { fileURLToPath } from "node:url";
import type { QuickJSAsyncContext, QuickJSHandle } from "quickjs-emscripten";
import { GuestException, type GuestEngine, type GuestHost, type HostValue, type RunOutcome } from "../host-api.ts";
import { consoleText } from "./native.ts";
import { BoardHeap, OUT_OF_MEMORY } from "./board-heap.ts";
import { guestModuleSource, nativesOf, restore, RUN_FILE, snapshotFor, type Snapshot } from "./snapshot.ts";
import { scriptSnapshotFor } from "./script-snapshots.ts";
import { SLICE_MESSAGE, TimeSlice } from "./time-slice.ts";
import { runPromiseJobs } from "./promise-jobs.ts";
import { failedImport, formatTraceback, importFrame, type GuestError } from "./traceback.ts";
import type { CompiledScript } from "./transpile.ts";

/**
 * QuickJS's own stack limit. Deep recursion must hit it (RuntimeError in the script) before it
 * exhausts the WebAssembly stack, which would end the whole run with a host RangeError.
 */
const GUEST_STACK_BYTES = 32 * 1024;
const ENTRY_FILE = "main.js";
/** Runs the script when a template holds it compiled (script-snapshots.ts): importing it runs it. */
const RUN_ENTRY = `import ${JSON.stringify(ENTRY_FILE)};`;
/** Sets the board's config for a script compiled in a template (a script, not a module: no module of that name is made). */
const CONFIG_FILE = "boardsim:config";
/** Room a heap needs for configure's calls, beyond 8 bytes per character of the config's JSON. */
const CONFIG_ROOM = 4096;
/** The board idling for its callbacks (settle): no frame of it is the script's. */
const IDLE_FILE = "boardsim:idle";
/**
 * The line before the traceback of a rejection no code can handle: asyncio's for a task's
 * exception no one retrieved (extmod/asyncio/core.py v1.23.0, `_exc_context`). Its next line,
 * "future: <Task> coro= ...", names a Task, which a promise is not: left out.
 */
const UNRETRIEVED = "Task exception wasn't retrieved";
/**
 * Host calls done with their bytes when they return, which read them in place (raw-ffi.ts,
 * RawBinding.borrowing): print's `write` (consoleText makes them text first) and the text helpers.
 */
const BORROWING: ReadonlySet<string> = new Set(["write", "quote", "utf8Decode"]);
/**
 * Host calls whose answer the guest library drops (guest/socket.ts's sendall, builtins.ts's print):
 * the guest gets undefined, and no value is made for it in the guest's heap (raw-ffi.ts,
 * RawBinding.dropping).
 */
const DROPPING: ReadonlySet<string> = new Set(["socketSendAll", "write"]);

/** The guest library, inlined by tools/build.mjs into the CLI bundle; undefined when running from source. */
declare const BOARDSIM_GUEST_LIBRARY: string | undefined;

let guestLibrary: Promise<string> | undefined;
/** The guest library (./guest) as one script: prebuilt in the bundle, else bundled once per process. */
export function guestLibrarySource(): Promise<string> {
  if (typeof BOARDSIM_GUEST_LIBRARY === "string") return Promise.resolve(BOARDSIM_GUEST_LIBRARY);
  return (guestLibrary ??= import("esbuild").then(({ build }) => build({
    entryPoints: [fileURLToPath(new URL("./guest/index.ts", import.meta.url))],
    bundle: true,
    format: "iife",
    platform: "neutral",
    target: "es2020",
    write: false,
    logLevel: "silent",
    charset: "utf8",
  })).then((result) => result.outputFiles[0]!.text));
}

export interface QuickJsOptions {
  /** Bytes the script may allocate beyond what the runtime and guest library use: the board's heap. */
  heapBytes: number;
  /** The `config` module: the script's editable settings. */
  config: Record<string, HostValue>;
}

/**
 * Runs one TS/JS script in its own QuickJS instance (asyncify build): the guest blocks in a
 * host call while the host awaits real I/O. One WebAssembly instance per board, because an
 * instance can only hold one suspended call; it starts from a snapshot of the guest library
 * booted for the board's kind (snapshot.ts).
 */
export class QuickJsEngine implements GuestEngine {
  private hostOpen = true;
  /** A guest module the script imports that the board has not (moduleSource): the link failed there. */
  private missingModule: string | undefined;
  private slice = new TimeSlice();
  /** Set when a rejection no code can handle ends the script (unretrieved): how it ended. */
  private ended: RunOutcome | undefined;

  private constructor(
    private readonly script: CompiledScript,
    private readonly library: string,
    private readonly options: QuickJsOptions,
  ) {}

  static async create(script: CompiledScript, options: QuickJsOptions): Promise<QuickJsEngine> {
    return new QuickJsEngine(script, await guestLibrarySource(), options);
  }

  async run(host: GuestHost): Promise<RunOutcome> {
    this.hostOpen = true;
    this.ended = undefined;
    let snapshot: Snapshot;
    const script = { code: this.script.code, file: ENTRY_FILE, configKeys: Object.keys(this.options.config) };
    try {
      // The first host call, as the guest library's own first call was (a pending Ctrl-C raises here).
      const info = await host.call("boardInfo", []);
      const scripted = await scriptSnapshotFor(info, host.functionNames, this.library, script, this.options.heapBytes);
      snapshot = scripted ?? (await snapshotFor(info, host.functionNames, this.library));
    } catch (error) {
      if (!(error instanceof GuestException)) throw error;
      return raisedWith({ name: error.pyType, message: "", stack: "" }, this.script);
    }
    // Never disposed: the instance and its memory are dropped after the run (QuickJS freeing every
    // object first, JS_FreeRuntime, cost ≈ 1.3 ms per run for nothing).
    // The script compiled in, as in its template; else (it does not compile, or fill the heap) the
    // board compiles it as it runs it, and reports the error.
    const { raw, ctx, heap, scriptBytes } = (await restore(snapshot, this.options.heapBytes, script)) ?? (await restore(snapshot, this.options.heapBytes));
    const runtime = ctx.runtime;
    // The same order as the snapshot's template installed them (snapshot.ts): the same ids.
    raw.bind(ctx, this.renewing(this.nativesFor(heap)), () => this.hostOpen, guestError, BORROWING);
    raw.bind(ctx, this.renewing(host), () => this.hostOpen, guestError, BORROWING, DROPPING);
    raw.onResume = () => this.slice.resumed();
    runtime.setModuleLoader((name) => this.moduleSource(name, snapshot.exports));
    runtime.setMaxStackSize(GUEST_STACK_BYTES);
    this.slice = new TimeSlice(() => host.console?.flush?.());
    runtime.setInterruptHandler(this.slice.interrupt);

    // With the script compiled in the template, its config module reads the board's config, set
    // first (configure): in a heap the compile all but filled, that fails as the script's first
    // allocation would. The config is then set by a script run as a step of its own.
    const json = JSON.stringify(this.options.config);
    const configured = scriptBytes !== undefined && heap.hasRoom(CONFIG_ROOM + 8 * json.length) && this.configure(ctx, json);
    const steps: [string, string, "module" | "global"][] = scriptBytes === undefined
      ? [[this.script.code, ENTRY_FILE, "module"]]
      : [...(configured ? [] : [[`__modules.config = ${json};`, CONFIG_FILE, "global"] as [string, string, "global"]]), [RUN_ENTRY, RUN_FILE, "module"]];
    for (const [i, [code, file, type]] of steps.entries()) {
      const result = await this.evaluate(() => ctx.evalCodeAsync(code, file, { type }));
      if (typeof result === "string") return limitReached(result, this.script);
      if (result.error) return this.raised(ctx, result.error, heap);
      const ended = await this.settle(ctx, result.value, heap, i === steps.length - 1);
      if (ended) return ended;
    }
    return { kind: "finished" };
  }

  /**
   * `__modules.config` for a script compiled in its template, in a heap with room for it: the
   * config's JSON parsed by the guest's own JSON.parse and set with Reflect.set, both called
   * through the FFI. The script that assigns it (`__modules.config = {...}`) was compiled, run and
   * settled on every board (a fleet of 100 Pico Ws one after the other, load ≈ 8: 3.3 ms of wall
   * time and 6.9 page faults per board, against 2.0 ms and 5.1 for these calls); it is kept for a
   * heap with no such room, where it fails as before (MemoryError). False if a call failed all the
   * same (the script then sets it).
   */
  private configure(ctx: QuickJSAsyncContext, json: string): boolean {
    const handles: QuickJSHandle[] = [];
    const held = (handle: QuickJSHandle) => (handles.push(handle), handle);
    try {
      const global = (name: string) => held(ctx.getProp(ctx.global, name));
      const [parser, reflect, modules] = [global("JSON"), global("Reflect"), global("__modules")];
      const parsed = ctx.callFunction(held(ctx.getProp(parser, "parse")), parser, held(ctx.newString(json)));
      held(parsed.error ?? parsed.value);
      if (parsed.error) return false;
      const set = ctx.callFunction(held(ctx.getProp(reflect, "set")), reflect, modules, held(ctx.newString("config")), parsed.value);
      held(set.error ?? set.value);
      return set.error === undefined;
    } catch (error) {
      if (error instanceof GuestException) return false; // MemoryError from a block the calls asked for (checkMalloc)
      throw error;
    } finally {
      for (const handle of handles) handle.dispose();
    }
  }

  /**
   * The script's stack is empty (its top-level code ran, or waits at a top-level `await`): its
   * promise jobs run, until none is left (promise-jobs.ts); then its module's promise says how it
   * ended. A rejected one ends as its error thrown at the top level would, as in Node
   * (nodejs/node 35ef990: "always treat it like an uncaught exception").
   *
   * One still pending waits on the board: no code of the script is left to settle it, but a Timer's
   * or Pin.irq's callback can (a blocking call blocks: nothing else can). The board sleeps until
   * one is due, runs it and then the jobs it made, and looks again (guest/index.ts, __idle); with
   * nothing armed it stays up, idle, until Ctrl-C, a reset or the run's end (--timeout, a signal),
   * as a board sits at its REPL. Node instead ends such a program (exit code 13 and, since
   * nodejs/node#51999, "Warning: Detected unsettled top-level await"): it knows when no event
   * source is left, and a board always has its pins and timers. After the script's `last` step,
   * the same while its timers run, as on a .py board (_boardsim.py _keep_running_callbacks).
   */
  private async settle(ctx: QuickJSAsyncContext, value: QuickJSHandle, heap: BoardHeap, last: boolean): Promise<RunOutcome | undefined> {
    for (;;) {
      const failed = await this.evaluate(() => runPromiseJobs(ctx, () => this.slice.exceeded || this.ended !== undefined));
      if (typeof failed === "string") return limitReached(failed, this.script);
      if (this.ended) return this.ended;
      if (failed) return this.raised(ctx, failed, heap);
      const state = ctx.getPromiseState(value);
      if (state.type === "rejected") return this.raised(ctx, state.error, heap);
      // A job ran out its slice: QuickJS's interrupt only rejected that job's promise.
      if (this.slice.exceeded) return raisedWith({ name: "RuntimeError", message: SLICE_MESSAGE, stack: "" }, this.script);
      const waiting = state.type === "pending";
      if (waiting || last) {
        const idle = await this.evaluate(() => ctx.evalCodeAsync(`__idle(${waiting})`, IDLE_FILE, { type: "global" }));
        if (typeof idle === "string") return limitReached(idle, this.script);
        if (idle.error) return this.raised(ctx, idle.error, heap); // Ctrl-C: KeyboardInterrupt
        if (ctx.dump(idle.value) === true) continue;
      }
      value.dispose();
      return undefined;
    }
  }

  /**
   * Runs the script (its top-level code, or its promise jobs). Deep recursion normally stops at
   * QuickJS's stack limit (a RuntimeError the script can catch), but some call patterns use more
   * of the host's stack per level and exhaust it first: that ends the script with the same
   * RuntimeError, uncatchable. A script whose text has no room in the heap (the board compiles it
   * there: it did not fit the heap compiled) ends as one whose compile fills it, in MemoryError
   * (board-heap.ts, checkMalloc).
   */
  private async evaluate<T>(run: () => Promise<T>): Promise<T | Limit> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof RangeError && /call stack/.test(error.message)) return "host stack exhausted";
      if (error instanceof GuestException && error.pyType === "MemoryError") return "heap full";
      throw error;
    }
  }

  dispose(): void {}

  private raised(ctx: QuickJSAsyncContext, handle: QuickJSHandle, heap: BoardHeap): RunOutcome {
    // Reading the error can run the script's own getters; they get no host calls (and so cannot
    // block or loop on the board) while the traceback is taken.
    this.hostOpen = false;
    const error = ctx.dump(handle) as GuestError;
    const normalized: GuestError = this.slice.exceeded
      ? { name: "RuntimeError", message: SLICE_MESSAGE, stack: (error as GuestError | null)?.stack ?? "" } // QuickJS's own "interrupted" error: its stack is the script's
      : typeof error === "object" && error !== null
        ? error
        : error === null && heap.takeFailure()
          ? OUT_OF_MEMORY
          : { name: "Exception", message: String(error), stack: "" };
    const failed = normalized.stack?.includes(ENTRY_FILE) ? undefined : failedImport(normalized, this.missingModule);
    const stack = failed === undefined ? undefined : importFrame(this.script.code, failed, ENTRY_FILE);
    const { pyType, lines } = formatTraceback(stack ? { ...normalized, stack } : normalized, this.script, ENTRY_FILE);
    return { kind: "raised", pyType, traceback: lines };
  }

  /** The engine's helpers for the board's script: nativesOf(heap)'s, and its report of a rejection no code can handle. */
  private nativesFor(heap: BoardHeap): GuestHost {
    const natives = nativesOf(heap);
    const own: Record<string, (args: readonly HostValue[]) => HostValue> = { unretrieved: (args) => this.unretrieved(args), callbackError: (args) => this.callbackError(args) };
    return { functionNames: natives.functionNames, call: (name, args) => (Object.hasOwn(own, name) ? own[name]!(args) : natives.call(name, args)) };
  }

  /**
   * A rejection no code can handle (guest/dropped.ts): the text to print, its traceback at the
   * script's lines after asyncio's words (UNRETRIEVED); the script goes on. One that `ends` it
   * (KeyboardInterrupt, SystemExit) ends it as an uncaught error would, once its job is done (settle).
   */
  private unretrieved([name, message, stack, ends]: readonly HostValue[]): string | null {
    const { pyType, lines } = formatTraceback({ name: String(name), message: String(message), stack: String(stack) }, this.script, ENTRY_FILE);
    if (!ends) return [UNRETRIEVED, ...lines, ""].join("\n");
    this.ended = { kind: "raised", pyType, traceback: lines };
    return null;
  }

  /**
   * A callback's uncaught error (guest/host.ts runScheduled, its stack cut where the callback was
   * called): its traceback, as the firmware's scheduler prints one with mp_obj_print_exception
   * (py/scheduler.c mp_sched_run_pending → mp_call_function_1_protected, py/runtime_utils.c:30-40).
   */
  private callbackError([name, message, stack]: readonly HostValue[]): string {
    const { lines } = formatTraceback({ name: String(name), message: String(message), stack: String(stack) }, this.script, ENTRY_FILE, false);
    return `${lines.join("\n")}\n`;
  }

  private moduleSource(name: string, exports: Record<string, string[]>): string | { error: Error } {
    if (name === "config") {
      const keys = Object.keys(this.options.config);
      return `const m = ${JSON.stringify(this.options.config)}; export default m; export const { ${keys.join(", ")} } = m;`;
    }
    const source = guestModuleSource(name, exports);
    if (source !== undefined) return source;
    this.missingModule = name;
    return { error: Object.assign(new Error(`no module named '${name}'`), { name: "ImportError" }) };
  }

  /**
   * Every host call renews the time slice, and so does the guest's resuming from one that
   * suspended it (raw.onResume, not a `then` here: one promise and microtask turn fewer per
   * blocked call): only guest code that calls nothing for the slice's length is stopped by the
   * interrupt handler.
   */
  private renewing(host: GuestHost): GuestHost {
    const bytesConsole = host.console?.bytes !== undefined;
    return {
      functionNames: host.functionNames,
      scheduled: host.scheduled?.bind(host),
      call: (name, args) => {
        this.slice.renew();
        return host.call(name, name === "write" ? consoleText(args, bytesConsole) : args);
      },
    };
  }
}

/** What ended the script outside it: the host's stack or the board's heap. */
type Limit = "host stack exhausted" | "heap full";

function limitReached(limit: Limit, script: CompiledScript): RunOutcome {
  return raisedWith(limit === "heap full" ? OUT_OF_MEMORY : { name: "InternalError", message: "stack overflow", stack: "" }, script);
}

function raisedWith(error: GuestError, script: CompiledScript): RunOutcome {
  const { pyType, lines } = formatTraceback(error, script, ENTRY_FILE);
  return { kind: "raised", pyType, traceback: lines };
}

/** Errors cross into the sandbox as name + message; the guest library rebuilds the Python exception. */
function guestError(error: unknown): Error {
  const e =
    error instanceof GuestException
      ? error
      : new GuestException("RuntimeError", [`boardsim internal error: ${(error as Error)?.message ?? String(error)}`]);
  return Object.assign(new Error(JSON.stringify({ pyType: e.pyType, pyArgs: e.pyArgs })), { name: "GuestException" });
}
