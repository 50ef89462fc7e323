import { describe, expect, it } from "vitest";
import { functionBodies, pinnedWasm as wasm, printedBy, validate } from "../../../test/support/pinned-wasm.ts";
import { withModuleAttributeError } from "./module-attribute-error.ts";

/** A module's, a type's, an object's missing attribute, loaded and stored; a module's present one; hasattr. */
const SCRIPT = `import random
for f in (lambda: random.foo, lambda: getattr(random, "foo"), lambda: random.foo(), lambda: int.foo, lambda: (1).foo, lambda: setattr(random, "foo", 1)):
    try:
        f()
    except AttributeError as e:
        print(repr(e))
print(random.__name__, hasattr(random, "foo"), hasattr(random, "getrandbits"))
`;

describe("withModuleAttributeError on the pinned interpreter (1.27.0)", () => {
  it("takes the module branch out of mp_load_method and changes no other code; the module stays valid", () => {
    const original = wasm();
    const patched = withModuleAttributeError(original);
    expect(validate(patched)).toBe(true);
    const [before, after] = [functionBodies(original), functionBodies(patched)];
    expect(after).toHaveLength(before.length);
    const changed = before.flatMap((body, index) => (body.equals(after[index]!) ? [] : [index]));
    expect(changed).toEqual([402 - 60]); // mp_load_method (function 402, after the 60 imported)
    // The branch: from `local.get 2; i32.const &mp_type_module; i32.ne; br_if 0` to its raise's `unreachable`, 96 bytes.
    const old = before[changed[0]!]!;
    const from = old.indexOf(Buffer.from("200241e8eb858000470d00", "hex"));
    expect(Buffer.concat([old.subarray(0, from), old.subarray(from + 96)]).equals(after[changed[0]!]!)).toBe(true);
    expect(old.subarray(from + 96 - 12, from + 96).toString("hex")).toBe("200341106a10ff8280800000"); // frame + 16; call mp_raise_msg_varg; unreachable
    expect(after[changed[0]!]!.includes(Buffer.from("41e698858000", "hex"))).toBe(false); // no i32.const of "module '%q' has no attribute '%q'" left
    expect(Buffer.from(original).equals(wasm())).toBe(true); // left as it was
  });

  it("fails, saying so, on a build whose mp_load_method is another", () => {
    const other = wasm();
    // The module branch's message, "module '%q'…" (85094): the type object's (85055) instead.
    const at = Buffer.from(other).indexOf(Buffer.from("41e698858000200341106a", "hex"));
    other[at + 1] = 0xbf;
    expect(() => withModuleAttributeError(other)).toThrow("micropython.wasm: mp_load_method is not function 402 as the pinned interpreter (1.27.0) compiled it");
    expect(() => withModuleAttributeError(withModuleAttributeError(wasm()))).toThrow("mp_load_method is not function 402");
  });

  it("a module's missing attribute is v1.23's \"'module' object has no attribute\"; a type's and an object's are as they were", { timeout: 60_000 }, async () => {
    const others = [`AttributeError("type object 'int' has no attribute 'foo'",)`, `AttributeError("'int' object has no attribute 'foo'",)`, `AttributeError("'module' object has no attribute 'foo'",)`, "random False True", ""];
    expect((await printedBy(wasm(), SCRIPT)).split("\n")).toEqual([...Array(3).fill(`AttributeError("module 'random' has no attribute 'foo'",)`), ...others]);
    expect((await printedBy(withModuleAttributeError(wasm()), SCRIPT)).split("\n")).toEqual([...Array(3).fill(`AttributeError("'module' object has no attribute 'foo'",)`), ...others]);
  });
});
