import type { BoardProfile } from "../boards/profile.ts";
import type { SocketAddress } from "./address.ts";
import type { Pipe } from "./tcp/pipe.ts";

/**
 * What the LAN asks, at the points where faults can act: the faults (faults/faults.ts) implement
 * it, and the LAN knows them only through it (as Toxiproxy's proxy knows its toxics).
 */
export interface LanHooks {
  /** How a connection attempt ends instead of connecting; null: it connects. */
  verdict(attempt: ConnectAttempt): ConnectVerdict | null;
  /** How much longer a connection attempt takes before it connects, ms. */
  connectDelay(attempt: ConnectAttempt): number;
  /** A connection is established (its directions can be wrapped from here on). */
  opened(connection: Connection): void;
  /** What a board boots with. */
  setup(setup: BoardSetup): BoardSetup;
  /** A board is running (until the returned function is called): `handle` is its reset button. */
  register(handle: BoardHandle): () => void;
}

/** A connection attempt as the LAN is about to make it. */
export interface ConnectAttempt {
  from: string;
  to: string | null;
  remote: readonly [string, number];
}

/** How a connection attempt ends instead of connecting. */
export type ConnectVerdict = "refused" | "unreachable" | "no_answer";

/** Toxiproxy's directions: upstream is what the connecting side sends, downstream what it receives. */
export type Direction = "upstream" | "downstream";

/** One TCP connection on the LAN, as the LAN's hooks see it. */
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

/** A board as the LAN's hooks see it: its name, and the reset button. */
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
