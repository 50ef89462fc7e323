import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { boardsim as start, connectClient, killStarted, type CliRun } from "./support/cli.ts";

afterEach(killStarted);
const boardsim = (...args: string[]) => start(...args, "--log-format", "json");

/** The PC-side port the board's listening socket was forwarded to, from the simulator's log. */
async function forwardedPort(run: CliRun): Promise<number> {
  const line = await run.logged((l) => l.msg.startsWith("forward "));
  return line.hostPort as number;
}

describe("boardsim run --board pico_w --role server", () => {
  it("runs the chapter's server: banner, WiFi join, 'I am Server', byte-exact echo, 'close socket', exit 0", async () => {
    const run = boardsim("run", "--board", "pico_w", "--role", "server");
    await run.printed("accepting.....\n");
    const client = await connectClient(await forwardedPort(run));
    const clientPort = client.socket.localPort;
    expect((await client.received(11)).toString()).toBe("I am Server");

    const chunks = [Buffer.from("hello\n"), Buffer.from("it's \x00\xff\r\n", "latin1")];
    for (const chunk of chunks) {
      client.socket.write(chunk);
      expect((await client.received(chunk.length)).equals(chunk)).toBe(true);
    }
    client.socket.end();
    expect(await run.exit).toBe(0);

    const lines = run.stdout().split("\n");
    const joinLines = lines.slice(2).filter((l) => l === "Connect to a wireless network...").length;
    expect(joinLines).toBeGreaterThan(0);
    expect(lines).toEqual([
      "MicroPython v1.23.0 on 2024-06-02; Raspberry Pi Pico W with RP2040",
      'Type "help()" for more information.',
      ...Array<string>(joinLines).fill("Connect to a wireless network..."),
      "tcp waiting...",
      "Server IP: 192.168.1.100 \tPort: 8000",
      "accepting.....",
      `('192.168.1.2', ${clientPort}) connected`,
      "b'hello\\n'",
      `b"it's \\x00\\xff\\r\\n"`,
      "close socket",
      "",
    ]);
  });

  it("says on stderr which port it took when the wanted one is in use", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const run = boardsim("run", "--board", "pico_w", "--role", "server", "--profile", "fast", "--port", String(taken));
      const warning = await run.logged((l) => l.level === 40 && /in use/.test(l.msg));
      expect(warning.msg).toBe(`127.0.0.1:${taken} is in use; using 127.0.0.1:${warning.hostPort} instead`);
      const port = await forwardedPort(run);
      expect(port).toBe(warning.hostPort);
      await run.printed(`Server IP: 192.168.1.100 \tPort: ${taken}\n`);
      const client = await connectClient(port);
      expect((await client.received(11)).toString()).toBe("I am Server");
      client.socket.end();
      expect(await run.exit).toBe(0);
    } finally {
      blocker.close();
    }
  });

  it("Ctrl-C lands in the script's bare except, which prints its message; exit 130", async () => {
    const run = boardsim("run", "--board", "pico_w", "--role", "server", "--profile", "fast");
    await run.printed("accepting.....\n");
    run.child.kill("SIGINT");
    expect(await run.exit).toBe(130);
    expect(run.stdout()).toMatch(/accepting\.\.\.\.\.\nClose TCP-Server, please reset\.\n$/);
  });
});

describe("bad input", () => {
  it.each([
    [["run", "--board", "nope", "--role", "server"], /^boardsim: Invalid values: Argument: board, Given: "nope"/],
    [["run", "--board", "pico_w", "--flash", "package.json"], /^boardsim: cannot use flash folder 'package.json': not a folder/],
    [["run", "--board", "pico_w", "--role", "server", "--port", "70000"], /^boardsim: --port must be a whole number from 1 to 65535/],
    [["run", "--board", "pico_w", "--script", "no-such-file.ts"], /^boardsim: cannot read script 'no-such-file.ts'/],
  ])("boardsim %j → one line on stderr, exit 2", async (args, message) => {
    const run = start(...args);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toMatch(message);
    expect(run.stderr().trim().split("\n")).toHaveLength(1);
    expect(run.stdout()).toBe("");
  });
});
