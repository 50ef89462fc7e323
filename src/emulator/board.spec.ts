import { describe, expect, it } from "vitest";
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
