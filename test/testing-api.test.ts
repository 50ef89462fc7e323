// What a test author sees from boardsim/testing when a wait goes wrong.
import { expect, it, onTestFinished } from "vitest";
import { Lab } from "boardsim/testing";
import { JOIN_PY } from "./support/join.ts";

it("a wait that runs out of simulated time says what it waited for, and for how long", async () => {
  const lab = new Lab({ timing: "fast" });
  onTestFinished(() => lab.close());
  const board = await lab.addBoard({ board: "esp32", source: `import time from "time"; while (true) { print("tick"); time.sleep(1); }` });
  await expect(board.waitFor("never", { within: 5000 })).rejects.toThrow(/^waited for esp32 to print "never": it did not happen within 5 s of simulated time\n--- esp32 console ---\n/);
});

it("a wait for what cannot happen any more says so at once", async () => {
  const lab = new Lab({ timing: "fast" });
  onTestFinished(() => lab.close());
  const board = await lab.addBoard({ board: "esp32", source: `print("bye")` });
  await board.finished();
  await expect(board.waitFor(/again/)).rejects.toThrow(/^waited for esp32 to print \/again\/: it cannot happen any more: every board is blocked and no timer is left/);
});

it("awaiting a PC-side wait without lab.until gets a hint on stderr naming the fix", async () => {
  const lab = new Lab({ timing: "fast" });
  onTestFinished(() => lab.close());
  const server = lab.pc.listen(8888);
  const warned = new Promise<Error>((resolve) => process.once("warning", resolve));
  const accepted = server.accept();
  void accepted.then(() => {}); // what `await server.accept()` does: nothing runs the simulation
  const warning = await warned;
  expect(warning.message).toBe(
    "server.accept() is still waiting: simulated time runs only inside lab.until(), board.waitFor(), board.finished() and lab.advance(). Write `await lab.until(server.accept())`.",
  );
  // Run by the lab, the same wait settles.
  await lab.addBoard({ board: "esp32", role: "client" });
  const conn = await lab.until(accepted);
  expect(await lab.until(conn.readUntil("Hello"))).toContain("Hello");
});

it("a hosts name the router could not hold is refused at once, as a lab file's hosts: are", () => {
  expect(() => new Lab({ hosts: { "pc.lan\0junk": "192.168.1.2" } })).toThrow(
    `hosts["pc.lan\\u0000junk"]: must be a host name: letters, digits, '.' and '-', e.g. broker.local, not "pc.lan\\u0000junk"`,
  );
  expect(() => new Lab({ hosts: { ["a".repeat(250) + ".lan"]: "192.168.1.2" } })).toThrow(`must be a host name of at most 253 characters, not 254`);
  expect(() => new Lab({ hosts: { broker: "nowhere" } })).toThrow(`hosts["broker"]: must map a host name to an IPv4 address, e.g. broker.local: 192.168.1.2, not "nowhere"`);
});

it("conn.end() half-closes the PC's side, as nc -N does: the board reads b'' and its answer still arrives", async () => {
  const lab = new Lab({ timing: "fast" });
  onTestFinished(() => lab.close());
  const board = await lab.addBoard({
    name: "b",
    board: "pico_w",
    fileName: "main.py",
    source: `${JOIN_PY}s = socket.socket()
s.bind(("0.0.0.0", 8000))
s.listen(1)
print("listening")
c, _ = s.accept()
data = b""
while True:
    d = c.recv(100)
    if not d:
        break
    data += d
c.sendall(b"got " + data)
c.close()
print("answered")
`,
  });
  await board.waitFor("listening");
  const conn = await lab.until(lab.pc.connect("192.168.1.100", 8000));
  await lab.until(conn.send("hello"));
  conn.end();
  expect(await lab.until(conn.readAll())).toBe("got hello");
  expect(await board.finished()).toEqual({ kind: "finished" });
  expect(board.lines()).toContain("answered");
});
