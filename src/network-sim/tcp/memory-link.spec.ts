import { describe, expect, it } from "vitest";
import { MemoryLink } from "./memory-link.ts";

const buffers = { sendBuffer: 100, receiveWindow: 50 };
const bytes = (n: number) => new Uint8Array(n).fill(7);

function pair() {
  return MemoryLink.pair(["192.168.1.101", 49152], buffers, ["192.168.1.100", 8000], buffers);
}

describe("MemoryLink: one TCP connection between two boards", () => {
  it("fills the peer's window, keeps the rest in the send buffer, and moves it on as the peer reads", async () => {
    const [client, server] = pair();
    client.write(bytes(120));
    expect(server.inbound.size).toBe(50);
    expect(client.sendSpace()).toBe(30);
    const space = client.waitForSendSpace();
    expect((await server.inbound.read(40)).length).toBe(40);
    await space;
    expect(server.inbound.size).toBe(50);
    expect(client.sendSpace()).toBe(70); // 40 of the 70 waiting bytes moved on
  });

  it("FIN after the buffered data: the peer reads everything, then b''", async () => {
    const [client, server] = pair();
    client.write(bytes(70));
    client.end();
    expect(server.inbound.readable).toBe(true);
    expect((await server.inbound.read(100)).length).toBe(50);
    expect((await server.inbound.read(100)).length).toBe(20);
    expect((await server.inbound.read(100)).length).toBe(0);
  });

  it("abort() is a RST: the peer's next read raises ECONNRESET once", async () => {
    const [client, server] = pair();
    client.abort();
    await expect(server.inbound.read(10)).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(server.failure?.code).toBe("ECONNRESET");
    expect((await server.inbound.read(10)).length).toBe(0);
  });

  it("data for an end that has closed is answered with RST", async () => {
    const [client, server] = pair();
    server.end();
    expect((await client.inbound.read(10)).length).toBe(0); // the FIN
    client.write(bytes(5));
    expect(client.failure?.code).toBe("ECONNRESET");
  });

  it("segments pass through the end's out pipe, where faults and capture can sit", () => {
    const [client, server] = pair();
    const seen: string[] = [];
    const next = client.out;
    client.out = {
      data: (chunk) => (seen.push(`data ${chunk.length}`), next.data(chunk)),
      fin: () => (seen.push("fin"), next.fin()),
      rst: () => (seen.push("rst"), next.rst()),
    };
    client.write(bytes(3));
    client.end();
    expect(seen).toEqual(["data 3", "fin"]);
    expect(server.inbound.size).toBe(3);
  });
});
