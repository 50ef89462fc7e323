/**
 * An instance's `__dict__` (MICROPY_CPYTHON_COMPAT): py/objtype.c mp_obj_instance_load_attr
 * (v1.27.0 lines 578-599) answers it, after the instance's own members and before its class, with a
 * copy of the members, for every instance of a Python class. On a board the guest library's
 * classes stand for C types (a socket, a WLAN, a Pin, a file), whose objects have no dict:
 * `s.__dict__` is py/runtime.c's AttributeError "'socket' object has no attribute '__dict__'"
 * (mp_load_method, v1.27.0 1269-1285), where the copy showed the library's own fields (`_fd`).
 *
 * The build cannot be rebuilt here, so before it is compiled that test gets one more condition:
 * the instance's type has no DICTLESS flag, a bit of mp_obj_type_t's flags (py/obj.h v1.27.0:565-578:
 * 0x0001-0x0400 in use) that _builtin_functions.py sets on the library's classes that stand for C
 * types. A class a script derives from one gets its own flags (py/objtype.c mp_obj_new_type
 * 1180-1221 passes on HAS_SPECIAL_ACCESSORS only), so its instances keep their `__dict__`, as a
 * Python subclass of a C type's do on the board. The test must be found exactly once as the
 * pinned build compiled it: another build fails here rather than run with code in the wrong place.
 */
import { slebBytes } from "../wasm-reader.ts";
import { codeOnce, withCodeInserted } from "./wasm-code.ts";

/** The flag, as _builtin_functions.py sets it (the high byte of the 2-byte flags at offset 4: 0x80). */
export const DICTLESS = 0x8000;

const LOCAL_GET = 0x20, I32_LOAD = 0x28, I32_LOAD16_U = 0x2f, I32_CONST = 0x41, I32_AND = 0x71, I32_OR = 0x72;

/**
 * mp_obj_instance_attr (inlined mp_obj_instance_load_attr) as the pinned build compiled it: the
 * members' lookup found nothing (`local.tee elem; i32.eqz; br_if`; else `dest[0] = elem->value`,
 * done), then `if (attr != MP_QSTR___dict__) skip` (MP_QSTR___dict__ is 326 in this build; local 1
 * is attr), whose branch starts the read-only dict on the stack (`dict.base.type = &mp_type_dict`,
 * 93328). `TEST`: where the comparison's result is, before its br_if.
 */
const DICT_TEST = Buffer.from(
  [
    ...["2206450d00", "2002200628020436020", "00c080b", "0240"], // elem == NULL: else dest[0] = elem->value and out; block
    ...["200141c60247"], // local.get attr; i32.const 326; i32.ne
    ...["0d00", "20034190d98580003602", "14"], // br_if; dict.base.type = &mp_type_dict (offset 20 of the frame)
  ].join(""),
  "hex",
);
const TEST = 26;

/** `|| (self->base.type->flags & DICTLESS)`: local 0 is the instance (self_in). */
const OR_DICTLESS = [LOCAL_GET, 0, I32_LOAD, 2, 0, I32_LOAD16_U, 1, 4, I32_CONST, 0x80, 0x80, 0x02, I32_AND, I32_OR];

/** The wasm with an instance of a DICTLESS type answering `__dict__` as a C object does; `wasm` is left as it is. */
export function withDictlessInstances(wasm: Uint8Array): Uint8Array {
  const at = codeOnce(wasm, [...DICT_TEST], "mp_obj_instance_load_attr's __dict__ test");
  return withCodeInserted(wasm, [{ at: at + TEST, bytes: OR_DICTLESS }]);
}

/**
 * The library's socket number (_stream.FD) is a member of its socket's instance under the
 * interpreter's static qstr "_fd" (955 in this build), whose text _builtin_functions.conceal
 * changes so no script names it. A script's subclass of socket.socket keeps its `__dict__`, whose
 * copy of the members (above) then showed it: `{'_f\x01': 1}`, and its key, iterated, read and
 * wrote the number (getattr/setattr). On the board the subclass's instance holds its socket in
 * `subobj[0]`, no member (py/objtype.h v1.23.0:33-37, py/objtype.c v1.23.0:91 and 364-365), so
 * `__dict__` is `{}` until the script sets its own. Here the copy loses that key before it is made
 * read-only, and dir()'s probe of every qstr (py/modbuiltins.c v1.23.0:171-184) skips it: no work
 * on the members' lookup (the recv/send path), only when `__dict__` or dir() is asked.
 */
const FD_QSTR = 955;
const FD_OBJ = (FD_QSTR << 3) | 2; // MP_OBJ_NEW_QSTR (py/obj.h, object representation A)
const CALL = 0x10, DROP = 0x1a, I32_ADD = 0x6a, I32_EQ = 0x46;
const MAP_LOOKUP = [CALL, 0xc2, 0x83, 0x80, 0x80, 0x00]; // call 450: mp_map_lookup (the members' lookup above calls it)
const REMOVE_IF_FOUND = 2; // MP_MAP_LOOKUP_REMOVE_IF_FOUND (py/obj.h v1.27.0:494)

/**
 * The copy's end as the pinned build compiled it: `dest[0] = mp_obj_dict_copy(&dict)` (call 545,
 * the copy in local 0), then `dest_dict->map.is_fixed = 1` (its map at offset 4, the flag bit 1).
 * `FIXED`: where that store starts, before which the key's removal goes.
 */
const DICT_COPY = Buffer.from(["200341146a", "10a1848080002200360200", "20002000280204410272360204", "0c080b"].join(""), "hex");
const FIXED = 16;

/** `mp_map_lookup(&dest_dict->map, MP_OBJ_NEW_QSTR(955), MP_MAP_LOOKUP_REMOVE_IF_FOUND)`, its result dropped. */
const REMOVE_FD = [LOCAL_GET, 0, I32_CONST, 4, I32_ADD, I32_CONST, ...slebBytes(FD_OBJ), I32_CONST, REMOVE_IF_FOUND, ...MAP_LOOKUP, DROP];

/**
 * mp_builtin_dir's probe (v1.27.0 as compiled; local 0 is the qstr i, local 2 the frame holding
 * dest at 8): `mp_load_method_protected(args[0], i, dest, false)` (call 407), then `if (dest[0]
 * == NULL) skip`, then the `__dir__` test (`i == 2`). `SKIP`: after the `i32.eqz`.
 */
const DIR_PROBE = Buffer.from("1097838080000240200228020845" + "0d0002402000410247", "hex");
const SKIP = 14;
const OR_FD = [LOCAL_GET, 0, I32_CONST, ...slebBytes(FD_QSTR), I32_EQ, I32_OR];

/** The wasm with the socket number's key out of every instance's `__dict__` and dir(); `wasm` is left as it is. */
export function withStreamNumberHidden(wasm: Uint8Array): Uint8Array {
  const copy = codeOnce(wasm, [...DICT_COPY], "mp_obj_instance_load_attr's __dict__ copy");
  const probe = codeOnce(wasm, [...DIR_PROBE], "mp_builtin_dir's probe");
  return withCodeInserted(wasm, [
    { at: copy + FIXED, bytes: REMOVE_FD },
    { at: probe + SKIP, bytes: OR_FD },
  ]);
}
