import type { SocketAddress } from "../address.ts";
import { blockingCall } from "../blocking.ts";
import { NetError } from "../errors.ts";
import type { UdpForward } from "../pc/host-bridge.ts";
import { Notifier } from "../notifier.ts";
import type { PollState } from "../poll-state.ts";
import type { PortTable } from "../port-table.ts";
import type { NetHost } from "../socket-host.ts";

/** What a UDP socket needs from the board it lives on. */
export interface UdpHost extends NetHost {
  udpPorts: PortTable<UdpSocket>;
}

export interface Datagram {
  data: Uint8Array;
  from: SocketAddress;
}

/**
 * A board's UDP socket, MicroPython semantics: sendto() returns the length at once, recvfrom(n)
 * blocks (up to settimeout()) and returns (data, (ip, port)) with a datagram longer than n cut
 * short; datagrams beyond the board's receive queue are dropped silently, as lwIP does.
 * Bound, it is also a real UDP socket on the PC, so datagrams go both ways through the host.
 */
export class UdpSocket {
  /** null blocks forever, 0 is non-blocking, otherwise milliseconds. */
  timeoutMs: number | null = null;
  private local: SocketAddress | null = null;
  private peer: SocketAddress | null = null;
  private readonly queue: Datagram[] = [];
  private readonly arrived = new Notifier();
  private forward: Promise<UdpForward> | null = null;
  /** Datagrams on their way out through the PC: close() lets them leave first, as the firmware's stack would. */
  private outbox: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly host: UdpHost) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves once the socket's port is also open on the PC; the board's errno when the PC has no socket left. */
  bind(ip: string, port: number): Promise<void> {
    this.assertOpen();
    if (this.local) throw new NetError("EINVAL");
    const bound = port === 0 ? this.host.udpPorts.claimEphemeral(this) : port;
    if (!this.host.udpPorts.claim(bound, this)) throw new NetError("EADDRINUSE");
    const local: SocketAddress = [ip === "" ? "0.0.0.0" : ip, bound];
    this.local = local;
    const { lan, log, profile } = this.host;
    this.forward = lan.bridge.udp([this.host.localIp() ?? local[0], bound], (data, port, address) => {
      const from: SocketAddress = [address === "127.0.0.1" ? lan.hostIp : address, port];
      lan.capture?.udp(from, [this.host.localIp() ?? local[0], local[1]], data);
      this.deliver(data, from);
    }, log);
    return this.forward.then(
      () => {},
      (error: NodeJS.ErrnoException) => {
        // The PC ran out (EMFILE/ENFILE): to the board it is the stack's own pool running dry, so it
        // raises what its socket() raises then (ENOMEM raw lwIP, ENFILE ESP32). UNVERIFIED choice.
        this.host.udpPorts.release(bound, this);
        this.local = null;
        this.forward = null;
        const errno = profile.socket.socketsExhausted;
        log.warn({ port: bound, code: error.code }, `no UDP socket left on the PC for port ${bound} (${error.code ?? error.message}): the board sees ${errno}`);
        throw new NetError(errno);
      },
    );
  }

  /** Sets the default destination of send() and the only source recv() accepts. */
  connect(ip: string, port: number): void | Promise<void> {
    this.assertOpen();
    if (!this.local) return this.bind("0.0.0.0", 0).then(() => this.connect(ip, port));
    this.peer = [ip, port];
  }

  sendto(data: Uint8Array, ip: string, port: number): number | Promise<number> {
    this.assertOpen();
    if (!this.local) return this.bind("0.0.0.0", 0).then(() => this.sendto(data, ip, port));
    const local = this.local;
    const route = this.host.route(ip);
    if (!route) throw new NetError("EHOSTUNREACH");
    const out = this.host.lan.sendUdp(route.net, this.host.lanHost, [route.localIp, local[1]], [ip, port], data);
    if (out !== null) {
      const forward = this.forward!;
      this.outbox = this.outbox.then(() => forward.then((f) => f.send(data, port, out))).catch(() => {});
    }
    return data.length;
  }

  send(data: Uint8Array): number | Promise<number> {
    if (!this.peer) throw new NetError("ENOTCONN");
    return this.sendto(data, ...this.peer);
  }

  /** The next datagram, at most `max` bytes of it, and who sent it. */
  recvfrom(max: number, signal?: AbortSignal): Datagram | Promise<Datagram> {
    return blockingCall(
      this.host.clock,
      this.timeoutMs,
      () => {
        this.assertOpen();
        const next = this.queue.shift();
        return next ? { data: next.data.subarray(0, max), from: next.from } : null;
      },
      (s) => this.arrived.wait(s),
      signal,
    );
  }

  /** A datagram for this socket's port. */
  deliver(data: Uint8Array, from: SocketAddress): void {
    if (this.closed) return;
    if (this.peer && (this.peer[0] !== from[0] || this.peer[1] !== from[1])) return;
    if (this.queue.length >= this.host.profile.socket.udpReceiveQueue) {
      this.host.log.debug({ from: from.join(":") }, "UDP receive queue full: datagram dropped");
      return;
    }
    this.queue.push({ data, from });
    this.arrived.notify();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.local) this.host.udpPorts.release(this.local[1], this);
    const forward = this.forward;
    void this.outbox.then(() => forward?.then((f) => f.close())).catch(() => {});
    this.arrived.notify();
  }

  pollState(): PollState {
    return { kind: "udp", state: this.closed ? "closed" : this.local ? "bound" : "new", incoming: this.queue.length > 0, sendSpace: Infinity };
  }

  changed(_write: boolean, signal: AbortSignal): Promise<void> {
    return this.arrived.wait(signal);
  }

  private assertOpen(): void {
    if (this.closed) throw new NetError("EBADF");
  }
}
