/**
 * What a socket looks like to select/poll right now, in the simulator's terms; each board turns it
 * into POLLIN/POLLOUT/POLLHUP/POLLERR by its firmware's rules (src/emulator/host/modselect.ts).
 */
export interface PollState {
  kind: "tcp" | "udp";
  /** new, bound, listening, connecting, connected, peer_closed (FIN read side), reset, failed, closed. */
  state: "new" | "bound" | "listening" | "connecting" | "connected" | "peer_closed" | "reset" | "failed" | "closed";
  /** Data (or a datagram, or a connection to accept) waits: a read would not block. */
  incoming: boolean;
  /** Bytes the send buffer takes now (UDP: always room). */
  sendSpace: number;
}

/** A socket select/poll can wait on. */
export interface Pollable {
  pollState(): PollState;
  /** Resolves when pollState() may have changed (send space only counts when `write` is asked). */
  changed(write: boolean, signal: AbortSignal): Promise<void>;
}
