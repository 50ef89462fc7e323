import type { Logger } from "pino";
import type { BoardProfile } from "../boards/profile.ts";
import type { SocketAddress } from "./address.ts";
import type { Clock } from "./clock.ts";
import { NetError } from "./errors.ts";
import type { Forward } from "./host-bridge.ts";
import type { Lan } from "./lan.ts";
import type { TcpLink } from "./tcp-link.ts";

/** What a socket needs from the board it lives on. */
export interface SocketHost {
  lan: Lan;
  clock: Clock;
  log: Logger;
  profile: BoardProfile;
  /** The board's current address, null while it has no link. */
  localIp(): string | null;
  /** Claims a local port; false when another open socket holds it. */
  claimPort(port: number, socket: TcpSocket): boolean;
  releasePort(port: number, socket: TcpSocket): void;
  /** TCP PCBs the board's sockets hold now (see BoardProfile.socket.tcpPcbs). */
  pcbsInUse(): number;
  /** Sockets listening now (see BoardProfile.socket.listenPcbs). */
  listeningSockets(): number;
  /** A socket gave its PCB back: connections that found none may get in now. */
  pcbReleased(): void;
}

type State = "new" | "bound" | "listening" | "connected" | "closed";

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
  /** Connections that arrived while no PCB was free: on the real board their SYNs are dropped and retried. */
  private readonly waitingForPcb: TcpLink[] = [];
  private backlog = 1;
  private acceptWaiter: (() => void) | null = null;
  private failureReported = false;

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
    if (this.host.listeningSockets() >= profile.socket.listenPcbs) throw new NetError(profile.socket.outOfPcbsError);
    // modlwip keeps max(1, backlog) accepted-but-not-yet-accept()ed connections.
    this.backlog = Math.max(1, backlog);
    const local = this.local;
    this.state = "listening";
    this.host.pcbReleased(); // tcp_listen() swaps the full PCB for a small listening one
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
    this.forward = await lan.bridge.forward(shown, lan.hostIp, profile.socket, (link) => this.enqueue(link));
    if ((this.state as State) === "closed") this.forward.close(); // closed while the forward opened
  }

  async accept(signal?: AbortSignal): Promise<TcpSocket> {
    this.assertOpen();
    if (this.state !== "listening") throw new NetError("EINVAL");
    const link = await this.waitFor(
      () => this.acceptQueue.shift() ?? null,
      (s) => this.waitForIncoming(s),
      signal,
    );
    return new TcpSocket(this.host, link, this.local!);
  }

  /** Sends what the board's send buffer takes: everything (ESP32) or a possibly short count (lwIP raw API). */
  async send(data: Uint8Array, signal?: AbortSignal): Promise<number> {
    const link = this.connectedLink();
    if (data.length === 0) return 0;
    let sent = 0;
    while (sent < data.length) {
      const left = data.length - sent;
      const space = await this.waitFor(
        () => {
          this.raiseFailure(link);
          const free = link.sendSpace();
          return free >= Math.min(MIN_SEND_SPACE, left) ? free : null;
        },
        (s) => link.waitForSendSpace(s),
        signal,
      );
      const n = Math.min(space, left);
      link.write(data.subarray(sent, sent + n));
      sent += n;
      if (this.host.profile.socket.partialSend) break;
    }
    return sent;
  }

  /** Up to `max` bytes as they arrived; empty once the peer has closed. */
  async recv(max: number, signal?: AbortSignal): Promise<Uint8Array> {
    const link = this.connectedLink();
    return this.waitFor(
      () => link.inbound.tryRead(max),
      (s) => link.inbound.wait(s),
      signal,
    );
  }

  close(): void {
    if (this.state === "closed") return;
    if (this.local) this.host.releasePort(this.local[1], this);
    this.forward?.close();
    for (const pending of [...this.acceptQueue.splice(0), ...this.waitingForPcb.splice(0)]) pending.abort();
    if (this.link) {
      // lwIP's tcp_close answers with RST when received data was never read.
      if (this.link.inbound.size > 0) this.link.abort();
      else this.link.end();
    }
    this.state = "closed";
    this.acceptWaiter?.();
    this.host.pcbReleased();
  }

  /** Lets in connections that were waiting for a PCB, now that one may be free. */
  admitWaiting(): void {
    for (const link of this.waitingForPcb.splice(0)) {
      // A peer that gave up while waiting has ended its side without sending anything: forget it.
      if (link.inbound.readable && link.inbound.size === 0) link.abort();
      else this.enqueue(link);
    }
  }

  private enqueue(link: TcpLink): void {
    if (this.state !== "listening") return link.abort();
    const { profile, log } = this.host;
    const from = `${link.remote[0]}:${link.remote[1]}`;
    if (this.host.pcbsInUse() >= profile.socket.tcpPcbs) {
      // lwIP's tcp_alloc() fails: the SYN is dropped unanswered and the client retries it.
      log.info({ from, pcbs: profile.socket.tcpPcbs }, `connection from ${from} waits: all ${profile.socket.tcpPcbs} TCP PCBs in use`);
      this.waitingForPcb.push(link);
      return;
    }
    if (this.acceptQueue.length >= this.backlog) {
      // modlwip's accept callback finds no free slot and returns ERR_BUF; lwIP aborts with RST.
      // UNVERIFIED reading: lwIP 2.x counts only half-open connections against its own backlog.
      log.info({ from, backlog: this.backlog }, `connection from ${from} reset: accept queue full (backlog ${this.backlog})`);
      link.abort();
      return;
    }
    this.acceptQueue.push(link);
    const waiter = this.acceptWaiter;
    this.acceptWaiter = null;
    waiter?.();
  }

  private waitForIncoming(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.acceptWaiter = null;
        reject(signal!.reason);
      };
      this.acceptWaiter = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Runs a blocking operation with the socket's timeout: `tryNow` returns a result or null when
   * it would block; `wait` resolves when it is worth trying again.
   */
  private async waitFor<T>(
    tryNow: () => T | null,
    wait: (signal: AbortSignal) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<T> {
    const { clock } = this.host;
    const deadline = this.timeoutMs === null ? null : clock.now() + this.timeoutMs;
    for (;;) {
      this.assertOpen();
      const result = tryNow();
      if (result !== null) return result;
      if (this.timeoutMs === 0) throw new NetError("EAGAIN");
      const attempt = new AbortController();
      const onOuterAbort = () => attempt.abort(signal!.reason);
      signal?.addEventListener("abort", onOuterAbort, { once: true });
      if (signal?.aborted) attempt.abort(signal.reason);
      const cancelTimer =
        deadline === null ? null : clock.setTimer(deadline - clock.now(), () => attempt.abort(new NetError("ETIMEDOUT")));
      try {
        await wait(attempt.signal);
      } finally {
        cancelTimer?.();
        signal?.removeEventListener("abort", onOuterAbort);
      }
    }
  }

  private connectedLink(): TcpLink {
    this.assertOpen();
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
