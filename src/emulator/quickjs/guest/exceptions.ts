/**
 * Python's exception classes. A bare `catch (e)` catches all of them, like a bare `except:`.
 * Python's TypeError is the engine's own TypeError, so both kinds of type error are one class.
 */
import { repr, str } from "./repr.ts";

export class BaseException extends Error {
  readonly args: unknown[];
  constructor(...args: unknown[]) {
    super();
    this.args = args;
    this.name = new.target.name;
  }
  /** str(e): the lone argument, or the tuple of arguments. */
  override get message(): string {
    if (this.args.length === 0) return "";
    if (this.args.length === 1) return str(this.args[0]);
    return repr(tuple(...this.args));
  }
  override set message(_ignored: string) {}
  override toString(): string {
    return this.message;
  }
}

export class Exception extends BaseException {}
export class KeyboardInterrupt extends BaseException {}
export class SystemExit extends BaseException {}
export class ArithmeticError extends Exception {}
export class ZeroDivisionError extends ArithmeticError {}
export class AssertionError extends Exception {}
export class AttributeError extends Exception {}
export class ImportError extends Exception {}
export class LookupError extends Exception {}
export class IndexError extends LookupError {}
export class KeyError extends LookupError {}
export class MemoryError extends Exception {}
export class NameError extends Exception {}
export class RuntimeError extends Exception {}
export class NotImplementedError extends RuntimeError {}
export class StopIteration extends Exception {}
export class ValueError extends Exception {}
export class UnicodeError extends ValueError {}

/** str(OSError(n)) for each number the board names, as the host made it (boardInfo.oserror). */
export const oserrorTexts: Record<string, string> = {};

export class OSError extends Exception {
  /** e.errno: the first argument when it is a number. */
  get errno(): number | null {
    return typeof this.args[0] === "number" ? this.args[0] : null;
  }
  override get message(): string {
    const errno = this.errno;
    return (errno !== null && this.args.length === 1 && oserrorTexts[errno]) || super.message;
  }
}

export const TUPLE = Symbol("tuple");

/** A Python tuple: an array that prints as `(a, b)`. */
export function tuple<T>(...items: T[]): T[] {
  Object.defineProperty(items, TUPLE, { value: true });
  return items;
}

export const EXCEPTIONS: Record<string, new (...args: unknown[]) => BaseException> = {
  BaseException, Exception, KeyboardInterrupt, SystemExit, ArithmeticError, ZeroDivisionError,
  AssertionError, AttributeError, ImportError, LookupError, IndexError, KeyError, MemoryError,
  NameError, RuntimeError, NotImplementedError, StopIteration, ValueError,
  UnicodeError, OSError,
};

/** Turns an error thrown by a host function back into the Python exception it describes. */
export function exceptionFromHost(error: unknown): unknown {
  const e = error as { name?: string; message?: string };
  if (e?.name !== "GuestException" || typeof e.message !== "string") return error;
  const { pyType, pyArgs } = JSON.parse(e.message) as { pyType: string; pyArgs: unknown[] };
  if (pyType === "TypeError") return new TypeError(String(pyArgs[0]));
  return Reflect.construct(EXCEPTIONS[pyType] ?? RuntimeError, pyArgs) as BaseException; // not a spread: see call in host.ts
}

/**
 * What a script's `catch (e)` sees (see catch-hooks.ts): QuickJS's own InternalErrors become the
 * exceptions MicroPython raises in their place, keeping the stack of where they happened.
 */
export function caught(error: unknown): unknown {
  if (!(error instanceof Error) || error.name !== "InternalError") return error;
  if (/out of memory/.test(error.message)) {
    const python = outOfMemory();
    if (python !== EMERGENCY_MEMORY_ERROR) Object.defineProperty(python, "stack", { value: error.stack, configurable: true, writable: true });
    return python;
  }
  if (!/stack overflow/.test(error.message)) return error;
  const python = new RuntimeError("maximum recursion depth exceeded");
  Object.defineProperty(python, "stack", { value: error.stack, configurable: true, writable: true });
  return python;
}

/**
 * Made while the library starts: a full heap may have no room for a new MemoryError, and then
 * MicroPython raises its preallocated one (py/objexcept.c, mp_obj_exception_make_new:
 * mp_emergency_exception_obj).
 */
const EMERGENCY_MEMORY_ERROR = new MemoryError("memory allocation failed");

/** The MemoryError for an allocation QuickJS could not make (it does not say how many bytes it wanted). */
export function outOfMemory(): MemoryError {
  try {
    return new MemoryError("memory allocation failed");
  } catch {
    return EMERGENCY_MEMORY_ERROR;
  }
}
