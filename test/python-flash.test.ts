/**
 * A script run's filesystem (`boardsim run --script x.py`, the testing API): the board's own flash,
 * freshly set up, in memory; never the interpreter's own files or the PC's.
 */
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Lab } from "../src/testing/index.ts";
import { killStarted, startCli } from "./support/cli.ts";
import { runScript } from "./support/run-script.ts";

afterEach(killStarted);

const FILES = `import os
print("root", os.listdir("/"), os.getcwd())
with open("notes.txt", "w") as f:
    f.write("line 1\\n")
print("read", repr(open("notes.txt").read()), os.stat("notes.txt")[6])
print("listed", os.listdir())
import vfs
print("posix", [n for n in dir(os) + dir(vfs) if "Posix" in n])
open("missing.txt")
`;

/** What a freshly flashed board's "/" holds: the Pico W's _boot.py formats an empty LittleFS (ports/rp2/modules/_boot.py); the ESP ports' inisetup.py writes boot.py. */
const FRESH: Record<string, string> = { pico_w: "[]", esp32: "['boot.py']", esp8266: "['boot.py']", mpython: "['boot.py']" };

describe("a script run's flash", () => {
  it.each(Object.keys(FRESH))("%s: the fresh board's files, its errno text, and files the script writes", async (board) => {
    const { output, outcome } = await runScript(FILES, board, "main.py");
    expect(outcome).toMatchObject({ kind: "raised", pyType: "OSError" });
    const listed = FRESH[board]!.replace("]", "").replace("[", "");
    expect(output).toBe(
      [
        `root ${FRESH[board]} /`,
        "read 'line 1\\n' 7",
        `listed [${listed ? listed + ", " : ""}'notes.txt']`,
        "posix []",
        "Traceback (most recent call last):",
        '  File "main.py", line 9, in <module>',
        "OSError: [Errno 2] ENOENT",
        "",
      ].join("\n"),
    );
  });

  it.each(["pico_w", "esp8266"])("%s: open()'s types cannot be called (no make_new: py/objtype.c's TypeError); their files still work", async (board) => {
    // extmod/vfs_lfsx_file.c v1.23.0:219-242: FileIO and TextIOWrapper have no make_new, so
    // type_call raises "can't create '%q' instances" (py/objtype.c:994-999; NORMAL or DETAILED
    // error reporting: ports/esp8266/boards/ESP8266_GENERIC/mpconfigboard.h:10, rp2's ROM level EXTRA)
    const { output, outcome } = await runScript(
      `for mode in ("w", "wb"):
    f = open("x", mode)
    try:
        type(f)()
    except TypeError as e:
        print(e, f)
    f.write("ok" if mode == "w" else b"ok")
    f.close()
print(open("x").read(), type(open("x")), isinstance(open("x", "rb"), type(open("x", "wb"))))
`,
      board,
      "main.py",
    );
    expect(output).toBe("can't create 'TextIOWrapper' instances <io.TextIOWrapper>\ncan't create 'FileIO' instances <io.FileIO>\nok <class 'TextIOWrapper'> True\n");
    expect(outcome).toEqual({ kind: "finished" });
  });

  it("pico_w: os.stat()'s mtime is the board's clock at the write, in the port's epoch (rp2: 1970, its clock from 2021)", async () => {
    // extmod/vfs_lfsx.c v1.23.0 381-405 (lfs_get_mtime: mp_hal_time_ns); ports/rp2/mpconfigport.h:103 MICROPY_EPOCH_IS_1970
    const { output } = await runScript(`import os, time\nopen("t.txt", "w").write("x")\nm = os.stat("t.txt")[8]\nprint(abs(m - time.time()) <= 2, time.localtime(m)[:3])\n`, "pico_w", "main.py");
    expect(output).toBe("True (2021, 1, 1)\n");
  });

  it("esp8266 (38 KB heap): a module the script writes imports, from / and /lib; a loop of appends frees its garbage", async () => {
    const { output, outcome } = await runScript(
      `import os, gc
os.mkdir("/lib")
for where in ("helper.py", "/lib/deep.py"):
    with open(where, "w") as f:
        f.write("NAME = %r\\n" % where)
import helper, deep
print(helper.NAME, deep.NAME)
for i in range(2000):
    with open("log.txt", "a") as f:
        f.write("line %d\\n" % i)
print(os.stat("log.txt")[6], gc.mem_free() > 20000)
`,
      "esp8266",
      "main.py",
    );
    expect(outcome).toEqual({ kind: "finished" });
    expect(output).toBe("helper.py /lib/deep.py\n" + "18890 True\n");
  });

  it("esp32: os.listdir() of a folder of 420 files with 45-character names lists them all (a reply of 27 KB)", async () => {
    // The firmware lists them (extmod/vfs.c:435-443 mp_vfs_listdir); here the host's reply is
    // longer than the glue can hand over as one string once the heap is capped (worker.ts REPLY_TEXT_MAX).
    const { output, outcome } = await runScript(
      `import os
os.mkdir("d")
for i in range(420):
    with open("d/file_with_a_much_longer_name_than_usual_%04d.txt" % i, "w") as f:
        pass
names = os.listdir("d")
print(len(names), names[0], names[-1])
`,
      "esp32",
      "main.py",
    );
    expect(outcome).toEqual({ kind: "finished" });
    expect(output).toBe("420 file_with_a_much_longer_name_than_usual_0000.txt file_with_a_much_longer_name_than_usual_0419.txt\n");
  });

  it("esp8266 (38 KB heap): a 15 KB file read whole 60 times between garbage, as bytes and as text, keeps its content", async () => {
    // The reply's bytes are one copy in the heap (a bytearray and its bytes() were two: MemoryError
    // at the first read), and where the heap has no room for them the board's gc_alloc collects and
    // retries (py/gc.c v1.27.0 829-843): so does the bridge (_host.py fresh).
    const { output, outcome } = await runScript(
      `with open("big.txt", "w") as f:
    for i in range(50):
        f.write("%04d" % i + "abcdefghij" * 30 + "\\n")

def whole(mode):
    data = open("big.txt", mode).read()
    nl = "\\n" if mode == "r" else b"\\n"
    return len(data) == 15250 and data.count(nl) == 50 and data[-11:-1] == data[4:14] and {data: 1}[data]

bad = 0
for r in range(30):
    for i in range(40 * (r % 7)):
        s = str(i) * (r % 5 + 1)
    bad += not whole("rb")
    bad += not whole("r")
print("bad", bad)
`,
      "esp8266",
      "main.py",
    );
    expect(outcome).toEqual({ kind: "finished" });
    expect(output).toBe("bad 0\n");
  });

  // A library of the student's that imports the firmware's frozen modules (microdot_asyncio's
  // `import uasyncio`, a helper's `import dht`) gets them, as the script's own import does.
  it.each(["pico_w", "esp32"])("%s: a module on the flash imports the frozen dht and asyncio", async (board) => {
    const { output, outcome } = await runScript(
      `with open("sensors.py", "w") as f:
    f.write("import dht\\nimport uasyncio as asyncio\\n")
import sensors
print(sensors.dht, sensors.asyncio.sleep_ms.__name__)
`,
      board,
      "main.py",
    );
    expect(outcome).toEqual({ kind: "finished" });
    expect(output).toBe("<module 'dht' from 'dht.py'> sleep_ms\n");
  });

  it("writing an array to a file writes all its bytes (2 per item of an array('H')), not len(array) bytes", async () => {
    // The file's write takes mp_get_buffer's bytes (py/stream.c v1.27.0 line 266), little-endian.
    const { output, outcome } = await runScript(
      `import array, os
with open("a.bin", "wb") as f:
    print(f.write(array.array("H", [0x4142, 0x4344])))
print(open("a.bin", "rb").read(), os.stat("a.bin")[6])
`,
      "pico_w",
      "main.py",
    );
    expect(outcome).toEqual({ kind: "finished" });
    expect(output).toBe("4\nb'BADC' 4\n");
  });

  it("testing API: the flash outlives machine.reset() within the run, as a board's does; each run starts fresh", async () => {
    const source = `import os, machine
print("boot", os.listdir("/"))
if "count.txt" not in os.listdir("/"):
    open("count.txt", "w").write("1")
    machine.reset()
print("count", open("count.txt").read())
`;
    for (let run = 0; run < 2; run++) {
      const lab = new Lab({ timing: "fast" });
      const b = await lab.addBoard({ name: "b", board: "esp32", fileName: "main.py", source });
      expect(await b.finished()).toEqual({ kind: "finished" });
      expect(b.boots).toBe(2);
      expect(b.lines().filter((l) => /^(boot|count) /.test(l))).toEqual(["boot ['boot.py']", "boot ['boot.py', 'count.txt']", "count 1"]);
    }
  });

  it("is the board's only: the interpreter's and boardsim's files are not there, nor the PC's cwd or temp folder", async () => {
    const work = mkdtempSync(path.join(tmpdir(), "boardsim-flash-cwd-"));
    const temp = mkdtempSync(path.join(tmpdir(), "boardsim-flash-tmp-"));
    const data = mkdtempSync(path.join(tmpdir(), "boardsim-flash-data-"));
    for (const dir of [work, temp]) writeFileSync(path.join(dir, "secret.txt"), "the PC's");
    writeFileSync(
      path.join(work, "probe.py"),
      `import os
print("root", os.listdir("/"))
for p in ("secret.txt", ${JSON.stringify(path.join(temp, "secret.txt"))}, "/boardsim/_host.py", "/tmp", "/proc/self/environ"):
    try:
        print(p, open(p).read())
    except OSError as e:
        print(p, e)
for p in (${JSON.stringify(temp)}, "/boardsim", "/tmp"):
    try:
        print(p, os.listdir(p))
    except OSError as e:
        print(p, e)
open("written.txt", "w").write("on the board")
print("done", os.listdir())
`,
    );
    const run = startCli(["run", "--board", "pico_w", "--script", "probe.py"], undefined, { cwd: work, env: { ...process.env, TMPDIR: temp, XDG_DATA_HOME: data } });
    expect(await run.exit).toBe(0);
    const lines = run.stdout().split("\n").slice(2); // after the banner
    expect(lines).toEqual([
      "root []",
      "secret.txt [Errno 2] ENOENT",
      `${path.join(temp, "secret.txt")} [Errno 2] ENOENT`,
      "/boardsim/_host.py [Errno 2] ENOENT",
      "/tmp [Errno 2] ENOENT",
      "/proc/self/environ [Errno 2] ENOENT",
      `${temp} [Errno 2] ENOENT`,
      "/boardsim [Errno 2] ENOENT",
      "/tmp [Errno 2] ENOENT",
      "done ['written.txt']",
      "",
    ]);
    // What the board wrote stays on the board: nothing in the PC's cwd, temp or data folder (tsx's
    // compile cache, when boardsim runs from its sources, is the only thing in the temp folder).
    expect(readdirSync(work).sort()).toEqual(["probe.py", "secret.txt"]);
    expect(readdirSync(temp).filter((name) => !name.startsWith("tsx-"))).toEqual(["secret.txt"]);
    expect(readdirSync(data)).toEqual([]);
  });
});
