import type { SocketAddress } from "../address.ts";
import type { ByteQueue } from "./byte-queue.ts";
import type { NetError } from "../errors.ts";

/**
 * One established TCP connection as a board's socket sees it. The far end may be a real socket
 * on the PC (host bridge) or, later, another virtual board; faults sit between the two.
 */
export interface TcpLink {
  /** Bytes from the peer, bounded by the board's receive window. */
  readonly inbound: ByteQueue;
  /** The peer's address as the board sees it. */
  readonly remote: SocketAddress;
  /** Set once the connection failed (reset by the peer); sends raise it. */
  readonly failure: NetError | null;
  /** Bytes the board's send buffer can take right now. */
  sendSpace(): number;
  /** Resolves when sendSpace() may have grown or the link failed. */
  waitForSendSpace(signal?: AbortSignal): Promise<void>;
  /**
   * Queues data to send; the link keeps it as it is (the caller does not write to it again), or
   * a copy when `borrowed` (the caller's buffer, valid during this call only).
   */
  write(data: Uint8Array, borrowed?: boolean): void;
  /** Graceful close (FIN) of the board's side. */
  end(): void;
  /**
   * Half-close: FIN once the data queued is out, and what the peer sends still arrives (a PC's
   * shutdown(SHUT_WR), Node's socket.end(), `nc -N` at end of input). A board has none: MicroPython
   * v1.23's sockets have no shutdown() (extmod/modlwip.c, ports/esp32/modsocket.c).
   */
  shutdown(): void;
  /** Immediate teardown (RST). */
  abort(): void;
}
