import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { boardsim, connectClient, type CliRun, type Collected } from "./cli.ts";

/** One IPv4 packet (or ARP frame) of a pcap file, decoded as far as the tests need. */
export interface Packet {
  /** Seconds since 1970 (the record's timestamp). */
  time: number;
  /** ARP: sender and target protocol addresses; IPv4: source and destination. */
  src: string;
  dst: string;
  /** Ethernet source and destination, "aa:bb:…". */
  ethSrc: string;
  ethDst: string;
  proto: "tcp" | "udp" | "arp";
  /** ARP: 1 request, 2 reply; the sender's hardware address is ethSrc's twin in `senderMac`. */
  arpOp?: number;
  senderMac?: string;
  /** TCP: the advertised window and the MSS option (SYNs only). */
  window?: number;
  mss?: number;
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
    const time = data.readUInt32LE(at) + data.readUInt32LE(at + 4) / 1e6;
    const frame = data.subarray(at + 16, at + 16 + length);
    at += 16 + length;
    const mac = (offset: number) => [...frame.subarray(offset, offset + 6)].map((b) => b.toString(16).padStart(2, "0")).join(":");
    const eth = { time, ethDst: mac(0), ethSrc: mac(6) };
    if (frame.readUInt16BE(12) === 0x0806) {
      const ip4 = (offset: number) => [...frame.subarray(offset, offset + 4)].join(".");
      packets.push({ ...eth, proto: "arp", arpOp: frame.readUInt16BE(20), senderMac: mac(22), src: ip4(28), dst: ip4(38), srcPort: 0, dstPort: 0, flags: "", seq: 0, ack: 0, payload: Buffer.alloc(0) });
      continue;
    }
    if (frame.readUInt16BE(12) !== 0x0800) continue;
    const ip = frame.subarray(14);
    const ihl = (ip[0]! & 15) * 4;
    const total = ip.readUInt16BE(2);
    const ipText = (offset: number) => [...ip.subarray(offset, offset + 4)].join(".");
    const body = ip.subarray(ihl, total);
    const common = { ...eth, src: ipText(12), dst: ipText(16), srcPort: body.readUInt16BE(0), dstPort: body.readUInt16BE(2) };
    if (ip[9] === 6) {
      const offset = (body[12]! >> 4) * 4;
      const flags = FLAG_NAMES.filter(([bit]) => body[13]! & bit).map(([, name]) => name).join(",");
      const mss = body[20] === 2 && offset > 20 ? body.readUInt16BE(22) : undefined;
      packets.push({ ...common, proto: "tcp", flags, seq: body.readUInt32BE(4), ack: body.readUInt32BE(8), window: body.readUInt16BE(14), ...(mss === undefined ? {} : { mss }), payload: body.subarray(offset) });
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

/**
 * `boardsim run` of the chapter's Pico W server capturing to `file`, and a PC client connected
 * through the board's forward that has received the greeting; pcPort is the client's own port.
 */
export async function greetedByCapturedServer(file: string): Promise<{ run: CliRun; client: Collected; pcPort: number }> {
  const run = boardsim("run", "--board", "pico_w", "--role", "server", "--profile", "fast", "--pcap", file, "--log-format", "json");
  await run.printed("accepting.....\n");
  const port = (await run.logged((l) => l.msg.startsWith("forward "))).hostPort as number;
  const client = await connectClient(port);
  expect((await client.received(11)).toString()).toBe("I am Server");
  return { run, client, pcPort: client.socket.localPort! };
}
