import dgram from "node:dgram";
import { expect, it } from "vitest";
import { startScript } from "./support/run-script.ts";

/**
 * The .py bridge passes a bytes-like argument as the address of its bytes in the Python heap; the
 * host reads them during the call. A collection before that read (the bridge runs deferred work
 * first; later arguments may run the script's own code) must not free any of them: a str's
 * encoding has no other reference. Before, only the last such argument was held, so in
 * `sendto(text, (b"192.168.1.2", port))` the address's bytes let go of the text's.
 * Stress: every datagram's text is a fresh temporary, and the address, a list subclass, collects
 * garbage and makes more while the bridge builds the call's arguments. Each datagram must arrive
 * exactly as sent.
 */
const SCRIPT = (port: number) => `import gc, network, socket, time
wlan = network.WLAN(network.STA_IF)
wlan.active(True)
wlan.connect("boardsim-lab", "micropython")
while not wlan.isconnected():
    time.sleep_ms(20)


class Address(list):
    def __iter__(self):
        for i in range(len(self)):
            gc.collect()
            junk = [bytes([65 + j % 26]) * 40 for j in range(100)]
            del junk
            yield self[i]


s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for n in range(40):
    s.sendto(str(n) * (500 + n * 37), Address([b"192.168.1.2", ${port}]))
    s.sendto(str(n).encode() * 300, (b"192.168.1.2", ${port}))
print("sent")
`;

it(".py bytes-like arguments stay alive until the host has read them: 80 datagrams arrive exact", async () => {
  const pc = dgram.createSocket("udp4");
  const expected = Array.from({ length: 40 }, (_, n) => [String(n).repeat(500 + n * 37), String(n).repeat(300)]).flat();
  const got: string[] = [];
  let allArrived!: () => void;
  const arrived = new Promise<void>((resolve) => (allArrived = resolve));
  pc.on("message", (msg) => {
    got.push(msg.toString("latin1"));
    if (got.length === expected.length) allArrived();
  });
  await new Promise<void>((resolve) => pc.bind(0, "127.0.0.1", resolve));
  try {
    const run = await startScript(SCRIPT(pc.address().port), "pico_w", "main.py");
    expect(await run.done).toEqual({ kind: "finished" });
    expect(run.output()).toBe("sent\n");
    // Loopback UDP from one sender arrives in order, all of it.
    await arrived;
    expect(got).toEqual(expected);
  } finally {
    pc.close();
  }
}, 120_000);
