import { closeSync, openSync, writeSync } from "node:fs";
import { ipToNumber } from "../address.ts";
import type { SocketAddress } from "../address.ts";
import type { AccessPointConfig } from "../wifi/access-point.ts";
import type { Segment } from "../tcp/pipe.ts";

/** pcap global header: magic, v2.4, no zone, no sigfigs, snaplen 65535, LINKTYPE_ETHERNET. */
const LINKTYPE_ETHERNET = 1;
const ETHERTYPE_IPV4 = 0x0800;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const TCP = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16 } as const;
/** Segment size for captured data: Ethernet's MSS (the boards' own MSS differs, the stream is the same). */
const MSS = 1460;
const BROADCAST_MAC = Uint8Array.of(255, 255, 255, 255, 255, 255);


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

  /**
   * `macOf` names the hardware address behind an IP on the LAN now (null: nobody there; then the
   * PC's, `pcMac`: the PC itself or beyond it); `now` is the LAN's clock in ms since 1970, the
   * frames' timestamps; `onWriteError` hears, once, that a write failed (a full disk): the capture
   * stops there, the boards run on.
   */
  constructor(
    readonly file: string,
    private readonly macOf: (ip: string) => Uint8Array | null,
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
  tcpOpen(client: SocketAddress, server: SocketAddress): TcpFlow {
    const flow = new TcpFlow(this, client, server, 0x1000_0000 + ++this.flows * 0x0100_0000);
    flow.handshake();
    return flow;
  }

  /** A connection attempt nobody listens for: SYN answered by RST-ACK. */
  tcpRefused(client: SocketAddress, server: SocketAddress): void {
    new TcpFlow(this, client, server, 0x1000_0000 + ++this.flows * 0x0100_0000).refused();
  }

  udp(from: SocketAddress, to: SocketAddress, data: Uint8Array): void {
    this.udpFrame(this.mac(from[0]), this.mac(to[0]), from, to, data);
  }

  /** A client's DHCP DISCOVER, when its DHCP starts; the answer (dhcp()) comes when the server's does. */
  dhcpDiscover(mac: Uint8Array, hostname: string): void {
    this.udpFrame(mac, BROADCAST_MAC, ["0.0.0.0", 68], ["255.255.255.255", 67], bootp(1, xid(mac), mac, "0.0.0.0", "0.0.0.0", [[53, [1]], [12, [...Buffer.from(hostname)]]]));
  }

  /** The rest of a client getting `ip` from the AP's DHCP server: OFFER, REQUEST, ACK (a renewal: REQUEST, ACK). */
  dhcp(mac: Uint8Array, hostname: string, ip: string, ap: AccessPointConfig, renewal = false): void {
    this.learned.set(ip, mac);
    const client = (type: number, ciaddr: string) =>
      this.udpFrame(mac, BROADCAST_MAC, ["0.0.0.0", 68], ["255.255.255.255", 67], bootp(1, xid(mac), mac, ciaddr, "0.0.0.0", [[53, [type]], [50, ip4(ip)], [54, ip4(ap.gateway)], [12, [...Buffer.from(hostname)]]]));
    const server = (type: number) =>
      this.udpFrame(ap.bssid, mac, [ap.gateway, 67], [ip, 68], bootp(2, xid(mac), mac, "0.0.0.0", ip, [[53, [type]], [54, ip4(ap.gateway)], [51, u32(ap.leaseSeconds)], [1, ip4(ap.netmask)], [3, ip4(ap.gateway)], [6, ip4(ap.dns)]]));
    if (!renewal) server(2); // OFFER
    client(3, renewal ? ip : "0.0.0.0"); // REQUEST
    server(5); // ACK
  }

  /** One TCP segment from `from` to `to`. */
  tcp(from: SocketAddress, to: SocketAddress, seq: number, ack: number, flags: number, payload: Uint8Array = new Uint8Array(0)): void {
    // A SYN announces the MSS the capture segments data at (option 2, RFC 9293 §3.7.1).
    const options = flags & TCP.SYN ? Buffer.from([2, 4, MSS >> 8, MSS & 255]) : Buffer.alloc(0);
    const header = Buffer.alloc(20 + options.length);
    header.writeUInt16BE(from[1], 0);
    header.writeUInt16BE(to[1], 2);
    header.writeUInt32BE(seq >>> 0, 4);
    header.writeUInt32BE(flags & TCP.ACK ? ack >>> 0 : 0, 8);
    header[12] = (header.length / 4) << 4;
    header[13] = flags;
    header.writeUInt16BE(65535, 14);
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
    this.frame(this.mac(src), this.mac(dst), ipPacket(++this.ipId, src, dst, proto, payload));
  }

  private mac(ip: string): Uint8Array {
    const now = this.macOf(ip);
    if (now) this.learned.set(ip, now);
    return now ?? this.learned.get(ip) ?? this.pcMac;
  }

  private frame(srcMac: Uint8Array, dstMac: Uint8Array, packet: Buffer): void {
    const ethernet = Buffer.alloc(14);
    ethernet.set(dstMac, 0);
    ethernet.set(srcMac, 6);
    ethernet.writeUInt16BE(ETHERTYPE_IPV4, 12);
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

/** One TCP connection in the capture: tracks both sides' sequence numbers. */
export class TcpFlow {
  /** Next sequence number of [client, server]. */
  private readonly next: [number, number];

  constructor(
    private readonly capture: Capture,
    private readonly client: SocketAddress,
    private readonly server: SocketAddress,
    isn: number,
  ) {
    this.next = [isn, isn + 0x0080_0000];
  }

  handshake(): void {
    const [c, s] = this.next;
    this.capture.tcp(this.client, this.server, c, 0, TCP.SYN);
    this.capture.tcp(this.server, this.client, s, c + 1, TCP.SYN | TCP.ACK);
    this.next[0] = c + 1;
    this.next[1] = s + 1;
    this.capture.tcp(this.client, this.server, this.next[0], this.next[1], TCP.ACK);
  }

  refused(): void {
    const [c] = this.next;
    this.capture.tcp(this.client, this.server, c, 0, TCP.SYN);
    this.capture.tcp(this.server, this.client, 0, c + 1, TCP.RST | TCP.ACK);
  }

  /** A segment one end sent: data (then the other end's ACK), FIN (and its ACK), or RST. */
  segment(fromClient: boolean, segment: Segment): void {
    const [from, to] = fromClient ? [this.client, this.server] : [this.server, this.client];
    const me = fromClient ? 0 : 1;
    const peer = 1 - me;
    if (segment.kind === "rst") return this.capture.tcp(from, to, this.next[me], this.next[peer], TCP.RST | TCP.ACK);
    if (segment.kind === "fin") {
      this.capture.tcp(from, to, this.next[me], this.next[peer], TCP.FIN | TCP.ACK);
      this.next[me] += 1;
    } else {
      for (let offset = 0; offset < segment.chunk.length; offset += MSS) {
        const piece = segment.chunk.subarray(offset, offset + MSS);
        this.capture.tcp(from, to, this.next[me], this.next[peer], TCP.PSH | TCP.ACK, piece);
        this.next[me] += piece.length;
      }
    }
    this.capture.tcp(to, from, this.next[peer], this.next[me], TCP.ACK);
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
const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
