/**
 * A PC client that closes with SO_LINGER 0 right after sending (issue 14, item 5): its data and
 * its RST reach the board in order, through the same WiFi-hop pipe, whatever the timing profile.
 * The chapter's Pico W server prints the 11 bytes, then sees the reset (ECONNRESET), not a close.
 */
import { afterEach, describe, expect, it } from "vitest";
import { boardsim, connectClient, killStarted } from "./support/cli.ts";

afterEach(killStarted);

describe("a reset from the PC stays a reset, after the data it followed", () => {
  it.each(["fast", "realistic"])("--profile %s: the script gets the 11 bytes, then the reset", async (profile) => {
    const run = boardsim("run", "--board", "pico_w", "--role", "server", "--profile", profile, "--forward", "0:8000", "--log-format", "json");
    const hostPort = (await run.logged((l) => l.msg.startsWith("forward "))).hostPort as number;
    const client = await connectClient(hostPort);
    expect((await client.received(11)).toString()).toBe("I am Server");
    client.socket.write("hello board");
    client.socket.resetAndDestroy(); // SO_LINGER 0: the kernel sends RST, data may still be in flight
    await Promise.race([run.printed("Close TCP-Server, please reset."), run.printed("close socket")]); // either ends the script
    expect(await run.exit).toBe(0);
    const lines = run.stdout().split("\n");
    expect(lines).toContain("b'hello board'");
    expect(lines).not.toContain("close socket");
  });
});
