import dgram from "node:dgram";
import type { EventEmitter } from "node:events";
import net from "node:net";
import type { Logger } from "pino";
import type { SocketAddress } from "../address.ts";
import { ByteQueue } from "../tcp/byte-queue.ts";
import { NetError } from "../errors.ts";
import { Notifier } from "../notifier.ts";
import type { Pipe, Segment } from "../tcp/pipe.ts";
import type { TcpLink } from "../tcp/tcp-link.ts";
import { abortableWait } from "../clock/abortable-wait.ts";

export interface LinkBuffers {
  sendBuffer: number;
  receiveWindow: number;
}

/** Bytes a board's connection gathers before one write() to the real socket (see NetSocketLink.gather). */
const GATHER_BYTES = 65536;

/** A board-side connection backed by a real TCP socket on the PC. */
export class NetSocketLink implements TcpLink {
  readonly inbound: ByteQueue;
  failure: NetError | null = null;
  /**
   * The board's bytes a fault's pipe still holds (a WiFi hop, a bandwidth limit): with those the
   * real socket has not handed to the kernel (`writableLength`: the PC's window is closed), they
   * are what is unacknowledged, so they hold the board's send buffer (lwIP frees it on ACK).
   * Bytes the kernel has taken free it at once, not when Node's write callback runs: that needs
   * an event-loop turn, which a guest looping on ready data denies, so the buffer filled and
   * send() returned short counts no modelled cause explained (docs/reliability.md).
   */
  private inPipe = 0;
  private readonly sendSpaceFreed = new Notifier();
  private readonly freed = () => this.sendSpaceFreed.notify();
  /**
   * The board's bytes of this turn, gathered for one write() to the real socket: a board sends in
   * small pieces (a recv(1024)/send loop runs through a whole 64 KiB read of the PC's socket in one
   * turn, a .py board hands over its buffered sends at each host call): a write() system call for
   * each cost more than the rest of the send, and Node's cork and writev of the pieces ≈ 1-2 µs
   * more per piece than a copy into one buffer (measured, issue 16). They are written at the end
   * of the turn, or once GATHER_BYTES are waiting. Gathered bytes count as taken by the kernel (they free
   * the send buffer at once, as a write the kernel takes does): while the kernel has not taken
   * earlier bytes (`writableLength`: the PC's window is closed), bytes are not gathered but wait
   * in the socket's backlog, where they hold the send buffer. So bytes are gathered only while the
   * socket holds none: the one buffer is free again (Node and the kernel are done with the last
   * write from it) whenever a turn gathers into it.
   */
  private gather: Buffer | null = null;
  private gathered = 0;
  private readonly flush = () => {
    if (this.gathered === 0) return;
    const bytes = this.gather!.subarray(0, this.gathered);
    this.gathered = 0;
    this.socket.write(bytes, this.freed);
  };
  /** Sees the connection's segments (the capture): sent by the board, or by the real peer. */
  observer: ((fromBoard: boolean, segment: Segment) => void) | null = null;
  /** The board's segments arriving at the real socket. */
  private readonly toPeer: Pipe = {
    data: (chunk) => {
      this.inPipe -= chunk.length;
      this.toSocket(chunk);
    },
    fin: () => {
      this.flush();
      this.socket.end();
    },
    rst: () => {
      this.flush(); // the bytes before the RST, as the board sent them
      this.socket.resetAndDestroy();
    },
  };
  /** The board's segments on their way to the real socket; faults wrap it. */
  out: Pipe = this.toPeer;
  /** Bytes read from the real socket that a fault still holds (delayed): they count against the window. */
  private inFlight = 0;
  /**
   * Bytes read from the real socket beyond the board's window: a real sender would not have sent
   * them yet, so they go on (and into the capture) only as the window opens.
   */
  private held: Uint8Array[] = [];
  /** The real peer's FIN, waiting behind the held bytes. */
  private heldFin = false;
  private pumping = false;
  /** The real peer sent FIN or RST: it is on its way to the board through `incoming`. */
  private peerClosed = false;
  /** The peer's RST has been passed on: a later socket error is the same reset. */
  private resetSent = false;
  /** The board's side has seen FIN or RST: whatever still comes is not held back. */
  private inboundDone = false;
  /** The real peer's segments on their way to the board's receive window; faults wrap it. */
  incoming: Pipe = {
    // The board's receive window is the only buffer: when it is full, stop reading the
    // real socket so the kernel's window closes and the PC's sender blocks.
    data: (chunk) => {
      this.inFlight -= chunk.length;
      this.inbound.push(chunk);
      this.pump();
    },
    fin: () => {
      this.inboundDone = true;
      this.inbound.end();
    },
    rst: () => {
      this.inboundDone = true;
      if (this.failure) return;
      this.failure = new NetError("ECONNRESET");
      this.inbound.fail(this.failure);
    },
  };

  constructor(
    private readonly socket: net.Socket,
    readonly remote: SocketAddress,
    private readonly buffers: LinkBuffers,
  ) {
    this.inbound = new ByteQueue(buffers.receiveWindow);
    socket.on("data", (chunk: Buffer) => {
      this.held.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      this.pump();
    });
    this.inbound.onDrain = () => this.pump();
    socket.on("end", () => {
      this.peerClosed = true;
      // libuv reports a peer's RST that follows data (SO_LINGER 0) as EOF too (the hang-up after a
      // partial read, uv__stream_io): an empty write tells them apart, since the kernel fails it
      // on a reset connection and takes it on a half-closed one.
      if (socket.writableEnded || socket.destroyed) return this.peerSent({ kind: "fin" });
      socket.write(new Uint8Array(0), (error) => this.peerSent({ kind: error ? "rst" : "fin" }));
    });
    socket.on("error", () => {
      this.peerClosed = true;
      if (!this.resetSent) this.peerSent({ kind: "rst" }); // else the empty write's failure, sent already
    });
    socket.on("close", () => {
      // The peer's FIN or RST travels the incoming pipe behind its data (a WiFi hop delays all
      // three alike); ending the board's stream here would overtake them. Only a close boardsim
      // caused (the board's own RST) ends it at once.
      if (!this.peerClosed) this.inbound.end();
      this.sendSpaceFreed.notify();
    });
  }

  /**
   * The real peer's FIN, on its way to the board behind its data; or its RST, which drops what the
   * window held back (a real sender discards its unsent data when it resets).
   */
  private peerSent(segment: Segment): void {
    if (segment.kind === "fin") {
      this.heldFin = true;
      return this.pump();
    }
    this.held = [];
    this.observer?.(false, segment);
    this.resetSent = true;
    this.incoming.rst();
  }

  /**
   * Passes on as much of the held bytes as the board's window takes (all once the board's side is
   * done), then the held FIN; reads the real socket only while nothing is held, so the kernel's
   * window closes and the PC's sender blocks.
   */
  private pump(): void {
    if (this.pumping) return; // a piece delivered at once calls back through incoming.data
    this.pumping = true;
    for (let free = this.room(); this.held.length > 0 && free > 0; free = this.room()) {
      const head = this.held[0]!;
      const piece = head.length <= free ? this.held.shift()! : head.subarray(0, free);
      if (piece !== head) this.held[0] = head.subarray(free);
      this.observer?.(false, { kind: "data", chunk: piece });
      this.inFlight += piece.length;
      this.incoming.data(piece);
    }
    this.pumping = false;
    if (this.held.length === 0 && this.heldFin) {
      this.heldFin = false;
      this.observer?.(false, { kind: "fin" });
      this.incoming.fin();
    }
    if (this.held.length > 0 || this.room() <= 0) {
      this.socket.pause();
      this.inbound.senderWaits();
    } else this.socket.resume();
  }

  /** What the board's window takes now. */
  private room(): number {
    return this.inboundDone ? Infinity : this.buffers.receiveWindow - this.inbound.size - this.inFlight;
  }

  sendSpace(): number {
    if (this.socket.destroyed) return this.buffers.sendBuffer;
    return Math.max(0, this.buffers.sendBuffer - this.inPipe - this.socket.writableLength);
  }

  /**
   * Copies `chunk` into this turn's write (see `gather`); while the kernel holds earlier bytes back,
   * or when it is bigger than a turn's write, writes a copy of it at once.
   */
  private toSocket(chunk: Uint8Array): void {
    if (this.gathered + chunk.length > GATHER_BYTES) this.flush();
    if ((this.gathered === 0 && this.socket.writableLength > 0) || chunk.length > GATHER_BYTES) return void this.socket.write(chunk.slice(), this.freed);
    if (this.gathered === 0) process.nextTick(this.flush);
    this.gather ??= Buffer.allocUnsafe(GATHER_BYTES);
    this.gather.set(chunk, this.gathered);
    this.gathered += chunk.length;
  }

  waitForSendSpace(signal?: AbortSignal): Promise<void> {
    return this.sendSpaceFreed.wait(signal);
  }

  write(data: Uint8Array, borrowed = false): void {
    if (this.socket.destroyed) return;
    // Nothing between the board and the real socket (no capture, no fault): toSocket copies what it keeps.
    if (this.out === this.toPeer && !this.observer) return this.toSocket(data);
    // The capture and faults may hold it: not a buffer the caller reuses.
    if (borrowed) data = data.slice();
    this.observer?.(true, { kind: "data", chunk: data });
    this.inPipe += data.length;
    this.out.data(data);
  }

  end(): void {
    if (this.socket.writableEnded) return;
    this.observer?.(true, { kind: "fin" });
    this.out.fin();
  }

  /** Its end() is a FIN alone already: the real socket reads on until the PC closes. */
  shutdown(): void {
    this.end();
  }

  abort(): void {
    if (!this.socket.destroyed) this.observer?.(true, { kind: "rst" });
    this.out.rst();
  }
}

export interface Forward {
  readonly hostPort: number;
  close(): void;
}

/** How many ports above the wanted one to try before letting the OS choose. */
const PORT_SEARCH = 100;

/**
 * The PC side of the simulation: real TCP listeners on this machine that forward into boards'
 * listening sockets.
 */
export class HostBridge {
  /** The real TCP connections boards have now, to let them finish sending before boardsim exits. */
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly log: Logger,
    readonly bindAddress = "127.0.0.1",
  ) {}

  /**
   * Resolves once every connection has sent all the boards gave it, its FIN included (data can
   * still be on its way through a fault's pipe when a script ends), or after `maxMs`.
   */
  async drain(maxMs: number): Promise<void> {
    const sending = [...this.sockets].filter((s) => !s.writableFinished);
    if (sending.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const finished = sending.map((s) => new Promise((resolve) => s.once("finish", resolve).once("close", resolve)));
    await Promise.race([Promise.all(finished), new Promise((resolve) => (timer = setTimeout(resolve, maxMs)))]);
    clearTimeout(timer);
  }

  private link(socket: net.Socket, remote: SocketAddress, buffers: LinkBuffers): NetSocketLink {
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
    return new NetSocketLink(socket, remote, buffers);
  }

  /**
   * Listens on bindAddress:port (or the next free port) and hands each accepted connection to
   * `onConnection` as a link whose peer address is `hostIp` (the PC as seen from the LAN). `log` is
   * the board's, so its lines name the board.
   */
  async forward(
    board: SocketAddress,
    hostIp: string,
    buffers: LinkBuffers,
    onConnection: (link: NetSocketLink) => void,
    wantedPort = board[1],
    log: Logger = this.log,
  ): Promise<Forward> {
    const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      const port = socket.remotePort ?? 0;
      log.info({ from: `${socket.remoteAddress}:${port}`, to: `${board[0]}:${board[1]}` }, `connection from ${socket.remoteAddress}:${port}`);
      onConnection(this.link(socket, [hostIp, port], buffers));
    });
    await bindNear((port) => startListening(server, () => server.listen({ host: this.bindAddress, port, exclusive: true })), wantedPort);
    const hostPort = (server.address() as net.AddressInfo).port;
    if (wantedPort !== 0 && hostPort !== wantedPort) {
      log.warn({ wanted: wantedPort, hostPort }, `${this.bindAddress}:${wantedPort} is in use; using ${this.bindAddress}:${hostPort} instead`);
    }
    // Where to connect is what the user needs most: still shown with --log-level warn.
    const level = log.isLevelEnabled("info") ? "info" : "warn";
    log[level](
      { hostPort, boardAddress: `${board[0]}:${board[1]}` },
      `forward ${this.bindAddress}:${hostPort} → ${board[0]}:${board[1]}: reach the board at ${this.bindAddress === "0.0.0.0" ? "this PC's address" : this.bindAddress}:${hostPort} (${board[0]} exists only on the simulated WiFi)`,
    );
    return {
      hostPort,
      close: () => {
        server.close();
      },
    };
  }

  /**
   * A board's connection leaving the LAN: a real TCP connection from this PC to `address` (the PC
   * itself, or NAT to anywhere else). The board sees `remote` as its peer. A refusal is the RST
   * lwIP reports as ECONNRESET (all three boards).
   */
  connect(address: string, remote: SocketAddress, buffers: LinkBuffers, signal?: AbortSignal, log: Logger = this.log): Promise<NetSocketLink> {
    const target = `${address}:${remote[1]}`;
    return abortableWait(signal, (resolve, reject) => {
      const socket = net.connect({ host: address, port: remote[1], allowHalfOpen: true, noDelay: true });
      const settle = () => socket.off("connect", onConnect).off("error", onError);
      const onConnect = () => {
        settle();
        log.info({ to: remote.join(":"), via: target, localPort: socket.localPort }, `connected to ${remote.join(":")} (${target})`);
        resolve(this.link(socket, remote, buffers));
      };
      const onError = (error: NodeJS.ErrnoException) => {
        settle();
        const seen = error.code === "ECONNREFUSED" ? "ECONNRESET" : error.code === "ETIMEDOUT" ? "ECONNABORTED" : "EHOSTUNREACH";
        log.warn({ to: remote.join(":"), via: target, code: error.code }, `connection to ${target} failed (${error.code}): the board sees ${seen}`);
        reject(new NetError(seen));
      };
      socket.once("connect", onConnect).once("error", onError);
      return () => {
        settle();
        socket.destroy();
      };
    });
  }

  /**
   * A board's UDP socket on the PC: a real UDP socket on bindAddress near `board`'s port. What it
   * receives goes to `onMessage` (the PC's port and address); send() is the board's datagram leaving the LAN.
   */
  async udp(board: SocketAddress, onMessage: (data: Uint8Array, port: number, address: string) => void, log: Logger = this.log): Promise<UdpForward> {
    const socket = dgram.createSocket("udp4");
    socket.on("message", (msg, rinfo) => onMessage(new Uint8Array(msg), rinfo.port, rinfo.address));
    try {
      await bindNear((port) => startListening(socket, () => socket.bind({ address: this.bindAddress, port, exclusive: true })), board[1]);
    } catch (error) {
      socket.close(); // e.g. EMFILE: the caller tells the board
      throw error;
    }
    socket.on("error", (error) => log.warn({ error: error.message }, `UDP ${board.join(":")}: ${error.message}`));
    const hostPort = socket.address().port;
    log.info({ hostPort, boardAddress: board.join(":") }, `forward udp ${this.bindAddress}:${hostPort} → ${board.join(":")}`);
    return {
      hostPort,
      send: (data, port, address) => new Promise<void>((resolve) => socket.send(data, port, address, () => resolve())),
      close: () => socket.close(),
    };
  }
}

export interface UdpForward {
  readonly hostPort: number;
  /** Resolves once the datagram has left. */
  send(data: Uint8Array, port: number, address: string): Promise<void>;
  close(): void;
}

/** Tries `wanted`, then the next ports up, then whatever the OS gives; `tryPort` resolves false when a port is taken. */
async function bindNear(tryPort: (port: number) => Promise<boolean>, wanted: number): Promise<void> {
  for (let port = wanted; port < wanted + PORT_SEARCH && port <= 65535; port++) {
    if (await tryPort(port)) return;
  }
  await tryPort(0);
}

/** Runs `start` (listen or bind) on `emitter`; false when the port is taken, true once it listens. */
function startListening(emitter: EventEmitter, start: () => void): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      emitter.off("listening", onListening);
      if (error.code === "EADDRINUSE" || error.code === "EACCES") resolve(false);
      else reject(error);
    };
    const onListening = () => {
      emitter.off("error", onError);
      resolve(true);
    };
    emitter.once("error", onError);
    emitter.once("listening", onListening);
    start();
  });
}
