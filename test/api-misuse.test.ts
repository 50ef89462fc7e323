import { describe, expect, it } from "vitest";
import { runScript, startScript } from "./support/run-script.ts";

/** Runs `body` after creating `s` (a fresh TCP socket) and prints what `try { <call> }` raised. */
async function raisedBy(calls: string[], setup = ""): Promise<string[]> {
  const source = `
    import socket from "socket";
    const s = socket.socket() as any;
    ${setup}
    ${calls.map((c) => `try { ${c}; print("no error"); } catch (e) { print(e instanceof OSError ? "OSError" : (e as Error).name, str(e)); }`).join("\n")}
  `;
  const { output, outcome } = await runScript(source);
  expect(outcome).toEqual({ kind: "finished" });
  return output.trimEnd().split("\n");
}

describe("wrong use of the socket API raises the Pico W's own exceptions", () => {
  it("send() of something without the buffer protocol: TypeError", async () => {
    expect(await raisedBy([`s.send(123)`, `s.send(null)`, `s.sendall({})`])).toEqual(Array(3).fill("TypeError object with buffer protocol required"));
  });

  it("recv/send on a socket that is not connected: [Errno 107] ENOTCONN", async () => {
    expect(await raisedBy([`s.recv(10)`, `s.send("x")`])).toEqual(Array(2).fill("OSError [Errno 107] ENOTCONN"));
  });

  it("recv on a listening socket: [Errno 107] ENOTCONN; accept on one that is not: [Errno 22] EINVAL", async () => {
    expect(await raisedBy([`s.accept()`, `l.recv(10)`], `const l = socket.socket(); l.bind(["0.0.0.0", 0]); l.listen(1);`)).toEqual([
      "OSError [Errno 22] EINVAL",
      "OSError [Errno 107] ENOTCONN",
    ]);
  });

  it("every call on a closed socket: [Errno 9] EBADF; closing twice is fine", async () => {
    expect(await raisedBy([`s.recv(1)`, `s.send("x")`, `s.bind(["0.0.0.0", 1234])`, `s.listen(1)`, `s.accept()`, `s.settimeout(1)`, `s.close()`], `s.close();`)).toEqual([
      ...Array(6).fill("OSError [Errno 9] EBADF"),
      "no error",
    ]);
  });

  it("bind with a host name, a bad tuple or a port that is taken", async () => {
    expect(
      await raisedBy(
        [`s.bind(["pico.local", 80])`, `s.bind("0.0.0.0:80")`, `s.bind(["0.0.0.0"])`, `s.bind(["0.0.0.0", "80"])`, `t.bind(["0.0.0.0", 4321])`, `s.bind(["0.0.0.0", 4322]); s.bind(["0.0.0.0", 4323])`],
        `const u = socket.socket(); u.bind(["0.0.0.0", 4321]); const t = socket.socket();`,
      ),
    ).toEqual([
      "ValueError invalid arguments",
      "TypeError object 'str' isn't a tuple or list",
      "ValueError requested length 2 but object has length 1",
      "TypeError can't convert str to int",
      "OSError [Errno 98] EADDRINUSE",
      "OSError [Errno 22] EINVAL",
    ]);
  });

  it(`out of TCP PCBs: the 6th open socket raises [Errno 12] ENOMEM; closing one frees it`, async () => {
    expect(await raisedBy([`socket.socket()`, `held[0].close(); socket.socket()`], `const held = [s, socket.socket(), socket.socket(), socket.socket(), socket.socket()];`)).toEqual([
      "OSError [Errno 12] ENOMEM",
      "no error",
    ]);
  });

  it("an accept() with settimeout() that nothing answers: [Errno 110] ETIMEDOUT; non-blocking: [Errno 11] EAGAIN", async () => {
    expect(
      await raisedBy([`l.accept()`, `l.setblocking(false); l.accept()`], `const l = socket.socket(); l.bind(["0.0.0.0", 0]); l.listen(1); l.settimeout(0.05);`),
    ).toEqual(["OSError [Errno 110] ETIMEDOUT", "OSError [Errno 11] EAGAIN"]);
  });
});

describe("listening where no client can reach (UNVERIFIED: lwIP accepts these calls)", () => {
  it.each([
    ["listen() before bind()", `s.listen(1);`, /listen\(\) before bind\(\): the socket listens on port 0/],
    ["bind() to an address the board does not have", `s.bind(["10.0.0.5", 8000]); s.listen(1);`, /listening on 10\.0\.0\.5:8000, which is not this board's address/],
  ])("%s: succeeds, opens no forward on the PC, says so on stderr, accept() waits", async (_name, calls, warning) => {
    const run = await startScript(`
      import socket from "socket";
      const s = socket.socket();
      ${calls}
      s.settimeout(0.05);
      try { s.accept(); } catch (e) { print(e); }
    `);
    expect(await run.done).toEqual({ kind: "finished" });
    expect(run.output()).toBe("[Errno 110] ETIMEDOUT\n");
    expect(run.logs().filter((l) => l.level === 40).map((l) => l.msg)).toEqual([expect.stringMatching(warning)]);
    expect(run.logs().filter((l) => l.msg.startsWith("forward "))).toEqual([]);
  });
});
