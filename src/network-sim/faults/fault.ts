import type { Logger } from "pino";
import type { BoardProfile } from "../../boards/profile.ts";
import type { AccessPoint } from "../access-point.ts";
import type { SocketAddress } from "../address.ts";
import type { Clock } from "../clock.ts";
import type { Lan } from "../lan.ts";
import type { Pipe } from "../pipe.ts";
import type { Random } from "../random.ts";

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

export type ParamKind = "duration" | "bytes" | "count" | "rssi" | "ip" | "text" | "probability";
export type FaultParams = Record<string, number | string>;

/** Toxiproxy's directions: upstream is what the connecting side sends, downstream what it receives. */
export type Direction = "upstream" | "downstream";

/** How a connection attempt ends instead of connecting. */
export type ConnectVerdict = "refused" | "unreachable" | "no_answer";

/** One TCP connection on the LAN, as faults see it. */
export interface Connection {
  readonly client: SocketAddress;
  readonly server: SocketAddress;
  /** The names of the hosts at its ends (a board's name, or "pc"). */
  readonly hosts: readonly [client: string, server: string];
  /** Clock time it was established. */
  readonly openedAt: number;
  /** Puts `wrapper` in front of the segments going one way; it passes them on to `next` (or not). */
  wrap(direction: Direction, wrapper: (next: Pipe) => Pipe): void;
  /** Resets both ends now (each sees ECONNRESET). */
  reset(): void;
}

/** A board as faults see it: its name, and the reset button. */
export interface BoardHandle {
  readonly name: string;
  reset(): void;
}

/** What a board boots with: board faults (heap, sockets) change it. */
export interface BoardSetup {
  readonly name: string;
  profile: BoardProfile;
  heapBytes: number;
}

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
