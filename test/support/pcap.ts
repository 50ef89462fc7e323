import { readFileSync } from "node:fs";

/** One IPv4 packet of a pcap file, decoded as far as the tests need. */
export interface Packet {
  src: string;
  dst: string;
  proto: "tcp" | "udp";
  srcPort: number;
  dstPort: number;
  /** TCP flags as Wireshark names them, e.g. "SYN", "SYN,ACK", "PSH,ACK". */
  flags: string;
  seq: number;
  ack: number;
  payload: Buffer;
}

const FLAG_NAMES: [number, string][] = [
  [2, "SYN"],
  [1, "FIN"],
  [4, "RST"],
  [8, "PSH"],
  [16, "ACK"],
];

/** Decodes a classic pcap file with Ethernet frames carrying IPv4 TCP/UDP (written independently of src/). */
export function readPcap(file: string): Packet[] {
  const data = readFileSync(file);
  if (data.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error("not a little-endian pcap file");
  if (data.readUInt32LE(20) !== 1) throw new Error("link type is not Ethernet");
  const packets: Packet[] = [];
  for (let at = 24; at < data.length; ) {
    const length = data.readUInt32LE(at + 8);
    const frame = data.subarray(at + 16, at + 16 + length);
    at += 16 + length;
    if (frame.readUInt16BE(12) !== 0x0800) continue;
    const ip = frame.subarray(14);
    const ihl = (ip[0]! & 15) * 4;
    const total = ip.readUInt16BE(2);
    const ipText = (offset: number) => [...ip.subarray(offset, offset + 4)].join(".");
    const body = ip.subarray(ihl, total);
    const common = { src: ipText(12), dst: ipText(16), srcPort: body.readUInt16BE(0), dstPort: body.readUInt16BE(2) };
    if (ip[9] === 6) {
      const offset = (body[12]! >> 4) * 4;
      const flags = FLAG_NAMES.filter(([bit]) => body[13]! & bit).map(([, name]) => name).join(",");
      packets.push({ ...common, proto: "tcp", flags, seq: body.readUInt32BE(4), ack: body.readUInt32BE(8), payload: body.subarray(offset) });
    } else if (ip[9] === 17) {
      packets.push({ ...common, proto: "udp", flags: "", seq: 0, ack: 0, payload: body.subarray(8) });
    }
  }
  return packets;
}

/** A TCP packet as one readable line: "192.168.1.2:5000 → 192.168.1.100:8000 SYN" (+ " 'data'"). */
export function describeTcp(p: Packet): string {
  return `${p.src}:${p.srcPort} → ${p.dst}:${p.dstPort} ${p.flags}${p.payload.length ? ` ${JSON.stringify(p.payload.toString("latin1"))}` : ""}`;
}
