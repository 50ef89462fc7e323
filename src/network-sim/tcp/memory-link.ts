import type { SocketAddress } from "../address.ts";
import { ByteQueue } from "./byte-queue.ts";
import { NetError } from "../errors.ts";
import type { LinkBuffers } from "../pc/host-bridge.ts";
import { Notifier } from "../notifier.ts";
import type { Pipe } from "./pipe.ts";
import type { TcpLink } from "./tcp-link.ts";

/**
 * One end of a TCP connection between two boards, entirely in memory. What the board writes waits
 * in its send buffer until the peer's receive window has room, then goes through `out` (a Pipe that
 * faults or the capture may wrap) to the peer's inbound queue: the host path's stream semantics
 * (backpressure, short sends, FIN → b'', RST → ECONNRESET) without a real socket.
 */
export class MemoryLink implements TcpLink {
  readonly inbound: ByteQueue;
  failure: NetError | null = null;
  /** Where this end's segments go; the peer's `arrive` unless something is wrapped around it. */
  out!: Pipe;
  private peer!: MemoryLink;
  private readonly unsent: Uint8Array[] = [];
  private unsentBytes = 0;
  private finPending = false;
  /** This end half-closed (shutdown): it sends nothing more, and reads on. */
  private writeShut = false;
  /** The board closed its socket: data arriving now is answered with RST, as lwIP does. */
  private closed = false;
  private readonly space = new Notifier();
  /** Bytes sent but not arrived yet (a fault delays them): they count against the peer's window and this send buffer. */
  private inFlight = 0;
  private flushing = false;

  constructor(
    readonly local: SocketAddress,
    readonly remote: SocketAddress,
    private readonly buffers: LinkBuffers,
  ) {
    this.inbound = new ByteQueue(buffers.receiveWindow);
    this.inbound.onDrain = () => this.peer.flush();
  }

  /** Segments from the peer arriving at this end. */
  readonly arrive: Pipe = {
    data: (chunk) => {
      this.peer.inFlight -= chunk.length;
      if (this.closed) return this.abort();
      this.inbound.push(chunk);
      this.peer.flush();
    },
    fin: () => this.inbound.end(),
    rst: () => {
      if (this.failure) return;
      this.failure = new NetError("ECONNRESET");
      this.dropUnsent();
      this.inbound.fail(this.failure);
      this.space.notify();
    },
  };

  sendSpace(): number {
    // lwIP frees send buffer on ACK: bytes still on their way hold it too.
    return Math.max(0, this.buffers.sendBuffer - this.unsentBytes - this.inFlight);
  }

  waitForSendSpace(signal?: AbortSignal): Promise<void> {
    return this.space.wait(signal);
  }

  /** Always a copy: the peer's recv() hands out views of what arrives, which nothing may write to. */
  write(data: Uint8Array): void {
    if (this.failure || this.closed || this.writeShut || data.length === 0) return;
    this.unsent.push(data.slice());
    this.unsentBytes += data.length;
    this.flush();
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.finPending = !this.failure && !this.writeShut;
    this.flush();
  }

  shutdown(): void {
    if (this.closed || this.writeShut) return;
    this.writeShut = true;
    this.finPending = !this.failure;
    this.flush();
  }

  abort(): void {
    if (this.failure) return;
    this.closed = true;
    this.failure = new NetError("ECONNABORTED");
    this.dropUnsent();
    this.inbound.end();
    this.out.rst();
    this.space.notify();
  }

  /** Moves from the send buffer what the peer's window takes, then the FIN once all data is out. */
  private flush(): void {
    if (this.flushing) return; // a segment arriving synchronously calls back in; the loop below goes on
    this.flushing = true;
    const window = this.peer.inbound;
    const room = () => window.capacity - window.size - this.inFlight;
    while (this.unsent.length > 0 && !this.failure && room() > 0) {
      const chunk = this.unsent[0]!;
      const n = Math.min(chunk.length, room());
      if (n === chunk.length) this.unsent.shift();
      else this.unsent[0] = chunk.subarray(n);
      this.unsentBytes -= n;
      this.inFlight += n;
      this.out.data(chunk.subarray(0, n));
    }
    this.flushing = false;
    if (this.unsent.length > 0 && room() <= 0) window.senderWaits();
    if (this.finPending && this.unsent.length === 0 && !this.failure) {
      this.finPending = false;
      this.out.fin();
    }
    this.space.notify();
  }

  private dropUnsent(): void {
    this.unsent.length = 0;
    this.unsentBytes = 0;
    this.finPending = false;
  }

  /** A connected pair: [the connecting end, the accepting end]. */
  static pair(client: SocketAddress, clientBuffers: LinkBuffers, server: SocketAddress, serverBuffers: LinkBuffers): [MemoryLink, MemoryLink] {
    const a = new MemoryLink(client, server, clientBuffers);
    const b = new MemoryLink(server, client, serverBuffers);
    a.peer = b;
    b.peer = a;
    a.out = b.arrive;
    b.out = a.arrive;
    return [a, b];
  }
}
