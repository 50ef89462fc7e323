/**
 * The host functions the engine installs as `__host`, captured here and removed from the global
 * scope so user scripts only reach the simulator through the Python-style modules.
 */
import { exceptionFromHost } from "./exceptions.ts";

type HostFunction = (...args: unknown[]) => unknown;
const g = globalThis as unknown as { __host?: Record<string, HostFunction> };
const functions = g.__host!;
delete g.__host;

/** Calls a host function; a GuestException thrown by the host becomes the Python exception it names. */
export function call<T = unknown>(name: string, ...args: unknown[]): T {
  try {
    return functions[name]!(...args) as T;
  } catch (error) {
    throw exceptionFromHost(error);
  }
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
