import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { withLazyStrHash } from "./lazy-str-hash.ts";

const wasm = () => new Uint8Array(readFileSync(createRequire(import.meta.url).resolve("@micropython/micropython-webassembly-pyscript/micropython.wasm")));

/** WebAssembly.validate (the project's types have no WebAssembly value; engine.ts reaches compile() the same way). */
const { validate } = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly;

/** The offsets where `a` and `b` differ. */
function changed(a: Uint8Array, b: Uint8Array): number[] {
  return [...a.keys()].filter((i) => a[i] !== b[i]);
}

describe("withLazyStrHash on the pinned interpreter (1.27.0)", () => {
  it("replaces 2 of qstr_compute_hash's 7 calls, each by `drop drop i32.const 0 nop nop` whose result is stored as the new object's hash; the module stays valid", () => {
    const original = wasm();
    const patched = withLazyStrHash(original);
    const at = changed(original, patched);
    expect(at).toHaveLength(12);
    const sites = [at[0]!, at[6]!];
    expect(at).toEqual(sites.flatMap((site) => [0, 1, 2, 3, 4, 5].map((i) => site + i)));
    const callee = [...original.subarray(sites[0]!, sites[0]! + 6)];
    for (const site of sites) {
      expect([...original.subarray(site, site + 6)]).toEqual(callee); // the same function, called
      expect(callee[0]).toBe(0x10);
      expect([...patched.subarray(site, site + 6)]).toEqual([0x1a, 0x1a, 0x41, 0x00, 0x01, 0x01]);
    }
    // 7 calls in all: the 2 patched, qstr's, hash()'s, the exception messages', ...
    expect(Buffer.from(original).toString("hex").match(new RegExp(Buffer.from(callee).toString("hex"), "g"))).toHaveLength(7);
    // mp_obj_new_str_copy stores the result straight into o->hash (offset 4); mp_obj_new_str_type_from_vstr keeps it in a local first.
    expect([...original.subarray(sites.at(-1)! + 6, sites.at(-1)! + 9)]).toEqual([0x36, 0x02, 0x04]);
    expect(validate(patched)).toBe(true);
    expect(changed(original, wasm())).toEqual([]);
  });

  it("fails, saying so, on a build whose qstr_compute_hash is another", () => {
    const other = wasm();
    // qstr_compute_hash's body starts `i32.const 5381; local.set 2` (djb2's seed, py/qstr.c:66): 5380 instead.
    const seed = Buffer.from(other).indexOf(Buffer.from("01017f41852a2102", "hex"));
    other[seed + 4] = 0x84;
    expect(() => withLazyStrHash(other)).toThrow(
      "micropython.wasm: expected qstr_compute_hash once (not found), called 7 times (found 0), once each in mp_obj_new_str_copy and mp_obj_new_str_type_from_vstr (found 0, 0): not the pinned interpreter (1.27.0)?",
    );
  });

  it("fails, saying so, on a build where mp_obj_new_str_copy's call is another", () => {
    const other = withLazyStrHash(wasm());
    expect(() => withLazyStrHash(other)).toThrow(/called 7 times \(found 5\), .* \(found 0, 0\): not the pinned interpreter/);
  });

  it("leaves a Buffer it is given as it was (engine.ts patches one read of the file for each digit count)", () => {
    const file = Buffer.from(wasm());
    withLazyStrHash(file);
    expect(changed(file, wasm())).toEqual([]);
  });
});
