/**
 * A cursor over a WebAssembly binary, reading the format's encodings (WebAssembly core spec,
 * "Binary Format": LEB128 integers, names as a length and UTF-8 bytes, limits as flags, minimum and
 * maximum when flag bit 0 is set). `at` is public: patches write at the positions read.
 */
const decoder = new TextDecoder();

export class WasmReader {
  constructor(
    readonly bytes: Uint8Array,
    public at = 0,
  ) {}

  byte(): number {
    return this.bytes[this.at++]!;
  }

  u32(): number {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = this.bytes[this.at++]!;
      value |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return value >>> 0;
  }

  name(): string {
    const length = this.u32();
    this.at += length;
    return decoder.decode(this.bytes.subarray(this.at - length, this.at));
  }

  limits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}
