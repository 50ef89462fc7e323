import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Rfc2217Server } from "../src/console/rfc2217.ts";
import { FakeSerial } from "./support/fake-serial.ts";
import { PYSERIAL_ROUND_TRIP, runPython } from "./support/python.ts";

describe("--serial rfc2217", () => {
  const servers: Rfc2217Server[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  async function serve(device = new FakeSerial()): Promise<{ device: FakeSerial; url: string; server: Rfc2217Server }> {
    const server = await Rfc2217Server.listen(device, 0);
    servers.push(server);
    return { device, server, url: `rfc2217://127.0.0.1:${server.port}` };
  }

  it("pyserial's serial_for_url opens it (Telnet and COM-port options agreed), bytes pass unchanged both ways, 0xff included", async () => {
    const { device, url } = await serve();
    const out = await runPython(PYSERIAL_ROUND_TRIP, [url]);
    expect(out.split("\n")[0]).toBe("68656c6c6fff000a");
    expect(out).toContain("b'raw REPL; CTRL-B to exit\\r\\n>'");
    expect(device.text()).toBe("hello\xff\x00\n\x01");
  });

  it("DTR and RTS changes reach the board's control lines, in order (esptool's and mpremote's reset sequences)", async () => {
    const { device, url } = await serve();
    await runPython(
      `
import serial, sys
s = serial.serial_for_url(sys.argv[1], timeout=10)
s.dtr = False
s.rts = True
s.rts = False
s.close()
`,
      [url],
    );
    // pyserial's open asserts DTR then RTS; then the script's three changes
    expect(device.controlLines).toEqual([{ dtr: true }, { rts: true }, { dtr: false }, { rts: true }, { rts: false }]);
  });

  it("a port in use is one clear line", async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as net.AddressInfo).port;
    await expect(Rfc2217Server.listen(new FakeSerial(), port)).rejects.toThrow(`--serial rfc2217:${port}: port in use on 127.0.0.1`);
    blocker.close();
  });

  it("a client that stops reading pauses the board's prints; when it reads again every byte arrives", async () => {
    const { device, server } = await serve();
    const client = net.connect(server.port, "127.0.0.1");
    await new Promise((r) => client.once("connect", r));
    let received = 0;
    client.on("data", (chunk: Buffer) => (received += chunk.filter((b) => b === 0x61).length)); // the printed "a"s, not Telnet's bytes
    client.write("go");
    await device.receivedText("go");
    client.pause(); // the PC stops reading
    const total = 8 * 1024 * 1024;
    const printing = device.printBlocking(total);
    while (device.ready) await new Promise((r) => setImmediate(r));
    expect(device.ready).toBe(false); // the board waits instead of buffering 8 MB
    client.resume();
    await printing;
    while (received < total) await new Promise((r) => client.once("data", r));
    expect(received).toBe(total);
    client.destroy();
  });

  it("binary garbage and a client that vanishes mid-frame leave the server serving the next client", async () => {
    const { device, server, url } = await serve();
    const rude = net.connect(server.port, "127.0.0.1");
    await new Promise((r) => rude.once("connect", r));
    rude.write(Buffer.from([0xff, 0xfa, 44, 1, 0, 0, 0xff, 0x42, 0x00, 0xff, 0xff, 0xfb])); // an SB cut short, a stray escape
    rude.destroy();
    const out = await runPython(`import serial, sys\ns = serial.serial_for_url(sys.argv[1], timeout=10)\ns.write(b"ok")\nprint(s.read(2))`, [url]);
    expect(out.trim()).toBe("b'ok'");
    expect(device.text()).toContain("ok");
  });
});
