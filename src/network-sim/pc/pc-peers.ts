import type { SocketAddress } from "../address.ts";
import { NetError } from "../errors.ts";
import { PC_MAC, type Lan } from "../lan.ts";
import type { LanHost } from "../lan-host.ts";
import type { TcpLink } from "../tcp/tcp-link.ts";

/** A PC's socket buffers: much larger than a board's, so the board is the bottleneck as in real life. */
const PC_BUFFERS = { sendBuffer: 256 * 1024, receiveWindow: 256 * 1024 };
/** Linux gives up on unanswered SYNs after about 127 s (tcp_syn_retries 6). */
const PC_SYN_TIMEOUT_MS = 127_000;

/** One TCP connection of a PC peer: what the chapter's Processing tool or a Python script does with a socket. */
export class PcConnection {
  private readonly decoder = new TextDecoder();
  /** Everything received so far, as text. */
  text = "";

  constructor(private readonly link: TcpLink) {}

  /** The board's address and port. */
  get remote(): SocketAddress {
    return this.link.remote;
  }

  /** Sends all of `data` (text as UTF-8), waiting for the board's window as a real sender would. */
  async send(data: string | Uint8Array): Promise<void> {
    let rest = typeof data === "string" ? new TextEncoder().encode(data) : data;
    while (rest.length > 0) {
      if (this.link.failure) throw this.link.failure;
      const n = Math.min(rest.length, this.link.sendSpace());
      if (n === 0) await this.link.waitForSendSpace();
      else this.link.write(rest.subarray(0, n));
      rest = rest.subarray(n);
    }
  }

  /** The next bytes that arrive (at most `max`); empty once the board has closed; throws NetError("ECONNRESET") on a reset. */
  async recv(max = 65536): Promise<Uint8Array> {
    const chunk = await this.link.inbound.read(max);
    this.text += this.decoder.decode(chunk, { stream: true });
    return chunk;
  }

  /** Reads until the text received so far contains `wanted`; throws when the connection ends first. */
  async readUntil(wanted: string): Promise<string> {
    while (!this.text.includes(wanted)) {
      if ((await this.recv()).length === 0) throw new Error(`the connection closed before ${JSON.stringify(wanted)} arrived; got ${JSON.stringify(this.text)}`);
    }
    return this.text;
  }

  /** Reads until the board closes; returns everything received. */
  async readAll(): Promise<string> {
    while ((await this.recv()).length > 0);
    return this.text;
  }

  /** Closes the PC's side (FIN): the board reads b''. */
  end(): void {
    this.link.end();
  }

  /** Resets the connection (RST): the board sees ECONNRESET. */
  reset(): void {
    this.link.abort();
  }
}

/** A listening socket on the PC (like `nc -l PORT` or the Processing tool in TCP SERVER mode). */
export class PcServer {
  private readonly waiting: PcConnection[] = [];
  private readonly waiters: ((c: PcConnection) => void)[] = [];
  readonly connections: PcConnection[] = [];

  constructor(
    readonly port: number,
    readonly close: () => void,
  ) {}

  /** The next connection from a board. */
  accept(): Promise<PcConnection> {
    const ready = this.waiting.shift();
    return ready ? Promise.resolve(ready) : new Promise((resolve) => this.waiters.push(resolve));
  }

  offer(connection: PcConnection): void {
    this.connections.push(connection);
    const waiter = this.waiters.shift();
    if (waiter) waiter(connection);
    else this.waiting.push(connection);
  }
}

/**
 * The PC inside a virtual-time lab (192.168.1.2): in-memory peers that play the PC side of the
 * chapter, a TCP server the boards connect to or a client that connects to a board. Set as Lan.pc.
 */
export class PcPeers implements LanHost {
  readonly name = "pc";
  readonly mac = PC_MAC;
  readonly linkBuffers = PC_BUFFERS;
  private readonly servers = new Map<number, PcServer>();
  private nextPort = 50_000;

  constructor(private readonly lan: Lan) {}

  /** Listens on `port` of the PC; boards connecting to 192.168.1.2:port reach it. */
  listen(port: number): PcServer {
    const server = new PcServer(port, () => this.servers.delete(port));
    this.servers.set(port, server);
    return server;
  }

  /** Connects from the PC to a board's listening socket, as `nc IP PORT` would. */
  async connect(ip: string, port: number): Promise<PcConnection> {
    const net = this.lan.accessPoints.find((ap) => ap.config.uplink);
    if (!net) throw new NetError("EHOSTUNREACH"); // the router is off the air
    const link = await this.lan.connectTcp(net, this, [this.lan.hostIp, this.nextPort++], [ip, port], PC_SYN_TIMEOUT_MS);
    return new PcConnection(link);
  }

  acceptTcp(localPort: number, link: TcpLink): boolean {
    const server = this.servers.get(localPort);
    server?.offer(new PcConnection(link));
    return server !== undefined;
  }

  receiveUdp(): void {}
}
