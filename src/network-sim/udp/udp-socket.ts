import type { SocketAddress } from "../address.ts";
import { blockingCall } from "../blocking.ts";
import { NetError } from "../errors.ts";
import type { UdpForward } from "../pc/host-bridge.ts";
import { Notifier } from "../notifier.ts";
import type { PortTable } from "../port-table.ts";
import type { NetHost } from "../socket-host.ts";

/** What a UDP socket needs from the board it lives on. */
export interface UdpHost extends NetHost {
  udpPorts: PortTable<UdpSocket>;
}

interface Datagram {
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

  bind(ip: string, port: number): void {
    this.assertOpen();
    if (this.local) throw new NetError("EINVAL");
    const bound = port === 0 ? this.host.udpPorts.claimEphemeral(this) : port;
    if (!this.host.udpPorts.claim(bound, this)) throw new NetError("EADDRINUSE");
    this.local = [ip === "" ? "0.0.0.0" : ip, bound];
    const { lan } = this.host;
    this.forward = lan.bridge.udp([this.host.localIp() ?? this.local[0], bound], (data, port, address) => {
      const from: SocketAddress = [address === "127.0.0.1" ? lan.hostIp : address, port];
      lan.capture?.udp(from, [this.host.localIp() ?? this.local![0], this.local![1]], data);
      this.deliver(data, from);
    });
  }

  /** Sets the default destination of send() and the only source recv() accepts. */
  connect(ip: string, port: number): void {
    this.ensureBound();
    this.peer = [ip, port];
  }

  sendto(data: Uint8Array, ip: string, port: number): number {
    const local = this.ensureBound();
    const route = this.host.route(ip);
    if (!route) throw new NetError("EHOSTUNREACH");
    const out = this.host.lan.sendUdp(route.net, this.host.lanHost, [route.localIp, local[1]], [ip, port], data);
    if (out !== null) {
      const forward = this.forward!;
      this.outbox = this.outbox.then(() => forward.then((f) => f.send(data, port, out))).catch(() => {});
    }
    return data.length;
  }

  send(data: Uint8Array): number {
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

  private ensureBound(): SocketAddress {
    this.assertOpen();
    if (!this.local) this.bind("0.0.0.0", 0);
    return this.local!;
  }

  private assertOpen(): void {
    if (this.closed) throw new NetError("EBADF");
  }
}
