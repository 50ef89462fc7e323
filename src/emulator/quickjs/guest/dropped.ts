/**
 * Promises the script drops: the value of a call statement (`main();`, `Promise.reject(e);`: the
 * engine hands it to `__dropped`, dropped-promises.ts), a Timer's or Pin.irq's callback's. No code
 * can ever handle such a promise's rejection, so it is reported as it happens, as MicroPython's
 * asyncio reports an exception no one retrieved from a task (extmod/asyncio/core.py v1.23.0:
 * `_exc_context`'s "Task exception wasn't retrieved", then default_exception_handler prints the
 * traceback) and the script goes on; KeyboardInterrupt and SystemExit, which are no Exception, end
 * it, as they leave asyncio's loop (run_until_complete catches only `(CancelledError, Exception)`).
 * Node instead ends the program at any rejection nobody handled: a board's script is the firmware's
 * (a Timer's or Pin.irq's callback's exception is printed and the script goes on, host.ts).
 */
import { BaseException, Exception, outOfMemory } from "./exceptions.ts";
import { allocationFailed, call, native } from "./host.ts";

// The script may replace the globals; the library keeps the engine's own.
const NativePromise = Promise;
const then = Promise.prototype.then;

/** Reports `value`'s rejection, if it is a promise (a call statement's value is anything). */
export function dropped(value: unknown): void {
  if (value instanceof NativePromise) then.call(value, undefined, unretrieved);
}

function unretrieved(reason: unknown): void {
  // QuickJS rejects with null where a full heap had no room for its error (see __caught, index.ts).
  const error = reason === null && allocationFailed() ? outOfMemory() : reason;
  const ends = error instanceof BaseException && !(error instanceof Exception);
  const [name, message, stack] = error instanceof Error ? [error.name, error.message, error.stack ?? ""] : ["Exception", String(error), ""];
  // The engine maps the stack to the script's lines; it ends the script itself when `ends`.
  const text = native<string | null>("unretrieved", name, message, stack, ends);
  if (text !== null) call("write", text);
}
