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
}

type State = "new" | "bound" | "listening" | "connecting" | "connected" | "closed";

/** lwIP's send() waits until this much buffer is free before writing a short count. */
const MIN_SEND_SPACE = 16;

/** lwIP's first ephemeral port (TCP_LOCAL_PORT_RANGE_START 0xc000). */
const EPHEMERAL_PORT_START = 0xc000;

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
  private acceptWaiter: (() => void) | null = null;
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

  bind(ip: string, port: number): void {
    this.assertOpen();
    if (this.state !== "new") throw new NetError("EINVAL");
    if (!this.host.claimPort(port, this)) throw new NetError("EADDRINUSE");
    this.local = [ip === "" ? "0.0.0.0" : ip, port];
    this.state = "bound";
  }

  /** Starts listening; resolves once the PC-side forward is open, so clients can connect right away. */
  async listen(_backlog: number): Promise<void> {
    this.assertOpen();
    if (this.state === "listening") return;
    if (this.state !== "bound" || !this.local) throw new NetError("EINVAL");
    this.state = "listening";
    const { lan, profile } = this.host;
    const shown: SocketAddress = [this.local[0] === "0.0.0.0" ? (this.host.localIp() ?? "0.0.0.0") : this.local[0], this.local[1]];
    this.forward = await lan.bridge.forward(shown, lan.hostIp, profile.socket, (link) => this.enqueue(link));
    if ((this.state as State) === "closed") this.forward.close(); // closed while the forward opened
  }

  /**
   * Connects to ip:port over the LAN. Blocks until established (or settimeout() expires:
   * ETIMEDOUT); a non-blocking socket raises EINPROGRESS and completes in the background.
   */
  async connect(ip: string, port: number, signal?: AbortSignal): Promise<void> {
    this.assertOpen();
    if (this.state === "connected") throw new NetError("EISCONN");
    if (this.state === "connecting") throw new NetError("EALREADY");
    if (this.state === "listening") throw new NetError("EINVAL");
    const from = this.host.localIp();
    if (!from) throw new NetError("EHOSTUNREACH"); // tcp_connect: ERR_RTE, no route without a link
    if (!this.local) this.local = [from, this.claimEphemeralPort()];
    this.state = "connecting";
    const { lan, clock, profile } = this.host;
    const attempt = new AbortController();
    this.connecting = attempt;
    const pending = lan.connect([ip, port], profile.socket, profile.socket.synTimeoutMs, attempt.signal).then(
      (link) => {
        this.connecting = null;
        if (this.state !== "connecting") return link.abort();
        this.link = link;
        this.state = "connected";
      },
      (error: unknown) => {
        this.connecting = null;
        if (this.state === "connecting") this.state = "bound";
        throw error;
      },
    );
    if (this.timeoutMs === 0) {
      pending.catch((error: unknown) => {
        if (error instanceof NetError) this.connectFailure = error;
      });
      throw new NetError("EINPROGRESS");
    }
    const onAbort = () => attempt.abort(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted) onAbort();
    const cancelTimer = this.timeoutMs === null ? null : clock.setTimer(this.timeoutMs, () => attempt.abort(new NetError("ETIMEDOUT")));
    try {
      await pending;
    } finally {
      cancelTimer?.();
      signal?.removeEventListener("abort", onAbort);
    }
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
    this.connecting?.abort(new NetError("EBADF"));
    for (const pending of this.acceptQueue.splice(0)) pending.abort();
    if (this.link) {
      // lwIP's tcp_close answers with RST when received data was never read.
      if (this.link.inbound.size > 0) this.link.abort();
      else this.link.end();
    }
    this.state = "closed";
    this.acceptWaiter?.();
  }

  private enqueue(link: TcpLink): void {
    if (this.state !== "listening") return link.abort();
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
    const failure = this.connectFailure;
    this.connectFailure = null;
    if (failure) throw failure;
    if (this.state === "connecting") throw new NetError("EAGAIN");
    if (this.state !== "connected" || !this.link) throw new NetError("ENOTCONN");
    return this.link;
  }

  private claimEphemeralPort(): number {
    for (let port = EPHEMERAL_PORT_START; port <= 0xffff; port++) {
      if (this.host.claimPort(port, this)) return port;
    }
    throw new NetError("EADDRINUSE");
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
