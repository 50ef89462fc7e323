import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { boardsim, killStarted } from "./support/cli.ts";

const EXAMPLES = path.join(path.dirname(fileURLToPath(import.meta.url)), "../examples");
afterEach(killStarted);

async function labFile(text: string, name = "lab.yaml"): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "boardsim-lab-"));
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

describe("boardsim lab FILE", () => {
  it("runs the chapter's Pico W server and a client board on one LAN, each console line prefixed with the board's name", async () => {
    const run = boardsim("lab", path.join(EXAMPLES, "lab.yaml"), "--log-format", "json");
    expect(await run.exit).toBe(0);
    const lines = run.stdout().trimEnd().split("\n");
    expect(lines.every((l) => /^(server  |client-1) \| /.test(l))).toBe(true);
    const server = lines.filter((l) => l.startsWith("server")).map((l) => l.slice(11));
    const client = lines.filter((l) => l.startsWith("client-1")).map((l) => l.slice(11));
    expect(server.slice(-5)).toEqual([
      "Server IP: 192.168.1.100 \tPort: 8000",
      "accepting.....",
      expect.stringMatching(/^\('192\.168\.1\.101', 4915\d\) connected$/),
      "b'hello from 192.168.1.101\\n'",
      "close socket",
    ]);
    expect(client.slice(-2)).toEqual(["b'I am Server'", "b'hello from 192.168.1.101\\n'"]);
    expect(client).toContain("my address: 192.168.1.101");
  });

  it("a .py board in a lab: the chapter's TS server and a MicroPython client that takes host and port from the lab file (import config)", async () => {
    const file = await labFile(`profile: fast
boards:
  - name: server
    board: pico_w
    role: server
  - name: py
    board: esp32
    script: client.py
    host: 192.168.1.100
    port: 8000
`);
    await writeFile(
      path.join(path.dirname(file), "client.py"),
      `import config, network, socket, time
w = network.WLAN(network.STA_IF)
w.active(True)
w.connect(config.ssid, config.password)
while not w.isconnected():
    time.sleep(0.1)
while True:
    s = socket.socket()
    try:
        s.connect((config.host, config.port))
        break
    except OSError:
        s.close()
        time.sleep(1)
print(s.recv(1024))
s.send("hello from .py\\n")
print(s.recv(1024))
s.close()
`,
    );
    const run = boardsim("lab", file);
    expect(await run.exit).toBe(0);
    const lines = run.stdout().trimEnd().split("\n");
    expect(lines.filter((l) => l.startsWith("py ")).slice(-2)).toEqual(["py     | b'I am Server'", "py     | b'hello from .py\\n'"]);
    expect(lines).toContain("server | b'hello from .py\\n'");
  });

  it("the boards get their addresses in the file's order, whichever joins first (the server a client is told of is there)", async () => {
    const join = (wait: number) => `import network from "network";
import time from "time";
import config from "config";
time.sleep(${wait}); // a board that takes longer to boot
const wlan = network.WLAN(network.STA_IF);
wlan.active(true);
wlan.connect(config.ssid, config.password);
while (!wlan.isconnected()) time.sleep(0.1);
print("my address:", wlan.ifconfig()[0]);
`;
    const file = await labFile("profile: fast\nboards:\n  - { name: late, board: esp32, script: late.ts }\n  - { name: early, board: pico_w, script: early.ts }\n");
    await writeFile(path.join(path.dirname(file), "late.ts"), join(2));
    await writeFile(path.join(path.dirname(file), "early.ts"), join(0));
    const run = boardsim("lab", file, "--log-format", "json");
    expect(await run.exit).toBe(0);
    expect(run.stdout().split("\n").filter((l) => l.includes("my address"))).toEqual(["early | my address: 192.168.1.101", "late  | my address: 192.168.1.100"]);
  });

  it.each([
    ["boards: [", /^boardsim: .*lab\.yaml: not valid YAML or JSON: /],
    ["boards: []", /lab\.yaml: boards: give at least one board$/],
    ["bords: []", /lab\.yaml: the file: unknown key 'bords' \(known: profile, access_points, boards, faults, hosts\)$/],
    ["boards:\n  - board: esp33\n    role: server", /lab\.yaml: boards\[0\]\.board: unknown board 'esp33' \(known: pico_w/],
    ["boards:\n  - board: pico_w", /lab\.yaml: boards\[0\]: give either role \(server\|client\) or script/],
    ["boards:\n  - { board: pico_w, role: server }\n  - { board: pico_w, role: server }", /lab\.yaml: boards\[1\]\.name: 'pico_w' is used twice/],
    ["boards:\n  - { board: pico_w, role: server, forward: ['9000-8000'] }", /lab\.yaml: boards\[0\]\.forward\[0\]: must be "HOSTPORT:BOARDPORT"/],
    ["boards:\n  - { board: pico_w, role: server, port: 0 }", /lab\.yaml: boards\[0\]\.port: must be a whole number from 1 to 65535, not 0$/],
    ["access_points:\n  - { ssid: x, security: wep }\nboards:\n  - { board: pico_w, role: server }", /access_points\[0\]\.security: must be one of open, wpa2, wpa-wpa2, not 'wep'$/],
    ["access_points:\n  - { ssid: x, channel: zz }\nboards:\n  - { board: pico_w, role: server }", /access_points\[0\]\.channel: must be a whole number from 1 to 14, not "zz"$/],
    [`access_points:\n  - { ssid: ${"s".repeat(100_000)} }\nboards:\n  - { board: pico_w, role: server }`, /access_points\[0\]\.ssid: must be at most 32 bytes \(the WiFi limit\), not 100000$/],
    ['{"profile": "slow", "boards": []}', /lab\.yaml: profile: must be realistic or fast, not "slow"$/],
    ["hosts: { broker: nowhere }\nboards:\n  - { board: pico_w, role: server }", /lab\.yaml: hosts\.broker: must map a host name to an IPv4 address, e\.g\. broker\.local: 192\.168\.1\.2, not "nowhere"$/],
    ['hosts: { "bad name": 192.168.1.2 }\nboards:\n  - { board: pico_w, role: server }', /lab\.yaml: hosts\.bad name: must be a host name: letters, digits, '\.' and '-', e\.g\. broker\.local, not "bad name"$/],
  ])("a bad file (%j) → one line on stderr, exit 2", async (text, message) => {
    const run = boardsim("lab", await labFile(text));
    expect(await run.exit).toBe(2);
    expect(run.stderr().trim()).toMatch(message);
    expect(run.stderr().trim().split("\n")).toHaveLength(1);
    expect(run.stdout()).toBe("");
  });

  it("a missing file → one line, exit 2", async () => {
    const run = boardsim("lab", "no-such-lab.yaml");
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toBe("boardsim: cannot read lab file 'no-such-lab.yaml'\n");
  });
});
