import pino from "pino";
import type { HostValue } from "./host-api.ts";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../test/support/manual-clock.ts";
import { BOARDS } from "../boards/index.ts";
import { Lan } from "../network-sim/lan.ts";
import { Board } from "./board.ts";
import { startScript } from "../../test/support/run-script.ts";

describe("Ctrl-C raises KeyboardInterrupt inside the script", () => {
  it("while it is blocked in accept(), where a bare catch gets it", async () => {
    const run = await startScript(`
      import socket from "socket";
      const s = socket.socket();
      s.bind(["0.0.0.0", 0]);
      s.listen(1);
      try {
        print("accepting");
        s.accept();
      } catch (e) {
        print("caught", e instanceof KeyboardInterrupt);
      }
    `);
    await run.printed("accepting\n");
    run.board.interrupt();
    expect(await run.done).toEqual({ kind: "finished" });
    expect(run.output()).toBe("accepting\ncaught True\n");
  });

  it("while it spins in a busy loop that never calls the board", async () => {
    const run = await startScript(`
      print("spinning");
      let n = 0;
      while (true) { n++; }
    `);
    await run.printed("spinning\n");
    run.board.interrupt();
    const outcome = await run.done;
    expect(outcome.kind).toBe("raised");
    expect(run.output()).toMatch(/Traceback \(most recent call last\):\n  File "main.ts", line 4, in <module>\nKeyboardInterrupt: \n$/);
  });

  it("while it spins in a busy loop of a script with its own __tick", async () => {
    const run = await startScript(`
      function __tick() { return "mine"; }
      print("spinning", __tick());
      let n = 0;
      while (true) { n++; }
    `);
    await run.printed("spinning mine\n");
    run.board.interrupt();
    expect(await run.done).toMatchObject({ kind: "raised", pyType: "KeyboardInterrupt" });
    expect(run.output()).toMatch(/^spinning mine\nTraceback \(most recent call last\):\n  File "main.ts", line 5, in <module>\nKeyboardInterrupt: \n$/);
  });
});

describe("busy polling", () => {
  it("lets the WiFi join progress while the script spins on isconnected()", async () => {
    const run = await startScript(`
      import network from "network";
      const wlan = network.WLAN(network.STA_IF);
      wlan.active(true);
      wlan.connect("boardsim-lab", "micropython");
      while (!wlan.isconnected()) {}
      print(wlan.ifconfig());
    `);
    expect(await run.done).toEqual({ kind: "finished" });
    expect(run.output()).toBe("('192.168.1.100', '255.255.255.0', '192.168.1.1', '192.168.1.1')\n");
  });
});

describe("connect() to a LAN address nobody answers", () => {
  async function joinedBoard(boardId: string) {
    const clock = new ManualClock();
    const log = pino({ level: "silent" });
    const board = new Board({ profile: BOARDS[boardId]!, lan: new Lan({ clock, log }), log, timing: "fast", console: () => {} });
    board.call("wlanActive", [0, true]);
    board.call("wlanConnect", [0, "boardsim-lab", "micropython"]);
    clock.advance(1);
    const fd = board.call("socketNew", [2, 1, 0]) as number;
    return { board, clock, fd };
  }

  // lwIP gives up on the slow-timer tick (0.5 s) after its last SYN retransmission: Pico W 6 × 3 s,
  // ESP32 12 × 1.5 s (lwIP src/core/tcp.c tcp_slowtmr; IDF Kconfig LWIP_TCP_SYNMAXRTX, LWIP_TCP_RTO_TIME).
  const GIVES_UP_MS = 18_500;

  it.each([
    ["pico_w", 103],
    ["esp32", 113],
  ])("on %s fails with ECONNABORTED (errno %i) 18.5 s in, once the SYN retries run out", async (boardId, errno) => {
    const { board, clock, fd } = await joinedBoard(boardId);
    const connecting = board.call("socketConnect", [fd, ["192.168.1.50", 80]]) as Promise<unknown>;
    const failed = expect(connecting).rejects.toMatchObject({ pyType: "OSError", pyArgs: [errno] });
    clock.advance(GIVES_UP_MS - 1);
    let settled = false;
    void connecting.catch(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve)); // let any rejection run through
    expect(settled).toBe(false);
    clock.advance(1);
    await failed;
  });

  it("raises ETIMEDOUT first when the script set a timeout", async () => {
    const { board, clock, fd } = await joinedBoard("pico_w");
    board.call("socketSetTimeout", [fd, 2000]);
    const connecting = board.call("socketConnect", [fd, ["192.168.1.50", 80]]) as Promise<unknown>;
    const failed = expect(connecting).rejects.toMatchObject({ pyType: "OSError", pyArgs: [110] });
    clock.advance(2000);
    await failed;
  });

  it("non-blocking: EINPROGRESS, EAGAIN while the SYNs go out, then the next call raises the failure", async () => {
    const { board, clock, fd } = await joinedBoard("pico_w");
    board.call("socketSetTimeout", [fd, 0]);
    // A host call raises either at once or through its promise; the guest sees both the same way.
    const attempt = (name: string, args: HostValue[]) => Promise.resolve().then(() => board.call(name, args));
    await expect(attempt("socketConnect", [fd, ["192.168.1.50", 80]])).rejects.toMatchObject({ pyArgs: [115] });
    await expect(attempt("socketRecv", [fd, 10])).rejects.toMatchObject({ pyArgs: [11] });
    clock.advance(GIVES_UP_MS);
    await new Promise((resolve) => setImmediate(resolve)); // let the failed attempt settle
    await expect(attempt("socketRecv", [fd, 10])).rejects.toMatchObject({ pyArgs: [103] });
  });

  it("close() ends a connect() still in progress", async () => {
    const { board, fd } = await joinedBoard("pico_w");
    const connecting = board.call("socketConnect", [fd, ["192.168.1.50", 80]]) as Promise<unknown>;
    board.call("socketClose", [fd]);
    await expect(connecting).rejects.toMatchObject({ pyType: "OSError", pyArgs: [9] });
  });
});
