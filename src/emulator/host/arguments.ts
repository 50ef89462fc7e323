import { GuestException, type HostValue } from "../host-api.ts";

/**
 * The Python type name of a value as it crosses the host-call protocol (JSON's kinds); a value of
 * another type crosses as `{ __t: name }` where its name is all the host needs (socket addresses).
 */
export function pyTypeName(value: HostValue): string {
  if (value === null || value === undefined) return "NoneType";
  if (typeof value === "string") return "str";
  if (typeof value === "boolean") return "bool";
  if (value instanceof Uint8Array) return "bytes";
  if (Array.isArray(value)) return "list";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  const tagged = (value as { __t?: HostValue }).__t;
  return typeof tagged === "string" ? tagged : "dict";
}

/**
 * A time in milliseconds from a script (time.sleep, settimeout). The firmware converts it to an
 * integer: a non-number is TypeError (py/obj.c, mp_obj_get_int: "can't convert %s to int"); NaN
 * and infinities raise what int() raises for them (py/objint.c, mp_obj_new_int_from_float).
 * UNVERIFIED: the C ports cast the float without a check; a time that is no number would put a
 * timer nowhere in the board's clock, so it is refused as int() would.
 */
export function milliseconds(value: HostValue): number {
  if (typeof value !== "number") throw new GuestException("TypeError", [`can't convert ${pyTypeName(value)} to int`]);
  if (Number.isNaN(value)) throw new GuestException("ValueError", ["can't convert NaN to int"]);
  if (!Number.isFinite(value)) throw new GuestException("OverflowError", ["can't convert inf to int"]);
  return value;
}

/**
 * mp_arg_check_num (py/argcheck.c v1.23.0:32-76) as every port reports it (MICROPY_ERROR_REPORTING
 * NORMAL or more): a C function of `min` to `max` positional arguments (self counted), no keywords.
 */
export function argCount(count: number, keywords: number, min: number, max: number): void {
  const wrong = (text: string) => new GuestException("TypeError", [text]);
  if (keywords > 0) throw wrong("function doesn't take keyword arguments");
  if (min === max) {
    if (count !== min) throw wrong(`function takes ${min} positional arguments but ${count} were given`);
  } else if (count < min) throw wrong(`function missing ${min - count} required positional arguments`);
  else if (count > max) throw wrong(`function expected at most ${max} arguments, got ${count}`);
}

/** An int argument the firmware reads with mp_obj_get_int (py/obj.c: False and True are 0 and 1): anything else is its TypeError. */
export function integer(value: HostValue): number {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value !== "number" || !Number.isInteger(value)) throw new GuestException("TypeError", [`can't convert ${pyTypeName(value)} to int`]);
  return value;
}

/** A float argument the firmware reads with mp_obj_get_float (py/obj.c): an int, float or bool, else its TypeError. */
export function float(value: HostValue): number {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value !== "number") throw new GuestException("TypeError", [`can't convert ${pyTypeName(value)} to float`]);
  return value;
}

const UTF8 = new TextEncoder();

/** py/objstr.c bad_implicit_conversion's TypeError (v1.23.0 line 2345). */
const badImplicitConversion = (value: HostValue) => new GuestException("TypeError", [`can't convert '${pyTypeName(value)}' object to str implicitly`]);

/**
 * The bytes C code sees of a str or bytes it takes with mp_obj_str_get_data (py/objstr.c v1.23.0
 * line 2381): a str's UTF-8, a bytes' own; anything else is bad_implicit_conversion's TypeError.
 */
export function strBytes(value: HostValue): Uint8Array {
  if (typeof value === "string") return UTF8.encode(value);
  if (value instanceof Uint8Array) return value;
  throw badImplicitConversion(value);
}

/** A name C code takes with mp_obj_str_get_qstr (py/objstr.c:2358-2367): a str only, bytes too is the TypeError. */
export function qstrName(value: HostValue): string {
  if (typeof value !== "string") throw badImplicitConversion(value);
  return value;
}

const TEXT = new TextDecoder();

/** The text of a str or bytes (mp_obj_str_get_str, py/objstr.c): a str as it is, bytes as UTF-8; else strBytes's TypeError. */
export function strText(value: HostValue): string {
  return typeof value === "string" ? value : TEXT.decode(strBytes(value));
}

/**
 * The bytes of a buffer a script hands over (send, write): a str crosses as text (the TS boards'
 * guest library, bytes.ts toBuffer), and its buffer is its UTF-8, as a str's on the board
 * (py/objstr.c, mp_obj_str_get_buffer), in an ArrayBuffer of its own (the sockets keep what they
 * are given: a slice of Node's Buffer pool reached a UDP peer as the pool's other bytes).
 */
export function bufferOf(data: Uint8Array | string): Uint8Array {
  return typeof data === "string" ? UTF8.encode(data) : data;
}
