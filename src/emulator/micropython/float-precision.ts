/**
 * The boards keep floats in single precision (MICROPY_FLOAT_IMPL_FLOAT: ports/rp2/mpconfigport.h:86,
 * ports/esp32/mpconfigport.h:68, ports/esp8266/mpconfigport.h:109, v1.23.0), and str()/repr() print
 * them with 7 significant digits, 6 where the object representation drops two bits of the float
 * (MICROPY_OBJ_REPR_C, ESP8266): py/objfloat.c:105-124 and py/objcomplex.c:45-70, v1.23.0. So a
 * board prints 0.1 + 0.2 as `0.3`. The WebAssembly build runs doubles and prints the shortest text
 * that reads back as the same double (MP_FLOAT_REPR_PREC, py/formatfloat.h:32, v1.27.0): `0.30000000000000004`.
 *
 * It cannot be rebuilt here, so its code is edited before it is compiled: float_print and
 * complex_print call `mp_print_float(print, value, 'g', flags, '\0', -1, MP_FLOAT_REPR_PREC)`
 * (py/objfloat.c:113, py/objcomplex.c:52,58, v1.27.0), and the constant 99 becomes the board's digits.
 * mp_format_float then rounds the double to that many significant digits ('g'). Each call must be
 * found exactly as often as the pinned build has it: another build fails here rather than print
 * other numbers.
 */

import { uleb } from "../wasm-reader.ts";
import { codeSection, matches } from "./wasm-code.ts";

/** `i32.const 0 ('\0'); i32.const -1; i32.const 99; call`: the last arguments of each call, then the opcode. */
const CALL_TAIL = Buffer.from([0x41, 0x00, 0x41, 0x7f, 0x41, 0xe3, 0x00, 0x10]);
/** float_print's first constant arguments before the tail: `i32.const 103 ('g'); i32.const 0x100` (PF_FLAG_ALWAYS_DECIMAL, py/mpprint.h:39). */
const FLOAT_PRINT_HEAD = [0x41, 0xe7, 0x00, 0x41, 0x80, 0x02];
/** Where 99's two LEB128 bytes start in the tail. */
const PRECISION_AT = 5;

/** The wasm with float and complex printing at `digits` significant digits; `wasm` is left as it is. */
export function withFloatPrecision(wasm: Uint8Array, digits: number): Uint8Array {
  if (!Number.isInteger(digits) || digits < 1 || digits > 17) throw new RangeError(`float digits ${digits}: 1 to 17`);
  const code = codeSection(wasm);
  const calls: { at: number; callee: number }[] = [];
  // Searched natively (Buffer's indexOf): a byte at a time in JavaScript costs ≈ 20 ms of each cold start.
  const bytes = Buffer.from(wasm.buffer, wasm.byteOffset, code.end);
  for (let at = bytes.indexOf(CALL_TAIL, code.start); at !== -1; at = bytes.indexOf(CALL_TAIL, at + 1)) {
    calls.push({ at, callee: uleb(wasm, at + CALL_TAIL.length).value });
  }
  const floatPrint = calls.filter(({ at }) => matches(wasm, at - FLOAT_PRINT_HEAD.length, FLOAT_PRINT_HEAD));
  // mp_print_float's calls with MP_FLOAT_REPR_PREC (v1.27.0): float_print's, complex_print's two (real, imaginary part).
  const sites = floatPrint.length === 1 ? calls.filter(({ callee }) => callee === floatPrint[0]!.callee) : [];
  if (sites.length !== 3) {
    throw new Error(
      `micropython.wasm: expected float_print's call of mp_print_float with precision 99 once (found ${floatPrint.length}) ` +
        `and 3 such calls in all (found ${sites.length}): not the pinned interpreter (1.27.0)?`,
    );
  }
  const patched = new Uint8Array(wasm); // a copy: a Buffer's slice() would be a view of `wasm`
  // The same two bytes: `digits` as a padded signed LEB128 (a continuation byte, then 0).
  for (const { at } of sites) patched.set([0x80 | digits, 0x00], at + PRECISION_AT);
  return patched;
}
