import net from "node:net";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { closedPort, listenServer } from "./support/cli.ts";
import { runScript, startScript } from "./support/run-script.ts";

const servers: net.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** The script: each failure the chapter can meet, printed as `label: Type: message`, then the socket semantics. */
function fidelityScript(peerPort: number, deadPort: number): string {
  return `
    import network from "network";
    import socket from "socket";
    import time from "time";
    // Each attempt on a fresh socket, closed afterwards: the boards have only a few.
    function attempt(label: string, fn: (s: ReturnType<typeof socket.socket>) => unknown) {
      const s = socket.socket();
      try { print(label + ":", fn(s)); } catch (e) { print(label + ":", (e as Error).name + ":", str(e)); }
      s.close();
    }
    const wlan = network.WLAN(network.STA_IF);
    wlan.active(true);
    attempt("WiFi down", (s) => s.connect(["192.168.1.2", ${peerPort}]));
    wlan.connect("boardsim-lab", "micropython");
    while (!wlan.isconnected()) time.sleep_ms(10);
    const ip = wlan.ifconfig()[0];
    attempt("closed port", (s) => s.connect(["192.168.1.2", ${deadPort}]));
    attempt("hostname", (s) => s.connect(["my-pc.local", ${peerPort}]));
    const server = socket.socket();
    server.bind([ip, 8000]);
    server.listen(1);
    attempt("port in use", (s) => s.bind([ip, 8000]));
    const s = socket.socket();
    s.connect(["192.168.1.2", ${peerPort}]);
    print("send('Hello'):", s.send("Hello"));
    print("send 20000 bytes:", s.send(new Uint8Array(20000)));
    print(s.recv(1024), s.recv(1024), s.recv(1024));
  `;
}

describe.each([
  // What each board raises and returns (micropython-facts.md §3-4; board-numbers.md §3 for buffers).
  // The big send comes right after send('Hello'). lwIP's tcp_sndbuf grows back on ACK, so a real
  // raw-API board, 5 ms from the PC, takes TCP_SND_BUF - 5; the fast timing these runs use has no
  // round trip: the PC's kernel has taken the 5 bytes at once, so the send takes the whole buffer
  // (issue 14 item 6: the buffer is held by modelled causes only; the realistic hop holds them).
  {
    board: "pico_w",
    wifiDown: "OSError: [Errno 113] EHOSTUNREACH",
    hostname: "ValueError: invalid arguments",
    inUse: "OSError: [Errno 98] EADDRINUSE",
    bigSend: 6400,
  },
  {
    board: "esp32",
    wifiDown: "OSError: [Errno 118] EHOSTUNREACH",
    hostname: "OSError: -202",
    inUse: "OSError: [Errno 112] EADDRINUSE",
    bigSend: 20000,
  },
  {
    board: "esp8266",
    wifiDown: "OSError: [Errno 113] EHOSTUNREACH",
    hostname: "ValueError: invalid arguments",
    inUse: "OSError: [Errno 98] EADDRINUSE",
    bigSend: 2920,
  },
  {
    board: "mpython",
    wifiDown: "OSError: [Errno 118] EHOSTUNREACH",
    hostname: "OSError: -202",
    inUse: "OSError: [Errno 112] EADDRINUSE",
    bigSend: 20000,
  },
])("$board fails, sends and closes like the real board", ({ board, wifiDown, hostname, inUse, bigSend }) => {
  it("connect() errors, bind() in use, send('str'), short send, recv b'' after the peer closes", async () => {
    const peer = await listenServer();
    servers.push(peer.server);
    // The peer answers the greeting, then closes its side.
    void peer.connection.then(async (conn) => {
      await conn.received(5);
      conn.socket.end("bye");
    });
    const dead = await closedPort();
    onTestFinished(dead.release);
    const { output, outcome } = await runScript(fidelityScript(peer.port, dead.port), board);
    expect(outcome).toEqual({ kind: "finished" });
    expect(output.split("\n")).toEqual([
      `WiFi down: ${wifiDown}`,
      "closed port: OSError: [Errno 104] ECONNRESET",
      `hostname: ${hostname}`,
      `port in use: ${inUse}`,
      "send('Hello'): 5",
      `send 20000 bytes: ${bigSend}`,
      "b'bye' b'' b''",
      "",
    ]);
  });
});

describe.each([
  ["pico_w", "OSError: [Errno 12] ENOMEM", 5],
  // ENFILE is not in MicroPython's errorcode table, so it prints bare.
  ["esp32", "OSError: 23", 10],
  ["esp8266", "OSError: [Errno 12] ENOMEM", 5],
])("%s runs out of sockets", (board, error, limit) => {
  it(`after ${limit} open sockets, and has one again once a socket is closed`, async () => {
    const { output } = await runScript(
      `
      import socket from "socket";
      const open = [];
      try { for (;;) open.push(socket.socket()); } catch (e) { print(len(open), (e as Error).name + ":", str(e)); }
      open[0].close();
      socket.socket();
      print("after close: ok");
    `,
      board,
    );
    expect(output).toBe(`${limit} ${error}\nafter close: ok\n`);
  });
});

describe("mpython module", () => {
  it("exists only on the mPython board", async () => {
    const { output, outcome } = await runScript(`
      import { oled } from "mpython";
      oled.show();
    `);
    expect(outcome).toMatchObject({ kind: "raised", pyType: "ImportError" });
    // The firmware's traceback has the import's line (py/builtinimport.c:454); a TS board's import
    // fails while the module links, before any of it runs: the frame is the import statement's.
    expect(output).toMatch(/(^|\n)Traceback \(most recent call last\):\n {2}File "main\.ts", line 2, in <module>\nImportError: no module named 'mpython'\n$/);
  });

  it("a name a board module has not fails the import as the firmware's from-import does, at its line", async () => {
    const { output, outcome } = await runScript(`print("a");\nimport { connectWiFi } from "network";\nprint(connectWiFi);\n`);
    expect(outcome).toMatchObject({ kind: "raised", pyType: "ImportError" });
    // py/runtime.c:1542 (mp_import_from); the module links before any of the script runs
    expect(output).toMatch(/(^|\n)Traceback \(most recent call last\):\n {2}File "main\.ts", line 2, in <module>\nImportError: can't import name connectWiFi\n$/);
  });

  // py/runtime.c:1542 raises at the from-import that names the missing name, not the module's first import
  it("a missing name's frame is the import that names it, where the script imports its module twice", async () => {
    const { output } = await runScript(`import { WLAN } from "network";\nimport {\n  STA_IF, connectWiFi } from "network";\nprint(WLAN, STA_IF, connectWiFi);\n`);
    expect(output).toMatch(/(^|\n)Traceback \(most recent call last\):\n {2}File "main\.ts", line 2, in <module>\nImportError: can't import name connectWiFi\n$/);
  });

  it("a re-export of a module the board has not has its line too", async () => {
    const { output } = await runScript(`// re-exports\nexport * from "mpython";\nprint("runs");\n`);
    expect(output).toMatch(/(^|\n)Traceback \(most recent call last\):\n {2}File "main\.ts", line 2, in <module>\nImportError: no module named 'mpython'\n$/);
  });

  it("wifi.connectWiFi() gives up after its timeout with the tutorial's message, a dot every 500 ms", async () => {
    const run = await startScript(
      `
      import { wifi } from "mpython";
      const w = wifi();
      try { w.connectWiFi("boardsim-lab", "wrong-key", 1); } catch (e) { print((e as Error).name + ":", str(e)); }
      try { w.connectWiFi("no-such-net", "micropython"); } catch (e) { print((e as Error).name + ":", str(e)); }
    `,
      "mpython",
    );
    expect(await run.done).toEqual({ kind: "finished" });
    const [dots, timeout, ssid] = run.output().split("\n");
    expect(dots).toMatch(/^Connection WiFi\.{2,5}$/);
    expect(timeout).toBe("OSError: Timeout!,check your wifi password and keep your network unblocked");
    expect(ssid).toBe("OSError: SSID invalid / failed to scan this wifi");
  });
});
