/** Python's bytes on top of Uint8Array, and the UTF-8 conversions the sandbox lacks (no TextEncoder). */
import { UnicodeError } from "./exceptions.ts";
import { repr } from "./repr.ts";

export class bytes extends Uint8Array {
  /** bytes.decode(): UTF-8 text; invalid UTF-8 raises UnicodeError as on the board. */
  decode(): string {
    return utf8Decode(this);
  }
  override toString(): string {
    return repr(this);
  }
}

export function utf8Encode(text: string): bytes {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return bytes.from(out) as bytes;
}

export function utf8Decode(data: Uint8Array): string {
  let out = "";
  for (let i = 0; i < data.length; ) {
    const b = data[i]!;
    const extra = b < 0x80 ? 0 : b >= 0xf0 && b < 0xf8 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : -1;
    if (extra < 0 || i + extra >= data.length) throw new UnicodeError();
    let c = extra === 0 ? b : b & (0x3f >> extra);
    for (let k = 1; k <= extra; k++) {
      const cont = data[i + k]!;
      if ((cont & 0xc0) !== 0x80) throw new UnicodeError();
      c = (c << 6) | (cont & 63);
    }
    out += String.fromCodePoint(c);
    i += extra + 1;
  }
  return out;
}

/** What send() takes: anything with the buffer protocol, str included (encoded as UTF-8). */
export function toBuffer(value: unknown): Uint8Array {
  if (typeof value === "string") return utf8Encode(value);
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError("object with buffer protocol required");
}

/** A fresh ArrayBuffer holding exactly these bytes, for passing to the host. */
export function toArrayBuffer(data: Uint8Array): ArrayBuffer {
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}
