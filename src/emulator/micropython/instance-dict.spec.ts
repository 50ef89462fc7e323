import { describe, expect, it } from "vitest";
import { freshInterpreter, insertedCode, pinnedWasm as wasm, printedBy, validate } from "../../../test/support/pinned-wasm.ts";
import { withDictlessInstances, withStreamNumberHidden } from "./instance-dict.ts";

/** A Python class flagged as _builtin_functions.py flags the library's, an unflagged one, a subclass of the flagged one. */
const SCRIPT = `import uctypes
class C:
    def __init__(self):
        self._fd = 3
    def fd(self):
        return self._fd
class Plain(C):
    pass
uctypes.bytearray_at(id(C), 6)[5] |= 0x80
class Sub(C):
    pass
for o in (C(), Plain(), Sub()):
    try:
        print(type(o).__name__, o.__dict__, o.fd())
    except AttributeError as e:
        print(type(o).__name__, e, o.fd(), hasattr(o, "__dict__"))
print(C.__dict__["fd"] is not None)
`;

async function run(bytes: Uint8Array): Promise<string> {
  const out: number[] = [];
  const sandboxed = await freshInterpreter(bytes, out);
  sandboxed.mp.runPython(SCRIPT);
  return Buffer.from(out).toString();
}

describe("withDictlessInstances on the pinned interpreter (1.27.0)", () => {
  it("adds the flag's test to mp_obj_instance_load_attr's __dict__ test, and changes no other code; the module stays valid", () => {
    const original = wasm();
    // After the members' lookup: `local.get attr; i32.const 326 (MP_QSTR___dict__); i32.ne`, then the 14 bytes, then its br_if.
    const test = insertedCode(original, withDictlessInstances(original), [0x20, 0x01, 0x41, 0xc6, 0x02, 0x47, 0x0d, 0x00, 0x20, 0x03], 6, 14);
    expect([...test]).toEqual([0x20, 0x00, 0x28, 0x02, 0x00, 0x2f, 0x01, 0x04, 0x41, 0x80, 0x80, 0x02, 0x71, 0x72]);
    expect(Buffer.from(original).equals(wasm())).toBe(true); // left as it was
  });

  it("fails, saying so, on a build whose test is another", () => {
    const other = wasm();
    const at = Buffer.from(other).indexOf(Buffer.from([0x20, 0x01, 0x41, 0xc6, 0x02, 0x47, 0x0d, 0x00, 0x20, 0x03]));
    other[at + 3] = 0xc7; // another qstr
    expect(() => withDictlessInstances(other)).toThrow(
      "micropython.wasm: expected mp_obj_instance_load_attr's __dict__ test once (found 0): not the pinned interpreter (1.27.0)?",
    );
    expect(() => withDictlessInstances(withDictlessInstances(wasm()))).toThrow("(found 0)");
  });

  it("an instance of a flagged class has no __dict__ (AttributeError), its members still read; others' and a subclass's keep theirs", { timeout: 60_000 }, async () => {
    expect(await run(wasm())).toBe("C {'_fd': 3} 3\nPlain {'_fd': 3} 3\nSub {'_fd': 3} 3\nTrue\n");
    expect(await run(withDictlessInstances(wasm()))).toBe("C 'C' object has no attribute '__dict__' 3 False\nPlain {'_fd': 3} 3\nSub {'_fd': 3} 3\nTrue\n");
  });
});

describe("withStreamNumberHidden on the pinned interpreter (1.27.0)", () => {
  it("removes qstr 955 (\"_fd\") from the __dict__ copy before it is made read-only, and skips it in dir()'s probe; the module stays valid", () => {
    const original = withDictlessInstances(wasm());
    const patched = withStreamNumberHidden(original);
    expect(validate(patched)).toBe(true);
    const inserted = Buffer.from(patched).length - Buffer.from(original).length;
    // local.get 0; i32.const 4; i32.add; i32.const 7642 (MP_OBJ_NEW_QSTR(955)); i32.const 2 (REMOVE_IF_FOUND); call 450; drop
    const remove = [0x20, 0x00, 0x41, 0x04, 0x6a, 0x41, 0xda, 0x3b, 0x41, 0x02, 0x10, 0xc2, 0x83, 0x80, 0x80, 0x00, 0x1a];
    // local.get 0 (i); i32.const 955; i32.eq; i32.or
    const skip = [0x20, 0x00, 0x41, 0xbb, 0x07, 0x46, 0x72];
    expect(Buffer.from(patched).indexOf(Buffer.from([0x36, 0x02, 0x00, ...remove, 0x20, 0x00, 0x20, 0x00, 0x28, 0x02, 0x04]))).toBeGreaterThan(0);
    expect(Buffer.from(patched).indexOf(Buffer.from([0x28, 0x02, 0x08, 0x45, ...skip, 0x0d, 0x00, 0x02, 0x40, 0x20, 0x00, 0x41, 0x02, 0x47]))).toBeGreaterThan(0);
    expect(inserted).toBeGreaterThanOrEqual(remove.length + skip.length); // and the sizes' LEB128s
  });

  it("fails, saying so, on a build without the copy", () => {
    expect(() => withStreamNumberHidden(withStreamNumberHidden(wasm()))).toThrow(
      "micropython.wasm: expected mp_obj_instance_load_attr's __dict__ copy once (found 0): not the pinned interpreter (1.27.0)?",
    );
  });

  it("an instance's \"_fd\" member is in no __dict__ nor dir(), and still reads; other members stay", { timeout: 60_000 }, async () => {
    const code = `class C:
    def __init__(self):
        self._fd = 3
        self.x = 1
c = C()
print(c.__dict__, len(c.__dict__), [n for n in dir(c) if n in ("_fd", "x")], c._fd)
`;
    expect(await printedBy(wasm(), code)).toBe("{'_fd': 3, 'x': 1} 2 ['_fd', 'x'] 3\n");
    expect(await printedBy(withStreamNumberHidden(wasm()), code)).toBe("{'x': 1} 1 ['x'] 3\n");
  });
});
