import type { SocketAddress } from "../address.ts";
import { NetError } from "../errors.ts";
import { PC_MAC, type Lan } from "../lan.ts";
import type { LanHost } from "../lan-host.ts";
import type { SynSchedule } from "../tcp/syn-retries.ts";
import type { TcpLink } from "../tcp/tcp-link.ts";

/** A PC's socket buffers: much larger than a board's, so the board is the bottleneck as in real life. */
const PC_BUFFERS = { sendBuffer: 256 * 1024, receiveWindow: 256 * 1024 };
/**
 * Linux resends an unanswered SYN after 1, 2, 4, … s (TCP_TIMEOUT_INIT 1 s, doubling) and gives up
 * 127 s in (tcp_syn_retries 6; Linux net/ipv4/tcp_timer.c, ip-sysctl.rst).
 */
const PC_SYN: SynSchedule = { retransmitsAt: [1, 3, 7, 15, 31, 63].map((s) => s * 1000), givesUpAt: 127_000 };

/**
 * What the PC side of a lab waits for (a connection, bytes). It settles only while the lab runs
 * simulated time, so each await of it while pending is reported (PcPeers.awaited): the lab hints
 * when the test awaits it without running the simulation.
 */
export class PcWait<T> extends Promise<T> {
  // then() and friends make plain promises: only the wait the API returned reports its awaits.
  static override get [Symbol.species]() {
    return Promise;
  }
  settled = false;
  awaited?: (() => void) | undefined;

  static of<T>(promise: Promise<T>, awaited: (() => void) | undefined): PcWait<T> {
    const wait: PcWait<T> = new PcWait<T>((resolve, reject) =>
      promise.then(
        (value) => ((wait.settled = true), resolve(value)),
        (error: unknown) => ((wait.settled = true), reject(error)),
      ),
    );
    wait.awaited = awaited;
    return wait;
  }

  override then<A = T, B = never>(onFulfilled?: ((value: T) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    if (!this.settled) this.awaited?.();
    return super.then(onFulfilled, onRejected);
  }
}

/** One TCP connection of a PC peer: what the chapter's Processing tool or a Python script does with a socket. */
export class PcConnection {
  private readonly decoder = new TextDecoder();
  /** Everything received so far, as text. */
  text = "";

  constructor(
    private readonly link: TcpLink,
    private readonly watch: <T>(promise: Promise<T>, what: string) => Promise<T> = (promise) => promise,
  ) {}

  /** The board's address and port. */
  get remote(): SocketAddress {
    return this.link.remote;
  }

  /** Sends all of `data` (text as UTF-8), waiting for the board's window as a real sender would. */
  send(data: string | Uint8Array): Promise<void> {
    return this.watch(this.sendAll(data), "conn.send()");
  }

  private async sendAll(data: string | Uint8Array): Promise<void> {
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
  recv(max = 65536): Promise<Uint8Array> {
    return this.watch(this.read(max), "conn.recv()");
  }

  private async read(max: number): Promise<Uint8Array> {
    const chunk = await this.link.inbound.read(max);
    this.text += this.decoder.decode(chunk, { stream: true });
    return chunk;
  }

  /** Reads until the text received so far contains `wanted`; throws when the connection ends first. */
  readUntil(wanted: string): Promise<string> {
    return this.watch(this.readUntilText(wanted), `conn.readUntil(${JSON.stringify(wanted)})`);
  }

  private async readUntilText(wanted: string): Promise<string> {
    while (!this.text.includes(wanted)) {
      if ((await this.read(65536)).length === 0) throw new Error(`the connection closed before ${JSON.stringify(wanted)} arrived; got ${JSON.stringify(this.text)}`);
    }
    return this.text;
  }

  /** Reads until the board closes; returns everything received. */
  readAll(): Promise<string> {
    return this.watch(this.readToEnd(), "conn.readAll()");
  }

  private async readToEnd(): Promise<string> {
    while ((await this.read(65536)).length > 0);
    return this.text;
  }

  /**
   * Half-closes the PC's side (FIN), as `nc -N`, Python's shutdown(SHUT_WR) or Node's socket.end():
   * the board reads b'', and what it sends back still arrives (recv, readAll).
   */
  end(): void {
    this.link.shutdown();
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
    private readonly watch: <T>(promise: Promise<T>, what: string) => Promise<T> = (promise) => promise,
  ) {}

  /** The next connection from a board. */
  accept(): Promise<PcConnection> {
    const ready = this.waiting.shift();
    return this.watch(ready ? Promise.resolve(ready) : new Promise((resolve) => this.waiters.push(resolve)), "server.accept()");
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
  /** Called when a test awaits a pending PC-side wait (`what`, e.g. "server.accept()"). */
  awaited?: (what: string, wait: PcWait<unknown>) => void;

  constructor(private readonly lan: Lan) {}

  private readonly watch = <T>(promise: Promise<T>, what: string): Promise<T> => {
    const wait: PcWait<T> = PcWait.of(promise, () => this.awaited?.(what, wait));
    return wait;
  };

  /** Listens on `port` of the PC; boards connecting to 192.168.1.2:port reach it. */
  listen(port: number): PcServer {
    const server = new PcServer(port, () => this.servers.delete(port), this.watch);
    this.servers.set(port, server);
    return server;
  }

  /** Connects from the PC to a board's listening socket, as `nc IP PORT` would. */
  connect(ip: string, port: number): Promise<PcConnection> {
    return this.watch(this.open(ip, port), `lab.pc.connect(${JSON.stringify(ip)}, ${port})`);
  }

  private async open(ip: string, port: number): Promise<PcConnection> {
    const net = this.lan.accessPoints.find((ap) => ap.config.uplink);
    if (!net) throw new NetError("EHOSTUNREACH"); // the router is off the air
    const link = await this.lan.connectTcp(net, this, [this.lan.hostIp, this.nextPort++], [ip, port], PC_SYN);
    return new PcConnection(link, this.watch);
  }

  acceptTcp(localPort: number, link: TcpLink): boolean {
    const server = this.servers.get(localPort);
    server?.offer(new PcConnection(link, this.watch));
    return server !== undefined;
  }

  receiveUdp(): void {}
}
