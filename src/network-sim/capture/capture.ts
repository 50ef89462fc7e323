import { closeSync, openSync, writeSync } from "node:fs";
import { ipToNumber } from "../address.ts";
import type { SocketAddress } from "../address.ts";
import type { AccessPointConfig } from "../wifi/access-point.ts";
import type { Segment } from "../tcp/pipe.ts";

/** pcap global header: magic, v2.4, no zone, no sigfigs, snaplen 65535, LINKTYPE_ETHERNET. */
const LINKTYPE_ETHERNET = 1;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_ARP = 0x0806;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const TCP = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16 } as const;
/** The MSS of an end that is no board (the PC): Ethernet's. */
const ETHERNET_MSS = 1460;
/** The window of an end whose buffer the simulation does not see (the PC's kernel): the largest without scaling. */
const OPEN_WINDOW = 65535;
const BROADCAST_MAC = Uint8Array.of(255, 255, 255, 255, 255, 255);
const ZERO_MAC = new Uint8Array(6);

/** What the capture asks the LAN about an address, now. */
export interface CaptureLan {
  /** The hardware address behind `ip` (null: nobody there; the PC's then). */
  macOf(ip: string): Uint8Array | null;
  /** The TCP_MSS the board at `ip` announces in its SYNs (null: no board: Ethernet's 1460). */
  mssOf(ip: string): number | null;
  /** The PC's address on the LAN (it answers ARP with its own MAC). */
  readonly hostIp: string;
}


/**
 * The LAN's traffic as a standard pcap file that Wireshark opens: the simulation has no packets,
 * so they are synthesised from what happens (DHCP exchanges, TCP connections opening, data, FIN,
 * RST, UDP datagrams) with consistent sequence numbers, so Wireshark follows the streams.
 */
export class Capture {
  private fd: number | null;
  private ipId = 0;
  private flows = 0;
  /** The MAC last seen behind each IP, as a switch learns them: a board that left the WiFi keeps its own in its last frames. */
  private readonly learned = new Map<string, Uint8Array>();
  private lastUs = 0;
  /** Each DHCP-configured board's netmask: who is on its subnet, so it ARPs for them. */
  private readonly netmasks = new Map<string, number>();
  /** Pairs "a>b" that know each other's MAC (an ARP exchange went between them). */
  private readonly arpKnown = new Set<string>();

  /**
   * `lan` names the hardware address behind an IP on the LAN now (null: nobody there; then the
   * PC's, `pcMac`: the PC itself or beyond it) and a board's MSS; `now` is the LAN's clock in ms since 1970, the
   * frames' timestamps; `onWriteError` hears, once, that a write failed (a full disk): the capture
   * stops there, the boards run on.
   */
  constructor(
    readonly file: string,
    private readonly lan: CaptureLan,
    private readonly now: () => number,
    private readonly pcMac: Uint8Array,
    private readonly onWriteError: (error: NodeJS.ErrnoException) => void = () => {},
  ) {
    this.fd = openSync(file, "w");
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2c3d4, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(65535, 16);
    header.writeUInt32LE(LINKTYPE_ETHERNET, 20);
    this.write(header);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private write(data: Buffer): void {
    if (this.fd === null) return;
    try {
      writeSync(this.fd, data);
    } catch (error) {
      this.close();
      this.onWriteError(error as NodeJS.ErrnoException);
    }
  }

  /** A TCP connection opening: SYN, SYN-ACK, ACK. Its segments go to the returned flow. */
  tcpOpen(client: SocketAddress, server: SocketAddress, windows?: Windows): TcpFlow {
    const flow = this.flow(client, server, windows);
    flow.handshake();
    return flow;
  }

  /** A connection attempt nobody listens for: SYN answered by RST-ACK. */
  tcpRefused(client: SocketAddress, server: SocketAddress): void {
    this.flow(client, server).refused();
  }

  /**
   * A SYN nobody answers; the returned flow's `synAgain()` draws each retransmission. To an address
   * nobody holds on the board's subnet only the ARP who-has goes out (see resolveMac).
   */
  tcpUnanswered(client: SocketAddress, server: SocketAddress): TcpFlow {
    const flow = this.flow(client, server);
    flow.synAgain();
    return flow;
  }

  private flow(client: SocketAddress, server: SocketAddress, windows?: Windows): TcpFlow {
    const mss = Math.min(this.mssOf(client[0]), this.mssOf(server[0]));
    return new TcpFlow(this, client, server, 0x1000_0000 + ++this.flows * 0x0100_0000, mss, windows);
  }

  /** The MSS an end announces: a board's TCP_MSS, else Ethernet's. */
  mssOf(ip: string): number {
    return this.lan.mssOf(ip) ?? ETHERNET_MSS;
  }

  udp(from: SocketAddress, to: SocketAddress, data: Uint8Array): void {
    if (!this.resolveMac(from[0], to[0])) return;
    this.udpFrame(this.mac(from[0]), this.mac(to[0]), from, to, data);
  }

  /** A client's DHCP DISCOVER, when its DHCP starts; the answer (dhcp()) comes when the server's does. */
  dhcpDiscover(mac: Uint8Array, hostname: string): void {
    this.udpFrame(mac, BROADCAST_MAC, ["0.0.0.0", 68], ["255.255.255.255", 67], bootp(1, xid(mac), mac, "0.0.0.0", "0.0.0.0", [[53, [1]], [12, [...Buffer.from(hostname)]]]));
  }

  /**
   * The rest of a client getting `ip` from the AP's DHCP server: OFFER, REQUEST, ACK (a renewal:
   * REQUEST, ACK); then, when the client `probes`, its ARP probe of the address; then its gratuitous ARP.
   */
  dhcp(mac: Uint8Array, hostname: string, ip: string, ap: AccessPointConfig, renewal = false, probes = false): void {
    this.learned.set(ip, mac);
    const client = (type: number, ciaddr: string) =>
      this.udpFrame(mac, BROADCAST_MAC, ["0.0.0.0", 68], ["255.255.255.255", 67], bootp(1, xid(mac), mac, ciaddr, "0.0.0.0", [[53, [type]], [50, ip4(ip)], [54, ip4(ap.gateway)], [12, [...Buffer.from(hostname)]]]));
    const server = (type: number) =>
      this.udpFrame(ap.bssid, mac, [ap.gateway, 67], [ip, 68], bootp(2, xid(mac), mac, "0.0.0.0", ip, [[53, [type]], [54, ip4(ap.gateway)], [51, u32(ap.leaseSeconds)], [1, ip4(ap.netmask)], [3, ip4(ap.gateway)], [6, ip4(ap.dns)]]));
    if (!renewal) server(2); // OFFER
    client(3, renewal ? ip : "0.0.0.0"); // REQUEST
    server(5); // ACK
    if (renewal) return;
    if (probes) this.arpProbe(mac, ip);
    this.netmasks.set(ip, ipToNumber(ap.netmask));
    for (const pair of this.arpKnown) if (pair.split(">").includes(ip)) this.arpKnown.delete(pair);
    // Bound: lwIP announces the address with a gratuitous ARP (netif_issue_reports → etharp_gratuitous,
    // lwIP src/core/netif.c); a device already holding it shows as Wireshark's "duplicate IP address".
    this.arp(1, mac, ip, ZERO_MAC, ip, BROADCAST_MAC);
  }

  /**
   * A DHCP client's ARP probe of an offered address (RFC 5227: sender 0.0.0.0; lwIP's dhcp_check
   * with DHCP_DOES_ARP_CHECK); whoever holds it answers.
   */
  arpProbe(mac: Uint8Array, ip: string): void {
    this.arp(1, mac, "0.0.0.0", ZERO_MAC, ip, BROADCAST_MAC);
    const holder = this.lan.macOf(ip);
    if (holder && !sameMac(holder, mac)) this.arp(2, holder, ip, mac, "0.0.0.0", mac);
  }

  /**
   * Before the first frame from `src` to `dst` on one subnet: `src` asks who has `dst` (broadcast)
   * and `dst`'s holder answers, when there is one; both keep the other's MAC (etharp_input learns the
   * asker's). False when nobody answers: lwIP keeps the frame in its ARP queue (etharp_query, lwIP
   * src/core/ipv4/etharp.c), so only the who-has goes out, again for each frame it tries to send
   * (lwIP also repeats it each second while the entry is pending, etharp_tmr: not drawn).
   */
  private resolveMac(src: string, dst: string): boolean {
    const mask = this.netmasks.get(src) ?? this.netmasks.get(dst);
    if (mask === undefined || src === dst || ((ipToNumber(src) ^ ipToNumber(dst)) & mask) !== 0) return true;
    if ((ipToNumber(dst) | mask) >>> 0 === 0xffffffff || this.arpKnown.has(`${src}>${dst}`)) return true;
    const srcMac = this.mac(src);
    this.arp(1, srcMac, src, ZERO_MAC, dst, BROADCAST_MAC);
    if (this.lan.macOf(dst) === null && dst !== this.lan.hostIp) return false;
    this.arpKnown.add(`${src}>${dst}`).add(`${dst}>${src}`);
    this.arp(2, this.mac(dst), dst, srcMac, src, srcMac);
    return true;
  }

  /** One ARP frame (RFC 826): request (1) or reply (2). */
  private arp(op: 1 | 2, senderMac: Uint8Array, senderIp: string, targetMac: Uint8Array, targetIp: string, dstMac: Uint8Array): void {
    const body = Buffer.alloc(46); // padded to Ethernet's 60-byte minimum
    body.writeUInt16BE(1, 0); // Ethernet
    body.writeUInt16BE(ETHERTYPE_IPV4, 2);
    body[4] = 6;
    body[5] = 4;
    body.writeUInt16BE(op, 6);
    body.set(senderMac, 8);
    body.writeUInt32BE(ipToNumber(senderIp), 14);
    body.set(targetMac, 18);
    body.writeUInt32BE(ipToNumber(targetIp), 24);
    this.frame(senderMac, dstMac, body, ETHERTYPE_ARP);
  }

  /** One TCP segment from `from` to `to`. */
  tcp(from: SocketAddress, to: SocketAddress, seq: number, ack: number, flags: number, payload: Uint8Array = new Uint8Array(0), window = OPEN_WINDOW): void {
    // A SYN announces the sender's MSS (option 2, RFC 9293 §3.7.1).
    const mss = this.mssOf(from[0]);
    const options = flags & TCP.SYN ? Buffer.from([2, 4, mss >> 8, mss & 255]) : Buffer.alloc(0);
    const header = Buffer.alloc(20 + options.length);
    header.writeUInt16BE(from[1], 0);
    header.writeUInt16BE(to[1], 2);
    header.writeUInt32BE(seq >>> 0, 4);
    header.writeUInt32BE(flags & TCP.ACK ? ack >>> 0 : 0, 8);
    header[12] = (header.length / 4) << 4;
    header[13] = flags;
    header.writeUInt16BE(Math.max(0, Math.min(OPEN_WINDOW, Math.floor(window))), 14);
    header.set(options, 20);
    const segment = Buffer.concat([header, payload]);
    segment.writeUInt16BE(transportChecksum(from[0], to[0], PROTO_TCP, segment), 16);
    this.ip(from[0], to[0], PROTO_TCP, segment);
  }

  private udpFrame(srcMac: Uint8Array, dstMac: Uint8Array, from: SocketAddress, to: SocketAddress, data: Uint8Array): void {
    const header = Buffer.alloc(8);
    header.writeUInt16BE(from[1], 0);
    header.writeUInt16BE(to[1], 2);
    header.writeUInt16BE(8 + data.length, 4);
    const segment = Buffer.concat([header, data]);
    segment.writeUInt16BE(transportChecksum(from[0], to[0], PROTO_UDP, segment) || 0xffff, 6);
    this.frame(srcMac, dstMac, ipPacket(++this.ipId, from[0], to[0], PROTO_UDP, segment));
  }

  private ip(src: string, dst: string, proto: number, payload: Buffer): void {
    if (!this.resolveMac(src, dst)) return;
    this.frame(this.mac(src), this.mac(dst), ipPacket(++this.ipId, src, dst, proto, payload));
  }

  private mac(ip: string): Uint8Array {
    const now = this.lan.macOf(ip);
    if (now) this.learned.set(ip, now);
    return now ?? this.learned.get(ip) ?? this.pcMac;
  }

  private frame(srcMac: Uint8Array, dstMac: Uint8Array, packet: Buffer, etherType = ETHERTYPE_IPV4): void {
    const ethernet = Buffer.alloc(14);
    ethernet.set(dstMac, 0);
    ethernet.set(srcMac, 6);
    ethernet.writeUInt16BE(etherType, 12);
    // The LAN's clock, in µs; frames of one moment (a handshake) 1 µs apart, so their order shows.
    const us = (this.lastUs = Math.max(Math.round(this.now() * 1000), this.lastUs + 1));
    const record = Buffer.alloc(16);
    record.writeUInt32LE(Math.floor(us / 1e6), 0);
    record.writeUInt32LE(us % 1e6, 4);
    record.writeUInt32LE(14 + packet.length, 8);
    record.writeUInt32LE(14 + packet.length, 12);
    this.write(Buffer.concat([record, ethernet, packet]));
  }
}

/** Each end's receive window now, [client, server]: the free room of its receive buffer (undefined: unseen, 65535). */
export type Windows = [(() => number) | undefined, (() => number) | undefined];

/** One TCP connection in the capture: tracks both sides' sequence numbers. */
export class TcpFlow {
  /** Next sequence number of [client, server]. */
  private readonly next: [number, number];
  /** The window each end announced last. */
  private readonly announced: [number, number] = [OPEN_WINDOW, OPEN_WINDOW];

  /** `mss`: the smaller of both ends' MSS, the largest data segment either sends. */
  constructor(
    private readonly capture: Capture,
    private readonly client: SocketAddress,
    private readonly server: SocketAddress,
    isn: number,
    private readonly mss: number,
    private readonly windows: Windows = [undefined, undefined],
  ) {
    this.next = [isn, isn + 0x0080_0000];
  }

  handshake(): void {
    const [c, s] = this.next;
    this.capture.tcp(this.client, this.server, c, 0, TCP.SYN, undefined, this.window(0));
    this.capture.tcp(this.server, this.client, s, c + 1, TCP.SYN | TCP.ACK, undefined, this.window(1));
    this.next[0] = c + 1;
    this.next[1] = s + 1;
    this.send(true, TCP.ACK);
  }

  refused(): void {
    const [c] = this.next;
    this.capture.tcp(this.client, this.server, c, 0, TCP.SYN);
    this.capture.tcp(this.server, this.client, 0, c + 1, TCP.RST | TCP.ACK, undefined, 0);
  }

  private window(end: 0 | 1): number {
    return this.windows[end]?.() ?? OPEN_WINDOW;
  }

  /** The client's SYN (again: a retransmission has the same sequence number). */
  synAgain(): void {
    this.capture.tcp(this.client, this.server, this.next[0], 0, TCP.SYN);
  }

  /** A segment from one end with both ends' current sequence numbers and the sender's window (less `queued`). */
  private send(fromClient: boolean, flags: number, payload?: Uint8Array, queued = 0): void {
    const [from, to] = fromClient ? [this.client, this.server] : [this.server, this.client];
    const me = fromClient ? 0 : 1;
    this.announced[me] = Math.max(0, this.window(me) - queued);
    this.capture.tcp(from, to, this.next[me], this.next[1 - me], flags, payload, this.announced[me]);
  }

  /**
   * A segment one end sent: data (then the other end's ACK), FIN (and its ACK), or RST. Segments are
   * seen on their way, before the receiver queues them: its ACK announces the room they leave.
   */
  segment(fromClient: boolean, segment: Segment): void {
    const [me, peer] = fromClient ? ([0, 1] as const) : ([1, 0] as const);
    if (segment.kind === "rst") return this.send(fromClient, TCP.RST | TCP.ACK);
    // Data after a zero window: the receiver announced the room its reader made (lwIP's tcp_recved
    // sends that window update; Wireshark shows "TCP Window Update").
    if (segment.kind === "data" && this.announced[peer] === 0 && this.window(peer) > 0) this.send(!fromClient, TCP.ACK);
    if (segment.kind === "fin") {
      this.send(fromClient, TCP.FIN | TCP.ACK);
      this.next[me] += 1;
    } else {
      for (let offset = 0; offset < segment.chunk.length; offset += this.mss) {
        const piece = segment.chunk.subarray(offset, offset + this.mss);
        this.send(fromClient, TCP.PSH | TCP.ACK, piece);
        this.next[me] += piece.length;
      }
    }
    this.send(!fromClient, TCP.ACK, undefined, segment.kind === "data" ? segment.chunk.length : 0);
  }
}

function ipPacket(id: number, src: string, dst: string, proto: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(20);
  header[0] = 0x45;
  header.writeUInt16BE(20 + payload.length, 2);
  header.writeUInt16BE(id & 0xffff, 4);
  header.writeUInt16BE(0x4000, 6); // don't fragment
  header[8] = 64;
  header[9] = proto;
  header.writeUInt32BE(ipToNumber(src), 12);
  header.writeUInt32BE(ipToNumber(dst), 16);
  header.writeUInt16BE(checksum(header), 10);
  return Buffer.concat([header, payload]);
}

function transportChecksum(src: string, dst: string, proto: number, segment: Buffer): number {
  const pseudo = Buffer.alloc(12);
  pseudo.writeUInt32BE(ipToNumber(src), 0);
  pseudo.writeUInt32BE(ipToNumber(dst), 4);
  pseudo[9] = proto;
  pseudo.writeUInt16BE(segment.length, 10);
  return checksum(Buffer.concat([pseudo, segment]));
}

/** The Internet checksum (RFC 1071). */
function checksum(data: Buffer): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 2) sum += (data[i]! << 8) | (data[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** A BOOTP/DHCP message (RFC 2131) with the given options. */
function bootp(op: 1 | 2, xid: number, mac: Uint8Array, ciaddr: string, yiaddr: string, options: [number, number[]][]): Uint8Array {
  const fixed = Buffer.alloc(240);
  fixed[0] = op;
  fixed[1] = 1; // Ethernet
  fixed[2] = 6;
  fixed.writeUInt32BE(xid >>> 0, 4);
  fixed.writeUInt16BE(0x8000, 10); // broadcast flag
  fixed.writeUInt32BE(ipToNumber(ciaddr), 12);
  fixed.writeUInt32BE(ipToNumber(yiaddr), 16);
  fixed.set(mac, 28);
  fixed.writeUInt32BE(0x63825363, 236); // magic cookie
  const encoded = options.flatMap(([code, value]) => [code, value.length, ...value]);
  return Buffer.concat([fixed, Buffer.from([...encoded, 255])]);
}

/** A client's DHCP transaction id, the same in each message of its exchange (from its MAC). */
const xid = (mac: Uint8Array) => ((mac[2]! << 24) | (mac[3]! << 16) | (mac[4]! << 8) | mac[5]!) >>> 0;
const ip4 = (ip: string) => [...Buffer.from(ip.split(".").map(Number))];
const sameMac = (a: Uint8Array, b: Uint8Array) => a.every((byte, i) => byte === b[i]);
const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
