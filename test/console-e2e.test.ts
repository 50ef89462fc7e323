import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startCli, type CliRun } from "./support/cli.ts";
import { mpremote, runPython } from "./support/python.ts";

const dir = mkdtempSync(path.join(tmpdir(), "boardsim-console-"));
const runs: CliRun[] = [];

/** Resolves once the board's REPL answers Enter with its prompt (the board has booted). */
function prompt(where: string): Promise<string> {
  return runPython(`import serial, sys\ns = serial.serial_for_url(sys.argv[1], timeout=60)\ns.write(b"\\r")\nprint(s.read_until(b">>> "))`, [where]);
}

/** Boots `board` to its REPL with its console where `serial` says; resolves with the console's address (from the log) once it shows `>>> `. */
async function boot(board: string, serial: string): Promise<{ run: CliRun; where: string }> {
  const flash = mkdtempSync(path.join(dir, `${board}-flash-`));
  const run = startCli(["run", "--board", board, "--profile", "fast", "--serial", serial, "--flash", flash, "--log-format", "json"]);
  runs.push(run);
  const line = await run.logged((l) => typeof l.serial === "string");
  const where = (line.link as string | undefined) ?? (line.serial as string);
  await prompt(where);
  return { run, where };
}

afterEach(() => {
  for (const run of runs.splice(0)) run.child.kill("SIGKILL");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the board's console for PC tools (real mpremote and pyserial)", () => {
  it.each([
    ["rfc2217", "esp32", "rfc2217:0"],
    ["pty", "pico_w", `pty:${path.join(dir, "ttyPICO")}`],
  ])("over %s: mpremote exec, fs cp of a file and back, the file's sha256 on the board", async (_kind, board, serial) => {
    const { where } = await boot(board, serial);
    expect(await mpremote(["connect", where, "exec", "print(6*7)"])).toBe("42\n");
    const file = path.join(dir, `${board}-data.bin`);
    writeFileSync(file, Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff)));
    await mpremote(["connect", where, "fs", "cp", file, ":data.bin"]);
    const sums = await mpremote(["connect", where, "exec", "import hashlib, binascii; print(binascii.hexlify(hashlib.sha256(open('data.bin','rb').read()).digest()).decode())"]);
    const { createHash } = await import("node:crypto");
    expect(sums.trim()).toBe(createHash("sha256").update(Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff))).digest("hex"));
  });

  it("mpremote mount DIR, then import mymodule: the PC's folder is the board's /remote, read and written over the console", async () => {
    const { where } = await boot("pico_w", `pty:${path.join(dir, "ttyMOUNT")}`);
    const folder = mkdtempSync(path.join(dir, "mount-"));
    writeFileSync(path.join(folder, "mymodule.py"), "def hello():\n    return 'hello from the PC'\n");
    const code = "import os, mymodule; print(os.getcwd(), mymodule.hello()); open('note.txt', 'w').write('from the board\\n')";
    const out = await mpremote(["connect", where, "mount", folder, "exec", code]);
    // mpremote's own line comes before or after the board's, as Python buffers its stdout (PYTHONUNBUFFERED)
    expect(out.split("\n").sort()).toEqual(["", "/remote hello from the PC", `Local directory ${folder} is mounted at /remote`]);
    expect(readFileSync(path.join(folder, "note.txt"), "utf8")).toBe("from the board\n");
  });

  it("two boards of a lab, each with its own PTY, answer mpremote at the same time", async () => {
    const a = path.join(dir, "ttyA");
    const b = path.join(dir, "ttyB");
    const lab = path.join(dir, "two.yaml");
    writeFileSync(lab, `boards:\n  - { name: alpha, board: pico_w, serial: "pty:${a}", flash: ${path.join(dir, "fa")} }\n  - { name: beta, board: esp32, serial: "pty:${b}", flash: ${path.join(dir, "fb")} }\n`);
    const run = startCli(["lab", lab, "--profile", "fast", "--log-format", "json"]);
    runs.push(run);
    await run.logged((l) => l.link === a);
    await run.logged((l) => l.link === b);
    await Promise.all([prompt(a), prompt(b)]);
    const write = (name: string) => `f = open('who.txt', 'w'); f.write('${name}'); f.close(); print(open('who.txt').read())`;
    expect(await Promise.all([mpremote(["connect", a, "exec", write("alpha")]), mpremote(["connect", b, "exec", write("beta")])])).toEqual(["alpha\n", "beta\n"]);
    // each board has its own flash: what one wrote is not the other's
    const read = "print(open('who.txt').read())";
    expect(await Promise.all([mpremote(["connect", a, "exec", read]), mpremote(["connect", b, "exec", read])])).toEqual(["alpha\n", "beta\n"]);
  });

  it("the ESP32's auto-reset: RTS asserted with DTR released (EN low), then released, reboots it with the banner", async () => {
    const { where } = await boot("esp32", "rfc2217:0");
    const out = await runPython(
      `
import serial, sys
s = serial.serial_for_url(sys.argv[1], timeout=20)
s.write(b"\\r")
s.read_until(b">>> ")
s.dtr = False
s.rts = True
s.rts = False
print(s.read_until(b">>> ").decode())
`,
      [where],
    );
    expect(out).toMatch(/MicroPython v1\.\d+\.\d+ on [^\n]*ESP32[^\n]*\n[^]*>>> /);
  });

  it("binary garbage on the console, then a client that vanishes mid raw-paste: the board still answers mpremote", async () => {
    const { where } = await boot("esp32", "rfc2217:0");
    const port = Number(where.split(":").pop());
    const rude = net.connect(port, "127.0.0.1");
    await new Promise((r) => rude.once("connect", r));
    rude.write(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) & 0xff).filter((b) => b !== 0x03 && b !== 0x04 && b !== 0xff)));
    rude.write(Buffer.from("\r\x03\x03\x01\x05A\x01print('half"));
    rude.destroy();
    expect(await mpremote(["connect", where, "exec", "print('still here')"])).toBe("still here\n");
  });

  it("Ctrl-C while the board boots and while it soft-reboots (mpremote's first \\r\\x03): a key for the REPL, the board answers, SIGTERM exits 143", async () => {
    const run = startCli(["run", "--board", "esp32", "--profile", "fast", "--serial", "rfc2217:0", "--flash", mkdtempSync(path.join(dir, "early-")), "--log-format", "json"]);
    runs.push(run);
    const port = Number(((await run.logged((l) => typeof l.serial === "string")).serial as string).split(":").pop());
    const client = net.connect(port, "127.0.0.1");
    let seen = "";
    client.on("data", (d: Buffer) => (seen += d.toString("latin1")));
    const until = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => (seen.includes(text) ? (client.off("data", check), resolve()) : undefined);
        client.on("data", check);
        client.once("close", () => reject(new Error(`console closed before ${JSON.stringify(text)}; saw ${JSON.stringify(seen)}`)));
        check();
      });
    client.write("\r\x03"); // at once: the firmware has not set its interrupt character yet (main.c runs boot.py first)
    await until(">>> ");
    client.write("\x04\x03"); // soft reboot, and Ctrl-C while the new interpreter starts
    await until("MPY: soft reboot\r\n");
    seen = "";
    client.write("print(6*7)\r");
    await until("42\r\n>>> ");
    run.child.kill("SIGTERM");
    expect(await run.exit).toBe(143);
    expect(run.stderr()).not.toMatch(/internal error|    at /);
    client.destroy();
  });

  it("bad input: a PTY path that exists and is not ours, and an RFC 2217 port in use, are one line and exit 2", async () => {
    const taken = path.join(dir, "taken.txt");
    writeFileSync(taken, "not a tty");
    const pty = startCli(["run", "--board", "esp32", "--serial", `pty:${taken}`, "--flash", path.join(dir, "fx")]);
    runs.push(pty);
    expect(await pty.exit).toBe(2);
    expect(pty.stderr()).toMatch(new RegExp(`\\nboardsim: --serial pty:${taken}: '${taken}' exists and is not a boardsim PTY link; remove it or choose another path\\n$`));
    expect(pty.stderr()).not.toMatch(/    at |--help/);

    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as net.AddressInfo).port;
    const rfc = startCli(["run", "--board", "esp32", "--serial", `rfc2217:${port}`, "--flash", path.join(dir, "fy")]);
    runs.push(rfc);
    expect(await rfc.exit).toBe(2);
    expect(rfc.stderr()).toMatch(new RegExp(`\\nboardsim: --serial rfc2217:${port}: port in use on 127\\.0\\.0\\.1\\n$`));
    expect(rfc.stderr()).not.toMatch(/    at |--help/);
    blocker.close();
  });
});
