import { afterEach, describe, expect, it } from "vitest";
import { boardsim, connectClient, killStarted } from "./support/cli.ts";

afterEach(killStarted);

describe("host bridge modes", () => {
  it("--forward HOSTPORT:BOARDPORT: the board's port 8000 is reached at the PC port given (0: a free one, logged)", async () => {
    const run = boardsim("run", "--board", "pico_w", "--role", "server", "--profile", "fast", "--forward", "0:8000", "--log-format", "json");
    const forward = await run.logged((l) => l.msg.startsWith("forward "));
    const hostPort = forward.hostPort as number;
    expect(hostPort).toBeGreaterThan(0);
    expect(run.stderr()).not.toMatch(/in use/); // port 0 asks the OS: nothing was taken
    expect(forward.msg).toBe(`forward 127.0.0.1:${hostPort} → 192.168.1.100:8000: reach the board at 127.0.0.1:${hostPort} (192.168.1.100 exists only on the simulated WiFi)`);
    const client = await connectClient(hostPort);
    expect((await client.received(11)).toString()).toBe("I am Server");
    client.socket.end();
    expect(await run.exit).toBe(0);
  });

  it("--expose binds 0.0.0.0 and warns that the whole network can reach the board", async () => {
    const run = boardsim("run", "--board", "pico_w", "--role", "server", "--profile", "fast", "--expose", "--log-format", "json");
    const warning = await run.logged((l) => l.level === 40 && l.msg.startsWith("--expose"));
    expect(warning.msg).toMatch(/0\.0\.0\.0/);
    const forward = await run.logged((l) => l.msg.startsWith("forward "));
    expect(forward.msg).toMatch(/^forward 0\.0\.0\.0:\d+ → 192\.168\.1\.100:8000: reach the board at this PC.s address:\d+ /);
    const client = await connectClient(forward.hostPort as number); // loopback reaches a 0.0.0.0 listener
    expect((await client.received(11)).toString()).toBe("I am Server");
    client.socket.end();
    expect(await run.exit).toBe(0);
  });

  it("a malformed --forward is a usage error: one line, exit 2", async () => {
    const run = boardsim("run", "--board", "pico_w", "--role", "server", "--forward", "9000-8000");
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toMatch(/^boardsim: --forward must be HOSTPORT:BOARDPORT, e\.g\. 9000:8000, not '9000-8000'/);
    expect(run.stderr().trim().split("\n")).toHaveLength(1);
  });
});
