import { spawnSync } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { boardsim, connectClient, killStarted } from "./support/cli.ts";
import { describeTcp, greetedByCapturedServer, readPcap } from "./support/pcap.ts";

const LAB = path.join(path.dirname(new URL(import.meta.url).pathname), "../examples/lab.yaml");
const HAS_TSHARK = spawnSync("tshark", ["-v"]).status === 0;
afterEach(killStarted);

async function pcapPath(): Promise<string> {
  return path.join(await mkdtemp(path.join(tmpdir(), "boardsim-pcap-")), "lan.pcap");
}

describe("--pcap FILE", () => {
  it("a full disk (/dev/full: ENOSPC) stops the capture with one warning; the board runs to its end", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "boardsim-pcap-"));
    const script = path.join(dir, "join.ts");
    await writeFile(
      script,
      `import network from "network";\nimport time from "time";\nconst w = network.WLAN(network.STA_IF);\nw.active(true);\nw.connect("boardsim-lab", "micropython");\nwhile (!w.isconnected()) time.sleep_ms(20);\nprint("joined", w.ifconfig()[0]);\n`,
    );
    const run = boardsim("run", "--board", "esp32", "--script", script, "--profile", "fast", "--pcap", "/dev/full");
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toMatch(/joined 192\.168\.1\.\d+\n$/);
    expect(run.stderr().split("\n").filter((l) => l.includes("--pcap: cannot write /dev/full (ENOSPC)"))).toHaveLength(1);
    expect(run.stderr()).not.toMatch(/\n\s+at /);
  });

  it.each([
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const)("%s ends the run in order: exit %i, the capture complete, the PC's connection closed", async (signal, code) => {
    const file = await pcapPath();
    const { run, client, pcPort } = await greetedByCapturedServer(file);
    run.child.kill(signal);
    expect(await run.exit).toBe(code);
    await client.ended;
    expect(run.stderr()).toContain(`${signal}: stopped the boards`);
    const tcp = readPcap(file).filter((p) => p.proto === "tcp").map(describeTcp);
    expect(tcp).toContain(`192.168.1.100:8000 → 192.168.1.2:${pcPort} PSH,ACK "I am Server"`);
  });

  it("captures DHCP and a PC client's connection to the board: SYN, SYN-ACK, ACK, data both ways, FIN", async () => {
    const file = await pcapPath();
    const { run, client, pcPort } = await greetedByCapturedServer(file);
    client.socket.write("hi\n");
    expect((await client.received(3)).toString()).toBe("hi\n");
    client.socket.end();
    expect(await run.exit).toBe(0);

    const packets = readPcap(file);
    const dhcp = packets.filter((p) => p.proto === "udp" && p.dstPort === 67);
    expect(dhcp.length).toBeGreaterThanOrEqual(2); // DISCOVER, REQUEST
    expect(packets.some((p) => p.proto === "udp" && p.srcPort === 67 && p.dst === "192.168.1.100")).toBe(true); // OFFER/ACK

    const pc = `192.168.1.2:${pcPort}`;
    const board = "192.168.1.100:8000";
    const tcp = packets.filter((p) => p.proto === "tcp").map(describeTcp);
    expect(tcp.slice(0, 3)).toEqual([`${pc} → ${board} SYN`, `${board} → ${pc} SYN,ACK`, `${pc} → ${board} ACK`]);
    const order = [
      `${board} → ${pc} PSH,ACK "I am Server"`,
      `${pc} → ${board} PSH,ACK "hi\\n"`,
      `${board} → ${pc} PSH,ACK "hi\\n"`,
      `${pc} → ${board} FIN,ACK`,
      `${board} → ${pc} FIN,ACK`,
    ];
    const positions = order.map((line) => tcp.indexOf(line));
    expect(positions.every((p) => p > 2)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    // Sequence numbers follow the stream: each side's data starts right after its SYN.
    const tcpPackets = packets.filter((p) => p.proto === "tcp");
    const [syn, synAck] = tcpPackets;
    const greeting = tcpPackets.find((p) => p.payload.toString() === "I am Server")!;
    expect(greeting.seq).toBe(synAck!.seq + 1);
    expect(greeting.ack).toBe(syn!.seq + 1);
  });

  it("captures a lab's board-to-board connection", async () => {
    const file = await pcapPath();
    const run = boardsim("lab", LAB, "--pcap", file, "--log-format", "json");
    expect(await run.exit).toBe(0);
    const tcp = readPcap(file).filter((p) => p.proto === "tcp").map(describeTcp);
    const client = /^(192\.168\.1\.101:\d+) → 192\.168\.1\.100:8000 SYN$/.exec(tcp[0]!)![1]!;
    const board = "192.168.1.100:8000";
    const flow = tcp.filter((l) => l.includes(client));
    expect(flow.slice(0, 4)).toEqual([
      `${client} → ${board} SYN`,
      `${board} → ${client} SYN,ACK`,
      `${client} → ${board} ACK`,
      `${board} → ${client} PSH,ACK "I am Server"`,
    ]);
    expect(flow).toContain(`${client} → ${board} PSH,ACK "hello from 192.168.1.101\\n"`);
    expect(flow.filter((l) => l.endsWith("FIN,ACK"))).toHaveLength(2);
  });

  it("draws ARP (each board's announcement after DHCP, who-has before the first SYN), each board's MSS and its free receive room as the window", async () => {
    const file = await pcapPath();
    const run = boardsim("lab", LAB, "--pcap", file, "--log-format", "json");
    expect(await run.exit).toBe(0);
    const packets = readPcap(file);
    const arp = packets.filter((p) => p.proto === "arp");
    // Gratuitous ARP: sender = target = the bound address, broadcast.
    for (const ip of ["192.168.1.100", "192.168.1.101"]) {
      expect(arp.some((p) => p.arpOp === 1 && p.src === ip && p.dst === ip && p.ethDst === "ff:ff:ff:ff:ff:ff")).toBe(true);
    }
    const firstSyn = packets.findIndex((p) => p.proto === "tcp" && p.flags === "SYN" && p.src === "192.168.1.101");
    const whoHas = packets.findIndex((p) => p.arpOp === 1 && p.src === "192.168.1.101" && p.dst === "192.168.1.100");
    const isAt = packets.findIndex((p) => p.arpOp === 2 && p.src === "192.168.1.100" && p.dst === "192.168.1.101");
    expect(whoHas).toBeGreaterThan(-1);
    expect([whoHas < isAt, isAt < firstSyn]).toEqual([true, true]);
    expect(packets[isAt]!.senderMac).toBe(packets.find((p) => p.proto === "tcp" && p.src === "192.168.1.100")!.ethSrc);
    expect(arp.filter((p) => p.arpOp === 1 && p.src === "192.168.1.101" && p.dst === "192.168.1.100")).toHaveLength(1); // cached after
    // Pico W: TCP_MSS 800, TCP_WND 6400 (lwipopts_common.h), both ends boards.
    const syn = packets[firstSyn]!;
    const synAck = packets.find((p) => p.proto === "tcp" && p.flags === "SYN,ACK" && p.dstPort === syn.srcPort)!;
    expect([syn.mss, syn.window, synAck.mss, synAck.window]).toEqual([800, 6400, 800, 6400]);
    const flow = packets.filter((p) => p.proto === "tcp" && (p.srcPort === syn.srcPort || p.dstPort === syn.srcPort));
    expect(flow.every((p) => p.window! <= 6400)).toBe(true);
  });

  /** Runs `connect(address)` with settimeout(4) on `board` (and `--fault`s), returns the capture's packets. */
  async function unansweredConnect(board: string, address: string, faults: string[] = []) {
    const dir = await mkdtemp(path.join(tmpdir(), "boardsim-pcap-"));
    const file = path.join(dir, "lan.pcap");
    const script = path.join(dir, "nobody.ts");
    await writeFile(
      script,
      `import network from "network";\nimport socket from "socket";\nimport time from "time";\nconst w = network.WLAN(network.STA_IF);\nw.active(true);\nw.connect("boardsim-lab", "micropython");\nwhile (!w.isconnected()) time.sleep_ms(20);\nconst s = socket.socket();\ns.settimeout(4);\ntry { s.connect(${address}); } catch (e) { print("gave up", e); }\n`,
    );
    const run = boardsim("run", "--board", board, "--script", script, "--profile", "fast", "--pcap", file, ...faults.flatMap((f) => ["--fault", f]));
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toMatch(/gave up \[Errno 1\d+\] ETIMEDOUT/);
    return readPcap(file);
  }

  it("draws lwIP's SYN retransmissions to a host that drops them (syn_timeout): ESP32 every 1.5 s, Pico W every 3 s", async () => {
    for (const [board, rto] of [["esp32", 1.5], ["pico_w", 3]] as const) {
      const packets = await unansweredConnect(board, `["192.168.1.2", 9]`, ["syn_timeout"]);
      const syns = packets.filter((p) => p.proto === "tcp" && p.dst === "192.168.1.2");
      // Within the script's 4 s: the SYN at 0 and each retransmission (same sequence number) one RTO later.
      expect(syns.map((p) => p.flags)).toEqual(Array.from({ length: Math.floor(4 / rto) + 1 }, () => "SYN"));
      expect(new Set(syns.map((p) => p.seq)).size).toBe(1);
      // Each one RTO after the last. A run on the real clock stamps packets late on a loaded
      // machine, the later ones (3.1 s seen at load 9) or the first (1.4967 s seen at load 4: the
      // retransmissions keep the first SYN's schedule), so anything from RTO - 50 ms to 1.5 RTOs
      // counts: it still tells 1.5 s from 3 s.
      for (const [i, p] of syns.slice(1).entries()) {
        const gap = p.time - syns[i]!.time;
        expect(gap).toBeGreaterThan(rto - 0.05);
        expect(gap).toBeLessThan(rto * 1.5);
      }
      // The PC answered ARP once; its MAC is the SYNs' destination.
      const arp = packets.filter((p) => p.proto === "arp" && p.dst === "192.168.1.2");
      expect(arp.map((p) => p.arpOp)).toEqual([1]);
      expect(packets.filter((p) => p.arpOp === 2 && p.src === "192.168.1.2").map((p) => p.senderMac)).toEqual([syns[0]!.ethDst]);
    }
  });

  it("to an address nobody holds only the ARP who-has goes out, once per SYN try (lwIP queues the SYN)", async () => {
    const packets = await unansweredConnect("pico_w", `["192.168.1.250", 80]`);
    expect(packets.filter((p) => p.proto === "tcp" && p.dst === "192.168.1.250")).toEqual([]);
    const arp = packets.filter((p) => p.proto === "arp" && p.dst === "192.168.1.250");
    expect(arp.map((p) => [p.arpOp, p.ethDst])).toEqual([1, 1].map((op) => [op, "ff:ff:ff:ff:ff:ff"])); // at 0 and 3 s of the 4 s timeout
    expect(Math.round(arp[1]!.time - arp[0]!.time)).toBe(3);
  });

  it("the board's window closes to 0 while its script does not read and the PC keeps sending, and opens again as it reads", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "boardsim-pcap-"));
    const file = path.join(dir, "lan.pcap");
    const script = path.join(dir, "slow_reader.py");
    await writeFile(
      script,
      [
        "import network, socket, time",
        "w = network.WLAN(network.STA_IF); w.active(True); w.connect('boardsim-lab', 'micropython')",
        "while not w.isconnected(): time.sleep_ms(20)",
        "s = socket.socket(); s.bind(('0.0.0.0', 8000)); s.listen(2)",
        "c, _ = s.accept()",
        "s.accept()  # the test's second connection says: read now",
        "n = 0",
        "while True:",
        "    b = c.recv(1024)",
        "    if not b: break",
        "    n += len(b)",
        "print('read', n)",
        "",
      ].join("\n"),
    );
    const run = boardsim("run", "--board", "pico_w", "--script", script, "--profile", "fast", "--pcap", file, "--log-format", "json");
    const port = (await run.logged((l) => l.msg.startsWith("forward "))).hostPort as number;
    const sender = await connectClient(port);
    const pcPort = sender.socket.localPort!;
    sender.socket.end(Buffer.alloc(20_000, "x")); // 3 × the Pico W's TCP_WND (6400)
    const boardAcks = () => readPcap(file).filter((p) => p.proto === "tcp" && p.srcPort === 8000 && p.dstPort === pcPort);
    await vi.waitFor(() => expect(boardAcks().some((p) => p.window === 0)).toBe(true), { timeout: 60_000, interval: 100 });
    const trigger = await connectClient(port);
    expect(await run.exit).toBe(0);
    trigger.socket.destroy();
    expect(run.stdout()).toMatch(/read 20000\n$/);

    const flow = readPcap(file).filter((p) => p.proto === "tcp" && [p.srcPort, p.dstPort].includes(pcPort));
    const fromPc = flow.filter((p) => p.srcPort === pcPort);
    expect(fromPc.reduce((sum, p) => sum + p.payload.length, 0)).toBe(20_000);
    expect(fromPc.every((p) => p.payload.length <= 800)).toBe(true); // the Pico W's MSS
    const windows = flow.filter((p) => p.srcPort === 8000).map((p) => p.window!);
    const closed = windows.indexOf(0);
    expect(windows[0]).toBe(6400); // SYN-ACK: the whole TCP_WND
    expect(windows.slice(0, closed + 1).every((w, i) => i === 0 || w <= windows[i - 1]!)).toBe(true); // shrinks to 0 as data waits
    // The PC never sends beyond the window the board announced last (each board ACK acknowledges all).
    let window = 0;
    let sent = 0;
    for (const p of flow) {
      if (p.srcPort === 8000) [window, sent] = [p.window!, 0];
      else expect((sent += p.payload.length)).toBeLessThanOrEqual(window);
    }
    // After a zero window the board's next segment, before any more data, is a window update.
    const afterZero = flow.slice(flow.findIndex((p) => p.srcPort === 8000 && p.window === 0) + 1);
    const update = afterZero.find((p) => p.srcPort === 8000 || p.payload.length > 0)!;
    expect([update.srcPort, update.payload.length, update.window! > 0]).toEqual([8000, 0, true]);
  });

  it.skipIf(!HAS_TSHARK)("Wireshark (tshark) reads it: DHCP decoded, checksums valid, the handshake and the closing as the chapter shows them", async () => {
    const file = await pcapPath();
    const run = boardsim("lab", LAB, "--pcap", file);
    expect(await run.exit).toBe(0);
    const checks = ["tcp", "ip", "udp"].flatMap((p) => ["-o", `${p}.check_checksum:TRUE`]);
    const fields = ["_ws.col.Protocol", "ip.checksum.status", "tcp.checksum.status", "udp.checksum.status", "_ws.col.Info"].flatMap((f) => ["-e", f]);
    const out = spawnSync("tshark", ["-r", file, ...checks, "-T", "fields", ...fields], { encoding: "utf8" });
    expect(out.status).toBe(0);
    const rows = out.stdout.trim().split("\n").map((l) => l.split("\t"));
    expect(rows.every(([, ...statuses]) => statuses.slice(0, 3).every((s) => s === "" || s === "1"))).toBe(true);
    expect(rows.filter(([proto]) => proto === "DHCP").map((r) => r[4]!.split(" - ")[0]!.replace(/\s+/g, " ").trim()).slice(0, 4)).toEqual([
      "DHCP Discover",
      "DHCP Offer",
      "DHCP Request",
      "DHCP ACK",
    ]);
    const flags = rows.filter(([proto]) => proto === "TCP").map((r) => /\[([A-Z, ]+)\]/.exec(r[4]!)![1]);
    expect(flags.slice(0, 4)).toEqual(["SYN", "SYN, ACK", "ACK", "PSH, ACK"]);
    expect(flags.filter((f) => f === "FIN, ACK")).toHaveLength(2);
    expect(rows.filter(([proto]) => proto === "ARP").length).toBeGreaterThanOrEqual(4); // two announcements, who-has, is-at
    const malformed = spawnSync("tshark", ["-r", file, "-Y", "_ws.malformed", "-T", "fields", "-e", "frame.number"], { encoding: "utf8" });
    expect([malformed.status, malformed.stdout.trim()]).toEqual([0, ""]);
  });
});
