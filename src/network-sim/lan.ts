import { Dns } from "./dns.ts";
import type { Logger } from "pino";
import { AccessPoint, defaultAccessPointConfig, type AccessPointConfig } from "./wifi/access-point.ts";
import type { SocketAddress } from "./address.ts";
import type { Capture } from "./capture/capture.ts";
import { sleep, type Clock } from "./clock/clock.ts";
import type { Lease } from "./wifi/dhcp.ts";
import { NetError } from "./errors.ts";
import { memoryConnection, socketConnection } from "./tcp/connections.ts";
import type { LanHooks } from "./lan-hooks.ts";
import type { LanHost } from "./lan-host.ts";
import { HostBridge, type NetSocketLink } from "./pc/host-bridge.ts";
import { MemoryLink } from "./tcp/memory-link.ts";
import { tap } from "./tcp/pipe.ts";
import { unansweredSyn, type SynSchedule } from "./tcp/syn-retries.ts";
import type { TcpLink } from "./tcp/tcp-link.ts";

/** The PC's MAC on the LAN, as the capture shows it (locally administered: 02:…). */
export const PC_MAC = Uint8Array.of(0x02, 0x50, 0x43, 0x00, 0x00, 0x02);

/** Where a packet for an address goes from one network: a board on it, the PC (its real address), or nowhere. */
export type Destination = { kind: "board"; host: LanHost } | { kind: "pc"; address: string } | { kind: "nowhere" };

export interface LanOptions {
  clock: Clock;
  log: Logger;
  /** The access points on the air; the embedded default network when omitted. */
  accessPoints?: AccessPointConfig[];
  /** The PC's address on the LAN: what a board sees as the peer of a forwarded connection. */
  hostIp?: string;
  bridge?: HostBridge;
  /** The router's DNS names (lab file `hosts:`, --hosts). */
  hosts?: Readonly<Record<string, string>>;
}

/**
 * The simulated WiFi LAN: the access points on the air (each with its network and DHCP server), the
 * PC's place on it, and the bridge to real sockets. Boards register on a network under their address
 * once they have one; traffic between boards stays in memory.
 */
export class Lan {
  readonly clock: Clock;
  readonly log: Logger;
  readonly accessPoints: AccessPoint[];
  readonly hostIp: string;
  readonly bridge: HostBridge;
  /** The names the router's DNS answers. */
  readonly dns: Dns;
  /** --pcap: where the LAN's traffic is written, when it is. */
  capture: Capture | null = null;
  /** The faults in effect on this LAN, when any are: what the LAN asks them. */
  faults: LanHooks | null = null;
  /**
   * The PC as a host inside the simulation (virtual time: in-memory peers that play the PC side);
   * null when the PC is the real one, reached through the bridge.
   */
  pc: LanHost | null = null;

  constructor(opts: LanOptions) {
    this.clock = opts.clock;
    this.log = opts.log;
    this.accessPoints = (opts.accessPoints ?? [defaultAccessPointConfig()]).map((c) => new AccessPoint(c, opts.clock));
    this.hostIp = opts.hostIp ?? "192.168.1.2";
    this.bridge = opts.bridge ?? new HostBridge(opts.log);
    this.dns = new Dns(opts.hosts);
  }

  findAccessPoint(ssid: string): AccessPoint | undefined {
    return this.accessPoints.find((ap) => ap.ssid === ssid);
  }

  /** An AP comes on the air. */
  addAccessPoint(config: AccessPointConfig): AccessPoint {
    const ap = new AccessPoint(config, this.clock);
    this.accessPoints.push(ap);
    this.log.info({ ssid: ap.ssid, channel: config.channel }, `access point "${ap.ssid}" on the air`);
    return ap;
  }

  /** An AP goes off the air: its stations lose their link. */
  removeAccessPoint(ap: AccessPoint): void {
    const index = this.accessPoints.indexOf(ap);
    if (index < 0) return;
    this.accessPoints.splice(index, 1);
    this.log.info({ ssid: ap.ssid }, `access point "${ap.ssid}" off the air`);
    ap.goOffAir();
  }

  /** An AP that went off the air comes back (the same network, leases and all). */
  restoreAccessPoint(ap: AccessPoint): void {
    if (this.accessPoints.includes(ap)) return;
    this.accessPoints.push(ap);
    this.log.info({ ssid: ap.ssid }, `access point "${ap.ssid}" back on the air`);
  }

  /** Every AP's lease table, by SSID. */
  leases(): Record<string, Lease[]> {
    return Object.fromEntries(this.accessPoints.map((ap) => [ap.ssid, ap.dhcp.table()]));
  }

  /**
   * Where `ip` is, seen from network `net`: a board on it; the PC itself (hostIp → 127.0.0.1); any
   * address outside the LAN through the PC's own network (NAT) when `net` is a router with an uplink.
   */
  resolve(net: AccessPoint, ip: string): Destination {
    const host = net.hostAt(ip);
    if (host) return { kind: "board", host };
    if (net.config.uplink && ip === this.hostIp) return this.pc ? { kind: "board", host: this.pc } : { kind: "pc", address: "127.0.0.1" };
    if (net.config.uplink && !net.contains(ip)) return this.pc ? { kind: "nowhere" } : { kind: "pc", address: ip }; // a virtual lab has no Internet
    return { kind: "nowhere" };
  }

  /**
   * Opens a TCP connection from `from` at `local` on network `net` to `remote`. Where nobody
   * answers, the sender's SYN retries run out (`syn`), then ECONNABORTED.
   */
  async connectTcp(
    net: AccessPoint,
    from: LanHost,
    local: SocketAddress,
    remote: SocketAddress,
    syn: SynSchedule,
    signal?: AbortSignal,
  ): Promise<TcpLink> {
    const destination = this.resolve(net, remote[0]);
    const to = destination.kind === "board" ? destination.host.name : destination.kind === "pc" ? "pc" : null;
    const attempt = { from: from.name, to, remote };
    let verdict = this.faults?.verdict(attempt) ?? null;
    if (verdict === "refused") {
      this.capture?.tcpRefused(local, remote);
      throw new NetError("ECONNRESET");
    }
    if (verdict === "unreachable") throw new NetError("EHOSTUNREACH");
    // Another device holds the sender's address (IP conflict): the answers go to it, never to the sender.
    const impostor = net.hostAt(local[0]);
    if (impostor && impostor !== from) verdict = "no_answer";
    // A handshake's round trip (the realistic WiFi hop): at least that long, also while a real connect runs.
    const handshakeMs = verdict === null && destination.kind !== "nowhere" ? (this.faults?.connectDelay(attempt) ?? 0) : 0;
    const handshake = handshakeMs > 0 ? sleep(this.clock, handshakeMs, signal) : null;
    if (destination.kind === "pc" && verdict === null) {
      const log = this.log.child({ board: from.name });
      const [link] = await Promise.all([
        this.bridge.connect(destination.address, remote, from.linkBuffers, signal, log).catch((error: unknown) => {
          // The PC's RST, drawn as the board would have received it.
          if (error instanceof NetError && error.code === "ECONNRESET") this.capture?.tcpRefused(local, remote);
          throw error;
        }),
        handshake,
      ]);
      const flow = this.capture?.tcpOpen(local, remote, [() => link.inbound.room, undefined]);
      if (flow) link.observer = (fromBoard, segment) => flow.segment(fromBoard, segment);
      this.faults?.opened(socketConnection(link, true, [local, remote], [from.name, "pc"], this.clock.now()));
      return link;
    }
    if (destination.kind !== "board" || verdict === "no_answer") {
      this.log.warn({ board: from.name, to: remote.join(":") }, `nothing answers at ${remote.join(":")}`);
      const flow = this.capture?.tcpUnanswered(local, remote);
      await unansweredSyn(this.clock, syn, () => flow?.synAgain(), signal);
      throw new NetError("ECONNABORTED");
    }
    await handshake;
    const [mine, theirs] = MemoryLink.pair(local, from.linkBuffers, remote, destination.host.linkBuffers);
    if (!destination.host.acceptTcp(remote[1], theirs)) {
      this.capture?.tcpRefused(local, remote);
      throw new NetError("ECONNRESET"); // nothing listens: RST
    }
    const flow = this.capture?.tcpOpen(local, remote, [() => mine.inbound.room, () => theirs.inbound.room]);
    if (flow) {
      mine.out = tap(mine.out, (segment) => flow.segment(true, segment));
      theirs.out = tap(theirs.out, (segment) => flow.segment(false, segment));
    }
    this.faults?.opened(memoryConnection(mine, theirs, [from.name, destination.host.name], this.clock.now()));
    this.log.debug({ from: local.join(":"), to: remote.join(":") }, `connection ${local.join(":")} → ${remote.join(":")}`);
    return mine;
  }

  /**
   * Sends a datagram on network `net`: to a board, or to every other host for a broadcast. Returns
   * the real address when it must leave through the PC (the sender's bridge socket sends it), else null.
   */
  sendUdp(net: AccessPoint, from: LanHost, source: SocketAddress, to: SocketAddress, data: Uint8Array): string | null {
    this.capture?.udp(source, to, data);
    const deliver = (host: LanHost) => queueMicrotask(() => host.receiveUdp(to[1], source, data));
    if (to[0] === "255.255.255.255" || to[0] === net.broadcast) {
      for (const [, host] of net.hostsExcept(from)) deliver(host);
      return null;
    }
    const destination = this.resolve(net, to[0]);
    if (destination.kind === "board") deliver(destination.host);
    return destination.kind === "pc" ? destination.address : null;
  }

  /** A connection from the PC to a board's listening socket at `server`: captured from here on. */
  fromPc(link: NetSocketLink, server: SocketAddress, board: string): NetSocketLink {
    const flow = this.capture?.tcpOpen(link.remote, server, [undefined, () => link.inbound.room]);
    if (flow) link.observer = (fromBoard, segment) => flow.segment(!fromBoard, segment);
    this.faults?.opened(socketConnection(link, false, [link.remote, server], ["pc", board], this.clock.now()));
    return link;
  }

  /** The TCP_MSS of the board at `ip`, for the capture; null: no board there. */
  mssOf(ip: string): number | null {
    for (const ap of this.accessPoints) {
      const mss = ap.hostAt(ip)?.mss;
      if (mss !== undefined) return mss;
    }
    return null;
  }

  /** The hardware address behind `ip`, for the capture: a board, an AP (its BSSID), else the PC. */
  macOf(ip: string): Uint8Array | null {
    for (const ap of this.accessPoints) {
      const host = ap.hostAt(ip);
      if (host) return host.mac;
      if (ap.config.gateway === ip) return ap.config.bssid;
    }
    return null;
  }
}
