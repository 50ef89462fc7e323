import { chmod, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { boardsim, killStarted } from "./support/cli.ts";
import { listeningAddresses } from "./support/listening.ts";

afterEach(killStarted);

const dir = path.join(tmpdir(), `boardsim-cli-${process.pid}`);
const scripts: Record<string, string> = {
  "syntax.ts": `import time from "time";\nconst x = ;\n`,
  "bad-import.ts": `import socket from "socket";\nimport helper from "./helper";\nprint(helper);\n`,
  "types.ts": `const n: number = "not a number";\nprint(n);\n`,
  "throws.ts": `function connect(): void {\n  throw new OSError(104);\n}\n\nconnect();\n`,
  "spin.ts": `print("spinning");\nwhile (true) {}\n`,
  "await-forever.ts": `print("waiting");\nawait new Promise(() => {});\n`,
  "lightsleep.ts": `import machine from "machine";\nprint("sleeping");\nmachine.lightsleep();\n`,
  "lightsleep.py": `import machine\nprint("sleeping")\nmachine.lightsleep()\n`,
  "rejects.ts": `print("start");\nasync function f() { throw new TypeError("bad thing"); }\nf();\nprint("after");\n`,
  "joined.ts": [
    `import network from "network";`,
    `import time from "time";`,
    `const wlan = network.WLAN(network.STA_IF);`,
    `wlan.active(true);`,
    `wlan.connect("boardsim-lab", "micropython");`,
    `while (!wlan.isconnected()) time.sleep_ms(10);`,
    `print("joined");`,
    `while (true) time.sleep(1);`,
  ].join("\n"),
};
beforeAll(async () => {
  await mkdir(dir, { recursive: true });
  for (const [name, source] of Object.entries(scripts)) await writeFile(path.join(dir, name), source);
  await mkdir(path.join(dir, "a-directory.ts"), { recursive: true });
  await writeFile(path.join(dir, "unreadable.ts"), `print("hi")`);
  await chmod(path.join(dir, "unreadable.ts"), 0o000);
});
const script = (name: string) => path.join(dir, name);

/** Each bad input: the arguments and the one line stderr must show. All exit with 2. */
const BAD_INPUTS: [args: string[], message: RegExp][] = [
  [["run", "--board", "nope", "--role", "server"], /Invalid values: Argument: board, Given: "nope", Choices: "pico_w"/],
  [["run", "--board", "pico_w", "--role", "both"], /Invalid values: Argument: role, Given: "both"/],
  [["run", "--board", "pico_w", "--flash", script("unreadable.ts")], /cannot use flash folder '.*unreadable\.ts': not a folder/],
  [["run", "--role", "server"], /Missing required argument: board/],
  [["run", "--board", "pico_w", "--role", "server", "--script", script("spin.ts")], /Arguments role and script are mutually exclusive/],
  [["run", "--board", "pico_w", "--role", "server", "--port", "70000"], /--port must be a whole number from 1 to 65535, not '70000'/],
  [["run", "--board", "pico_w", "--role", "server", "--port", "0"], /--port must be a whole number from 1 to 65535, not '0'/],
  [["run", "--board", "pico_w", "--role", "server", "--port", "80.5"], /--port must be a whole number from 1 to 65535, not '80.5'/],
  [["run", "--board", "pico_w", "--role", "server", "--port", "http"], /--port must be a whole number from 1 to 65535, not 'http'/],
  [["run", "--board", "pico_w", "--role", "server", "--profile", "slow"], /Invalid values: Argument: profile, Given: "slow"/],
  [["run", "--board", "pico_w", "--role", "server", "--log-format", "xml"], /Invalid values: Argument: log-format, Given: "xml"/],
  [["run", "--board", "pico_w", "--role", "server", "--log-level", "loud"], /Invalid values: Argument: log-level, Given: "loud"/],
  [["run", "--board", "pico_w", "--role", "server", "--timeout", "soon"], /--timeout must be a duration like 500ms, 30s, 2m or 1h, not 'soon'/],
  [["run", "--board", "pico_w", "--role", "server", "--timeout=-5s"], /--timeout must be a duration/],
  [["run", "--board", "pico_w", "--role", "server", "--frobnicate"], /Unknown argument: frobnicate/],
  [["run", "--board", "pico_w", "--role", "server", "--pcap", ""], /--pcap needs a file name to write the capture to/],
  [["run", "--board", "pico_w", "--role", "server", "--pcap"], /--pcap needs a file name to write the capture to/],
  [["lab", "lab.yaml", "--pcap", ""], /--pcap needs a file name to write the capture to/],
  [["fly"], /Unknown argument: fly/],
  [[], /give a command: run/],
  [["run", "--board", "pico_w", "--script", "no-such-file.ts"], /^boardsim: cannot read script 'no-such-file.ts': no such file$/],
  [["run", "--board", "pico_w", "--script", script("a-directory.ts")], /cannot read script '.*a-directory\.ts': it is a directory/],
  [["run", "--board", "pico_w", "--script", script("syntax.ts")], /syntax\.ts:2:11: Unexpected ";"$/],
  [["run", "--board", "pico_w", "--script", script("bad-import.ts")], /bad-import\.ts:2:20: Could not resolve "\.\/helper"$/],
];

describe("bad input: one line on stderr, exit 2, never a stack trace", () => {
  it.each(BAD_INPUTS.map(([args, message]) => [args.join(" ") || "(no arguments)", args, message] as const))(
    "boardsim %s",
    async (_shown, args, message) => {
      const run = boardsim(...args);
      expect(await run.exit).toBe(2);
      const lines = run.stderr().trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^boardsim: /);
      expect(lines[0]).toMatch(message);
      expect(run.stdout()).toBe("");
    },
  );

  it.skipIf(process.getuid?.() === 0)("an unreadable script", async () => {
    const run = boardsim("run", "--board", "pico_w", "--script", script("unreadable.ts"));
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toMatch(/^boardsim: cannot read script '.*unreadable\.ts': permission denied\n$/);
  });

  it("type errors are not bad input: like the board, only what runs matters", async () => {
    const run = boardsim("run", "--board", "pico_w", "--script", script("types.ts"));
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toMatch(/\nnot a number\n$/);
  });
});

describe("a script that fails or never ends", () => {
  // The file named as given on the command line, as for a .py script (runtime/script.ts loadScript)
  it("an uncaught exception: MicroPython traceback at the script's own lines on stdout, exit 1, stderr clean", async () => {
    const run = boardsim("run", "--board", "pico_w", "--script", script("throws.ts"));
    expect(await run.exit).toBe(1);
    const file = script("throws.ts");
    expect(run.stdout()).toMatch(
      new RegExp(`\\nTraceback \\(most recent call last\\):\\n  File "${file}", line 5, in <module>\\n  File "${file}", line 2, in connect\\nOSError: \\[Errno 104\\] ECONNRESET\\n$`),
    );
    expect(run.stderr()).toBe("");
  });

  it("--timeout stops an endless loop: exit 124 and one warning", async () => {
    // --timeout counts real time from the start, boot included: 5 s leaves a loaded machine room to
    // boot the board and reach the loop before it fires.
    const run = boardsim("run", "--board", "pico_w", "--script", script("spin.ts"), "--timeout", "5s", "--log-format", "json");
    expect(await run.exit).toBe(124);
    expect(run.stdout()).toMatch(/\nspinning\n$/);
    const warning = await run.logged((l) => l.level === 40);
    expect(warning.msg).toBe("--timeout: stopped the board after 5000 ms");
    // One warning, and nothing worse (the spin is the board's, the stop the CLI's).
    const logged = run.stderr().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { level: number });
    expect(logged.filter((l) => l.level >= 40)).toHaveLength(1);
  });

  it("Ctrl-C stops an endless loop: KeyboardInterrupt traceback at the loop's line, exit 130", async () => {
    const run = boardsim("run", "--board", "pico_w", "--script", script("spin.ts"));
    await run.printed("spinning\n");
    run.child.kill("SIGINT");
    expect(await run.exit).toBe(130);
    const file = script("spin.ts");
    expect(run.stdout()).toMatch(new RegExp(`\\nspinning\\nTraceback \\(most recent call last\\):\\n  File "${file}", line 2, in <module>\\nKeyboardInterrupt: \\n$`));
  });

  // A board idle with nothing armed holds no handle of Node's: the run must not end by itself.
  it.each([
    ["await-forever.ts", "waiting\n", "KeyboardInterrupt: \n"],
    ["lightsleep.ts", "sleeping\n", `Traceback (most recent call last):\n  File "${script("lightsleep.ts")}", line 3, in <module>\nKeyboardInterrupt: \n`],
    ["lightsleep.py", "sleeping\n", `Traceback (most recent call last):\n  File "${script("lightsleep.py")}", line 3, in <module>\nKeyboardInterrupt: \n`],
  ])("%s: a board waiting for nothing but its user stays up until Ctrl-C: exit 130, no Node warning", async (name, printed, end) => {
    const run = boardsim("run", "--board", "pico_w", "--script", script(name));
    await run.printed(printed);
    run.child.kill("SIGINT");
    expect(await run.exit).toBe(130);
    expect(run.stdout().endsWith(printed + end)).toBe(true);
    expect(run.stderr()).not.toMatch(/Warning|unsettled/);
  });

  it("a rejection no code can handle: its traceback after asyncio's words, the script goes on, exit 0", async () => {
    const run = boardsim("run", "--board", "pico_w", "--script", script("rejects.ts"));
    expect(await run.exit).toBe(0);
    const file = script("rejects.ts");
    expect(run.stdout()).toMatch(
      new RegExp(`\\nstart\\nafter\\nTask exception wasn't retrieved\\nTraceback \\(most recent call last\\):\\n  File "${file}", line 3, in <module>\\n  File "${file}", line 2, in f\\nTypeError: bad thing\\n$`),
    );
    expect(run.stderr()).toBe("");
  });
});

describe("safe defaults", () => {
  it("nothing listens that the script did not ask for: no socket after joining the WiFi", async () => {
    const run = boardsim("run", "--board", "pico_w", "--script", script("joined.ts"), "--profile", "fast");
    await run.printed("joined\n");
    expect(await listeningAddresses(run.child.pid!)).toEqual([]);
  });

  it("the chapter server's forward listens on 127.0.0.1 only, and only that", async () => {
    const run = boardsim("run", "--board", "pico_w", "--role", "server", "--profile", "fast", "--log-format", "json");
    await run.printed("accepting.....\n");
    const forward = await run.logged((l) => l.msg.startsWith("forward "));
    expect(await listeningAddresses(run.child.pid!)).toEqual([`127.0.0.1:${forward.hostPort}`]);
  });
});
