import { mkdtemp, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { boardsim, killStarted, listenServer } from "./support/cli.ts";

afterEach(killStarted);

describe("boardsim run --fault", () => {
  it("refused: the chapter client's connect() is refused although a server listens", async () => {
    const { server, port } = await listenServer();
    let connections = 0;
    server.on("connection", () => connections++);
    const run = boardsim("run", "--board", "esp32", "--role", "client", "--port", String(port), "--profile", "fast", "--fault", "refused");
    expect(await run.exit).toBe(0);
    expect(run.stdout().split("\n").slice(2)).toEqual(["TCP close, please reset!", ""]);
    expect(connections).toBe(0);
    server.close();
  });

  it("limit_data on a real socket: the board reads the first bytes, then b'' (Close socket)", async () => {
    const server = net.createServer((socket) => socket.write("hello world"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    const run = boardsim("run", "--board", "pico_w", "--role", "client", "--port", String(port), "--profile", "fast", "--fault", "limit_data:bytes=5,direction=downstream");
    expect(await run.exit).toBe(0);
    expect(run.stdout().split("\n").slice(-4)).toEqual(["TCP Connected to: 192.168.1.2 : " + port, "b'hello'", "Close socket", ""]);
    server.close();
  });

  it.each([
    ["latency:ms=abc", "fault 'latency:ms=abc': ms must be milliseconds, or a duration like 250ms or 2s, not 'abc'"],
    // Degenerate parameters: a fault that would spin or never act.
    ["flapping:every=0,down=0", "fault 'flapping:every=0,down=0': down must be more than 0 and less than every"],
    ["flapping:every=1s,down=2s", "fault 'flapping:every=1s,down=2s': down must be more than 0 and less than every"],
    ["bandwidth:rate=0", "fault 'bandwidth:rate=0': rate must be at least 1 byte a second"],
    ["slicer:size=0", "fault 'slicer:size=0': size must be at least 1 byte"],
    ["latency:jitter=99999999999h", "fault 'latency:jitter=99999999999h': jitter must be a duration like 250ms, 2s, 1.5m or 1h, up to a year, not '99999999999h'"],
    ["nope", "fault 'nope': unknown fault 'nope' (known: wrong_password, ap_off,"],
    ["latency:speed=2", "fault 'latency:speed=2': unknown parameter 'speed' (latency takes ms, jitter; every fault takes at, for, board,"],
    ["heap_limit", "fault 'heap_limit': give bytes=… (a byte count like 1024, 4k or 1M, up to 1024M)"],
    ["stall:direction=sideways", "fault 'stall:direction=sideways': direction must be upstream, downstream or both, not 'sideways'"],
  ])("--fault %s: one line, exit 2", async (spec, message) => {
    const run = boardsim("run", "--board", "esp32", "--role", "client", "--fault", spec);
    expect(await run.exit).toBe(2);
    const lines = run.stderr().trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`boardsim: --fault: ${message}`);
  });
});

describe("faults in a lab file", () => {
  async function labFile(text: string): Promise<string> {
    const file = path.join(await mkdtemp(path.join(tmpdir(), "boardsim-lab-")), "lab.yaml");
    await writeFile(file, text);
    return file;
  }

  it("applies them: a wrong password keeps the ESP32 from joining (status 202)", async () => {
    const file = await labFile("profile: fast\nfaults: [wrong_password]\nboards:\n  - board: esp32\n    script: join.ts\n");
    await writeFile(path.join(path.dirname(file), "join.ts"), `import network from "network"; import time from "time"; const w = network.WLAN(network.STA_IF); w.active(true); w.connect("boardsim-lab", "micropython"); time.sleep(1); print(w.status(), w.isconnected());`);
    const run = boardsim("lab", file);
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toContain("esp32 | 202 False\n");
  });

  it("rejects a bad one with the file and the place", async () => {
    const file = await labFile("faults: [\"latency:ms=\"]\nboards:\n  - board: esp32\n    role: client\n");
    const run = boardsim("lab", file);
    expect(await run.exit).toBe(2);
    expect(run.stderr().trimEnd()).toBe(`boardsim: ${file}: faults[0]: fault 'latency:ms=': ms must be milliseconds, or a duration like 250ms or 2s, not ''`);
  });
});
