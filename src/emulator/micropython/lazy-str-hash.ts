/**
 * A new str or bytes object's hash is left to be computed when it is first needed, as the firmware
 * already does for exception messages (py/objexcept.c:423,532, v1.27.0: "will be computed only if
 * string object is accessed"). MicroPython computes it from every byte of the data when the object
 * is made (py/objstr.c:2223 mp_obj_new_str_copy, :2282 mp_obj_new_str_type_from_vstr, v1.27.0):
 * a loop over 4 KiB for each `recv(4096)`, most of whose results are never hashed. A hash of 0 means
 * "not computed" wherever it is read (py/objstr.h:49-57; py/runtime.c:330-336 computes it for
 * hash() and dict/set lookups; py/objstr.c:2346-2350 equality then compares the bytes;
 * py/objstr.c:207-209,264-266), so hash(), dicts, sets and == see the same values.
 *
 * The build cannot be rebuilt here, so those two calls of qstr_compute_hash (py/qstr.c:64) are
 * replaced before compiling by `drop; drop; i32.const 0` and two `nop`s: the call's 6 bytes. Its
 * other calls stay: interned strings' (qstr) hashes must be real, and the places that compute a
 * missing hash must still compute it. Each pattern must be found exactly as often as in the pinned
 * build: another build fails here rather than run with a patch in the wrong place.
 */

import { codeSection, functionAt, matches } from "./wasm-code.ts";

/**
 * qstr_compute_hash's body in the pinned build (py/qstr.c:64-76, v1.27.0; MICROPY_QSTR_BYTES_IN_HASH
 * 2): `hash = 5381; for each byte: hash = hash * 33 ^ byte; hash &= 0xffff; return hash > 1 ? hash : 1`.
 */
const HASH_BODY = Buffer.from(
  "01017f41852a210202402001450d00200020016a21010340200241216c20002d0000732102200041016a22002001490d000b200241ffff037122004101200041014b1b21020b20020b",
  "hex",
);
/** The calls of qstr_compute_hash in the pinned build: these two, and the qstr's, hash()'s, the exception messages', ... */
const CALLS = 7;
/** `call` with a function index padded to 5 bytes, as the build emits them. */
const CALL = 0x10;
/** `drop; drop; i32.const 0; nop; nop`: the data and length dropped, 0 ("not computed") as the hash. */
const NO_HASH = [0x1a, 0x1a, 0x41, 0x00, 0x01, 0x01];
/** The two calls, by the code around them (o: the new mp_obj_str_t; the hash is its field at offset 4, py/objstr.h:32-38). */
const SITES = [
  {
    // mp_obj_new_str_copy: `if (data) { o->hash = qstr_compute_hash(data, len);` (py/objstr.c:2222-2223).
    before: [0x20, 0x01, 0x45, 0x0d, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02], // local.get data; i32.eqz; br_if; local.get o, data, len
    after: [0x36, 0x02, 0x04], // i32.store offset 4
  },
  {
    // mp_obj_new_str_type_from_vstr: `o->hash = qstr_compute_hash(data, vstr->len); o->data = data;` (py/objstr.c:2282-2283).
    before: [0x20, 0x02, 0x20, 0x01], // local.get data, len
    after: [0x21, 0x01, 0x20, 0x00, 0x20, 0x02, 0x36, 0x02, 0x0c, 0x20, 0x00, 0x20, 0x01, 0x36, 0x02, 0x04], // the hash kept; o->data; o->hash
  },
];

/** The wasm with new str and bytes objects' hashes left to be computed when needed; `wasm` is left as it is. */
export function withLazyStrHash(wasm: Uint8Array): Uint8Array {
  const code = codeSection(wasm);
  // Searched natively (Buffer's indexOf), as float-precision.ts does: a byte at a time would cost each cold start.
  const bytes = Buffer.from(wasm.buffer, wasm.byteOffset, code.end);
  const body = bytes.indexOf(HASH_BODY, code.start);
  const hash = body === -1 || bytes.indexOf(HASH_BODY, body + 1) !== -1 ? undefined : functionAt(wasm, body);
  const calls: number[] = [];
  if (hash !== undefined) {
    const call = Buffer.from([CALL, ...[0, 7, 14, 21].map((shift) => ((hash >> shift) & 0x7f) | 0x80), hash >>> 28]);
    for (let at = bytes.indexOf(call, code.start); at !== -1; at = bytes.indexOf(call, at + 1)) calls.push(at);
  }
  const sites = SITES.map(({ before, after }) =>
    calls.filter((at) => matches(wasm, at - before.length, before) && matches(wasm, at + NO_HASH.length, after)),
  );
  if (hash === undefined || calls.length !== CALLS || sites.some((found) => found.length !== 1)) {
    throw new Error(
      `micropython.wasm: expected qstr_compute_hash once (${hash === undefined ? "not found" : `function ${hash}`}), called ${CALLS} times ` +
        `(found ${calls.length}), once each in mp_obj_new_str_copy and mp_obj_new_str_type_from_vstr ` +
        `(found ${sites.map((found) => found.length).join(", ")}): not the pinned interpreter (1.27.0)?`,
    );
  }
  const patched = new Uint8Array(wasm); // a copy: a Buffer's slice() would be a view of `wasm`
  for (const [at] of sites) patched.set(NO_HASH, at!);
  return patched;
}
