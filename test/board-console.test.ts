import { existsSync, readFileSync, symlinkSync, writeFileSync, mkdtempSync, mkdirSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BOARDS } from "../src/boards/index.ts";
import { bootBoard, type ConsoleRun } from "./support/board-console.ts";

const PROMPT = 'Type "help()" for more information.\r\n>>> ';
const banner = (board: string) => `${BOARDS[board]!.banner}\r\n${PROMPT}`;

let runs: ConsoleRun[] = [];
async function boot(board = "pico_w", opts: Parameters<typeof bootBoard>[1] = {}): Promise<ConsoleRun> {
  const run = await bootBoard(board, opts);
  runs.push(run);
  return run;
}
afterEach(async () => {
  for (const run of runs) {
    run.serial.close();
    run.board()?.halt();
  }
  runs = [];
});

/** Types a line at the friendly REPL and returns what it printed up to the next prompt (echo included). */
async function repl(run: ConsoleRun, line: string): Promise<string> {
  run.type(line + "\r");
  return (await run.take(">>> ")).slice(0, -">>> ".length);
}

/** Types a line that resets the board at the friendly REPL; returns what the board printed after its echo, up to the next prompt. */
async function resetBy(run: ConsoleRun, line: string): Promise<string> {
  run.type(line + "\r");
  await run.take(line + "\r\n");
  return run.take(">>> ");
}

describe("boot", () => {
  // The board's heap at its REPL, as the firmware's mem_info() prints it (py/modmicropython.c:71-93,
  // py/gc.c:1175-1185): the board's total, a few KB used, never the guest library's ≈ 130 KB; the
  // same after a soft reset, which brings the interpreter back as it was after boot.
  it.each([
    ["pico_w", 192 * 1024, 7936],
    ["esp8266", 37_952, 8192],
  ])("%s: micropython.mem_info() at the REPL shows the board's heap, after a soft reset too", async (board, heap, stackLimit) => {
    const run = await boot(board);
    await run.take(">>> ");
    const memInfo = async () => {
      const lines = (await repl(run, "import micropython; micropython.mem_info()")).split("\r\n");
      expect(lines[1]).toMatch(new RegExp(`^stack: \\d+ out of ${stackLimit}$`));
      const [total, used, free] = /^GC: total: (\d+), used: (\d+), free: (\d+)$/.exec(lines[2]!)!.slice(1).map(Number) as [number, number, number];
      expect([total, used + free]).toEqual([heap, heap]);
      expect(used).toBeLessThan(8192); // a few KB: the REPL's own (its input line, the console's reader)
      expect(Number(/ No\. of 1-blocks: (\d+)/.exec(lines[3]!)![1])).toBeLessThan(500); // not the library's ≈ 1500
    };
    await memInfo();
    run.type("\x04");
    await run.take(">>> ");
    await memInfo();
  });

  it("ESP32's first boot formats the flash, writes the firmware's boot.py, then shows the banner and >>>", async () => {
    const run = await boot("esp32");
    expect(await run.take(">>> ")).toBe(`Performing initial setup\r\n${banner("esp32")}`);
    // ports/esp32/modules/inisetup.py (v1.23.0)
    expect(readFileSync(path.join(run.flashDir, "boot.py"), "utf8")).toBe(
      "# This file is executed on every boot (including wake-boot from deepsleep)\n#import esp\n#esp.osdebug(None)\n#import webrepl\n#webrepl.start()\n",
    );
  });

  // An empty folder is a blank flash (an erased board): ESP32's first boot sets it up as for a new
  // folder (ports/esp32/modules/_boot.py, inisetup.py v1.23.0). Was: no message, no boot.py.
  it("an empty --flash folder is an erased flash: ESP32 sets it up, ESP8266 too", async () => {
    for (const board of ["esp32", "esp8266"]) {
      const dir = path.join(mkdtempSync(path.join(tmpdir(), "boardsim-flash-")), "flash");
      mkdirSync(dir);
      const run = await boot(board, { flashDir: dir });
      expect(await run.take(">>> ")).toBe(`Performing initial setup\r\n${banner(board)}`);
      expect(readFileSync(path.join(dir, "boot.py"), "utf8")).toMatch(/^# This file is executed on every boot/);
    }
  });

  it("the Pico W starts with an empty flash and no setup message", async () => {
    const run = await boot("pico_w");
    expect(await run.take(">>> ")).toBe(banner("pico_w"));
    expect(await repl(run, "import os; os.listdir()")).toBe("import os; os.listdir()\r\n[]\r\n");
  });

  it("runs boot.py, then main.py in __main__'s globals, then the REPL; a traceback from main.py names the file", async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "boardsim-flash-")), "flash");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "boot.py"), "print('boot')\n");
    writeFileSync(path.join(dir, "main.py"), "x = 42\nprint('main')\n1/0\n");
    const run = await boot("esp8266", { flashDir: dir });
    expect(await run.take(">>> ")).toBe(
      `boot\r\nmain\r\nTraceback (most recent call last):\r\n  File "main.py", line 3, in <module>\r\nZeroDivisionError: divide by zero\r\n${banner("esp8266")}`,
    );
    expect(await repl(run, "x")).toBe("x\r\n42\r\n");
  });

  // ports/esp32/main.c:143-151, ports/rp2/main.c:180-193, ports/esp8266/main.c:83-85: main.py runs
  // only when boot.py returned non-zero, and pyexec.c:146-153 returns 0 after an exception or a
  // SystemExit (pyexec_system_exit, 0 unless machine.soft_reset() set it).
  it.each([
    ["esp32", "print('boot')\nimport wifi_secrets\n", 'boot\r\nTraceback (most recent call last):\r\n  File "boot.py", line 2, in <module>\r\nImportError: no module named \'wifi_secrets\'\r\n'],
    ["pico_w", "import sys\nprint('boot')\nsys.exit()\n", "boot\r\n"],
    ["esp8266", "print('boot')\n", "boot\r\nmain\r\n"],
  ])("%s: main.py runs only if boot.py ran to its end (no exception, no sys.exit())", async (board, bootPy, printed) => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "boardsim-flash-")), "flash");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "boot.py"), bootPy);
    writeFileSync(path.join(dir, "main.py"), "print('main')\n");
    const run = await boot(board, { flashDir: dir });
    expect(await run.take(">>> ")).toBe(`${printed}${banner(board)}`);
    run.type("\x04"); // the same at a soft reset
    expect(await run.take(">>> ")).toBe(`\r\nMPY: soft reboot\r\n${printed}${banner(board)}`);
  });

  it("machine.soft_reset() in main.py soft-reboots at once: boot.py and main.py run again", async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "boardsim-flash-")), "flash");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "boot.py"), "print('boot')\n");
    writeFileSync(path.join(dir, "main.py"), "import machine, os\nif 'again' in os.listdir():\n    print('second')\nelse:\n    open('again', 'w').close()\n    machine.soft_reset()\n");
    const run = await boot("pico_w", { flashDir: dir });
    expect(await run.take(">>> ")).toBe(`boot\r\nMPY: soft reboot\r\nboot\r\nsecond\r\n${banner("pico_w")}`);
  });

  it("a --script runs as main.py; the .py files beside it import (secrets.py), the flash's first", async () => {
    const run = await boot("pico_w", { main: "import secrets\nprint(secrets.SSID)\nimport helper\nprint(helper.VALUE)\n", modules: { "secrets.py": "SSID = 'lab'\n" } });
    expect(await run.take(">>> ")).toContain("lab\r\nTraceback (most recent call last):\r\n");
    expect(await repl(run, "import os; os.listdir()")).toContain("[]\r\n"); // they are not on the flash
    // First boot: no helper yet, so main.py raised; write one and soft-reset.
    await repl(run, "f = open('helper.py', 'w'); f.write('VALUE = 7\\n'); f.close()");
    run.type("\x04");
    expect(await run.take(">>> ")).toBe(`\r\nMPY: soft reboot\r\nlab\r\n7\r\n${banner("pico_w")}`);
  });

  // They stand in "/" as the flash's files would: "" comes before ".frozen" and the built-in json is
  // extensible (py/builtinimport.c:117-152, 366-413), so a dht.py and a json.py beside the script are
  // what it imports; a gc.py is not (gc is not extensible, py/modgc.c). (A json.py beside it was
  // once what the library itself imported at start-up: a fatal error before the banner.)
  it("a dht.py and a json.py beside the script shadow the frozen dht and the built-in json, after a soft reset too", async () => {
    const mine = "X = 'mine'\n";
    const main = "import dht, json, gc\nprint(dht, dht.X, json, json.X, hasattr(gc, 'X'))\n";
    const run = await boot("esp32", { main, modules: { "dht.py": mine, "json.py": mine, "gc.py": mine } });
    expect(await run.take(">>> ")).toContain("<module 'dht' from 'dht.py'> mine <module 'json' from 'json.py'> mine False\r\n");
    run.type("\x04");
    expect(await run.take(">>> ")).toContain("<module 'dht' from 'dht.py'> mine <module 'json' from 'json.py'> mine False\r\n");
  });

  // The ESP8266's sys.path ends in "/" (ports/esp8266/main.c:58-59): from another directory its
  // import finds a file of "/" as "//helper.py" (py/builtinimport.c:127-133 joins entry, "/" and
  // name), so a module beside the script does too; the ESP32's has no "/" (ports/esp32/main.c:130).
  it.each([
    ["esp8266", "<module 'helper' from '//helper.py'> 7"],
    ["esp32", "no module named 'helper'"],
  ])("%s: after os.chdir('/lib') a module beside the script imports through sys.path's '/' only where it has one", async (board, shown) => {
    const main = "import os\nos.mkdir('/lib')\nos.chdir('/lib')\ntry:\n    import helper\n    print(helper, helper.X)\nexcept ImportError as e:\n    print(e)\n";
    const run = await boot(board, { main, modules: { "helper.py": "X = 7\n" } });
    expect(await run.take(">>> ")).toContain(`${shown}\r\n`);
  });

  // A soft reset starts the interpreter again (ports/esp32/main.c:124-210): its import stats the
  // flash as it is then (py/builtinimport.c:117-152), so a dht.py written before Ctrl-D (mpremote's
  // `cp` then `run`, which soft-resets) is the dht imported after it, and one removed is not.
  it("a dht.py written at the REPL is the dht imported after Ctrl-D; one removed leaves the frozen dht", async () => {
    const softReset = async (run: ConsoleRun) => (run.type("\x04"), await run.take(">>> "));
    const imported = "import dht; print(dht, getattr(dht, 'X', '-'), hasattr(dht, 'DHT11'))";
    const written = await boot("esp32");
    await written.take(">>> ");
    await repl(written, "f = open('dht.py', 'w'); f.write('X = 1\\n'); f.close()");
    await softReset(written);
    expect(await repl(written, imported)).toContain("\r\n<module 'dht' from 'dht.py'> 1 False\r\n");

    const dir = path.join(mkdtempSync(path.join(tmpdir(), "boardsim-flash-")), "flash");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "dht.py"), "X = 1\n");
    const removed = await boot("esp32", { flashDir: dir });
    await removed.take(">>> ");
    await repl(removed, "import os; os.remove('dht.py')");
    await softReset(removed);
    expect(await repl(removed, imported)).toContain("\r\n<module 'dht' from 'dht.py'> - True\r\n");
  });
});

describe("flash filesystem", () => {
  it("writes, appends and reads files that are files in the flash folder, and lists and stats them", async () => {
    const run = await boot("pico_w");
    await run.take(">>> ");
    await repl(run, "f = open('data.txt', 'w'); f.write('one\\n'); f.close()");
    await repl(run, "f = open('data.txt', 'a'); f.write('two\\n'); f.close()");
    expect(readFileSync(path.join(run.flashDir, "data.txt"), "utf8")).toBe("one\ntwo\n");
    expect(await repl(run, "open('data.txt').readlines()")).toContain("['one\\n', 'two\\n']\r\n");
    await repl(run, "import os; os.mkdir('lib'); os.rename('data.txt', 'lib/d.txt')");
    expect(readFileSync(path.join(run.flashDir, "lib", "d.txt"), "utf8")).toBe("one\ntwo\n");
    expect(await repl(run, "list(os.ilistdir('/'))")).toContain("[('lib', 16384, 0, 0)]\r\n");
    expect(await repl(run, "os.stat('lib/d.txt')[0], os.stat('lib/d.txt')[6]")).toContain("(32768, 8)\r\n");
    // The file's time is the board's clock at the write, in the Pico W's epoch, 1970, as time.time()
    // counts (vfs_lfsx.c:381-405; ports/rp2/mpconfigport.h:103): Thonny's file browser shows it.
    expect(await repl(run, "import time; 0 <= time.time() - os.stat('lib/d.txt')[8] < 60")).toContain("\r\nTrue\r\n");
    await repl(run, "os.remove('lib/d.txt'); os.rmdir('lib')");
    expect(await repl(run, "os.listdir()")).toContain("[]\r\n");
  });

  // Libraries a tutorial has the student copy to the flash import from main.py as on the board,
  // whose reads of the file make no garbage (a LittleFS file in C): umqttsimple.py (6.4 KB) on an
  // ESP8266; 24 KB of code on an ESP32 (where microdot.py, 46 KB with its docstrings, imports too).
  it.each([
    ["esp8266", 40],
    ["esp32", 150],
  ])("%s: main.py imports a library of %d methods copied to the flash", async (board, count) => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "boardsim-flash-")), "flash");
    mkdirSync(dir);
    const methods = Array.from({ length: count }, (_, i) => `    def send${i}(self, topic, msg, retain=False):\n        pkt = bytearray(b"\\x30\\0\\0\\0")\n        pkt[0] |= ${i} << 1 | retain\n        return len(topic) + len(msg)\n\n`);
    writeFileSync(path.join(dir, "client.py"), "class Client:\n" + methods.join(""));
    writeFileSync(path.join(dir, "main.py"), "from client import Client\nprint(Client().send39('topic', 'msg'))\n");
    const run = await boot(board, { flashDir: dir });
    expect(await run.take(">>> ")).toBe(`8\r\n${banner(board)}`);
    // A file the PC put there before the boot: its time on the board's clock, in the ESP boards'
    // epoch, 2000, as time.time() counts (vfs_lfsx.c:381-405).
    expect(await repl(run, "import os, time; 0 <= time.time() - os.stat('client.py')[8] < 60")).toContain("\r\nTrue\r\n");
  });

  it("raises the firmware's OSErrors: ENOENT, EEXIST by name, LittleFS's ENOTEMPTY (39) bare", async () => {
    const run = await boot("esp32");
    await run.take(">>> ");
    expect(await repl(run, "open('missing.txt')")).toContain("OSError: [Errno 2] ENOENT\r\n");
    await repl(run, "import os; os.mkdir('d'); open('d/x', 'w').close()");
    expect(await repl(run, "os.mkdir('d')")).toContain("OSError: [Errno 17] EEXIST\r\n");
    expect(await repl(run, "os.rmdir('d')")).toContain("OSError: 39\r\n");
    expect(await repl(run, "open('d')")).toContain("OSError: [Errno 21] EISDIR\r\n");
  });

  it("statvfs gives the board's flash size, and a full flash raises ENOSPC (28) without writing", async () => {
    const run = await boot("pico_w");
    await run.take(">>> ");
    // 848 KiB in 4096-byte blocks (RPI_PICO_W/mpconfigboard.h); the superblock pair is in use.
    expect(await repl(run, "import os; os.statvfs('/')")).toContain("(4096, 4096, 212, 210, 210, 0, 0, 0, 0, 255)\r\n");
    await repl(run, "f = open('big', 'wb'); b = bytes(4096)");
    expect(await repl(run, "[f.write(b) for i in range(300)]")).toContain("OSError: 28\r\n");
    // 210 blocks free: the file took them all, the write that found none wrote nothing.
    expect(await repl(run, "f.close(); os.stat('big')[6]")).toContain(`${210 * 4096}\r\n`);
    expect(await repl(run, "os.statvfs('/')[3]")).toContain("0\r\n");
  });

  it("imports /x.py, /lib/x.py and packages, with the firmware's sys.path", async () => {
    const run = await boot("esp32");
    await run.take(">>> ");
    expect(await repl(run, "import sys; sys.path[-3:]")).toContain("['', '.frozen', '/lib']\r\n");
    await repl(run, "import os; os.mkdir('lib'); os.mkdir('lib/pkg')");
    await repl(run, "open('top.py', 'w').write('A = 1\\n'); open('lib/inlib.py', 'w').write('B = 2\\n')");
    await repl(run, "open('lib/pkg/__init__.py', 'w').write('from .sub import C\\n'); open('lib/pkg/sub.py', 'w').write('C = 3\\n')");
    expect(await repl(run, "import top, inlib, pkg; top.A, inlib.B, pkg.C")).toContain("(1, 2, 3)\r\n");
    // only what was loaded from .py files: the REPL's own modules and the built-in ones are not there
    expect(await repl(run, "import time, socket; sorted(sys.modules)")).toContain("['inlib', 'pkg', 'pkg.sub', 'top']\r\n");
    expect(await repl(run, "help('modules')")).toContain("\r\nPlus any modules on the filesystem\r\n");
  });

  it("nothing outside the flash folder is reachable: .. stops at the root, symlinks out are not files", async () => {
    const outside = mkdtempSync(path.join(tmpdir(), "boardsim-outside-"));
    writeFileSync(path.join(outside, "secret.txt"), "SECRET");
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "boardsim-flash-")), "flash");
    mkdirSync(dir);
    symlinkSync(path.join(outside, "secret.txt"), path.join(dir, "link.txt"));
    symlinkSync(outside, path.join(dir, "linkdir"));
    const run = await boot("pico_w", { flashDir: dir });
    await run.take(">>> ");
    expect(await repl(run, "open('link.txt').read()")).toContain("OSError: [Errno 2] ENOENT\r\n");
    expect(await repl(run, "open('link.txt', 'w').write('X')")).toContain("OSError: [Errno 2] ENOENT\r\n");
    expect(await repl(run, "open('linkdir/secret.txt').read()")).toContain("OSError: [Errno 2] ENOENT\r\n");
    expect(await repl(run, "open('linkdir/new.txt', 'w')")).toContain("OSError: [Errno 2] ENOENT\r\n");
    await repl(run, "open('../../escape.txt', 'w').write('E')");
    expect(await repl(run, "import os; sorted(os.listdir('/'))")).toContain("['escape.txt']\r\n");
    expect(readFileSync(path.join(outside, "secret.txt"), "utf8")).toBe("SECRET");
    expect(existsSync(path.join(outside, "new.txt"))).toBe(false);
    expect(existsSync(path.join(path.dirname(dir), "escape.txt"))).toBe(false);
    expect(readFileSync(path.join(dir, "escape.txt"), "utf8")).toBe("E");
    expect(run.output()).not.toContain("SECRET");
  });

  it("files survive a soft reset, a hard reset and a new boardsim on the same folder", async () => {
    const run = await boot("pico_w");
    await run.take(">>> ");
    await repl(run, "open('keep.txt', 'w').write('kept')");
    run.type("\x04");
    await run.take(">>> ");
    expect(await repl(run, "open('keep.txt').read()")).toContain("'kept'\r\n");
    run.type("import machine; machine.reset()\r");
    await run.take(banner("pico_w"));
    expect(await repl(run, "open('keep.txt').read()")).toContain("'kept'\r\n");
    const again = await boot("pico_w", { flashDir: run.flashDir });
    await again.take(">>> ");
    expect(await repl(again, "open('keep.txt').read()")).toContain("'kept'\r\n");
  });
});

describe("REPL", () => {
  it("raw REPL: the banner, OK, output, \\x04, the error, \\x04, > — byte for byte", async () => {
    const run = await boot("esp32");
    await run.take(">>> ");
    run.type("\r\x03\x03\x01");
    expect(await run.take("raw REPL; CTRL-B to exit\r\n>")).toBe("\r\n>>> \r\n>>> \r\n>>> \r\nraw REPL; CTRL-B to exit\r\n>");
    run.type("print('hi')\x04");
    expect(await run.take("\x04>")).toBe("OKhi\r\n\x04\x04>");
    run.type("1/0\x04");
    expect(await run.take("\x04>")).toBe('OK\x04Traceback (most recent call last):\r\n  File "<stdin>", line 1, in <module>\r\nZeroDivisionError: divide by zero\r\n\x04>');
    // Ctrl-D on an empty line soft-resets and stays in the raw REPL (main.py is not run there).
    run.type("\x04");
    expect(await run.take("raw REPL; CTRL-B to exit\r\n>")).toBe("OK\r\nMPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>");
    run.type("\x02");
    expect(await run.take(">>> ")).toBe(`\r\n${banner("esp32")}`);
  });

  it("raw-paste mode: R\\x01, the 128-byte window, \\x01 per window taken, \\x04 at the end, then the output", async () => {
    const run = await boot("pico_w");
    await run.take(">>> ");
    run.type("\x01");
    await run.take("raw REPL; CTRL-B to exit\r\n>");
    run.type("\x05A\x01");
    expect(await run.take("\x01\x80\x00\x01")).toBe("R\x01\x80\x00\x01");
    const code = `x = ${"1 + ".repeat(40)}1\nprint(x)\n`; // 171 bytes: one window and then some
    run.type(code);
    expect(await run.take("\x01")).toBe("\x01");
    run.type("\x04");
    expect(await run.take("\x04>")).toBe("\x0441\r\n\x04\x04>");
  });

  it("paste mode: === prompts, the code runs at Ctrl-D", async () => {
    const run = await boot("pico_w");
    await run.take(">>> ");
    run.type("\x05for i in range(2):\r    print(i)\r\x04");
    expect(await run.take(">>> ")).toBe("\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== for i in range(2):\r\n===     print(i)\r\n=== \r\n0\r\n1\r\n>>> ");
  });

  it("friendly REPL: continuation lines with auto-indent, tab completion", async () => {
    const run = await boot("pico_w");
    await run.take(">>> ");
    run.type("def f():\r");
    expect(await run.take("...     ")).toBe("def f():\r\n...     ");
    // Each Enter on an empty continuation line takes one level of indent off; then it runs.
    run.type("return 5\r\r\r\r");
    await run.take(">>> ");
    expect(await repl(run, "f()")).toBe("f()\r\n5\r\n");
    run.type("impo\t");
    expect(await run.take("import ")).toBe("impoimport ".slice(0, "impo".length) + "rt ");
  });

  it("tab completion after `import ` offers no name of the simulator's interpreter (its js, jsffi; cmath, which the ESP8266 lacks)", async () => {
    const run = await boot("esp8266");
    await run.take(">>> ");
    // json is the one built-in module starting with j on the board (help('modules')).
    run.type("import j\t\r");
    expect(await run.take(">>> ")).toBe("import json\r\n>>> ");
    // ports/esp8266/mpconfigport.h:25 MICROPY_PY_BUILTINS_COMPLEX 0: no cmath
    run.type("import c\t");
    expect(await run.take(">>> import c")).toBe("import c\r\ncollections     cryptolib\r\n>>> import c");
  });

  // py/repl.c v1.23.0 157-170, 294-298: after "import ", the names of the built-in module tables,
  // which on the board hold machine, network and socket (C modules there, this library's Python
  // here), and those a script has not imported yet (tls, _onewire), listed in qstr order: the
  // static pool's micropython first, then by value (py/makeqstrdata.py:58-224, 413-418).
  it.each([
    ["esp32", "__main__        _asyncio        _espnow         _onewire\r\n_thread         _webrepl"],
    ["pico_w", "__main__        _asyncio        _onewire        _rp2\r\n_thread         _webrepl"],
  ])("%s: tab completion after `import ` offers the board's C modules (machine, network, socket, tls), in the firmware's order", async (board, underscored) => {
    const run = await boot(board);
    await run.take(">>> ");
    run.type("import mac\t, netw\t\r");
    expect(await run.take(">>> ")).toBe("import machine, network\r\n>>> ");
    run.type("import so\t\r");
    expect(await run.take(">>> ")).toBe("import socket\r\n>>> ");
    for (const [typed, listed] of [
      ["t", "time            tls"],
      ["s", "select          socket          struct          sys"],
      ["m", "micropython     machine         math"],
      ["_", underscored],
    ]) {
      run.type(`import ${typed}\t`);
      expect(await run.take(`>>> import ${typed}`)).toBe(`import ${typed}\r\n${listed}\r\n>>> import ${typed}`);
      run.type("\x03");
      await run.take(">>> ");
    }
  });

  // At the REPL the stream gets what the console gets, the prompt and the echo too (mp_hal_stdout_tx_strn
  // calls mp_os_dupterm_tx_strn: ports/rp2/mphalport.c, extmod/os_dupterm.c v1.23.0:176-213), never
  // a line of boardsim's own (the REPL's filter runs first).
  it("os.dupterm at the REPL: the stream gets the prompt, the echo and the output", async () => {
    const run = await boot("pico_w");
    await run.take(">>> ");
    run.type("import io, os\r");
    await run.take(">>> ");
    run.type("class Log(io.IOBase):\r");
    run.type("def __init__(self): self.data = bytearray()\r");
    run.type("def write(self, b): self.data += b; return len(b)\r");
    run.type("def ioctl(self, r, a): return 0\r\b\b\b\b\r");
    await run.take(">>> ");
    await repl(run, "log = Log(); os.dupterm(log)");
    expect(await repl(run, "print(6 * 7)")).toBe("print(6 * 7)\r\n42\r\n");
    await repl(run, "os.dupterm(None) is log");
    // (its prompts shown as <<< : a ">>> " would end what repl() reads)
    expect(await repl(run, "bytes(log.data).replace(b'>', b'<')")).toBe(
      "bytes(log.data).replace(b'>', b'<')\r\nb'<<< print(6 * 7)\\r\\n42\\r\\n<<< os.dupterm(None) is log\\r\\n'\r\n",
    );
  });

  it("help() prints the port's text (ports/esp8266/help.c), help(obj) the VM's", async () => {
    const run = await boot("esp8266");
    await run.take(">>> ");
    const text = await repl(run, "help()");
    expect(text).toBe(`help()\r\n${BOARDS.esp8266!.helpText.replace(/\n/g, "\r\n")}`);
    expect(text).toContain("Welcome to MicroPython!\r\n");
    expect(await repl(run, "help(len)")).toContain("object <function> is of type function\r\n");
  });

    it("input() reads a line from the console", async () => {
    const run = await boot("pico_w");
    await run.take(">>> ");
    run.type("name = input('name? ')\rAda\r");
    expect(await run.take(">>> ")).toBe("name = input('name? ')\r\nname? Ada\r\n>>> ");
    expect(await repl(run, "name")).toBe("name\r\n'Ada'\r\n");
  });

  it("select.poll() takes sys.stdin.buffer, as mpremote mount's reader registers it (no OSError)", async () => {
    const run = await boot("pico_w");
    await run.take(">>> ");
    const code = "import select, sys; p = select.poll(); p.register(sys.stdin.buffer, select.POLLIN); print(p.poll(0))";
    expect(await repl(run, code)).toBe(`${code}\r\n[]\r\n`);
  });

  it("sys.stdout.buffer writes bytes as they are (LF, 0xff), print()'s text has LF as CR LF, in program order", async () => {
    const run = await boot("pico_w");
    await run.take(">>> ");
    // shared/runtime/sys_stdio_mphal.c: stdio_write cooks, stdio_buffer_write does not (mpremote mount's records)
    const code = "import sys; print('a'); sys.stdout.buffer.write(b'\\x18\\x0a\\xff\\n'); sys.stdout.buffer.write(b'xyz', 2); print('b')";
    // (the REPL prints each expression statement's value: write's count, 4 and 2)
    expect(await repl(run, code)).toBe(`${code}\r\na\r\n\x18\n\xff\n4\r\nxy2\r\nb\r\n`);
  });

  it("select.poll() of sys.stdin.buffer wakes when a byte comes; after micropython.kbd_intr(-1) Ctrl-C is data", async () => {
    const run = await boot("pico_w");
    await run.take(">>> ");
    const code =
      "import select, sys, micropython; p = select.poll(); p.register(sys.stdin.buffer, select.POLLIN); micropython.kbd_intr(-1); print('ready'); print(p.poll(60000)); print(sys.stdin.buffer.read(2)); micropython.kbd_intr(3)";
    run.type(code + "\r");
    await run.take("ready\r\n");
    run.type("\x03A");
    expect(await run.take(">>> ")).toBe("[(<io.FileIO 0>, 1)]\r\nb'\\x03A'\r\n>>> ");
    // the REPL's next execution has Ctrl-C as its interrupt character again (pyexec.c)
    run.type("import time; time.sleep(60)\r");
    await run.take("time.sleep(60)\r\n");
    run.type("\x03");
    expect(await run.take(">>> ")).toContain("KeyboardInterrupt: \r\n");
  });

  it("select on sys.stdin: readable once the PC types (mp_hal_stdio_poll), not before", async () => {
    const run = await boot("esp32");
    await run.take(">>> ");
    const code = "import select, sys; p = select.poll(); p.register(sys.stdin, select.POLLIN); print(p.poll(0)); r = p.poll(); print(r[0][1], sys.stdin.read(1))";
    run.type(code + "\r");
    expect(await run.take("[]\r\n")).toBe(`${code}\r\n[]\r\n`);
    run.type("x");
    expect(await run.take(">>> ")).toBe("1 x\r\n>>> ");
  });

  it("Ctrl-C at a blocking accept() gives the firmware's KeyboardInterrupt traceback", async () => {
    const run = await boot("pico_w");
    await run.take(">>> ");
    await repl(run, "import socket; s = socket.socket(); s.bind(('', 8000)); s.listen(1)");
    run.type("s.accept()\r");
    await run.take("s.accept()\r\n");
    await run.hostPort(8000);
    run.type("\x03");
    expect(await run.take(">>> ")).toBe('Traceback (most recent call last):\r\n  File "<stdin>", line 1, in <module>\r\nKeyboardInterrupt: \r\n>>> ');
  });

  // A student's requests.py that the frozen mip imports (py/builtinimport.c:366-413) is the
  // student's code, as from a plain import: the script's busy time, so Ctrl-C stops a loop at its
  // top, though it runs inside the frozen import (_host.untimed, which the stat of the file ends).
  it("Ctrl-C stops a loop in a student's requests.py that the frozen mip imports, as in a plain import", async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "boardsim-flash-")), "flash");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "requests.py"), "print('requests.py runs')\nn = 0\nwhile True:\n    n += 1\n");
    const run = await boot("pico_w", { flashDir: dir });
    await run.take(">>> ");
    run.type("import mip\r");
    await run.take("requests.py runs\r\n");
    run.type("\x03");
    expect(await run.take(">>> ")).toBe('Traceback (most recent call last):\r\n  File "<stdin>", line 1, in <module>\r\n  File "requests.py", line 4, in <module>\r\nKeyboardInterrupt: \r\n>>> ');
  });

  it("Ctrl-D soft-reboots: a PC client of the board's server sees its connection end, main.py runs again", async () => {
    const run = await boot("pico_w", { main: "print('main ran')\n" });
    await run.take(">>> ");
    await repl(run, "import socket; s = socket.socket(); s.bind(('', 8000)); s.listen(1)");
    const port = await run.hostPort(8000);
    const client = net.connect(port, "127.0.0.1");
    const closed = new Promise<string>((resolve) => {
      client.on("end", () => resolve("end"));
      client.on("error", (e) => resolve((e as NodeJS.ErrnoException).code ?? "error"));
    });
    await new Promise((resolve) => client.once("connect", resolve));
    await repl(run, "c, a = s.accept()");
    run.type("\x04");
    expect(await run.take(">>> ")).toBe(`\r\nMPY: soft reboot\r\nmain ran\r\n${banner("pico_w")}`);
    expect(["end", "ECONNRESET"]).toContain(await closed);
    client.destroy();
  });

  it("a soft reset starts the interpreter afresh: no global, module or sys.path entry of the last run, the heap as free as after boot", async () => {
    // ports/rp2/main.c and ports/esp32/main.c, soft_reset: gc_init and mp_init again, boot.py again.
    const run = await boot("pico_w");
    await run.take(">>> ");
    const free = await repl(run, "import gc; gc.collect(); gc.mem_free()");
    await repl(run, "f = open('m.py', 'w'); f.write('print(\"m runs\")\\n'); f.close()");
    expect(await repl(run, "import m, sys; x = bytearray(8192); sys.path.append('/x')")).toContain("m runs");
    for (let i = 0; i < 2; i++) {
      run.type("\x04");
      expect(await run.take(">>> ")).toBe(`\r\nMPY: soft reboot\r\n${banner("pico_w")}`);
      expect(await repl(run, "import gc; gc.collect(); gc.mem_free()")).toBe(free);
      expect(await repl(run, "x")).toContain("NameError: name 'x' isn't defined");
      expect(await repl(run, "import sys; '/x' in sys.path")).toBe("import sys; '/x' in sys.path\r\nFalse\r\n");
      expect(await repl(run, "import m; x = 1; sys.path.append('/x')")).toBe("import m; x = 1; sys.path.append('/x')\r\nm runs\r\n");
    }
  });

  it("a soft reset stops the last run's timers and pin IRQs: their callbacks never run in the next one", async () => {
    // soft_reset_exit: soft_timer_deinit + machine_pin_deinit (ports/rp2/main.c:219-223), then mp_init's empty scheduler queue
    const run = await boot("pico_w");
    await run.take(">>> ");
    await repl(run, "from machine import Timer; t = Timer(period=20, mode=Timer.PERIODIC, callback=lambda t: print('old timer'))");
    expect(await repl(run, "import time; time.sleep_ms(100)")).toContain("old timer");
    run.type("\x04");
    expect(await run.take(">>> ")).toBe(`\r\nMPY: soft reboot\r\n${banner("pico_w")}`);
    // the new run's first callback: had the old timer lived on, it would call this one
    await repl(run, "from machine import Pin; p = Pin(2, Pin.IN); p.irq(lambda p: print('new irq'))");
    expect(await repl(run, "import time; time.sleep_ms(200); print('slept')")).toBe("import time; time.sleep_ms(200); print('slept')\r\nslept\r\n");
  });

  it.each([
    ["pico_w", 15, true, 32768], // ports/rp2/main.c:218, machine_pwm_deinit_all
    ["esp32", 2, true, 32768], // ports/esp32/main.c:200, machine_pwm_deinit_all
    // ports/esp8266/main.c:89-96: soft_reset stops no PWM (UNVERIFIED beyond the source); the constructor's
    // duty_u16 32768 keeps 32768 * 1000 / 65536 = 500 (machine_pwm.c:83), read as 500 * 64 (:167)
    ["esp8266", 2, false, 32000],
  ] as const)("%s: a soft reset stops the last run's PWM (pin %s) where the port deinitialises it: %s", async (board, pin, stops, duty) => {
    const run = await boot(board);
    await run.take(">>> ");
    await repl(run, `from machine import Pin, PWM; p = PWM(Pin(${pin}), freq=1000, duty_u16=32768)`);
    expect(run.board().peripherals.pwm.get(pin)).toEqual({ freq: 1000, duty });
    run.type("\x04");
    expect(await run.take(">>> ")).toBe(`\r\nMPY: soft reboot\r\n${banner(board)}`);
    expect(run.board().peripherals.pwm.get(pin)).toEqual(stops ? undefined : { freq: 1000, duty });
  });

  it("Timer callbacks run while the REPL waits for a key, and it still reads what is typed next", async () => {
    // mp_hal_stdin_rx_chr waits in mp_event_wait_indefinite, which runs scheduled callbacks (ports/rp2/mphalport.c:149, py/scheduler.c:259)
    const run = await boot("pico_w");
    await run.take(">>> ");
    await repl(run, "from machine import Timer; n = [0]");
    run.type("t = Timer(period=10, mode=Timer.PERIODIC, callback=lambda t: n.append(print('tick')) if len(n) < 4 else t.deinit())\r");
    expect(await run.take("tick\r\ntick\r\ntick\r\n")).toBe("t = Timer(period=10, mode=Timer.PERIODIC, callback=lambda t: n.append(print('tick')) if len(n) < 4 else t.deinit())\r\n>>> tick\r\ntick\r\ntick\r\n");
    expect(await repl(run, "len(n)")).toBe("len(n)\r\n4\r\n");
  });

  it("the board's library cannot be written: a write there goes to the flash (no such folder: ENOENT), and a soft reset imports the library's module", async () => {
    const run = await boot("esp32");
    await run.take(">>> ");
    expect(await repl(run, "open('/boardsim/requests.py', 'w')")).toContain("OSError: [Errno 2] ENOENT\r\n");
    run.type("\x04");
    await run.take(">>> ");
    expect(await repl(run, "import requests; requests.get")).toMatch(/<function get at 0x[0-9a-f]+>\r\n$/);
  });

  // v1.23.0 shared/runtime/pyexec.c:146-150: a SystemExit's result is pyexec_system_exit, 0 unless
  // machine.soft_reset() set it (extmod/modmachine.c:64-67), so sys.exit() ends the code and the REPL
  // goes on (a soft reset on SystemExit came in v1.24, commit 69c25ea8).
  it("sys.exit() ends the code and the REPL goes on, its globals kept: at >>>, in paste mode, after a continuation line, in the raw REPL", async () => {
    const run = await boot("esp32");
    await run.take(">>> ");
    expect(await repl(run, "x = 5; import sys; sys.exit()")).toBe("x = 5; import sys; sys.exit()\r\n");
    expect(await repl(run, "raise SystemExit(3)")).toBe("raise SystemExit(3)\r\n");
    run.type("\x05print('p', end='')\rsys.exit()\r\x04");
    expect(await run.take(">>> ")).toBe("\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== print('p', end='')\r\n=== sys.exit()\r\n=== \r\np>>> ");
    // a continuation line's Ctrl-D (its auto-indent deleted first) runs the block
    run.type("for i in range(3):\rprint(i)\rsys.exit()\r\x08\x04");
    expect(await run.take(">>> ")).toBe("for i in range(3):\r\n...     print(i)\r\n...     sys.exit()\r\n...     \x08\x08\x08\x08\x1b[K0\r\n>>> ");
    expect(await repl(run, "x")).toBe("x\r\n5\r\n");
    run.type("\x01");
    await run.take("raw REPL; CTRL-B to exit\r\n>");
    run.type("print(x); sys.exit()\x04");
    expect(await run.take("\x04>")).toBe("OK5\r\n\x04\x04>");
    // raw-paste mode too (mpremote exec, pyboard.py)
    run.type("\x05A\x01");
    await run.take("R\x01\x80\x00\x01");
    run.type("print(x + 1); sys.exit()\x04");
    expect(await run.take("\x04>")).toBe("\x046\r\n\x04\x04>");
    // Ctrl-D on an empty line still soft-reboots
    run.type("\x04");
    expect(await run.take("raw REPL; CTRL-B to exit\r\n>")).toBe("OK\r\nMPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>");
    run.type("\x02");
    await run.take(">>> ");
    expect(await repl(run, "x")).toContain("NameError: name 'x' isn't defined\r\n");
  });

  it("Ctrl-D at an empty >>> soft-reboots after a paste, a continuation block and a sys.exit()", async () => {
    const run = await boot("pico_w");
    await run.take(">>> ");
    run.type("\x05y = 1\r\x04");
    await run.take(">>> ");
    run.type("if y:\rimport sys; sys.exit()\r\r\r\r");
    expect(await run.take(">>> ")).toBe("if y:\r\n...     import sys; sys.exit()\r\n...     \r\n...     \r\n... \r\n>>> ");
    run.type("\x04");
    expect(await run.take(">>> ")).toBe(`\r\nMPY: soft reboot\r\n${banner("pico_w")}`);
  });

  // The ESP32's ROM prints its reset reason and the bootloader it loads on UART0 at every hard reset
  // (ESP-IDF esp32/rom/rtc.h: SW_CPU_RESET 12 after esp_restart(), DEEPSLEEP_RESET 5 after a
  // deepsleep wake), then MicroPython starts; the Pico W's console is USB CDC, which shows none.
  const esp32Rom = (reason: string) =>
    `ets Jun  8 2016 00:22:57\r\n\r\nrst:${reason},boot:0x13 (SPI_FAST_FLASH_BOOT)\r\nconfigsip: 0, SPIWP:0xee\r\n` +
    "clk_drv:0x00,q_drv:0x00,d_drv:0x00,cs0_drv:0x00,hd_drv:0x00,wp_drv:0x00\r\nmode:DIO, clock div:2\r\n" +
    "load:0x3fff0030,len:4728\r\nload:0x40078000,len:14888\r\nload:0x40080400,len:3368\r\nentry 0x400805cc\r\n";

  it("machine.soft_reset() soft-reboots, machine.reset() reboots with the ROM's lines (rst:0xc SW_CPU_RESET) and the banner", async () => {
    const run = await boot("esp32");
    await run.take(">>> ");
    run.type("import machine; machine.soft_reset()\r");
    expect(await run.take(">>> ")).toBe(`import machine; machine.soft_reset()\r\nMPY: soft reboot\r\n${banner("esp32")}`);
    expect(await resetBy(run, "import machine; machine.reset()")).toBe(esp32Rom("0xc (SW_CPU_RESET)") + banner("esp32"));
    expect(await repl(run, "import machine; machine.reset_cause()")).toBe("import machine; machine.reset_cause()\r\n5\r\n");
  });

  // The EN pin (a serial port's auto-reset, the reset button) starts the chip as power-on does: the
  // ROM prints rst:0x1 (POWERON_RESET) at 115200 (esptool docs, boot-mode-selection.rst "Boot Log"),
  // on a console already open; reset_cause() is then PWRON_RESET (ports/esp32/modmachine.c:190-215).
  it("ESP32: a deepsleep wake prints the ROM's rst:0x5 (DEEPSLEEP_RESET), the EN pin rst:0x1 (POWERON_RESET); a Pico W's reset prints no ROM line", async () => {
    const esp = await boot("esp32");
    await esp.take(">>> ");
    expect(await resetBy(esp, "import machine; machine.deepsleep(10)")).toBe(esp32Rom("0x5 (DEEPSLEEP_RESET)") + banner("esp32"));
    esp.serial.setControlLines({ dtr: false, rts: true }); // EN low
    esp.serial.setControlLines({ rts: false }); // EN high: the chip starts
    expect(await esp.take(">>> ")).toBe(esp32Rom("0x1 (POWERON_RESET)") + banner("esp32"));
    expect(await repl(esp, "import machine; machine.reset_cause()")).toBe("import machine; machine.reset_cause()\r\n1\r\n");
    const pico = await boot("pico_w");
    await pico.take(">>> ");
    expect(await resetBy(pico, "import machine; machine.reset()")).toBe(banner("pico_w"));
  });

  it("ESP8266: machine.reset() shows the ROM's 74880-baud lines as garbage at 115200, then the banner", async () => {
    const run = await boot("esp8266");
    await run.take(">>> ");
    const garbage = (await resetBy(run, "import machine; machine.reset()")).slice(0, -banner("esp8266").length);
    expect(garbage.length).toBeGreaterThan(100); // ~240 ROM characters at 74880 read as ~2/3 as many bytes
    expect(garbage).not.toMatch(/ets|rst cause|load/);
  });
});
