// The examples of docs/testing.md, as they appear there: a student's client script under failures.
// Each runs against the TS client and against its MicroPython twin, and both must print the same.
import { describe, expect, it } from "vitest";
import { Lab as TestingLab, type LabOptions } from "boardsim/vitest";

const CLIENTS = ["../examples/reconnecting-client.ts", "../examples/reconnecting-client.py"].map((file) => new URL(file, import.meta.url).pathname);

/** The guide's Lab, remembered so that each example's consoles can be compared between the two clients. */
const labs: TestingLab[] = [];
class Lab extends TestingLab {
  constructor(opts?: LabOptions) {
    super(opts);
    labs.push(this);
  }
}
/** The boards' console lines of every Lab made since the last call; those labs are closed. */
async function printed(): Promise<string[][]> {
  const closing = labs.splice(0);
  const lines = closing.flatMap((lab) => [...lab.boards.values()].map((board) => board.lines()));
  await Promise.all(closing.map((lab) => lab.close()));
  return lines;
}

/** Generous: each example runs twice, and a .py board boots slower on a loaded machine. */
const BOUND_MS = 120_000;

/** An example of the guide, run against the TS client and then its MicroPython twin: both must print the same, line for line. */
function example(name: string, body: (client: string) => Promise<void>): void {
  it(
    name,
    async () => {
      const consoles: string[][][] = [];
      for (const client of CLIENTS) {
        await body(client);
        consoles.push(await printed());
      }
      expect(consoles[1], "the MicroPython client's console").toEqual(consoles[0]);
    },
    BOUND_MS,
  );
}

describe("the guide's examples, each against both clients", () => {
  example("a server that is not listening: connect() fails with ECONNRESET, the script says so", async (client) => {
    const lab = new Lab();
    const board = await lab.addBoard({ board: "pico_w", script: client, port: 8888 });
    await board.waitFor("could not connect");
    expect(board).toHavePrinted("could not connect: [Errno 104] ECONNRESET");
  });

  example("a server that closes mid-stream: the script reads b'' and reconnects", async (client) => {
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

  example("a wrong WiFi password: the script never gets an address and gives up", async (client) => {
    const lab = new Lab({ faults: ["wrong_password"] });
    const board = await lab.addBoard({ board: "esp32", script: client, port: 8888 });
    await board.finished();
    expect(board).toHavePrinted("no WiFi: status 202");
  });

  example("WiFi dropping: the script notices and connects again once the WiFi is back", async (client) => {
    const lab = new Lab({ faults: ["ap_off:at=20s,for=15s"] });
    const server = lab.pc.listen(8888);
    const board = await lab.addBoard({ board: "esp32", script: client, port: 8888 });
    await board.waitFor("WiFi lost");
    await board.waitFor(/connected to 192\.168\.1\.2[^]*connected to 192\.168\.1\.2/);
    expect(server.connections).toHaveLength(2);
    expect(lab.now()).toBeGreaterThan(35_000);
  });

  example("a slow link: each reply takes the round trip the latency adds", async (client) => {
    const lab = new Lab({ faults: ["latency:ms=400"] });
    const server = lab.pc.listen(8888);
    const board = await lab.addBoard({ board: "esp32", script: client, port: 8888 });
    const conn = await lab.until(server.accept());
    await lab.until(conn.readUntil("hello"));
    await conn.send("ping\n");
    await board.waitFor("got b'ping\\n' after 805 ms"); // 400 ms each way, plus the WiFi hop's 5 ms round trip
  });
});

it("README: reports a refused connection", async () => {
  const lab = new Lab({ faults: ["refused"] });
  const board = await lab.addBoard({ board: "esp32", role: "client" });
  await board.finished();
  expect(board).toHavePrinted("TCP close, please reset!");
});
