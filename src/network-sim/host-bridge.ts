import net from "node:net";
import type { Logger } from "pino";
import type { SocketAddress } from "./address.ts";
import { ByteQueue } from "./byte-queue.ts";
import { NetError } from "./errors.ts";
import type { TcpLink } from "./tcp-link.ts";

export interface LinkBuffers {
  sendBuffer: number;
  receiveWindow: number;
}

/** A board-side connection backed by a real TCP socket on the PC. */
export class NetSocketLink implements TcpLink {
  readonly inbound: ByteQueue;
  failure: NetError | null = null;
  private readonly spaceWaiters = new Set<() => void>();

  constructor(
    private readonly socket: net.Socket,
    readonly remote: SocketAddress,
    private readonly buffers: LinkBuffers,
  ) {
    this.inbound = new ByteQueue(buffers.receiveWindow);
    // The board's receive window is the only buffer: when it is full, stop reading the
    // real socket so the kernel's window closes and the PC's sender blocks.
    socket.on("data", (chunk: Buffer) => {
      if (!this.inbound.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length))) socket.pause();
    });
    this.inbound.onDrain = () => socket.resume();
    socket.on("end", () => this.inbound.end());
    socket.on("error", () => {
      this.failure = new NetError("ECONNRESET");
      this.inbound.fail(this.failure);
    });
    socket.on("close", () => this.inbound.end());
  }

  sendSpace(): number {
    if (this.socket.destroyed) return this.buffers.sendBuffer;
    return Math.max(0, this.buffers.sendBuffer - this.socket.writableLength);
  }

  waitForSendSpace(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const done = () => {
        this.spaceWaiters.delete(done);
        this.socket.off("close", done);
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        this.spaceWaiters.delete(done);
        this.socket.off("close", done);
        reject(signal!.reason);
      };
      this.spaceWaiters.add(done);
      this.socket.once("close", done);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  write(data: Uint8Array): void {
    // Space frees as each write reaches the kernel. 'drain' alone is not enough: Node emits it
    // only after a write() returned false, which never happens below its 16 KiB highWaterMark.
    if (!this.socket.destroyed) this.socket.write(data, () => this.wakeSpaceWaiters());
  }

  private wakeSpaceWaiters(): void {
    for (const waiter of [...this.spaceWaiters]) waiter();
  }

  end(): void {
    this.socket.end();
  }

  abort(): void {
    this.socket.resetAndDestroy();
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
  constructor(
    private readonly log: Logger,
    readonly bindAddress = "127.0.0.1",
  ) {}

  /**
   * Listens on bindAddress:port (or the next free port) and hands each accepted connection to
   * `onConnection` as a link whose peer address is `hostIp` (the PC as seen from the LAN).
   */
  async forward(
    board: SocketAddress,
    hostIp: string,
    buffers: LinkBuffers,
    onConnection: (link: NetSocketLink) => void,
  ): Promise<Forward> {
    const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      const port = socket.remotePort ?? 0;
      this.log.info({ from: `${socket.remoteAddress}:${port}`, to: `${board[0]}:${board[1]}` }, `connection from ${socket.remoteAddress}:${port}`);
      onConnection(new NetSocketLink(socket, [hostIp, port], buffers));
    });
    const hostPort = await listenNear(server, this.bindAddress, board[1]);
    if (hostPort !== board[1]) {
      this.log.warn({ wanted: board[1], hostPort }, `${this.bindAddress}:${board[1]} is in use; using ${this.bindAddress}:${hostPort} instead`);
    }
    this.log.info(
      { hostPort, boardAddress: `${board[0]}:${board[1]}` },
      `forward ${this.bindAddress}:${hostPort} → ${board[0]}:${board[1]}`,
    );
    return {
      hostPort,
      close: () => {
        server.close();
      },
    };
  }
}

async function listenNear(server: net.Server, host: string, wanted: number): Promise<number> {
  let listening = false;
  for (let port = wanted; !listening && port < wanted + PORT_SEARCH && port <= 65535; port++) {
    listening = await tryListen(server, host, port);
  }
  if (!listening) await tryListen(server, host, 0);
  return (server.address() as net.AddressInfo).port;
}

function tryListen(server: net.Server, host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      if (error.code === "EADDRINUSE" || error.code === "EACCES") resolve(false);
      else reject(error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve(true);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen({ host, port, exclusive: true });
  });
}
