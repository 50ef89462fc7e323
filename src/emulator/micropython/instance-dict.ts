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
