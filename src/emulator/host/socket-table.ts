import type { SocketAddress } from "../../network-sim/address.ts";
import { NetError } from "../../network-sim/errors.ts";
import { PortTable } from "../../network-sim/port-table.ts";
import type { TcpLink } from "../../network-sim/tcp/tcp-link.ts";
import { TcpSocket, type SocketHost } from "../../network-sim/tcp/tcp-socket.ts";
import { UdpSocket, type UdpHost } from "../../network-sim/udp/udp-socket.ts";
import type { NetHost } from "../../network-sim/socket-host.ts";
import type { SocketStreams } from "../host-api.ts";

/** The board's sockets by descriptor, and its TCP and UDP ports: what modsocket's calls work on. */
export class SocketTable {
  /** What every socket of the board is given: the board's network, ports and limits. */
  readonly host: SocketHost & UdpHost;
  private readonly sockets = new Map<number, TcpSocket | UdpSocket>();
  /** Each open socket's slot in lwIP's table: the lowest free one when it was made (api/sockets.c alloc_socket). */
  private readonly slots = new Map<number, number>();
  private readonly ports = new PortTable<TcpSocket>();
  private readonly udpPorts = new PortTable<UdpSocket>();
  private nextId = 1;
  /** The TCP sockets as an engine moves their data between host calls (host-api.ts SocketStreams). */
  readonly streams: SocketStreams = {
    peek: (fd, into, skip) => this.connected(fd)?.peekReceived(into, skip) ?? 0,
    consume: (fd, n) => this.connected(fd)?.consumeReceived(n),
    sendRoom: (fd) => this.connected(fd)?.sendRoom() ?? 0,
    send: (fd, data) => this.connected(fd)?.sendBuffered(data),
    live: () => !this.host.clock.busyLoop,
  };

  constructor(host: NetHost) {
    this.host = {
      ...host,
      claimPort: (port, socket) => this.ports.claim(port, socket),
      releasePort: (port, socket) => this.ports.release(port, socket),
      ephemeralPort: (socket) => this.ports.claimEphemeral(socket),
      udpPorts: this.udpPorts,
      pcbsInUse: () => sum(this.tcpSockets(), (s) => s.pcbs),
      listeningSockets: () => sum(this.tcpSockets(), (s) => (s.isListening ? 1 : 0)),
      roomFreed: () => {
        for (const socket of this.tcpSockets()) socket.admitWaiting();
      },
    };
  }

  add(socket: TcpSocket | UdpSocket): number {
    const id = this.nextId++;
    const taken = new Set(this.slots.values());
    let slot = 0;
    while (taken.has(slot)) slot++;
    this.sockets.set(id, socket);
    this.slots.set(id, slot);
    return id;
  }

  /** The socket's slot in lwIP's table (socket.fileno() counts from it). */
  slot(id: number): number {
    return this.slots.get(id)!;
  }

  /** The open socket with this id, or undefined once closed (select reports POLLNVAL). */
  find(id: number): TcpSocket | UdpSocket | undefined {
    return this.sockets.get(id);
  }

  get(id: number): TcpSocket | UdpSocket {
    const socket = this.sockets.get(id);
    if (!socket) throw new NetError("EBADF");
    return socket;
  }

  tcp(id: number): TcpSocket {
    const socket = this.get(id);
    if (socket instanceof UdpSocket) throw new NetError("EOPNOTSUPP");
    return socket;
  }

  udp(id: number): UdpSocket {
    const socket = this.get(id);
    if (socket instanceof TcpSocket) throw new NetError("ENOTCONN"); // sendto/recvfrom on a stream socket
    return socket;
  }

  private connected(id: number): TcpSocket | undefined {
    const socket = this.sockets.get(id);
    return socket instanceof TcpSocket ? socket : undefined;
  }

  /** Sockets not yet closed, of one kind or (no kind) all: what counts against the profile's limits. */
  open(kind?: typeof TcpSocket | typeof UdpSocket): number {
    return sum(this.sockets.values(), (s) => (s.isClosed || (kind && !(s instanceof kind)) ? 0 : 1));
  }

  /**
   * socket(SOCK_STREAM)'s room (profile.socket.maxSockets), else its error: on the ESP32 a
   * descriptor, which every open socket holds, listeners too (lwip_socket, CONFIG_LWIP_MAX_SOCKETS);
   * on the lwIP raw-API ports a PCB from tcp_new()'s pool (MEMP_NUM_TCP_PCB), which a listening
   * socket gave back for one of MEMP_NUM_TCP_PCB_LISTEN (lwIP core/tcp.c tcp_listen_with_backlog_and_err
   * frees the PCB it was given) while each connection it queued or accepted holds one (pcbsInUse).
   */
  checkTcpRoom(): void {
    const { module, maxSockets, socketsExhausted } = this.host.profile.socket;
    const used = module === "esp32" ? this.open() : this.host.pcbsInUse();
    if (used >= maxSockets) throw new NetError(socketsExhausted);
  }

  close(id: number): void {
    // Forget it first, so its PCB no longer counts when close() lets waiting connections in.
    const socket = this.sockets.get(id);
    this.sockets.delete(id);
    this.slots.delete(id);
    socket?.close();
  }

  /** Closes every socket, with RST when `reset` (the board is switched off). */
  closeAll(reset: boolean): void {
    // Empty the table first: a closing socket frees room that must not let queued connections in.
    const sockets = [...this.sockets.values()];
    this.sockets.clear();
    this.slots.clear();
    for (const socket of sockets) {
      if (reset && socket instanceof TcpSocket) socket.reset();
      else socket.close();
    }
  }

  /** A connection for a listening port; false when nothing listens there. */
  acceptTcp(localPort: number, link: TcpLink): boolean {
    return this.ports.get(localPort)?.offer(link) ?? false;
  }

  receiveUdp(localPort: number, from: SocketAddress, data: Uint8Array): void {
    this.udpPorts.get(localPort)?.deliver(data, from);
  }

  private *tcpSockets(): Iterable<TcpSocket> {
    for (const socket of this.sockets.values()) if (socket instanceof TcpSocket) yield socket;
  }
}

function sum<T>(items: Iterable<T>, count: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += count(item);
  return total;
}
