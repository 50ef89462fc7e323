import type { Logger } from "pino";
import type { AccessPoint } from "../wifi/access-point.ts";
import type { Clock } from "../clock/clock.ts";
import type { Lan } from "../lan.ts";
import type { BoardHandle, BoardSetup, Connection, ConnectVerdict, Direction } from "../lan-hooks.ts";
import type { Random } from "./random.ts";

export type { BoardHandle, BoardSetup, Connection, ConnectVerdict, Direction };

/**
 * One fault of the catalogue, like one of Toxiproxy's toxics: started on a lab (at its `at` time),
 * it returns what undoes it (run at the end of its `for` time). Everything it needs comes from the scope.
 */
export interface Fault {
  start(scope: FaultScope): (() => void) | void;
}

/** A kind of fault: its name in specs, what it acts on, its own parameters and how to make one. */
export interface FaultType {
  name: string;
  kind: "wifi" | "tcp" | "board";
  /** One line for docs and errors. */
  summary: string;
  /** The fault's own parameters beside the common ones (at, for, board, ...), with their kind. */
  params: Record<string, ParamKind>;
  /** Parameters without a default. */
  required?: readonly string[];
  /** The directions when the spec names none (both by default). */
  defaultDirections?: readonly Direction[];
  /** What makes a set of parameters unusable (a fault that would spin or never act), as one phrase. */
  check?(params: FaultParams): string | undefined;
  create(params: FaultParams): Fault;
}

/** A fault that decides connection attempts: they end with `verdict` instead of connecting. */
export function connectFault(name: string, verdict: ConnectVerdict, summary: string): FaultType {
  return { name, kind: "tcp", summary, params: {}, create: () => ({ start: (scope) => void scope.onConnect(verdict) }) };
}

export type ParamKind = "duration" | "milliseconds" | "bytes" | "count" | "rssi" | "ip" | "text" | "probability";
export type FaultParams = Record<string, number | string>;

/** Everything a fault acts on, narrowed to its targets (board=, port=, peer=, ssid=, direction=, probability=). */
export interface FaultScope {
  readonly lan: Lan;
  readonly clock: Clock;
  readonly log: Logger;
  readonly random: Random;
  /** The board the fault is narrowed to (board=), if any. */
  readonly board?: string;
  /** The directions the fault acts on (direction=; both by default). */
  readonly directions: readonly Direction[];
  /** False once the fault's `for` time is over: pipes it wrapped pass segments straight on. */
  readonly active: boolean;
  /** Connection attempts in scope end this way instead. */
  onConnect(verdict: ConnectVerdict): () => void;
  /** Connection attempts in scope take `ms` longer before they connect (a handshake's round trip). */
  delayConnect(ms: number): () => void;
  /** Calls `fn` for each connection in scope: the ones open now and each new one. */
  onConnection(fn: (connection: Connection) => void): () => void;
  /** The access points in scope (ssid=; else every AP that is not a board's own). */
  accessPoints(): AccessPoint[];
  /** The boards in scope, as they are now. */
  boards(): BoardHandle[];
  /** Changes what boards in scope boot with, from their next boot on. */
  onBoardSetup(fn: (setup: BoardSetup) => void): () => void;
}
