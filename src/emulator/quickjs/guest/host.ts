/**
 * The functions the engine installs as `__host` (the board) and `__native` (engine helpers),
 * captured here and removed from the global scope so user scripts only reach the simulator
 * through the Python-style modules.
 */
import { WOKEN_SIGNAL, type HostName } from "../../host/table.ts";
import { exceptionFromHost } from "./exceptions.ts";

type HostFunction = (...args: unknown[]) => unknown;
const g = globalThis as unknown as { __host?: Record<string, HostFunction>; __native?: Record<string, HostFunction> };
const functions = g.__host!;
const natives = g.__native!;
delete g.__host;
delete g.__native;

function invoke<T>(table: Record<string, HostFunction>, name: string, args: unknown[]): T {
  try {
    return table[name]!.apply(undefined, args) as T;
  } catch (error) {
    throw exceptionFromHost(error);
  }
}

/**
 * Calls a host function; a GuestException thrown by the host becomes the Python exception it names.
 * Once the script has a callback (Timer, Pin.irq), due ones run after the call, as the firmware's
 * scheduler runs them (one at a time, never nested; an exception in one is printed).
 */
export function call<T = unknown>(name: HostName, ...args: unknown[]): T {
  let value: T;
  // invoke() inlined: every host call of the script comes through here, one interpreted frame less.
  // apply, not a spread: QuickJS spreads through the iterator protocol (≈ 1.5 µs a call on a quiet machine).
  try {
    value = functions[name]!.apply(undefined, args) as T;
  } catch (error) {
    return thrown(functions[name]!, args, error);
  }
  if (hasHandlers) afterCall();
  return value;
}

/**
 * A host call threw `error`: the Python exception it names, or, for a blocking call (accept, recv,
 * send, connect, select, sleep) woken because callbacks came due while it waited (raw-ffi.ts
 * throws WOKEN_SIGNAL), its answer: they run, as the firmware runs them inside the wait, and the
 * same call asked again waits on to its own deadline (src/emulator/host/blocking-wake.ts).
 */
export function thrown<T>(fn: HostFunction, args: unknown[], error: unknown): T {
  while ((error as Error)?.name === WOKEN_SIGNAL) {
    runScheduled();
    try {
      const value = fn.apply(undefined, args) as T;
      if (hasHandlers) afterCall();
      return value;
    } catch (again) {
      error = again;
    }
  }
  throw exceptionFromHost(error);
}

/**
 * call() of a host function itself (hostFunction, looked up once) with a fixed number of arguments,
 * for the calls a busy loop makes (print, time.ticks_ms): no rest array and no apply, each
 * ≈ 0.7 µs in the interpreter on a quiet machine; no lookup by name either (`functions[name]` makes
 * an atom of the string, hashing it at every call: ≈ 0.3 µs). The host function gets exactly the
 * arguments given, as through call().
 */
export function call0<T = unknown>(fn: HostFunction): T {
  let value: T;
  try {
    value = fn() as T;
  } catch (error) {
    throw exceptionFromHost(error);
  }
  if (hasHandlers) afterCall();
  return value;
}

export function call2<T = unknown>(fn: HostFunction, a: unknown, b: unknown): T {
  let value: T;
  try {
    value = fn(a, b) as T;
  } catch (error) {
    throw exceptionFromHost(error);
  }
  if (hasHandlers) afterCall();
  return value;
}

const handlers = new Map<number, () => void>();
/** handlers.size > 0, kept as a variable: read after every host call, where Map's size getter is a call of its own. Read by socket.ts too. */
export let hasHandlers = false;
let nextHandler = 1;
let inCallback = false;

/** Registers a callback the board can schedule; its id for the host. */
export function handler(fn: () => void): number {
  handlers.set(nextHandler, fn);
  hasHandlers = true;
  return nextHandler++;
}

export function dropHandler(id: number | null): void {
  if (id !== null) handlers.delete(id);
  hasHandlers = handlers.size > 0;
}

/** A host function itself, looked up once, for the calls a busy loop makes (socket.ts, call0 and call2 say why). */
export function hostFunction(name: HostName): HostFunction {
  return functions[name]!;
}

/** After a host call, once the script has callbacks: runs the due ones. */
export function afterCall(): void {
  if (!inCallback && invoke<boolean>(functions, "schedPending", [])) runScheduled();
}

/** Takes the due callbacks until a take finds none: the host then knows they are done (its Scheduler.running). */
function runScheduled(): void {
  inCallback = true;
  try {
    for (let due = takeDue(); due.length > 0; due = takeDue()) {
      for (const [id] of due) {
        try {
          handlers.get(id)?.();
        } catch (error) {
          // As the firmware's scheduler: any exception is printed and the script goes on, SystemExit
          // and a Ctrl-C's KeyboardInterrupt too (py/runtime_utils.c:30-40). Only a value no Error
          // (the heap's failed allocation, board-heap.ts) ends the script.
          if (!(error instanceof Error)) throw error;
          invoke(functions, "write", [native<string>("callbackError", error.name, error.message, callbackFrames(error.stack ?? ""))]);
        }
      }
    }
  } finally {
    inCallback = false;
  }
}

/** The frames of a stack down to the callback's (those below it, up to runScheduled, are the library's and the script's where it was when the callback ran). */
function callbackFrames(stack: string): string {
  const lines = stack.split("\n");
  const at = lines.findIndex((line) => /^\s*at runScheduled /.test(line));
  return (at === -1 ? lines : lines.slice(0, at)).join("\n");
}

const takeDue = () => invoke<[number, unknown][]>(functions, "schedTake", []);

/**
 * Whether an allocation failed since last asked (native.ts). Called as it is, with no arguments
 * to gather: it must work in a heap too full for the guest library's own allocations.
 */
export const allocationFailed = natives.allocationFailed as () => boolean;
/** Reaches the host and nothing else: the board paces its next collection at each host call (board-heap.ts). */
export const pace = natives.pace as () => void;

/** Calls one of the engine's native helpers (src/emulator/quickjs/native.ts). */
export function native<T = unknown>(name: string, ...args: unknown[]): T {
  return invoke(natives, name, args);
}

export interface BoardInfo {
  board: string;
  /** str(OSError(n)) for each number the board names. */
  oserror: Record<string, string>;
  socket: Record<string, number> & Record<"AF_INET" | "SOCK_STREAM" | "SOCK_DGRAM" | "SOL_SOCKET" | "SO_REUSEADDR", number>;
  network: Record<string, number>;
  /** The network module's functions beside WLAN in the port's table (profile wlan.functions). */
  networkFunctions: string[];
  /** Whether WLAN has ipconfig() (profile wlan.ipconfigMethod). */
  networkIpconfigMethod: boolean;
  /** Vendor modules this board's firmware has (e.g. "mpython"). */
  modules: string[];
  /** The port's identity and machine constants (Board's portInfo). */
  port: {
    platform: string;
    release: string;
    version: string;
    unameVersion: string;
    machine: string;
    mpy: number;
    pin: Record<string, number>;
    resetCauses: Record<string, number>;
    bootloader: boolean;
    adcRead: boolean;
    /** ESP32's ADC constants (ATTN_*, WIDTH_*), empty elsewhere: where ADC has atten(), width(), read_uv(), block(). */
    adc: Record<string, number>;
    adcOnePerChannel: boolean;
    /** ESP32 v1.23's ADC init(), read_uv(), block() and ADCBlock (not the mPython's older ESP32 build). */
    adcBlock: boolean;
    pwmDuty: boolean;
    /** machine.Pin's locals table of the port (module-tables.ts): toggle is rp2's only. */
    tableOfPinType: string[];
  };
}

export const boardInfo = call<BoardInfo>("boardInfo");
