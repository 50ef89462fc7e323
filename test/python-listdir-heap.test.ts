/**
 * os.listdir() and os.ilistdir() of many files in a small heap, as the firmware lists them: its
 * gc_alloc collects and retries when the heap is full (py/gc.c v1.27.0 829-843), and its ilistdir
 * iterator makes one (name, type, inode, size) at a time (extmod/vfs_lfsx.c v1.23.0 171-203). Here
 * mp_vfs_listdir's C loop (extmod/vfs.c v1.27.0 451-460) held the list where no collection could
 * run (realm.ts heldInC), and ilistdir read every entry's tuple at once: a listing of 420 files
 * after some garbage ended in MemoryError on an ESP8266 (38 KB heap), of 200 on a Pico W whose
 * script held most of its heap. Now listdir is the library's comprehension, ilistdir reads the
 * listing in pieces (_flash.py iterator).
 */
import { describe, expect, it } from "vitest";
import { runScript } from "./support/run-script.ts";

/** N files in "d", garbage, listdir; garbage, an ilistdir loop; the free heap after as before. */
const listing = (n: number, hold: string) => `import gc, os
os.mkdir("d")
for i in range(${n}):
    with open("d/f%03d.txt" % i, "w") as f:
        f.write("x" * (i % 7))
${hold}
gc.collect()
before = gc.mem_free()
for i in range(1500):
    s = str(i) * 5
s = None
names = os.listdir("d")
print(len(names), names[0], names[-1], names == ["f%03d.txt" % i for i in range(${n})])
names = None
for i in range(1500):
    s = str(i) * 5
s = None
count = size = 0
for entry in os.ilistdir("d"):
    count += 1
    size += entry[3]
print(count, size == sum(i % 7 for i in range(${n})), entry)
entry = None
gc.collect()
print("heap as before", abs(gc.mem_free() - before) <= 256)
`;

/**
 * Collections at every host call and safe point (gc.threshold(1)) while listings are read and
 * kept: non-ASCII names, a folder, listings of two pieces (flash.ts listing), bytes names for a
 * bytes path, the root's listing (through extmod/vfs.c's iterator of mount points), a listing
 * inside a class's __init__ (its argument block pinned, pinned-args.ts), removal while iterating.
 */
const STRESS = `import gc, os
os.mkdir("d")
os.mkdir("d/sub")
want = [("sub", 0x4000, 0, 0)]
for i in range(60):
    name = "reading_%02d_%s.csv" % (i, "\\u00e9t\\u00e9" if i % 3 == 0 else "winter")
    with open("d/" + name, "w") as f:
        f.write("x" * i)
    want.append((name, 0x8000, 0, i))
    open("r%02d.txt" % i, "w").close()
want.sort()
names = [w[0] for w in want]
root = sorted(os.listdir())
gc.threshold(1)

class Listed:
    def __init__(self, path):
        self.entries = sorted(e for e in os.ilistdir(path))

bad = 0
for r in range(12):
    bad += sorted(os.listdir("d")) != names
    bad += Listed("d").entries != want
    bad += sorted(os.listdir(b"d")) != [n.encode() for n in names]
    bad += sorted(os.listdir()) != root
    count = total = 0
    for name, kind, inode, size in os.ilistdir("d"):
        count += 1
        total += size
        junk = [name] * 3
    bad += (count, total) != (61, sum(range(60)))
print("rounds bad", bad)
for name, kind, inode, size in os.ilistdir("d"):
    if kind == 0x8000:
        os.remove("d/" + name)
print("left", os.listdir("d"))
`;

describe("os.listdir() and os.ilistdir() of many files collect as the board's heap does", () => {
  it("esp8266: an ilistdir() entry leaves its tuple and name as garbage (64 bytes), the firmware's, across pieces", async () => {
    // extmod/vfs_lfsx.c v1.23.0:171-203: per entry a 4-tuple (py/objtuple.c: 24 bytes, two 16-byte
    // blocks) and mp_obj_new_str of the name (a str and its data: two blocks); the iterator's own
    // state is made at the call. 140 entries after the first span pieces (flash.ts listing): their
    // calls add a few bytes an entry. Was 90 an entry: each piece's names bytes, split list and sizes list.
    const { output, outcome } = await runScript(
      `import gc, os
os.mkdir("d")
for i in range(150):
    open("d/f%03d.txt" % i, "w").close()
gc.collect()
gc.disable()
it = os.ilistdir("d")
next(it)
a = gc.mem_alloc()
for k in range(140):
    entry = next(it)
b = gc.mem_alloc()
gc.enable()
print(entry, (b - a) // 140)
`,
      "esp8266",
      "main.py",
    );
    expect(output).toBe("('f140.txt', 32768, 0, 0) 66\n");
    expect(outcome).toEqual({ kind: "finished" });
  });

  it("esp8266 (38 KB heap): 420 files listed after garbage, then an ilistdir loop over them; the heap as before", async () => {
    const { output, outcome } = await runScript(listing(420, ""), "esp8266", "main.py");
    expect(output).toBe("420 f000.txt f419.txt True\n420 True ('f419.txt', 32768, 0, 6)\nheap as before True\n");
    expect(outcome).toEqual({ kind: "finished" });
  });

  it("pico_w: 200 files (its flash holds 210) listed with all but 28 KB of the heap held, after garbage; the same", async () => {
    const hold = "frames = []\nwhile gc.mem_free() > 28000:\n    frames.append(bytearray(2048))";
    const { output, outcome } = await runScript(listing(200, hold), "pico_w", "main.py");
    expect(output).toBe("200 f000.txt f199.txt True\n200 True ('f199.txt', 32768, 0, 3)\nheap as before True\n");
    expect(outcome).toEqual({ kind: "finished" });
  });

  it("esp8266, gc.threshold(1): 12 rounds of listings kept and compared (two pieces, non-ASCII and bytes names, the root, inside __init__), then removal while iterating", async () => {
    const { output, outcome } = await runScript(STRESS, "esp8266", "main.py");
    expect(output).toBe("rounds bad 0\nleft ['sub']\n");
    expect(outcome).toEqual({ kind: "finished" });
  });

  it("esp8266: sum() over a generator of ilistdir()'s 420 entries collects as the board's gc_alloc does; sum()'s errors and repr as the firmware's", async () => {
    // py/modbuiltins.c v1.23.0 mp_builtin_sum (MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN 1, 2); py/argcheck.c's messages
    const { output, outcome } = await runScript(
      `import os
os.mkdir("d")
for i in range(420):
    open("d/file_number_%d.txt" % i, "w").close()
print(sum(1 for _ in os.ilistdir("d")), sum(e[1] for e in os.ilistdir("d")) // 0x8000, sum(len(str(i) * 3) for i in range(3000)))
print(sum, sum([1, 2]), sum((x for x in range(4)), 10), sum([[1]], []))
for f in (lambda: sum(), lambda: sum(1, 2, 3), lambda: sum([1], start=2), lambda: sum(x for x in "ab"), lambda: sum(1)):
    try:
        f()
    except TypeError as e:
        print(e)
`,
      "esp8266",
      "main.py",
    );
    expect(output).toBe(
      [
        "420 420 32670",
        "<function> 3 16 [1]",
        "function missing 1 required positional arguments",
        "function expected at most 2 arguments, got 3",
        "function doesn't take keyword arguments",
        "unsupported types for __add__: 'int', 'str'",
        "'int' object isn't iterable",
        "",
      ].join("\n"),
    );
    expect(outcome).toEqual({ kind: "finished" });
  });

  it("os.ilistdir() is the firmware's iterator: its errors at the call, its type, repr and dir()", async () => {
    const { output, outcome } = await runScript(
      `import os
open("a.txt", "w").close()
for path in ("missing", "a.txt"):
    try:
        os.ilistdir(path)
    except OSError as e:
        print(path, e.errno)
it = os.ilistdir("/")
print(it, type(it), dir(it), next(it))
`,
      "pico_w",
      "main.py",
    );
    expect(output).toBe("missing 2\na.txt 20\n<iterator> <class 'iterator'> ['__class__', '__next__'] ('a.txt', 32768, 0, 0)\n");
    expect(outcome).toEqual({ kind: "finished" });
  });
});
