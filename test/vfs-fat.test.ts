import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runScript } from "./support/run-script.ts";

/**
 * os.VfsFat / vfs.VfsFat on a block device the script makes (extmod/vfs_fat.c): what a script sees,
 * and the image it leaves, checked by the PC's own FAT tools (dosfstools' fsck.fat, mtools' mdir).
 */
const RAMDISK = `
import os, vfs

class RAMBlockDev:
    def __init__(self, block_size, num_blocks):
        self.block_size = block_size
        self.data = bytearray(block_size * num_blocks)

    def readblocks(self, block_num, buf):
        for i in range(len(buf)):
            buf[i] = self.data[block_num * self.block_size + i]

    def writeblocks(self, block_num, buf):
        for i in range(len(buf)):
            self.data[block_num * self.block_size + i] = buf[i]

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // self.block_size
        if op == 5:
            return self.block_size

def err(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
        return "no error"
    except OSError as e:
        return e.errno
`;

const SCRIPT = `${RAMDISK}
bdev = RAMBlockDev(512, 50)
os.VfsFat.mkfs(bdev)
print("names", vfs.VfsFat is os.VfsFat)
print("boot", bytes(bdev.data[54:62]), bdev.data[13], bdev.data[16], bdev.data[510:512])
os.mount(bdev, "/ramdisk")
print("statvfs", os.statvfs("/ramdisk"))
os.chdir("/ramdisk")
print("cwd", os.getcwd())
with open("a.txt", "w") as f:
    print("wrote", f.write("hello\\n"))
with open("a.txt", "a") as f:
    f.write("world\\n")
print("read", repr(open("a.txt").read()), repr(open("a.txt", "rb").read(5)))
os.mkdir("sub")
with open("sub/Long Name.txt", "wb") as f:
    f.write(b"x" * 1000)
print("ilistdir", list(os.ilistdir()), list(os.ilistdir("sub")))
print("stat", os.stat("a.txt")[0], os.stat("a.txt")[6], os.stat("sub")[0], os.stat("sub/LONG name.TXT")[6])
os.rename("a.txt", "sub/b.txt")
print("renamed", os.listdir(), sorted(os.listdir("sub")))
print("errors", err(open, "nope"), err(os.mkdir, "sub"), err(os.rmdir, "sub"), err(os.remove, "sub"), err(os.rmdir, "sub/b.txt"), err(os.rename, "sub/b.txt", "sub"))
f = open("big", "wb")
print("full", err(f.write, b"y" * 10000))
f.close()
print("big", os.stat("big")[6], os.statvfs(".")[3])
os.remove("big")
print("freed", os.statvfs(".")[3])
with open("mod.py", "w") as f:
    f.write("print('imported from the ramdisk')\\n")
import mod
os.chdir("/")
os.umount("/ramdisk")
print("umounted", "ramdisk" in os.listdir("/"))
os.mount(bdev, "/ramdisk")
print("remounted", sorted(os.listdir("/ramdisk")), repr(open("/ramdisk/sub/b.txt").read()))
os.umount("/ramdisk")
os.mount(bdev, "/ro", readonly=True)
print("readonly", err(open, "/ro/new", "w"), err(os.mkdir, "/ro/d"), os.listdir("/ro/sub"))
blank = RAMBlockDev(512, 50)
print("blank", err(os.mount, blank, "/blank"))
vfs.mount(vfs.VfsFat(blank), "/blank", mkfs=True)
print("mkfs=True", os.listdir("/blank"), os.statvfs("/blank")[2])
os.umount("/blank")
del blank
import binascii, gc
for at in range(0, len(bdev.data), 512):
    print("image", binascii.hexlify(bdev.data[at : at + 512]).decode())
    gc.collect()
`;

function has(tool: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
}

describe("os.VfsFat on a RAM block device", () => {
  it("formats, mounts and keeps files as the firmware's FAT does", async () => {
    const { output } = await runScript(SCRIPT, "pico_w", "main.py");
    const lines = output.split("\n");
    const line = (key: string) => lines.find((l) => l.startsWith(key + " "))?.slice(key.length + 1);
    expect(line("names")).toBe("True");
    // f_mkfs for 50 x 512 bytes: FAT12, one sector per cluster, one FAT (ff.c:5383)
    expect(line("boot")).toBe("b'FAT     ' 1 1 bytearray(b'U\\xaa')");
    expect(line("statvfs")).toBe("(512, 512, 16, 16, 16, 0, 0, 0, 0, 255)");
    expect(line("cwd")).toBe("/ramdisk");
    expect(line("wrote")).toBe("6");
    expect(line("read")).toBe("'hello\\nworld\\n' b'hello'");
    expect(line("ilistdir")).toBe("[('a.txt', 32768, 0, 12), ('sub', 16384, 0, 0)] [('Long Name.txt', 32768, 0, 1000)]");
    expect(line("stat")).toBe("32768 12 16384 1000");
    expect(line("renamed")).toBe("['sub'] ['Long Name.txt', 'b.txt']");
    // ENOENT, EEXIST, EACCES (not empty: FR_DENIED), EISDIR, ENOTDIR, EISDIR (rename onto a directory)
    expect(line("errors")).toBe("2 17 13 21 20 21");
    // 16 clusters: 4 in use, so 12 x 512 bytes fit; the rest is ENOSPC (vfs_fat_file.c:91)
    expect(line("full")).toBe("28");
    expect(line("big")).toBe("6144 0");
    expect(line("freed")).toBe("12");
    expect(lines).toContain("imported from the ramdisk");
    expect(line("umounted")).toBe("False");
    expect(line("remounted")).toBe("['mod.py', 'sub'] 'hello\\nworld\\n'");
    expect(line("readonly")).toBe("30 30 ['Long Name.txt', 'b.txt']");
    expect(line("blank")).toBe("19"); // ENODEV: no filesystem to detect
    expect(line("mkfs=True")).toBe("[] 16");

    // The image as the PC's FAT tools read it.
    const image = Buffer.from(lines.filter((l) => l.startsWith("image ")).map((l) => l.slice(6)).join(""), "hex");
    expect(image.length).toBe(50 * 512);
    const dir = mkdtempSync(path.join(tmpdir(), "boardsim-fat-"));
    const file = path.join(dir, "ramdisk.img");
    writeFileSync(file, image);
    if (has("fsck.fat")) expect(spawnSync("fsck.fat", ["-n", file]).status).toBe(0);
    if (has("mdir")) {
      const listing = execFileSync("mdir", ["-i", file, "-b", "-/", "::"], { env: { ...process.env, MTOOLS_SKIP_CHECK: "1" } }).toString();
      expect(listing.split("\n").filter(Boolean).sort()).toEqual(["::/mod.py", "::/sub/", "::/sub/Long Name.txt", "::/sub/b.txt"]);
    }
  });
});

// py/builtinimport.c:117-152 stat_top_level walks sys.path through the VFS, so a folder of a mounted
// filesystem (a FAT here, mpremote mount's /remote alike) is searched as the flash's are: from the
// current directory ("") a dht.py or json.py there comes before the frozen dht and the built-in
// json; unmounted, the firmware's again; a /dht.py of the flash is not the current directory's.
describe("import from a mounted filesystem", () => {
  it("a dht.py and a json.py in the current directory on a mounted FAT shadow the frozen dht and the built-in json", async () => {
    const { output } = await runScript(
      `${RAMDISK}
bdev = RAMBlockDev(512, 50)
os.VfsFat.mkfs(bdev)
with open("/dht.py", "w") as f:
    f.write("X = 'flash'\\n")
os.mount(bdev, "/ram")
for name in ("dht", "json"):
    with open("/ram/%s.py" % name, "w") as f:
        f.write("X = 'ram'\\n")
os.chdir("/ram")
import dht, json
print("ram", dht, dht.X, json, json.X)
import sys
del sys.modules["dht"], sys.modules["json"]
os.remove("dht.py")
import dht, json
print("removed", dht, getattr(dht, "X", "-"), json.X)
os.chdir("/")
os.umount("/ram")
del sys.modules["dht"], sys.modules["json"]
import dht, json
print("umounted", dht, dht.X, json)
`,
      "esp32",
      "main.py",
    );
    expect(output.split("\n").filter((l) => /^(ram|removed|umounted) /.test(l))).toEqual([
      "ram <module 'dht' from 'dht.py'> ram <module 'json' from 'json.py'> ram",
      "removed <module 'dht' from 'dht.py'> - ram",
      "umounted <module 'dht' from 'dht.py'> flash <module 'json'>",
    ]);
  });

  // py/builtinimport.c:117-152 walks sys.path in order and ".frozen" holds the frozen dht: a mounted
  // folder after it is never asked for dht, though it is for json, a built-in a file extends
  // anywhere on sys.path (mpremote mount's /remote/lib, an SD card's /sd/lib appended alike)
  it("a dht.py in a mounted folder after .frozen on sys.path leaves the frozen dht; before it, the file shadows it", async () => {
    const { output } = await runScript(
      `${RAMDISK}
import sys
bdev = RAMBlockDev(512, 50)
os.VfsFat.mkfs(bdev)
os.mount(bdev, "/ram")
os.mkdir("/ram/lib")
for name in ("dht", "json"):
    with open("/ram/lib/%s.py" % name, "w") as f:
        f.write("X = 'ram'\\n")
sys.path.append("/ram/lib")
import dht, json
print("after", dht, getattr(dht, "X", "frozen"), json, json.X)
del sys.modules["dht"]
sys.path.insert(sys.path.index(".frozen"), "/ram/lib")
import dht
print("before", dht, dht.X)
`,
      "esp32",
      "main.py",
    );
    expect(output.split("\n").filter((l) => /^(after|before) /.test(l))).toEqual([
      "after <module 'dht' from 'dht.py'> frozen <module 'json' from '/ram/lib/json.py'> ram",
      "before <module 'dht' from '/ram/lib/dht.py'> ram",
    ]);
  });

  // extmod/vfs.c:57-93: a relative path (sys.path's "") goes to the current directory's filesystem
  // as it is, and mpremote's RemoteFS joins its own directory to every path (absolute ones too), so
  // after os.chdir("/remote/sub") the student's sub/dht.py is the one import finds, not the frozen dht.
  it("from a subfolder of a mounted filesystem written in Python (mpremote mount's), the student's dht.py shadows the frozen one", async () => {
    const { output } = await runScript(
      `import os, sys

class RemoteFS:
    # mpremote mount's (tools/mpremote/mpremote/transport_serial.py:847-899): every path it is given,
    # absolute ones too, joined to its own current directory; its files here in the flash's /pc
    def __init__(self):
        self.path = "/"
    def mount(self, readonly, mkfs):
        pass
    def umount(self):
        pass
    def chdir(self, path):
        if not path.startswith("/"):
            path = self.path + path
        if not path.endswith("/"):
            path += "/"
        self.path = path
    def getcwd(self):
        return self.path
    def stat(self, path):
        return os.stat("/pc" + self.path + path)
    def open(self, path, mode):
        return open("/pc" + self.path + path, mode)

os.mkdir("/pc")
os.mkdir("/pc/sub")
with open("/pc/sub/dht.py", "w") as f:
    f.write("X = 'pc/sub'\\n")
os.mount(RemoteFS(), "/remote")
os.chdir("/remote/sub")
import dht
print("sub", dht, getattr(dht, "X", "frozen"))
`,
      "esp32",
      "main.py",
    );
    expect(output.split("\n").filter((l) => l.startsWith("sub "))).toEqual(["sub <module 'dht' from 'dht.py'> pc/sub"]);
  });
});

/**
 * A VfsFat's ilistdir() is the firmware's iterator (extmod/vfs_fat.c v1.23.0 120-200): f_opendir at
 * the call, then f_readdir at each step, holding no entry it has passed. Here the host reads a
 * piece of entries at a time (fat/ff.ts fReaddir); it read the whole listing at the call, a tuple an
 * entry, and 450 files on an ESP8266 ran out of its heap.
 */
const FILE_BDEV = `import os, gc

class FileBlockDev:
    # The blocks in a file of the board's flash, not in the heap.
    def __init__(self, path, blocks):
        self.f = open(path, "w+b")
        for i in range(blocks):
            self.f.write(bytes(512))
        self.blocks = blocks

    def readblocks(self, n, buf):
        self.f.seek(n * 512)
        self.f.readinto(buf)

    def writeblocks(self, n, buf):
        self.f.seek(n * 512)
        self.f.write(buf)

    def ioctl(self, op, arg):
        if op == 4:
            return self.blocks
        if op == 5:
            return 512

bdev = FileBlockDev("/disk.img", 128)
os.VfsFat.mkfs(bdev)
os.mount(bdev, "/fat")
os.mkdir("/fat/d")
`;

describe("a VfsFat's ilistdir() reads the directory as it is iterated", () => {
  it("a file's types cannot be called (no make_new: py/objtype.c's TypeError); their files still work", async () => {
    // extmod/vfs_fat_file.c v1.23.0:172-195: FileIO and TextIOWrapper have no make_new, so type_call
    // raises "can't create '%q' instances" (py/objtype.c:994-999), as the flash's files' (python-flash.test.ts)
    const { output, outcome } = await runScript(
      `${FILE_BDEV}
for mode in ("w", "wb"):
    f = open("/fat/x", mode)
    try:
        type(f)()
    except TypeError as e:
        print(e, type(f))
    f.write("ok" if mode == "w" else b"ok")
    f.close()
print(open("/fat/x").read(), type(open("/fat/x")), isinstance(open("/fat/x", "rb"), type(open("/fat/x", "wb"))))
`,
      "esp32",
      "main.py",
    );
    expect(output).toBe("can't create 'TextIOWrapper' instances <class 'TextIOWrapper'>\ncan't create 'FileIO' instances <class 'FileIO'>\nok <class 'TextIOWrapper'> True\n");
    expect(outcome).toEqual({ kind: "finished" });
  });

  it("esp8266 (38 KB heap): a loop over 450 files' entries, and listdir() of them", async () => {
    const { output, outcome } = await runScript(
      `${FILE_BDEV}
for i in range(450):
    open("/fat/d/F%03d.TXT" % i, "w").close()
gc.collect()
count = 0
for entry in os.ilistdir("/fat/d"):
    count += 1
print(count, entry)
names = os.listdir("/fat/d")
print(len(names), names[0], names[-1])
`,
      "esp8266",
      "main.py",
    );
    expect(output).toBe("450 ('F449.TXT', 32768, 0, 0)\n450 F000.TXT F449.TXT\n");
    expect(outcome).toEqual({ kind: "finished" });
  });

  it("errors at the call; an entry made past the one reached is listed (f_readdir reads the live directory); the iterator's type, bytes names", async () => {
    const { output, outcome } = await runScript(
      `${FILE_BDEV}
for i in range(40):
    open("/fat/d/F%03d.TXT" % i, "w").close()
def errno(path):
    try:
        return os.ilistdir(path) and None
    except OSError as e:
        return e.errno
print("errors", errno("/fat/missing"), errno("/fat/d/F000.TXT"))
it = os.ilistdir("/fat/d")
print(it, type(it), next(it))
open("/fat/d/NEW.TXT", "w").close()
names = [e[0] for e in it]
print(len(names), names[-1])
print(list(os.ilistdir(b"/fat/d"))[-1], list(os.ilistdir("/fat/missing".replace("missing", ""))))
`,
      "esp32",
      "main.py",
    );
    // vfs_fat.c:193-196: FR_NO_PATH for both (a file is no directory to f_opendir), ENOENT
    expect(output).toBe(
      "errors 2 2\n<iterator> <class 'iterator'> ('F000.TXT', 32768, 0, 0)\n40 NEW.TXT\n(b'NEW.TXT', 32768, 0, 0) [('d', 16384, 0, 0)]\n",
    );
    expect(outcome).toEqual({ kind: "finished" });
  });
});
