import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import {
  newQuickJSAsyncWASMModuleFromVariant,
  newVariant,
  RELEASE_ASYNC,
  type QuickJSAsyncContext,
  type QuickJSAsyncWASMModule,
  type QuickJSHandle,
} from "quickjs-emscripten";
import { GuestException, type GuestEngine, type GuestHost, type HostValue, type RunOutcome } from "../host-api.ts";
import { NATIVE_HELPERS } from "./native.ts";
import { RawHostCalls } from "./raw-ffi.ts";
import { SLICE_MESSAGE, TimeSlice } from "./time-slice.ts";
import { formatTraceback, type GuestError } from "./traceback.ts";
import type { CompiledScript } from "./transpile.ts";

const GUEST_LIBRARY_FILE = "boardsim:guest";
/**
 * QuickJS's own stack limit. Deep recursion must hit it (RuntimeError in the script) before it
 * exhausts the WebAssembly stack, which would end the whole run with a host RangeError.
 */
const GUEST_STACK_BYTES = 32 * 1024;
const ENTRY_FILE = "main.js";

let wasm: Promise<WebAssembly.Module> | undefined;
/** QuickJS's WebAssembly, compiled once per process; each board instantiates its own copy. */
function compiledWasm(): Promise<WebAssembly.Module> {
  // Baseline (Liftoff) code only: V8's optimising tier-up of the asyncified interpreter blocked the
  // event loop for 0.3-1.3 s after start, which delayed Ctrl-C and sockets; Liftoff-only is also
  // faster for runs this short (docs/reliability.md, "Ctrl-C latency").
  setFlagsFromString("--liftoff-only");
  const require = createRequire(import.meta.url);
  // Node has WebAssembly at run time; @types/node only declares its types, not the value.
  const { compile } = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> } }).WebAssembly;
  return (wasm ??= readFile(require.resolve("@jitl/quickjs-wasmfile-release-asyncify/wasm")).then(compile));
}

/** The guest library, inlined by tools/build.mjs into the CLI bundle; undefined when running from source. */
declare const BOARDSIM_GUEST_LIBRARY: string | undefined;

let guestLibrary: Promise<string> | undefined;
/** The guest library (./guest) as one script: prebuilt in the bundle, else bundled once per process. */
function guestLibrarySource(): Promise<string> {
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
 * instance can only hold one suspended call.
 */
export class QuickJsEngine implements GuestEngine {
  private hostOpen = true;
  private slice = new TimeSlice();

  private readonly raw: RawHostCalls;

  private constructor(
    private readonly module: QuickJSAsyncWASMModule,
    private readonly script: CompiledScript,
    private readonly library: string,
    private readonly options: QuickJsOptions,
  ) {
    this.raw = new RawHostCalls(module);
  }

  static async create(script: CompiledScript, options: QuickJsOptions): Promise<QuickJsEngine> {
    const variant = newVariant(RELEASE_ASYNC, { wasmModule: await compiledWasm() });
    const [module, library] = await Promise.all([newQuickJSAsyncWASMModuleFromVariant(variant), guestLibrarySource()]);
    return new QuickJsEngine(module, script, library, options);
  }

  async run(host: GuestHost): Promise<RunOutcome> {
    this.hostOpen = true;
    // The context owns its runtime: disposing a runtime's contexts separately trips quickjs-emscripten's host-ref bookkeeping.
    const ctx = this.module.newContext();
    const runtime = ctx.runtime;
    let wrecked = false;
    try {
      this.installHost(ctx, host);
      ctx.unwrapResult(ctx.evalCode(this.library, GUEST_LIBRARY_FILE)).dispose();
      const exports = ctx
        .unwrapResult(ctx.evalCode("Object.fromEntries(Object.entries(__modules).map(([k, v]) => [k, Object.keys(v)]))"))
        .consume((h) => ctx.dump(h) as Record<string, string[]>);
      runtime.setModuleLoader((name) => this.moduleSource(name, exports));
      const used = runtime.computeMemoryUsage().consume((h) => ctx.dump(h) as { memory_used_size: number });
      runtime.setMemoryLimit(used.memory_used_size + this.options.heapBytes);
      runtime.setMaxStackSize(GUEST_STACK_BYTES);
      this.slice = new TimeSlice();
      runtime.setInterruptHandler(this.slice.interrupt);

      const result = await this.evaluate(ctx);
      if (result === "host stack exhausted") {
        // The WebAssembly instance is unusable now; it is dropped with this engine, not disposed.
        wrecked = true;
        const { pyType, lines } = formatTraceback({ name: "InternalError", message: "stack overflow", stack: "" }, this.script, ENTRY_FILE);
        return { kind: "raised", pyType, traceback: lines };
      }
      if (result.error) return this.raised(ctx, result.error);
      const state = ctx.getPromiseState(result.value);
      result.value.dispose();
      if (state.type === "rejected") return this.raised(ctx, state.error);
      if (state.type === "fulfilled" && state.value.alive) state.value.dispose();
      return { kind: "finished" };
    } finally {
      if (!wrecked) ctx.dispose();
    }
  }

  /**
   * Runs the script. Deep recursion normally stops at QuickJS's stack limit (a RuntimeError the
   * script can catch), but some call patterns use more of the host's stack per level and exhaust
   * it first: that ends the script with the same RuntimeError, uncatchable.
   */
  private async evaluate(ctx: QuickJSAsyncContext) {
    try {
      return await ctx.evalCodeAsync(this.script.code, ENTRY_FILE, { type: "module" });
    } catch (error) {
      if (error instanceof RangeError && /call stack/.test(error.message)) return "host stack exhausted" as const;
      throw error;
    }
  }

  dispose(): void {}

  private raised(ctx: QuickJSAsyncContext, handle: QuickJSHandle): RunOutcome {
    // Reading the error can run the script's own getters; they get no host calls (and so cannot
    // block or loop on the board) while the traceback is taken.
    this.hostOpen = false;
    const error = ctx.dump(handle) as GuestError;
    handle.dispose();
    const normalized: GuestError = this.slice.exceeded
      ? { name: "RuntimeError", message: SLICE_MESSAGE, stack: (error as GuestError | null)?.stack ?? "" } // QuickJS's own "interrupted" error: its stack is the script's
      : typeof error === "object" && error !== null
        ? error
        : { name: "Exception", message: String(error), stack: "" };
    const { pyType, lines } = formatTraceback(normalized, this.script, ENTRY_FILE);
    return { kind: "raised", pyType, traceback: lines };
  }

  private moduleSource(name: string, exports: Record<string, string[]>): string | { error: Error } {
    if (name === "config") {
      const keys = Object.keys(this.options.config);
      return `const m = ${JSON.stringify(this.options.config)}; export default m; export const { ${keys.join(", ")} } = m;`;
    }
    const keys = exports[name];
    if (!keys) return { error: Object.assign(new Error(`no module named '${name}'`), { name: "ImportError" }) };
    return `const m = globalThis.__modules[${JSON.stringify(name)}]; export default m; export const { ${keys.join(", ")} } = m;`;
  }

  /** `__host`: the board's host API; `__native`: the engine's own helpers (native.ts). */
  private installHost(ctx: QuickJSAsyncContext, host: GuestHost): void {
    const natives: GuestHost = {
      functionNames: Object.keys(NATIVE_HELPERS),
      call: (name, args) => (NATIVE_HELPERS[name] as (...a: readonly HostValue[]) => HostValue)(...args),
    };
    this.installFunctions(ctx, "__native", natives);
    this.installFunctions(ctx, "__host", host);
  }

  private installFunctions(ctx: QuickJSAsyncContext, globalName: string, host: GuestHost): void {
    // Every host call (and each promise's settling) renews the time slice: only guest code that
    // calls nothing for the slice's length is stopped by the interrupt handler.
    const renewing: GuestHost = {
      functionNames: host.functionNames,
      scheduled: host.scheduled?.bind(host),
      call: (name, args) => {
        this.slice.renew();
        const result = host.call(name, args);
        return result instanceof Promise ? result.finally(() => this.slice.renew()) : result;
      },
    };
    this.raw.install(ctx, globalName, renewing, () => this.hostOpen, guestError);
  }
}

/** Errors cross into the sandbox as name + message; the guest library rebuilds the Python exception. */
function guestError(error: unknown): Error {
  const e =
    error instanceof GuestException
      ? error
      : new GuestException("RuntimeError", [`boardsim internal error: ${(error as Error)?.message ?? String(error)}`]);
  return Object.assign(new Error(JSON.stringify({ pyType: e.pyType, pyArgs: e.pyArgs })), { name: "GuestException" });
}
