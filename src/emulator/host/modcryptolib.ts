import { createCipheriv, createDecipheriv } from "node:crypto";
import { GuestException, type HostValue } from "../host-api.ts";
import { argCount, integer } from "./arguments.ts";
import type { BoardContext, HostCalls } from "./context.ts";

/** The block modes every port builds (values of PEP 272, extmod/modcryptolib.c v1.23.0:43-47). */
const ECB = 1;
const CBC = 2;

/** One cryptolib.aes object: its key, its mode, the IV its CBC chain has reached, and which way it went first. */
interface Aes {
  key: Uint8Array;
  mode: typeof ECB | typeof CBC;
  iv: Uint8Array;
  direction: "encrypt" | "decrypt" | null;
}

/** mp_get_buffer_raise(..., MP_BUFFER_READ) (py/obj.c): a value with a buffer (a str's is its UTF-8) crosses as bytes, anything else by its type's name. */
function readBuffer(value: HostValue): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw new GuestException("TypeError", ["object with buffer protocol required"]);
}

const valueError = (text: string) => new GuestException("ValueError", [text]);

/**
 * cryptolib (extmod/modcryptolib.c v1.23.0), as all three ports build it: MICROPY_PY_CRYPTOLIB
 * (rp2 mpconfigport.h:115, esp32 :107, ESP8266_GENERIC mpconfigboard.h:15) with neither
 * MICROPY_PY_CRYPTOLIB_CTR nor MICROPY_PY_CRYPTOLIB_CONSTS (py/mpconfig.h:1695-1701 default 0, no
 * port sets them): aes in ECB and CBC, no MODE_* names. mbedTLS (rp2, esp32) and axTLS (ESP8266)
 * give the same bytes. Each object is kept here under the guest object's address (its id(): the
 * script's object holds no handle of the host's it could read, as the C object has none) until
 * another aes is made there or a soft reset clears the heap; its checks in the firmware's order.
 */
export function modcryptolib(board: BoardContext) {
  const objects = new Map<number, Aes>();
  board.onDeinit(() => objects.clear());
  return {
    /** aes(key, mode[, IV]) (cryptolib_aes_make_new, :214-261): `count` arguments, mp_arg_check_num(n_args, n_kw, 2, 3, false) (:215), then mode, key, IV. */
    aesNew: (address: number, count: number, keywords: number, key: HostValue, mode: HostValue, iv: HostValue): null => {
      argCount(count, keywords, 2, 3);
      objects.delete(address); // a collected aes's, or this one's when made anew by __init__
      const blockMode = integer(mode);
      if (blockMode !== ECB && blockMode !== CBC) throw valueError("mode");
      const keyBytes = readBuffer(key);
      if (keyBytes.length !== 16 && keyBytes.length !== 32) throw valueError("key");
      let ivBytes: Uint8Array = new Uint8Array(16);
      if (iv !== null) {
        ivBytes = readBuffer(iv);
        if (ivBytes.length !== 16) throw valueError("IV");
      } else if (blockMode === CBC) {
        throw valueError("IV");
      }
      objects.set(address, { key: keyBytes.slice(), mode: blockMode, iv: ivBytes.slice(), direction: null });
      return null;
    },
    /**
     * encrypt/decrypt(in[, out]) (aes_process, :263-333): whole blocks only, an output buffer at
     * least as long, then one direction per object (the key schedule is set for it at the first
     * call, :294-305). CBC chains on from the last call's final block (mbedtls_aes_crypt_cbc and
     * axTLS's AES_cbc_* update the context's IV). `out` is the output buffer's length, null
     * without one, or a value that has no writable buffer. `count` arguments, self counted:
     * MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(..., 2, 3, ...) (:338, :343).
     */
    aesProcess: (address: number, count: number, keywords: number, data: HostValue, out: HostValue, encrypt: boolean): Uint8Array => {
      argCount(count, keywords, 2, 3);
      const aes = objects.get(address);
      if (!aes) throw new GuestException("TypeError", ["object with buffer protocol required"]);
      const input = readBuffer(data);
      if (input.length % 16 !== 0) throw valueError("blksize % 16");
      if (out !== null) {
        if (typeof out !== "number") throw new GuestException("TypeError", ["object with buffer protocol required"]);
        if (out < input.length) throw valueError("output too small");
      }
      const direction = encrypt ? "encrypt" : "decrypt";
      if (aes.direction !== null && aes.direction !== direction) throw valueError("can't encrypt & decrypt");
      aes.direction = direction;
      const algorithm = `aes-${aes.key.length * 8}-${aes.mode === ECB ? "ecb" : "cbc"}`;
      const iv = aes.mode === ECB ? null : aes.iv;
      const cipher = encrypt ? createCipheriv(algorithm, aes.key, iv) : createDecipheriv(algorithm, aes.key, iv);
      cipher.setAutoPadding(false);
      const output = Buffer.concat([cipher.update(input), cipher.final()]);
      if (aes.mode === CBC && input.length > 0) aes.iv = (encrypt ? output : input).slice(-16);
      return new Uint8Array(output.buffer, output.byteOffset, output.length);
    },
  } satisfies HostCalls<"modcryptolib">;
}
