import { createInterface } from "node:readline";
import type net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Oled, DISPCHAR_CELL } from "../src/emulator/devices/oled.ts";
import { spawnChild } from "./support/children.ts";
import { connectClient, listenServer, startCli, type CliRun } from "./support/cli.ts";

// What each real board prints (micropython-facts.md §5; the chapter scripts' own prints).
const BANNER: Record<string, string> = {
  pico_w: "MicroPython v1.23.0 on 2024-06-02; Raspberry Pi Pico W with RP2040",
  esp32: "MicroPython v1.23.0 on 2024-06-02; Generic ESP32 module with ESP32",
  esp8266: "MicroPython v1.23.0 on 2024-06-02; ESP module with ESP8266",
  mpython: "MicroPython v2.1.2 on 2020-11-18; mpython with ESP32",
};
const MPYTHON_JOINED =
  "WiFi(boardsim-lab,-52dBm) Connection Successful, Config:('192.168.1.100', '255.255.255.0', '192.168.1.1', '192.168.1.1')";

const running: CliRun[] = [];
const servers: net.Server[] = [];
afterEach(() => {
  for (const run of running.splice(0)) run.child.kill("SIGKILL");
  for (const server of servers.splice(0)) server.close();
});

function boardsim(...args: string[]): CliRun {
  const run = startCli([...args, "--profile", "fast", "--log-format", "json"]);
  running.push(run);
  return run;
}

function consoleLines(run: CliRun): string[] {
  return run.stdout().split("\n");
}

/** The WiFi-join lines a board prints before its script's own, checked and dropped. */
function afterJoin(board: string, lines: string[]): string[] {
  expect(lines.slice(0, 2)).toEqual([BANNER[board], 'Type "help()" for more information.']);
  let rest = lines.slice(2);
  if (board === "pico_w") {
    while (rest[0] === "Connect to a wireless network...") rest = rest.slice(1);
  }
  if (board === "mpython") {
    expect(rest[0]).toBe("Connection WiFi"); // --profile fast joins at once: no dots
    expect(rest[1]).toBe(MPYTHON_JOINED);
    rest = rest.slice(2);
  }
  return rest;
}

describe.each(["pico_w", "esp32", "esp8266"])("boardsim run --board %s --role server", (board) => {
  it("greets with 'I am Server', echoes byte-exact, prints what the board prints, exits 0 when the client closes", async () => {
    const run = boardsim("run", "--board", board, "--role", "server");
    await run.printed("accepting.....\n");
    const hostPort = (await run.logged((l) => l.msg.startsWith("forward "))).hostPort as number;
    const client = await connectClient(hostPort);
    const clientPort = client.socket.localPort;
    expect((await client.received(11)).toString()).toBe("I am Server");
    const payload = Buffer.from("hello\n\x00\xfe", "latin1");
    client.socket.write(payload);
    expect((await client.received(payload.length)).equals(payload)).toBe(true);
    client.socket.end();
    expect(await run.exit).toBe(0);
    expect(afterJoin(board, consoleLines(run))).toEqual([
      "tcp waiting...",
      "Server IP: 192.168.1.100 \tPort: 8000",
      "accepting.....",
      `('192.168.1.2', ${clientPort}) connected`,
      "b'hello\\n\\x00\\xfe'",
      "close socket",
      "",
    ]);
  });
});

describe.each(["pico_w", "esp32"])("boardsim run --board %s --role client", (board) => {
  it("connects to a server on the PC, sends Hello and its line, echoes byte-exact, 'Close socket' when the server closes", async () => {
    const peer = await listenServer();
    servers.push(peer.server);
    const run = boardsim("run", "--board", board, "--role", "client", "--port", String(peer.port));
    const conn = await peer.connection;
    expect((await conn.received(19)).toString()).toBe("HelloThis is my IP.");
    const payload = Buffer.from("from the PC\r\n\xff", "latin1");
    conn.socket.write(payload);
    expect((await conn.received(payload.length)).equals(payload)).toBe(true);
    conn.socket.end();
    expect(await run.exit).toBe(0);
    expect(afterJoin(board, consoleLines(run))).toEqual([
      `TCP Connected to: 192.168.1.2 : ${peer.port}`,
      "b'from the PC\\r\\n\\xff'",
      "Close socket",
      "",
    ]);
  });
});

/** A python3 socket server in the style of the desktop tutorial (seed 004): accepts one client, talks, closes. */
function pythonServer(expectedGreeting: number, reply: string) {
  const code = `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
conn, addr = s.accept()
data = b""
while len(data) < ${expectedGreeting}:
    data += conn.recv(1024)
print(repr(data), flush=True)
conn.sendall(${JSON.stringify(reply)}.encode())
echo = b""
while len(echo) < ${Buffer.byteLength(reply)}:
    echo += conn.recv(1024)
print(repr(echo), flush=True)
conn.close()
`;
  const child = spawnChild("python3", ["-c", code], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => ((await lines.next()).value as string);
  const exit = new Promise<number | null>((resolve) => child.on("close", resolve));
  return { child, next, exit };
}

/** Runs `test` with a Python server (see pythonServer) and the port it listens on; stops it afterwards. */
async function withPythonServer(
  expectedGreeting: number,
  reply: string,
  test: (py: ReturnType<typeof pythonServer>, port: number) => Promise<void>,
): Promise<void> {
  const py = pythonServer(expectedGreeting, reply);
  try {
    await test(py, Number(await py.next()));
  } finally {
    py.child.kill();
  }
}

describe("boardsim run --board esp8266 --role client, against a Python socket server", () => {
  it("sends Hello and its line, echoes, prints 'Close socket'", async () => {
    await withPythonServer(19, "ping from python\n", async (py, port) => {
      const run = boardsim("run", "--board", "esp8266", "--role", "client", "--port", String(port));
      expect(await py.next()).toBe("b'HelloThis is my IP.'");
      expect(await py.next()).toBe("b'ping from python\\n'");
      expect(await py.exit).toBe(0);
      expect(await run.exit).toBe(0);
      expect(afterJoin("esp8266", consoleLines(run))).toEqual([
        `TCP Connected to: 192.168.1.2 : ${port}`,
        "b'ping from python\\n'",
        "Close socket",
        "",
      ]);
    });
  });
});

/** The OLED frames the board showed, from the JSON log. */
function oledFrames(run: CliRun): Oled[] {
  return run
    .stderr()
    .split("\n")
    .filter((l) => l.startsWith("{") && l.includes('"oled"'))
    .map((l) => {
      const screen = new Oled(128, 64);
      screen.pixels.set(Buffer.from(JSON.parse(l).oled as string, "base64"));
      return screen;
    });
}

/** Waits for the board's `n`th OLED frame (1-based) in the log and returns it. */
async function oledFrame(run: CliRun, n: number): Promise<Oled> {
  await run.logged(() => oledFrames(run).length >= n);
  return oledFrames(run)[n - 1]!;
}

describe("boardsim run --board mpython", () => {
  it("client (against Python): wifi class output, greeting, echo, the message on the OLED, 'close socket'", async () => {
    await withPythonServer(34, "Hi board", async (py, port) => {
      const run = boardsim("run", "--board", "mpython", "--role", "client", "--port", String(port));
      expect(await py.next()).toBe("b'hello MicroPython, I am TCP Client'");
      expect(await py.next()).toBe("b'Hi board'");
      expect(await run.exit).toBe(0);
      expect(afterJoin("mpython", consoleLines(run))).toEqual(["b'Hi board'", "close socket", ""]);
      const [frame] = oledFrames(run);
      expect(frame!.readText(0, 0, DISPCHAR_CELL)).toBe("Hi board");
      expect(frame!.pixels.subarray(128 * 16).every((p) => p === 0)).toBe(true);
    });
  });

  it("server: OLED shows IP:port and 'accepting.....', then each received text; echo; serves the next client; Ctrl-C → disconnect WiFi...", async () => {
    const run = boardsim("run", "--board", "mpython", "--role", "server", "--port", "5001");
    await run.printed("accepting.....\n");
    const hostPort = (await run.logged((l) => l.msg.startsWith("forward "))).hostPort as number;
    const waiting = await oledFrame(run, 1);
    expect(waiting.readText(0, 0, DISPCHAR_CELL)).toBe("192.168.1.100:5001");
    expect(waiting.readText(0, 16, DISPCHAR_CELL)).toBe("accepting.....");
    expect(waiting.readText(0, 48, DISPCHAR_CELL)).toBe("");

    const client = await connectClient(hostPort);
    const clientPort = client.socket.localPort;
    client.socket.write("hello");
    expect((await client.received(5)).toString()).toBe("hello");
    const shown = await oledFrame(run, 2);
    expect(shown.readText(0, 0, DISPCHAR_CELL)).toBe("192.168.1.100:5001");
    expect(shown.readText(0, 48, DISPCHAR_CELL)).toBe("hello");
    client.socket.end();
    await run.printed("close socket\naccepting.....\n");
    run.child.kill("SIGINT");
    expect(await run.exit).toBe(130);
    expect(afterJoin("mpython", consoleLines(run))).toEqual([
      "tcp waiting...",
      "accepting.....",
      `('192.168.1.2', ${clientPort}) connected`,
      "hello",
      "close socket",
      "accepting.....",
      "disconnect WiFi...",
      "",
    ]);
  });
});

describe("boardsim boards", () => {
  it("lists every board with its banner, status codes, errno numbering and SOL_SOCKET", async () => {
    const run = startCli(["boards"]);
    running.push(run);
    expect(await run.exit).toBe(0);
    const rows = run.stdout().trim().split("\n");
    expect(rows).toHaveLength(5);
    expect(rows[1]).toMatch(/^pico_w +v1\.23\.0 on 2024-06-02; Raspberry Pi Pico W with RP2040 +PicoW +28:cd:c1 +0\/1\/3\/-3\/-2 +Linux +1 /);
    expect(rows[2]).toMatch(/^esp32 .* mpy-esp32 +24:0a:c4 +1000\/1001\/1010\/202\/201 +newlib +4095 +all /);
    expect(rows[3]).toMatch(/^esp8266 .* mpy-esp8266 +5c:cf:7f +0\/1\/5\/4\/3 +Linux +1 +short, ≤2920 B/);
    expect(rows[4]).toMatch(/^mpython .*mpython with ESP32 .*128×64 OLED$/);
  });
});
