import net from "node:net";
import { Duplex } from "node:stream";
import { randomBytes } from "node:crypto";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { HostBridge, NetSocketLink, type Forward } from "./host-bridge.ts";

const log = pino({ level: "silent" });
const opened: (Forward | net.Server | net.Socket)[] = [];
afterEach(() => {
  for (const h of opened.splice(0)) "destroy" in h ? h.destroy() : h.close();
});

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => resolve(socket));
    socket.on("error", reject);
    opened.push(socket);
  });
}

/** A forward whose accepted links arrive through a promise. */
async function forwardOnce(port: number, receiveWindow = 6400) {
  let accepted!: (link: NetSocketLink) => void;
  const link = new Promise<NetSocketLink>((resolve) => (accepted = resolve));
  const forward = await new HostBridge(log).forward(["192.168.1.100", port], "192.168.1.2", { sendBuffer: 6400, receiveWindow }, accepted);
  opened.push(forward);
  return { forward, link };
}

describe("HostBridge", () => {
  it("takes the next free port when the wanted one is in use", async () => {
    const blocker = net.createServer();
    opened.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    const { forward } = await forwardOnce(taken);
    expect(forward.hostPort).not.toBe(taken);
    expect(forward.hostPort).toBeGreaterThan(taken);
  });

  it("shows the board the PC's LAN address and the client's real port", async () => {
    const { forward, link } = await forwardOnce(0);
    const client = await connect(forward.hostPort);
    expect((await link).remote).toEqual(["192.168.1.2", client.localPort]);
  });

  it("stops reading the PC's socket while the board's window is full, then delivers every byte in order", async () => {
    const { forward, link: linkPromise } = await forwardOnce(0, 6400);
    const client = await connect(forward.hostPort);
    const payload = randomBytes(4 * 1024 * 1024);
    client.end(payload);
    const link = await linkPromise;

    // Wait until the window has filled; the link must then have paused the real socket.
    while (link.inbound.size < link.inbound.capacity) await link.inbound.wait();
    expect(link.inbound.size).toBeLessThan(link.inbound.capacity + 65536);

    const received: Uint8Array[] = [];
    for (;;) {
      const chunk = await link.inbound.read(1024);
      if (chunk.length === 0) break;
      expect(link.inbound.size).toBeLessThan(link.inbound.capacity + 65536);
      received.push(chunk);
    }
    expect(Buffer.concat(received).equals(payload)).toBe(true);
  });

  it("counts the bytes a fault still holds against the window: the PC's socket waits while they are on their way", async () => {
    const { forward, link: linkPromise } = await forwardOnce(0, 6400);
    const client = await connect(forward.hostPort);
    const payload = randomBytes(1024 * 1024);
    client.end(payload);
    const link = await linkPromise;
    // A fault that holds every segment for a turn of the event loop, as a delay does.
    let held = 0;
    let mostHeld = 0;
    const next = link.incoming;
    link.incoming = {
      data: (chunk) => {
        held += chunk.length;
        mostHeld = Math.max(mostHeld, held);
        setImmediate(() => ((held -= chunk.length), next.data(chunk)));
      },
      fin: () => setImmediate(() => next.fin()),
      rst: () => next.rst(),
    };
    const received: Uint8Array[] = [];
    for (let chunk = await link.inbound.read(4096); chunk.length > 0; chunk = await link.inbound.read(4096)) received.push(chunk);
    expect(Buffer.concat(received).equals(payload)).toBe(true);
    expect(mostHeld).toBeLessThan(6400 + 65536); // the window and at most one read from the kernel
  });

  it("a board's read reopens the window for the PC at once while segments are still on their way", async () => {
    const { forward, link: linkPromise } = await forwardOnce(0, 6400);
    const client = await connect(forward.hostPort);
    client.write(randomBytes(64 * 1024));
    const link = await linkPromise;
    // A hop that holds 1600 B segments until the test lets them arrive.
    const next = link.incoming;
    const onAir: Uint8Array[] = [];
    let filled!: () => void;
    const windowFilled = new Promise<void>((resolve) => (filled = resolve));
    const heldBytes = () => onAir.reduce((sum, c) => sum + c.length, 0);
    link.incoming = {
      data: (chunk) => {
        for (let at = 0; at < chunk.length; at += 1600) onAir.push(chunk.subarray(at, at + 1600));
        if (heldBytes() >= 6400) filled();
      },
      fin: () => next.fin(),
      rst: () => next.rst(),
    };
    await windowFilled;
    expect(heldBytes()).toBe(6400);
    next.data(onAir.shift()!); // one segment arrives; three are still on their way
    expect((await link.inbound.read(4096)).length).toBe(1600);
    // lwIP announces the room a read makes at once (tcp_recved's window update): the PC sends into it.
    expect(heldBytes()).toBe(6400);
  });

  /** A board's link to a PC client, and all the client receives until the board's FIN. */
  async function linkToClient(): Promise<{ link: NetSocketLink; received: Promise<Buffer> }> {
    const { forward, link } = await forwardOnce(0);
    const client = await connect(forward.hostPort);
    const got: Buffer[] = [];
    client.on("data", (chunk: Buffer) => got.push(chunk));
    const received = new Promise<Buffer>((resolve) => client.on("end", () => resolve(Buffer.concat(got))));
    return { link: await link, received };
  }

  it("a board's sends within one turn reach the PC in order, before its FIN, and leave the send buffer free", async () => {
    const { link, received } = await linkToClient();
    const payload = randomBytes(60 * 1024);
    for (let off = 0; off < payload.length; off += 1024) {
      expect(link.sendSpace()).toBe(6400); // the kernel takes what is written: nothing stays unacknowledged
      link.write(payload.subarray(off, off + 1024));
    }
    link.end();
    expect((await received).equals(payload)).toBe(true);
  });

  /**
   * Sends 32 KiB from one buffer the caller writes again after each send (as a .py board's shared
   * send region), `attach` running halfway; returns the bytes sent and those the PC received.
   */
  async function borrowedSends(attach: (link: NetSocketLink) => void): Promise<{ payload: Buffer; received: Buffer }> {
    const { link, received } = await linkToClient();
    const payload = randomBytes(32 * 1024);
    const region = new Uint8Array(1000);
    const send = (from: number, to: number) => {
      for (let off = from; off < to; off += region.length) {
        const piece = payload.subarray(off, Math.min(to, off + region.length));
        region.set(piece);
        link.write(region.subarray(0, piece.length), true);
        region.fill(0xee);
      }
    };
    send(0, 16 * 1024);
    await new Promise((resolve) => setImmediate(resolve));
    attach(link);
    send(16 * 1024, 32 * 1024);
    link.end();
    return { payload, received: await received };
  }

  it("a borrowed send reaches the PC as it was, and a capture attached mid-connection sees every byte after", async () => {
    const captured: Uint8Array[] = [];
    const { payload, received } = await borrowedSends((link) => {
      link.observer = (fromBoard, segment) => fromBoard && segment.kind === "data" && captured.push(segment.chunk);
    });
    expect(received.equals(payload)).toBe(true);
    expect(Buffer.concat(captured).equals(payload.subarray(16 * 1024))).toBe(true);
  });

  it("a borrowed send reaches the PC as it was, and a fault attached mid-connection sees every byte after", async () => {
    const faulted: Uint8Array[] = [];
    const { payload, received } = await borrowedSends((link) => {
      const next = link.out;
      // Holds each segment and the FIN for a turn, as a delay does.
      link.out = { data: (chunk) => (faulted.push(chunk), setImmediate(() => next.data(chunk))), fin: () => setImmediate(() => next.fin()), rst: next.rst };
    });
    expect(received.equals(payload)).toBe(true);
    expect(Buffer.concat(faulted).equals(payload.subarray(16 * 1024))).toBe(true);
  });

  it("bytes the kernel has not taken yet stay as the board sent them, and later sends join them and hold the send buffer", async () => {
    // A socket whose kernel takes written bytes only when the test says (the PC's window closed until then).
    const taken: Buffer[] = [];
    const waiting: [Buffer, () => void][] = [];
    const socket = new Duplex({ read() {}, write: (chunk: Buffer, _encoding, done) => void waiting.push([chunk, done]) });
    const takeAll = () => {
      // Each done() hands the socket's next buffered write to the kernel.
      for (let next = waiting.shift(); next; next = waiting.shift()) taken.push(Buffer.from(next[0])), next[1]();
    };
    const link = new NetSocketLink(socket as unknown as net.Socket, ["192.168.1.2", 50000], { sendBuffer: 6400, receiveWindow: 6400 });
    const payload = randomBytes(5 * 1024);
    const region = new Uint8Array(1024); // written again after each send, as a .py board's send region
    const send = (piece: number) => {
      region.set(payload.subarray(piece * 1024, (piece + 1) * 1024));
      link.write(region, true);
      region.fill(0xee);
    };
    send(0);
    send(1);
    expect(link.sendSpace()).toBe(6400); // gathered for this turn's write: as taken by the kernel
    await new Promise((resolve) => setImmediate(resolve));
    expect(link.sendSpace()).toBe(6400 - 2048); // written, not taken
    send(2);
    expect(link.sendSpace()).toBe(6400 - 3072);
    send(3);
    await new Promise((resolve) => setImmediate(resolve));
    takeAll();
    expect(link.sendSpace()).toBe(6400);
    send(4);
    await new Promise((resolve) => setImmediate(resolve));
    takeAll();
    expect(Buffer.concat(taken).equals(payload)).toBe(true);
  });

  it("bytes the PC's kernel does not take hold the board's send buffer", async () => {
    const { forward, link: linkPromise } = await forwardOnce(0);
    const client = await connect(forward.hostPort);
    client.pause(); // the PC reads nothing: the kernel's buffers fill
    const link = await linkPromise;
    const piece = new Uint8Array(1024);
    let written = 0;
    while (link.sendSpace() === 6400 && written < 256 * 1024 * 1024) {
      link.write(piece);
      written += piece.length;
      if (written % (1024 * 1024) === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(link.sendSpace()).toBeLessThan(6400);
  });
});
