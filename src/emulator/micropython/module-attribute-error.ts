/**
 * A module's missing attribute: `random.foo` is AttributeError "'module' object has no attribute
 * 'foo'" on every board. py/runtime.c v1.23.0 mp_load_method (lines 1222-1244) has two messages,
 * a type's ("type object '%q' has no attribute '%q'", 1233-1236) and every other object's ("'%s'
 * object has no attribute '%q'", 1237-1240), for MICROPY_ERROR_REPORTING above TERSE (1229): the
 * ESP32's and the ESP8266's NORMAL (ports/esp32/mpconfigport.h:66,
 * ports/esp8266/boards/ESP8266_GENERIC/mpconfigboard.h:10,26) as rp2's DETAILED (py/mpconfig.h:792-794);
 * the ESP8266's 512K variant, TERSE (mpconfigboard.h:39), says "no such attribute" (1230), not modelled.
 * v1.27.0 (lines 1221-1256) added a third between them for a module, under MICROPY_MODULE___ALL__
 * and DETAILED (1236-1248, commit 66c0148022, v1.26): "module '%q' has no attribute '%q'", which
 * the interpreter's build has. Those two messages (1234, 1251), and mp_store_attr's (1289;
 * v1.23.0 1277), are as v1.23.0's.
 *
 * The build cannot be rebuilt here, so before it is compiled the module branch is taken out of
 * mp_load_method: a module then gets the other objects' message, as v1.23.0 compiled it. The
 * function is found by its index and the SHA-256 of its body as the pinned build compiled it:
 * another build fails here rather than run with code taken out of the wrong place.
 */
import { pinnedBody, withCodeInserted } from "./wasm-code.ts";

/** mp_load_method in the pinned build (1.27.0 pyscript): its index as `call` names it, the SHA-256 of its body. */
const LOAD_METHOD = { name: "mp_load_method", index: 402, sha256: "ecaaf1ae7442e1667b5914a356424f68cfb3c815f13cfe65b8d4633a6957ca41" };

/**
 * The module branch's first bytes: after the type test (`base`'s type, local 2, is &mp_type_type:
 * out to its message), `if (type != &mp_type_module) br 0` (local.get 2; i32.const 95720, padded;
 * i32.ne; br_if 0), to the end of the block whose next code is the other objects' message.
 */
const MODULE_TEST = Buffer.from("200241e8eb858000470d00", "hex");
/**
 * The module branch's last bytes: mp_raise_msg_varg (function 383) of &mp_type_AttributeError
 * (94184) with "module '%q' has no attribute '%q'" (85094), the arguments at frame + 16; unreachable.
 */
const MODULE_RAISE = Buffer.from("41e8df85800041e698858000200341106a10ff8280800000", "hex");

/** The wasm with a module's missing attribute raising the message every object's does (v1.23.0); `wasm` is left as it is. */
export function withModuleAttributeError(wasm: Uint8Array): Uint8Array {
  const { start, end } = pinnedBody(wasm, LOAD_METHOD);
  const body = Buffer.from(wasm.buffer, wasm.byteOffset + start, end - start);
  // Both lie in the body, once and in this order: its hash is the pinned build's.
  const from = body.indexOf(MODULE_TEST);
  const to = body.indexOf(MODULE_RAISE) + MODULE_RAISE.length;
  return withCodeInserted(wasm, [{ at: start + from, bytes: [], remove: to - from }]);
}
