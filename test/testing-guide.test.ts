// The examples of docs/testing.md, as they appear there: a student's client script under failures.
import { expect, it } from "vitest";
import { Lab } from "boardsim/testing";

const client = new URL("../examples/reconnecting-client.ts", import.meta.url).pathname;

it("a server that is not listening: connect() fails with ECONNRESET, the script says so", async () => {
  const lab = new Lab();
  const board = await lab.addBoard({ board: "pico_w", script: client, port: 8888 });
  await board.waitFor("could not connect");
  expect(board).toHavePrinted("could not connect: [Errno 104] ECONNRESET");
});

it("a server that closes mid-stream: the script reads b'' and reconnects", async () => {
  const lab = new Lab();
  const server = lab.pc.listen(8888);
  const board = await lab.addBoard({ board: "esp32", script: client, port: 8888 });
  const first = await lab.until(server.accept());
  await lab.until(first.readUntil("hello"));
  first.end();
  await board.waitFor("server closed");
  const second = await lab.until(server.accept());
  expect(await lab.until(second.readUntil("hello"))).toBe("hello\n");
});

it("a wrong WiFi password: the script never gets an address and gives up", async () => {
  const lab = new Lab({ faults: ["wrong_password"] });
  const board = await lab.addBoard({ board: "esp32", script: client, port: 8888 });
  await board.finished();
  expect(board).toHavePrinted("no WiFi: status 202");
});

it("WiFi dropping: the script notices and connects again once the WiFi is back", async () => {
  const lab = new Lab({ faults: ["ap_off:at=20s,for=15s"] });
  const server = lab.pc.listen(8888);
  const board = await lab.addBoard({ board: "esp32", script: client, port: 8888 });
  await board.waitFor("WiFi lost");
  await board.waitFor(/connected to 192\.168\.1\.2[^]*connected to 192\.168\.1\.2/);
  expect(server.connections).toHaveLength(2);
  expect(lab.now()).toBeGreaterThan(35_000);
});

it("a slow link: each reply takes the round trip the latency adds", async () => {
  const lab = new Lab({ faults: ["latency:ms=400"] });
  const server = lab.pc.listen(8888);
  const board = await lab.addBoard({ board: "esp32", script: client, port: 8888 });
  const conn = await lab.until(server.accept());
  await lab.until(conn.readUntil("hello"));
  await conn.send("ping\n");
  await board.waitFor("got b'ping\\n' after 800 ms");
});

it("README: reports a refused connection", async () => {
  const lab = new Lab({ faults: ["refused"] });
  const board = await lab.addBoard({ board: "esp32", role: "client" });
  await board.finished();
  expect(board).toHavePrinted("TCP close, please reset!");
});
