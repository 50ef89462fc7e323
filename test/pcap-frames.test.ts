// What --pcap records, frame by frame: MACs, timestamps, DHCP timing, a refused connection, the MSS option.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { boardsim, killStarted, refusingPort } from "./support/cli.ts";

afterEach(killStarted);
const dir = mkdtempSync(path.join(tmpdir(), "boardsim-pcap-"));
const PC_MAC = "02:50:43:00:00:02";

interface Frame {
  /** Seconds since 1970, with µs. */
  time: number;
  srcMac: string;
  dstMac: string;
  src: string;
  dst: string;
  proto: number;
  srcPort: number;
  dstPort: number;
  /** TCP: flags byte and the header's options; UDP: the DHCP message type (option 53), if any. */
  flags: number;
  options: Buffer;
  dhcpType: number | null;
}

/** Every IPv4 frame of a pcap file (an independent reader: Ethernet, IPv4, TCP, UDP/BOOTP); ARP frames are skipped. */
function frames(file: string): Frame[] {
  const data = readFileSync(file);
  const mac = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(":");
  const out: Frame[] = [];
  for (let at = 24; at < data.length; ) {
    const time = data.readUInt32LE(at) + data.readUInt32LE(at + 4) / 1e6;
    const length = data.readUInt32LE(at + 8);
    const eth = data.subarray(at + 16, at + 16 + length);
    at += 16 + length;
    if (eth.readUInt16BE(12) !== 0x0800) continue;
    const ip = eth.subarray(14);
    const body = ip.subarray((ip[0]! & 15) * 4);
    const tcp = ip[9] === 6;
    const bootp = !tcp && body.readUInt16BE(2) >= 67 && body.readUInt16BE(2) <= 68 ? body.subarray(8) : null;
    let dhcpType: number | null = null;
    if (bootp) for (let o = 240; o < bootp.length && bootp[o] !== 255; o += 2 + bootp[o + 1]!) if (bootp[o] === 53) dhcpType = bootp[o + 2]!;
    out.push({
      time,
      srcMac: mac(eth.subarray(6, 12)),
      dstMac: mac(eth.subarray(0, 6)),
      src: [...ip.subarray(12, 16)].join("."),
      dst: [...ip.subarray(16, 20)].join("."),
      proto: ip[9]!,
      srcPort: body.readUInt16BE(0),
      dstPort: body.readUInt16BE(2),
      flags: tcp ? body[13]! : 0,
      options: tcp ? body.subarray(20, (body[12]! >> 4) * 4) : Buffer.alloc(0),
      dhcpType,
    });
  }
  return out;
}
const SYN = 2, RST = 4, FIN = 1, ACK = 16;

it("a board that left the WiFi keeps its own MAC in its last frames; a SYN carries the MSS; times only go forward", async () => {
  const server = net.createServer((socket) => socket.resume());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const script = path.join(dir, "leave.ts");
  writeFileSync(
    script,
    `import network from "network"; import socket from "socket"; import time from "time";
const wlan = network.WLAN(network.STA_IF); wlan.active(true); wlan.connect("boardsim-lab", "micropython");
while (!wlan.isconnected()) time.sleep_ms(10);
const s = socket.socket(); s.connect(["192.168.1.2", ${port}]); s.send("bye");
wlan.disconnect(); s.close(); print("left");`,
  );
  const file = path.join(dir, "leave.pcap");
  const run = boardsim("run", "--board", "esp32", "--script", script, "--profile", "fast", "--pcap", file);
  expect(await run.exit).toBe(0);
  server.close();
  const all = frames(file);
  const tcp = all.filter((f) => f.proto === 6);
  const boardMac = tcp.find((f) => f.flags === SYN)!.srcMac;
  expect(boardMac).not.toBe(PC_MAC);
  const fin = tcp.find((f) => f.src === "192.168.1.100" && f.flags & FIN)!;
  expect([fin.srcMac, fin.dstMac]).toEqual([boardMac, PC_MAC]);
  const syn = tcp.find((f) => f.flags === SYN)!;
  // The ESP32's TCP_MSS: IDF's CONFIG_LWIP_TCP_MSS default 1440 (components/lwip/Kconfig), which
  // MicroPython's ports/esp32 sdkconfig files do not set.
  expect([...syn.options]).toEqual([2, 4, 1440 >> 8, 1440 & 255]);
  const times = all.map((f) => f.time);
  expect([...times].sort((a, b) => a - b)).toEqual(times);
});

it("a refused connection to the PC is a SYN answered by RST-ACK; DHCP's DISCOVER goes out when DHCP starts, the OFFER when the server answers", async () => {
  const file = path.join(dir, "refused.pcap");
  const run = boardsim("run", "--board", "esp32", "--role", "client", "--port", String(await refusingPort()), "--pcap", file);
  await run.printed("TCP close, please reset!");
  expect(await run.exit).toBe(0);
  const all = frames(file);
  const tcp = all.filter((f) => f.proto === 6);
  expect(tcp.map((f) => f.flags)).toEqual([SYN, RST | ACK]);
  expect([tcp[1]!.src, tcp[1]!.dst]).toEqual([tcp[0]!.dst, tcp[0]!.src]);
  const discover = all.find((f) => f.dhcpType === 1)!;
  const offer = all.find((f) => f.dhcpType === 2)!;
  // The ESP32's realistic DHCP takes 600 ms (src/boards/esp32.ts); the capture shows that time, not a burst.
  expect(offer.time - discover.time).toBeGreaterThanOrEqual(0.59);
  expect(all.filter((f) => f.dhcpType !== null).map((f) => f.dhcpType)).toEqual([1, 2, 3, 5]);
});
