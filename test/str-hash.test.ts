/**
 * str and bytes objects hash, compare and key dicts and sets by their content, whichever way they
 * were made. Their hashes are computed when first needed rather than when made
 * (src/emulator/micropython/lazy-str-hash.ts): py/objstr.h:49-57, py/runtime.c:330-336,
 * py/objstr.c:2346-2350 (v1.27.0) read a hash of 0 as "not computed".
 */
import { describe, expect, it } from "vitest";
import { runScript } from "./support/run-script.ts";

/** qstr_compute_hash (py/qstr.c:64-76, v1.27.0): djb2 of the bytes, kept to 16 bits (MICROPY_QSTR_BYTES_IN_HASH 2), never 0. */
function firmwareHash(data: Uint8Array): number {
  let hash = 5381;
  for (const byte of data) hash = (Math.imul(hash, 33) ^ byte) >>> 0;
  return hash & 0xffff || 1;
}

const SCRIPT = `big = b'x' * 4096
print(hash(b'abc'), hash(bytes(bytearray(b'abc'))), hash(b''.join([b'a', b'bc'])), hash(b'%sc' % b'ab'))
print(hash('abc'), hash(''.join(['ab', 'c'])), hash(bytes(bytearray(big))), hash(big) == hash(bytes(big)))
print(big == bytes(bytearray(big)), big == big[:-1] + b'y', bytes(bytearray(big)) in {big}, b'y' * 4096 in {big})
keys = {bytes(bytearray(b'key%d' % i)): i for i in range(50)}
print(all(keys[b'key%d' % i] == i for i in range(50)), b''.join([b'key', b'49']) in keys, b'key50' in keys)
s = 'ab' * 50 + 'c'
print(s == 'a' + 'ba' * 49 + 'bc', s == 'ab' * 50 + 'd', {s: 1}.get(''.join(['a', 'b'] * 50) + 'c'), s + 'x' in {s + 'x'})
h = hash(s)
print(h == hash(s) == hash(str(s.encode(), 'utf-8')), h == ${firmwareHash(new TextEncoder().encode("ab".repeat(50) + "c"))})
`;

describe("str and bytes hash and compare by content", () => {
  it("hash() gives the firmware's values however the object was made; dicts, sets and == find equal contents", async () => {
    const { output, outcome } = await runScript(SCRIPT, "pico_w", "main.py");
    expect(outcome).toEqual({ kind: "finished" });
    const abc = firmwareHash(new TextEncoder().encode("abc"));
    expect(abc).toBe(12933);
    expect(output.split("\n").slice(0, -1)).toEqual([
      `${abc} ${abc} ${abc} ${abc}`,
      `${abc} ${abc} ${firmwareHash(new Uint8Array(4096).fill(0x78))} True`,
      "True False True False",
      "True True False",
      "True False 1 True",
      "True True",
    ]);
  });
});
