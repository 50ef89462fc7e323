import { describe, expect, it } from "vitest";
import { runScript } from "./support/run-script.ts";

/**
 * A filesystem written in Python, mounted by the script (vfs.mount, extmod/vfs.c): boardsim wraps it
 * so import can read from it (guest/_modvfs.py, _ScriptVfs); the script must see only its own objects,
 * and unmounting must let go of them.
 */
const USER_FS = `
import io, os, vfs, gc

class MyFile(io.IOBase):
    def __init__(self):
        self.data = b"hello"
        self.pos = 0
    def readinto(self, buf):
        n = min(len(buf), len(self.data) - self.pos)
        buf[:n] = self.data[self.pos : self.pos + n]
        self.pos += n
        return n
    def ioctl(self, request, arg):
        return 0
    def __repr__(self):
        return "<MyFile>"

class MyFS:
    def __init__(self):
        self.pad = bytearray(2000)
    def mount(self, readonly, mkfs):
        pass
    def umount(self):
        pass
    def stat(self, path):
        return (0x8000, 0, 0, 0, 0, 0, 5, 0, 0, 0)
    def open(self, path, mode):
        return MyFile()
    def __repr__(self):
        return "<MyFS>"
`;

describe("a filesystem the script writes in Python", () => {
  it("open() on it gives the script its own file object, whatever shows it", async () => {
    const { output } = await runScript(`${USER_FS}\nvfs.mount(MyFS(), "/mnt")\nf = open("/mnt/a.txt", "rb")\nbuf = bytearray(5)\nprint(repr(f), f.readinto(buf), buf)\nprint(f)\nos.umount("/mnt")\n`, "pico_w", "main.py");
    expect(output).toBe("<MyFile> 5 bytearray(b'hello')\n<MyFile>\n");
  });

  // Before, a wrapper unmounted by its mount point stayed in boardsim's list, holding the script's
  // filesystem: 30 cycles kept 30 × 2,000 bytes.
  it("mount and umount by path or by object, 30 times each: the heap gets its room back", async () => {
    const { output } = await runScript(
      `${USER_FS}
def cycle(by_path):
    fs = MyFS()
    vfs.mount(fs, "/mnt")
    vfs.umount("/mnt" if by_path else fs)

def free():
    gc.collect()
    return gc.mem_free()

cycle(True)
cycle(False)
before = free()
for i in range(30):
    cycle(True)
    cycle(False)
print("kept", max(0, before - free()) // 1000, "kB")
print("listed", "mnt" in os.listdir("/"))
`,
      "pico_w",
      "main.py",
    );
    expect(output).toBe("kept 0 kB\nlisted False\n");
  });
});
