import type { SocketAddress } from "../address.ts";
import { blockingCall, settledOrAborted } from "../blocking.ts";
import { NetError } from "../errors.ts";
import { Notifier } from "../notifier.ts";
import type { Forward } from "../pc/host-bridge.ts";
import type { PollState } from "../poll-state.ts";
import { lwipSynSchedule } from "./syn-retries.ts";
import type { TcpLink } from "./tcp-link.ts";
import type { NetHost } from "../socket-host.ts";

/** What a TCP socket needs from the board it lives on. */
export interface SocketHost extends NetHost {
  /** Claims a local port; false when another open socket holds it. */
  claimPort(port: number, socket: TcpSocket): boolean;
  releasePort(port: number, socket: TcpSocket): void;
  /** TCP PCBs the board's sockets hold now (see BoardProfile.socket.tcpPcbs). */
  pcbsInUse(): number;
  /** Sockets listening now (see BoardProfile.socket.listenPcbs). */
  listeningSockets(): number;
  /** A PCB or an accept-queue slot was freed: connections that found no room may get in now. */
  roomFreed(): void;
  /** Claims a free port from the ephemeral range for a connecting socket. */
  ephemeralPort(socket: TcpSocket): number;
}

type State = "new" | "bound" | "listening" | "connecting" | "connected" | "closed";

/** lwIP's send() waits until this much buffer is free before writing a short count. */
const MIN_SEND_SPACE = 16;

/**
 * A board's TCP socket, MicroPython semantics: blocking calls wait (up to settimeout()), a
 * non-blocking socket raises EAGAIN, errors are symbolic NetErrors the profile numbers later.
 */
export class TcpSocket {
  /** null blocks forever, 0 is non-blocking, otherwise milliseconds. */
  timeoutMs: number | null = null;
  private state: State = "new";
  private local: SocketAddress | null = null;
  private link: TcpLink | null = null;
  private forward: Forward | null = null;
  private readonly acceptQueue: TcpLink[] = [];
  /** Connections the board has no room for yet: the real board drops their SYNs and the clients retry. */
  private readonly waiting: TcpLink[] = [];
  private backlog = 1;
  private readonly incoming = new Notifier();
  /** Connected, failed to connect, or closed: select/poll waiting on this socket look again. */
  private readonly stateChanged = new Notifier();
  private failureReported = false;
  /** Aborts a connect() still in progress when the socket is closed. */
  private connecting: AbortController | null = null;
  /** A non-blocking connect() that failed in the background: the next call raises it. */
  private connectFailure: NetError | null = null;

  constructor(
    private readonly host: SocketHost,
    link?: TcpLink,
    local?: SocketAddress,
  ) {
    if (link && local) {
      this.link = link;
      this.local = local;
      this.state = "connected";
    }
  }

  get remote(): SocketAddress | null {
    return this.link?.remote ?? null;
  }

  get isClosed(): boolean {
    return this.state === "closed";
  }

  get isListening(): boolean {
    return this.state === "listening";
  }

  /** PCBs this socket holds: one until it listens or closes; a listener, one per unaccepted connection. */
  get pcbs(): number {
    if (this.state === "listening") return this.acceptQueue.length;
    return this.state === "closed" ? 0 : 1;
  }

  bind(ip: string, port: number): void {
    this.assertOpen();
    if (this.state !== "new") throw new NetError("EINVAL");
    if (!this.host.claimPort(port, this)) throw new NetError("EADDRINUSE");
    this.local = [ip === "" ? "0.0.0.0" : ip, port];
    this.state = "bound";
  }

  /** Starts listening; resolves once the PC-side forward is open, so clients can connect right away. */
  async listen(backlog: number): Promise<void> {
    this.assertOpen();
    if (this.state === "listening") return;
    const { lan, profile, log } = this.host;
    // tcp_listen_with_backlog() finds no listening PCB: modlwip and the ESP32's sockets both raise ENOMEM.
    if (this.host.listeningSockets() >= profile.socket.listenPcbs) throw new NetError("ENOMEM");
    // At least one connection may wait for accept(), as in modlwip and lwIP.
    this.backlog = Math.max(1, backlog);
    const local = this.local;
    this.state = "listening";
    this.host.roomFreed(); // tcp_listen() swaps the full PCB for a small listening one
    if (!local) {
      // UNVERIFIED (derived from modlwip/lwIP code, no capture): listen() on an unbound socket
      // succeeds and listens on port 0, which no client can reach; accept() waits for ever.
      log.warn("listen() before bind(): the socket listens on port 0 and no client can reach it");
      return;
    }
    const boardIp = this.host.localIp();
    if (local[0] !== "0.0.0.0" && local[0] !== boardIp) {
      // UNVERIFIED: lwIP's tcp_bind() does not check that the address is the board's own, so bind and
      // listen succeed; packets for the board's real address never match the socket.
      log.warn({ bound: local[0] }, `listening on ${local[0]}:${local[1]}, which is not this board's address: no client can reach it`);
      return;
    }
    const shown: SocketAddress = [local[0] === "0.0.0.0" ? (boardIp ?? "0.0.0.0") : local[0], local[1]];
    this.forward = await lan.bridge.forward(shown, lan.hostIp, profile.socket, (link) => this.enqueue(lan.fromPc(link, shown, this.host.lanHost.name)), this.host.hostPort(local[1]), this.host.log);
    if ((this.state as State) === "closed") this.forward.close(); // closed while the forward opened
  }

  /** A connection from another board on the LAN; false when this socket is not listening. */
  offer(link: TcpLink): boolean {
    if (this.state !== "listening") return false;
    this.enqueue(link);
    return true;
  }

  /**
   * Connects to `ip:port`: a board on the LAN (in memory), or out through the PC. Blocks until
   * established, up to the timeout; non-blocking raises EINPROGRESS and connects in the background.
   */
  async connect(ip: string, port: number, signal?: AbortSignal): Promise<void> {
    this.assertOpen();
    if (this.state === "connecting") throw new NetError("EALREADY");
    if (this.state === "connected" || this.state === "listening") throw new NetError("EISCONN");
    const route = this.host.route(ip);
    if (!route) throw new NetError("EHOSTUNREACH");
    const local: SocketAddress = [route.localIp, this.local?.[1] ?? this.host.ephemeralPort(this)];
    this.local = local;
    this.state = "connecting";
    const attempt = new AbortController();
    this.connecting = attempt;
    const { lan, lanHost, profile } = this.host;
    let outcome: TcpLink | NetError | null = null;
    const pending = lan.connectTcp(route.net, lanHost, local, [ip, port], lwipSynSchedule(profile.socket.syn), attempt.signal).then(
      (link) => {
        outcome = link;
        this.connecting = null;
        if (this.state === "connecting") [this.link, this.state] = [link, "connected"];
        else link.abort(); // closed while connecting
        this.stateChanged.notify();
      },
      (error: unknown) => {
        outcome = error instanceof NetError ? error : new NetError("ECONNABORTED");
        this.connecting = null;
        this.stateChanged.notify();
        if (this.state !== "connecting") return;
        this.state = "bound";
        if (this.timeoutMs === 0) this.connectFailure = outcome; // the next call raises it
      },
    );
    if (this.timeoutMs === 0) throw new NetError("EINPROGRESS");
    try {
      await this.waitFor(
        () => {
          if (outcome instanceof NetError) throw outcome;
          return outcome;
        },
        (s) => settledOrAborted(pending, s),
        signal,
      );
    } catch (error) {
      attempt.abort(error);
      throw error;
    }
  }

  accept(signal?: AbortSignal): TcpSocket | Promise<TcpSocket> {
    this.assertOpen();
    if (this.state !== "listening") throw new NetError("EINVAL");
    const accepted = (link: TcpLink) => new TcpSocket(this.host, link, this.local!);
    const link = this.waitFor(
      () => this.acceptQueue.shift() ?? null,
      (s) => this.incoming.wait(s),
      signal,
    );
    return link instanceof Promise ? link.then(accepted) : accepted(link);
  }

  /**
   * Sends what the board's send buffer takes. `all` (sendall()): everything, or the socket's error.
   * Otherwise send(): on the lwIP raw-API ports one write of what fits (modlwip.c,
   * lwip_tcp_send); on ESP32 it writes on until all is sent or it would block past the socket's
   * timeout, then returns the count so far, raising EAGAIN/ETIMEDOUT only when nothing was sent
   * (ports/esp32/modsocket.c, _socket_send). A send either took bytes and says how many, or took
   * none and raised: a retry never sends the same bytes twice.
   */
  send(data: Uint8Array, signal?: AbortSignal, all = false, timeoutMs = this.timeoutMs): number | Promise<number> {
    const link = this.connectedLink();
    if (data.length === 0) return 0;
    // Room for all of it: the common case answers without building the wait (as the loop below would).
    if (!link.failure && link.sendSpace() >= data.length) {
      link.write(data);
      return data.length;
    }
    const partial = !all && this.host.profile.socket.partialSend;
    let sent = 0;
    let result: number | Promise<number>;
    try {
      result = this.waitFor(
      () => {
        // An in-memory link may free its buffer at once (the peer's window takes it): write on
        // while there is room, since no wake-up would follow.
        for (;;) {
          this.raiseFailure(link);
          const left = data.length - sent;
          const free = link.sendSpace();
          if (free < Math.min(MIN_SEND_SPACE, left)) return null;
          const n = Math.min(free, left);
          link.write(data.subarray(sent, sent + n));
          sent += n;
          if (partial || sent === data.length) return sent;
        }
      },
      (s) => link.waitForSendSpace(s),
      signal,
      timeoutMs,
    );
    } catch (error) {
      return tookSome(error, all, sent);
    }
    return result instanceof Promise ? result.catch((error: unknown) => tookSome(error, all, sent)) : result;
  }

  /**
   * Up to `max` bytes as they arrived; empty once the peer has closed. `timeoutMs` other than the
   * socket's: a TLS layer reading for itself (ssl.wrap_socket) whatever the script set.
   */
  recv(max: number, signal?: AbortSignal, timeoutMs = this.timeoutMs): Uint8Array | Promise<Uint8Array> {
    const link = this.connectedLink();
    // Data waiting: the common case on a busy connection answers without building the wait.
    const ready = link.inbound.tryRead(max);
    if (ready !== null) return ready;
    return this.waitFor(
      () => link.inbound.tryRead(max),
      (s) => link.inbound.wait(s),
      signal,
      timeoutMs,
    );
  }

  // A guest engine that moves socket data in shared memory (.py boards, micropython/data-channel.ts)
  // reads ahead and buffers sends between host calls with these; what it moves is what recv() and
  // send() would have moved at that moment.

  /** Copies the next received bytes into `into` without taking them; 0 unless connected. */
  peekReceived(into: Uint8Array, skip = 0): number {
    return this.state === "connected" && this.link ? this.link.inbound.peek(into, skip) : 0;
  }

  /** The script read `n` of the peeked bytes. */
  consumeReceived(n: number): void {
    if (this.state === "connected") this.link?.inbound.discard(n);
  }

  /** Bytes one send() would take now whole, without waiting: 0 unless connected and not failed. */
  sendRoom(): number {
    const link = this.link;
    return this.state === "connected" && link && !link.failure ? link.sendSpace() : 0;
  }

  /**
   * A send the script made within sendRoom(); dropped if the connection failed since (lwIP loses
   * its send buffer on RST). `data` is the engine's buffer, valid during this call only.
   */
  sendBuffered(data: Uint8Array): void {
    const link = this.link;
    if (this.state === "connected" && link && !link.failure) link.write(data, true);
  }

  close(): void {
    if (this.state === "closed") return;
    if (this.local) this.host.releasePort(this.local[1], this);
    this.forward?.close();
    this.connecting?.abort(new NetError("EBADF"));
    // A listener's unaccepted connections are aborted: their clients get RST (modlwip.c
    // lwip_socket_free_incoming calls tcp_abort on each; lwIP's netconn_drain does so on the ESP32).
    for (const pending of [...this.acceptQueue.splice(0), ...this.waiting.splice(0)]) pending.abort();
    if (this.link) {
      // lwIP's tcp_close answers with RST when received data was never read.
      if (this.link.inbound.size > 0) this.link.abort();
      else this.link.end();
    }
    this.state = "closed";
    this.incoming.notify();
    this.stateChanged.notify();
    this.host.roomFreed();
  }

  pollState(): PollState {
    const state = this.state;
    const link = this.link;
    if (state === "listening") return { kind: "tcp", state, incoming: this.acceptQueue.length > 0, sendSpace: 0 };
    if (state === "connected" && link) {
      const base = { kind: "tcp" as const, incoming: link.inbound.size > 0, sendSpace: link.failure ? 0 : link.sendSpace() };
      if (link.failure) return { ...base, state: link.failure.code === "ECONNRESET" ? "reset" : "failed" };
      return { ...base, state: link.inbound.readable && link.inbound.size === 0 ? "peer_closed" : "connected" };
    }
    // A socket that is not connected yet has its whole (empty) send buffer.
    const failed = state === "bound" && this.connectFailure !== null;
    return { kind: "tcp", state: failed ? "failed" : state, incoming: false, sendSpace: this.host.profile.socket.sendBuffer };
  }

  changed(write: boolean, signal: AbortSignal): Promise<void> {
    const waits = [this.incoming.wait(signal), this.stateChanged.wait(signal)];
    const link = this.link;
    if (link && !link.inbound.readable) waits.push(link.inbound.wait(signal));
    if (link && write && link.sendSpace() === 0) waits.push(link.waitForSendSpace(signal));
    return Promise.race(waits);
  }

  /** Lets in connections that were waiting, now that a PCB or a queue slot may be free. */
  admitWaiting(): void {
    for (const link of this.waiting.splice(0)) {
      // A peer that gave up while waiting has ended its side without sending anything: forget it.
      if (link.inbound.readable && link.inbound.size === 0) link.abort();
      else this.enqueue(link);
    }
  }

  /** The board goes away (reset): the connection is dropped with RST, then the socket closes. */
  reset(): void {
    this.link?.abort();
    this.close();
  }

  private enqueue(link: TcpLink): void {
    if (this.state !== "listening") return link.abort();
    const { profile, log } = this.host;
    const from = `${link.remote[0]}:${link.remote[1]}`;
    if (this.host.pcbsInUse() >= profile.socket.tcpPcbs) {
      // lwIP's tcp_alloc() fails: the SYN is dropped unanswered and the client retries it.
      log.info({ from, pcbs: profile.socket.tcpPcbs }, `connection from ${from} waits: all ${profile.socket.tcpPcbs} TCP PCBs in use`);
      this.waiting.push(link);
      return;
    }
    if (this.acceptQueue.length >= this.backlog) {
      if (profile.socket.backlogOverflow === "wait") {
        log.info({ from, backlog: this.backlog }, `connection from ${from} waits: accept queue full (backlog ${this.backlog})`);
        this.waiting.push(link);
        return;
      }
      log.info({ from, backlog: this.backlog }, `connection from ${from} reset: accept queue full (backlog ${this.backlog})`);
      link.abort();
      return;
    }
    this.acceptQueue.push(link);
    this.incoming.notify();
  }

  /**
   * Runs a blocking operation with the socket's timeout: `tryNow` returns a result or null when
   * it would block; `wait` resolves when it is worth trying again.
   */
  private waitFor<T>(tryNow: () => T | null, wait: (signal?: AbortSignal) => Promise<void>, signal?: AbortSignal, timeoutMs = this.timeoutMs): T | Promise<T> {
    return blockingCall(
      this.host.clock,
      timeoutMs,
      () => {
        this.assertOpen();
        return tryNow();
      },
      wait,
      signal,
    );
  }

  private connectedLink(): TcpLink {
    this.assertOpen();
    const failure = this.connectFailure;
    this.connectFailure = null;
    if (failure) throw failure;
    if (this.state === "connecting") throw new NetError("EAGAIN");
    if (this.state !== "connected" || !this.link) throw new NetError("ENOTCONN");
    return this.link;
  }

  private raiseFailure(link: TcpLink): void {
    if (!link.failure) return;
    if (this.failureReported) throw new NetError("EBADF");
    this.failureReported = true;
    throw link.failure;
  }

  private assertOpen(): void {
    if (this.state === "closed") throw new NetError("EBADF");
  }
}

/** send() that took some bytes before it would block past its timeout returns their count (see TcpSocket.send). */
function tookSome(error: unknown, all: boolean, sent: number): number {
  if (!all && sent > 0 && error instanceof NetError && (error.code === "EAGAIN" || error.code === "ETIMEDOUT")) return sent;
  throw error;
}
