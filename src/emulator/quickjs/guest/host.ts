/**
 * The functions the engine installs as `__host` (the board) and `__native` (engine helpers),
 * captured here and removed from the global scope so user scripts only reach the simulator
 * through the Python-style modules.
 */
import type { HostName } from "../../host/table.ts";
import { exceptionFromHost } from "./exceptions.ts";

type HostFunction = (...args: unknown[]) => unknown;
const g = globalThis as unknown as { __host?: Record<string, HostFunction>; __native?: Record<string, HostFunction> };
const functions = g.__host!;
const natives = g.__native!;
delete g.__host;
delete g.__native;

function invoke<T>(table: Record<string, HostFunction>, name: string, args: unknown[]): T {
  try {
    return table[name]!(...args) as T;
  } catch (error) {
    throw exceptionFromHost(error);
  }
}

/** Calls a host function; a GuestException thrown by the host becomes the Python exception it names. */
export function call<T = unknown>(name: HostName, ...args: unknown[]): T {
  return invoke(functions, name, args);
}

/** Calls one of the engine's native helpers (src/emulator/quickjs/native.ts). */
export function native<T = unknown>(name: string, ...args: unknown[]): T {
  return invoke(natives, name, args);
}

export interface BoardInfo {
  board: string;
  errorcode: Record<string, string>;
  socket: Record<string, number>;
  network: Record<string, number>;
  /** Vendor modules this board's firmware has (e.g. "mpython"). */
  modules: string[];
}

export const boardInfo = call<BoardInfo>("boardInfo");
