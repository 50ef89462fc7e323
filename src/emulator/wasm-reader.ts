/**
 * Reading and writing WebAssembly's binary encodings (WebAssembly core spec, "Binary Format":
 * LEB128 integers, names as a length and UTF-8 bytes, limits as flags, minimum and maximum when flag
 * bit 0 is set), for the patches both engines make to their builds before compiling them
 * (micropython/wasm-code.ts and its users, quickjs/wasm-memory.ts, quickjs/malloc-budget.ts,
 * quickjs/wasm-exports.ts).
 */
const decoder = new TextDecoder();

/** An unsigned LEB128 at `at` (padded ones too: the MicroPython build pads call targets to 5 bytes), and where the next field starts. */
export function uleb(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = bytes[at++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (!(byte & 0x80)) return { value, next: at };
  }
}

/** `value` as an unsigned LEB128. */
export function ulebBytes(value: number): number[] {
  const bytes: number[] = [];
  for (; value >= 0x80; value = Math.floor(value / 0x80)) bytes.push((value & 0x7f) | 0x80);
  return [...bytes, value];
}

/** `value` as a signed LEB128 (i32.const's immediate). */
export function slebBytes(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(byte & 0x40)) || (v === -1 && byte & 0x40)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

/** A module's sections in order: each one's id and contents (after its size). */
export function sections(bytes: Uint8Array): [id: number, contents: Uint8Array][] {
  const found: [number, Uint8Array][] = [];
  for (const r = new WasmReader(bytes, 8); r.at < bytes.length; ) {
    const id = r.byte();
    const size = r.u32();
    found.push([id, bytes.subarray(r.at, r.at + size)]);
    r.at += size;
  }
  return found;
}

/** `bytes` (a module) with the contents of each section in `replaced` (by id) made of those parts instead; the others as they are. */
export function withSections(bytes: Uint8Array, replaced: ReadonlyMap<number, readonly (Uint8Array | readonly number[])[]>): Uint8Array {
  const parts: (Uint8Array | readonly number[])[] = [bytes.subarray(0, 8)];
  for (const [id, contents] of sections(bytes)) {
    const made = replaced.get(id) ?? [contents];
    parts.push([id, ...ulebBytes(made.reduce((sum, part) => sum + part.length, 0))], ...made);
  }
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** An import's or export's kind (its descriptor's first byte). */
export const KIND_FUNCTION = 0;
export const KIND_TABLE = 1;
export const KIND_MEMORY = 2;
export const KIND_GLOBAL = 3;

/** A cursor over a WebAssembly binary. `at` is public: patches write at the positions read. */
export class WasmReader {
  constructor(
    readonly bytes: Uint8Array,
    public at = 0,
  ) {}

  byte(): number {
    return this.bytes[this.at++]!;
  }

  u32(): number {
    const { value, next } = uleb(this.bytes, this.at);
    this.at = next;
    return value;
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

  /** Past an import's descriptor of `kind` (read already): a function's type, a table's element type and limits, a memory's limits, a global's type and mutability. */
  skipImport(kind: number): void {
    if (kind === KIND_FUNCTION) this.u32();
    else if (kind === KIND_TABLE) (this.byte(), this.limits());
    else if (kind === KIND_MEMORY) this.limits();
    else if (kind === KIND_GLOBAL) this.at += 2;
    else throw new Error(`WebAssembly: import of kind ${kind}`);
  }
}
