// A student's first hour, as the CLI answers it: what stderr says when the script is not what they think.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { boardsim, killStarted } from "./support/cli.ts";

afterEach(killStarted);
const dir = mkdtempSync(path.join(tmpdir(), "boardsim-first-hour-"));
function file(name: string, text: string): string {
  writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
}

it("--script README.md: one line naming the kinds of script it runs, exit 2", async () => {
  const run = boardsim("run", "--board", "esp32", "--script", file("README.md", "# notes\n"));
  expect(await run.exit).toBe(2);
  expect(run.stderr()).toBe(`boardsim: cannot run '${path.join(dir, "README.md")}': a board script is a .py file (MicroPython, as on the board) or a .ts/.js file\n`);
});

it('a chapter client still saying host = "********": stderr says which address to put there', async () => {
  const script = file(
    "client.py",
    `import network, socket, time
wlan = network.WLAN(network.STA_IF)
wlan.active(True)
wlan.connect("boardsim-lab", "micropython")
while not wlan.isconnected():
    time.sleep_ms(10)
host = "********"
s = socket.socket()
try:
    s.connect((host, 8888))
except Exception as e:
    print("failed:", repr(e))
`,
  );
  const run = boardsim("run", "--board", "pico_w", "--script", script, "--profile", "fast", "--log-format", "json");
  expect(await run.exit).toBe(0);
  expect(run.stdout()).toContain("failed: ValueError('invalid arguments',)");
  const hint = await run.logged((l) => l.msg.startsWith('the script connects to "********"'));
  expect(hint.msg).toContain("192.168.1.2");
  expect(hint.board).toBe("pico_w");
});

it("an ESP32 with a wrong password prints nothing, as the firmware; stderr says so once, not at every retry", async () => {
  const run = boardsim("run", "--board", "esp32", "--role", "server", "--password", "wrong", "--profile", "fast", "--timeout", "3s", "--log-format", "json");
  expect(await run.exit).toBe(124);
  const said = run.stderr().split("\n").filter((l) => l.includes("wrong password") && l.includes('"level":40'));
  expect(said).toHaveLength(1);
  expect(JSON.parse(said[0]!).msg).toBe('WiFi: wrong password for "boardsim-lab": the board keeps retrying, and the console may show nothing about it (as on the real board)');
});
