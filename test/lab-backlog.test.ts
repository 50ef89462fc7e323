// The README's big lab in simulated time: the chapter's Pico W server listens with a backlog of 1
// and serves one client. Each order of the clients that a run in real time may take is forced here
// (a board powered on later), and each ends the way the README says: nothing waits for ever.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it, onTestFinished } from "vitest";
import { Lab } from "boardsim/testing";
import { JOIN_TS } from "./support/join.ts";

const LAN_CLIENT = path.join(path.dirname(fileURLToPath(import.meta.url)), "../examples/lan-client.ts");

/** A client that takes the greeting, then keeps the server busy for 2 s before it says hello. */
const SLOW_CLIENT = `${JOIN_TS}const s = socket.socket();
s.connect(["192.168.1.100", 8000]);
print(s.recv(1024));
time.sleep(2);
s.send("hello\\n");
print(s.recv(1024));
s.close();
`;

async function serverAndFirstClient(): Promise<Lab> {
  const lab = new Lab({ timing: "fast" });
  onTestFinished(() => lab.close());
  const server = await lab.addBoard({ name: "server", board: "pico_w", role: "server" });
  await server.waitFor("accepting.....");
  const first = await lab.addBoard({ name: "client-1", board: "esp32", source: SLOW_CLIENT });
  await first.waitFor("b'I am Server'");
  return lab;
}

it("a client that connects while the server serves another waits in the accept queue and is reset when the server closes its listening socket (modlwip lwip_socket_free_incoming)", async () => {
  const lab = await serverAndFirstClient();
  const second = await lab.addBoard({ name: "client-2", board: "esp8266", script: LAN_CLIENT, host: "192.168.1.100", port: 8000 });
  await lab.advance(500); // connected (the handshake completes in the queue), waiting for a greeting
  expect(second.lines()).toEqual([expect.stringMatching(/^MicroPython /), 'Type "help()" for more information.', "my address: 192.168.1.102"]);
  expect((await lab.boards.get("server")!.finished()).kind).toBe("finished");
  expect((await second.finished()).kind).toBe("finished");
  expect(second.lines().slice(3)).toEqual(["the server dropped the connection: [Errno 104] ECONNRESET"]);
  expect(lab.boards.get("client-1")!.lines().slice(-1)).toEqual(["b'hello\\n'"]);
});

it("a client that comes after the server has left finds nobody answering and gives up after 5 tries", async () => {
  const lab = await serverAndFirstClient();
  await lab.boards.get("server")!.finished();
  const second = await lab.addBoard({ name: "client-2", board: "esp8266", script: LAN_CLIENT, host: "192.168.1.100", port: 8000 });
  expect((await second.finished()).kind).toBe("finished");
  expect(second.lines().slice(3)).toEqual([...Array(5).fill("server not ready: [Errno 110] ETIMEDOUT"), "no server: gave up after 5 tries"]);
});
