/**
 * Promise jobs: `.then` callbacks and the code after an `await`. QuickJS queues them and runs one
 * only when asked (JS_ExecutePendingJob); JavaScript runs them once the script's stack is empty,
 * first in first out, until none is left (ECMA-262 "Jobs and Host Operations to Enqueue Jobs",
 * HostEnqueuePromiseJob; Node runs its microtask queue the same way). The engine asks here where
 * the stack empties (after the script's top-level code, at each top-level `await`), never per
 * host call.
 *
 * A job may make a blocking host call: the asyncify build suspends it as it suspends the script's
 * (raw-ffi.ts), and the call here resolves once the job is done (executePendingJob).
 * quickjs-emscripten's own runtime.executePendingJobs binds the sync one, which refuses that.
 */
import type { QuickJSAsyncContext, QuickJSHandle } from "quickjs-emscripten";

/** The FFI functions this file calls (quickjs-emscripten 0.32.0, c/interface.c). */
interface JobFfi {
  QTS_IsJobPending(rt: number): number;
}

/** Runs up to `maxJobs` jobs: the count run, or the exception a job ended in (the context of the last job run goes to `*lastJobContext`). */
type ExecutePendingJob = (rt: number, maxJobs: number, lastJobContext: number) => Promise<number>;

interface Emscripten {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  cwrap(name: string, returns: string, args: string[], options: { async: true }): ExecutePendingJob;
}

interface ContextInternals {
  ffi: JobFfi;
  rt: { value: number };
  module: Emscripten;
  memory: { heapValueHandle(ptr: number): QuickJSHandle };
}

/**
 * QTS_ExecutePendingJob bound to resolve once a suspended job is done. The FFI's MaybeAsync binding
 * of it cannot: the glue's cwrap hands out the bare export for a function of numbers only (its
 * ccall, which waits for a suspended call, only for one with a string argument, as QTS_Eval's
 * filename, or when asked `async`), so a job that blocked came back at once, unfinished.
 */
const bound = new WeakMap<Emscripten, ExecutePendingJob>();
function executePendingJob(em: Emscripten): ExecutePendingJob {
  let execute = bound.get(em);
  if (!execute) bound.set(em, (execute = em.cwrap("QTS_ExecutePendingJob", "number", ["number", "number", "number"], { async: true })));
  return execute;
}

/**
 * Runs the pending jobs one at a time, in order, until none is left or `stop()` says the script
 * has ended (its time slice ran out: QuickJS's interrupt inside a job only rejects that job's
 * promise, quickjs.c promise_reaction_job). Resolves with the error a job ended in, if one did.
 */
export async function runPromiseJobs(ctx: QuickJSAsyncContext, stop: () => boolean): Promise<QuickJSHandle | undefined> {
  const { ffi, rt, module, memory } = ctx as unknown as ContextInternals;
  if (!ffi.QTS_IsJobPending(rt.value)) return undefined;
  const execute = executePendingJob(module);
  // Where the C side writes the job's context, unread: the answer's type tells a count from an
  // error. A job ends in an error only where QuickJS could not settle its promise (no memory left);
  // a script's throw, and QuickJS's interrupt, reject that promise (quickjs.c promise_reaction_job).
  // malloc throws MemoryError on a full heap (board-heap.ts, checkMalloc).
  const lastContext = module._malloc(4);
  try {
    while (!stop() && ffi.QTS_IsJobPending(rt.value)) {
      const result = await execute(rt.value, 1, lastContext);
      const handle = memory.heapValueHandle(result);
      if (ctx.typeof(handle) !== "number") return handle;
      handle.dispose();
    }
    return undefined;
  } finally {
    module._free(lastContext);
  }
}
