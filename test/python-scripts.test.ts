/**
 * .py scripts through the CLI: the project's examples, a syntax error, and the chapter's own .py
 * files.
 * Still to come with issue 5's testing API: its fault tests run against a .py script as well.
 *
 * The chapter's own .py files, unchanged but for their ssid, password and host lines, run on
 * their boards against real loopback peers; the console must match the board's TS port (--role)
 * line for line. The files are read from the shared reference folder, never copied into the repo.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { boardsim, connectClient, killStarted, listenServer, startCli, type CliRun } from "./support/cli.ts";
import { sharedFolder } from "./support/shared.ts";

const REFERENCE = sharedFolder("reference/freenove", "the chapter's .py scripts") ?? "";
const present = REFERENCE !== "";


afterEach(killStarted);

/**
 * The reference script with only its ssid, password and host lines set to the virtual network (and,
 * for a client, its port line to the PC's free port the test listens on), in a temp dir.
 */
async function editedScript(board: string, file: string, port?: number): Promise<string> {
  const source = (await readFile(path.join(REFERENCE, board, file), "utf8"))
    .replace(/^(ssidRouter\s*=\s*)"[^"]*"/m, '$1"boardsim-lab"')
    .replace(/^(passwordRouter\s*=\s*)"[^"]*"/m, '$1"micropython"')
    .replace(/^(host\s*=\s*)"[^"]*"/m, '$1"192.168.1.2"')
    .replace(/^(port\s*=\s*)\d+/m, (line, prefix: string) => (port === undefined ? line : `${prefix}${port}`));
  const dir = await mkdtemp(path.join(tmpdir(), "boardsim-ref-"));
  await writeFile(path.join(dir, file), source);
  return path.join(dir, file);
}

/** `boardsim ARGS` with fast WiFi timing and JSON logs. */
function runCli(...args: string[]): CliRun {
  return boardsim(...args, "--profile", "fast", "--log-format", "json");
}

/**
 * The console, comparable across runs: the client's ephemeral port masked, and the Pico W's
 * "Connect to a wireless network..." lines (as many as the join took, which varies) counted as one.
 */
function normalized(stdout: string): string[] {
  return stdout
    .replace(/\('192\.168\.1\.2', \d+\)/g, "('192.168.1.2', PORT)")
    .split("\n")
    .filter((line, i, lines) => !(line === "Connect to a wireless network..." && lines[i - 1] === line));
}

const PAYLOAD = Buffer.from("hello board\r\n\x00\xff", "latin1");

/** The PC as the chapter's client: greeting, one echoed payload, close. */
async function serveOnce(run: CliRun): Promise<void> {
  await run.printed("accepting.....\n");
  const client = await connectClient((await run.logged((l) => l.msg.startsWith("forward "))).hostPort as number);
  expect((await client.received(11)).toString()).toBe("I am Server");
  client.socket.write(PAYLOAD);
  expect((await client.received(PAYLOAD.length)).equals(PAYLOAD)).toBe(true);
  client.socket.end();
  expect(await run.exit).toBe(0);
}

/** The PC as the chapter's server on a free port: the board's greeting, one echoed payload, close. */
async function clientOnce(args: (port: number) => Promise<string[]>): Promise<CliRun & { port: number }> {
  const peer = await listenServer(0);
  try {
    const run = runCli(...(await args(peer.port)));
    const conn = await peer.connection;
    expect((await conn.received(19)).toString()).toBe("HelloThis is my IP.");
    conn.socket.write(PAYLOAD);
    expect((await conn.received(PAYLOAD.length)).equals(PAYLOAD)).toBe(true);
    conn.socket.end();
    expect(await run.exit).toBe(0);
    return Object.assign(run, { port: peer.port });
  } finally {
    peer.server.close();
  }
}

const SCRIPTS = [
  ["pico_w", "30.2_TCP_as_Server.py", "30.1_TCP_as_Client.py"],
  ["esp32", "29.2_TCP_as_Server.py", "29.1_TCP_as_Client.py"],
  ["esp8266", "29.2_TCP_as_Server.py", "29.1_TCP_as_Client.py"],
] as const;

describe.skipIf(!present).each(SCRIPTS)("the chapter's scripts on %s, run unchanged", (board, serverFile, clientFile) => {
  it(`${serverFile}: the same console as --role server, byte-exact echo, exit 0`, async () => {
    const py = runCli("run", "--board", board, "--script", await editedScript(board, serverFile));
    await serveOnce(py);
    const ts = runCli("run", "--board", board, "--role", "server");
    await serveOnce(ts);
    expect(normalized(py.stdout())).toEqual(normalized(ts.stdout()));
    expect(py.stdout()).toContain("b'hello board\\r\\n\\x00\\xff'\nclose socket\n");
  });

  it(`${clientFile}: the same console as --role client against a server on the PC, exit 0`, async () => {
    const py = await clientOnce(async (port) => ["run", "--board", board, "--script", await editedScript(board, clientFile, port)]);
    const ts = await clientOnce(async (port) => ["run", "--board", board, "--role", "client", "--port", String(port)]);
    const samePort = (run: CliRun & { port: number }) => normalized(run.stdout().replaceAll(`: ${run.port}\n`, ": PORT\n"));
    expect(samePort(py)).toEqual(samePort(ts));
    expect(py.stdout()).toContain(`TCP Connected to: 192.168.1.2 : ${py.port}\nb'hello board\\r\\n\\x00\\xff'\nClose socket\n`);
  });
});

describe.skipIf(!present)("the chapter's Pico W server script, stopped with Ctrl-C", () => {
  it("KeyboardInterrupt lands in its bare except: 'Close TCP-Server, please reset.', exit 130, as with --role server", async () => {
    const py = runCli("run", "--board", "pico_w", "--script", await editedScript("pico_w", "30.2_TCP_as_Server.py"));
    await py.printed("accepting.....\n");
    py.child.kill("SIGINT");
    expect(await py.exit).toBe(130);
    expect(py.stdout()).toMatch(/accepting\.\.\.\.\.\nClose TCP-Server, please reset\.\n$/);
  });
});

describe("boardsim run --script FILE.py", () => {
  it("examples/tcp_server.py on an ESP32: welcome, echo, 'client left', exit 0", async () => {
    const run = runCli("run", "--board", "esp32", "--script", "examples/tcp_server.py");
    await run.printed("listening on 192.168.1.100 port 8000\n");
    const client = await connectClient((await run.logged((l) => l.msg.startsWith("forward "))).hostPort as number);
    expect((await client.received(8)).toString()).toBe("welcome\n");
    client.socket.write("hi\n");
    expect((await client.received(3)).toString()).toBe("hi\n");
    client.socket.end();
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toMatch(/client \('192\.168\.1\.2', \d+\)\ngot b'hi\\n'\nclient left\n$/);
  });

  it("examples/tcp_client.py on an ESP8266 against a server on the PC: greeting, upper-cased echo, exit 0", async () => {
    const peer = await listenServer(0);
    try {
      // The example's server port, 8888, becomes the free port the PC listens on.
      const dir = await mkdtemp(path.join(tmpdir(), "boardsim-example-"));
      const script = path.join(dir, "tcp_client.py");
      await writeFile(script, (await readFile("examples/tcp_client.py", "utf8")).replace('("192.168.1.2", 8888)', `("192.168.1.2", ${peer.port})`));
      const run = runCli("run", "--board", "esp8266", "--script", script);
      const conn = await peer.connection;
      expect((await conn.received(21)).toString()).toBe("hello from the board\n");
      conn.socket.write("ping");
      expect((await conn.received(4)).toString()).toBe("PING");
      conn.socket.end();
      expect(await run.exit).toBe(0);
      expect(run.stdout()).toMatch(/board address 192\.168\.1\.100\nserver said b'ping'\nserver closed the connection\n$/);
    } finally {
      peer.server.close();
    }
  });

  it("a syntax error: MicroPython's SyntaxError traceback on the console with the file name as given, exit 1", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "boardsim-py-"));
    const file = path.join(dir, "broken.py");
    await writeFile(file, "import socket\nwhile True\n    pass\n");
    const run = runCli("run", "--board", "pico_w", "--script", file);
    expect(await run.exit).toBe(1);
    expect(run.stdout()).toMatch(new RegExp(`Traceback \\(most recent call last\\):\\n  File "${file}", line 2\\nSyntaxError: invalid syntax\\n$`));
  });

  it("a file that is not UTF-8 (Latin-1) runs with its bytes as they are, as MicroPython v1.23's lexer takes them", async () => {
    // py/lexer.c does not check UTF-8 (micropython#17855: invalid UTF-8 strings from a source file;
    // the check proposed in micropython#17862 came after v1.23). Before, boardsim read the file as
    // UTF-8 and each bad byte became U+FFFD (b'Gr\xef\xbf\xbd\xef\xbf\xbde').
    const dir = await mkdtemp(path.join(tmpdir(), "boardsim-py-"));
    const file = path.join(dir, "latin1.py");
    await writeFile(file, Buffer.from('# caf\xe9\ns = "Gr\xfc\xdfe"\nprint(len(s), s.encode())\n', "latin1"));
    const run = runCli("run", "--board", "pico_w", "--script", file);
    expect(await run.exit).toBe(0);
    expect(run.stdout().split("\n").at(-2)).toBe("5 b'Gr\\xfc\\xdfe'");
  });
});

/** The CLI bundle `npm test` builds first (tools/build.mjs); bin/boardsim.js runs it when it is fresh. */
const BUNDLE = new URL("../dist/boardsim.mjs", import.meta.url).pathname;

describe.skipIf(!existsSync(BUNDLE))("the prebuilt CLI bundle (dist/boardsim.mjs)", () => {
  it("runs a .py script in its bundled MicroPython worker (dist/micropython-worker.mjs): WiFi, heap, exit 0", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "boardsim-py-"));
    const file = path.join(dir, "hello.py");
    await writeFile(file, 'import gc, network, time\nw = network.WLAN(network.STA_IF)\nw.active(True)\nw.connect("boardsim-lab", "micropython")\nwhile not w.isconnected():\n    time.sleep_ms(50)\nprint(w.ifconfig()[0], gc.mem_free() > 30000)\n');
    const run = startCli(["run", "--board", "esp8266", "--script", file, "--profile", "fast"], BUNDLE);
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toBe("MicroPython v1.23.0 on 2024-06-02; ESP module with ESP8266\nType \"help()\" for more information.\n192.168.1.100 True\n");
  });
});
