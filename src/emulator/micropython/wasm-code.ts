/**
 * Reading a WebAssembly module's code where it lies, for the patches applied to MicroPython's
 * build before it is compiled (float-precision.ts, lazy-str-hash.ts, gc-alloc-skip.ts,
 * gc-alloc-tails.ts): the code section, the index of the function whose body starts at an offset,
 * a pinned function's body found by its hash, and code inserted into bodies.
 */
import { createHash } from "node:crypto";
import { KIND_FUNCTION, uleb, ulebBytes, WasmReader } from "../wasm-reader.ts";

/** Whether `pattern` lies in `bytes` at `at`. */
export function matches(bytes: Uint8Array, at: number, pattern: readonly number[]): boolean {
  return at >= 0 && pattern.every((b, i) => bytes[at + i] === b);
}

const IMPORT_SECTION = 2;
const CODE_SECTION = 10;

/** The section `id`'s contents, from the module's section headers; `header`: where its id byte is. */
export function section(wasm: Uint8Array, id: number): { header: number; start: number; end: number } | undefined {
  for (let at = 8; at < wasm.length; ) {
    const { value: size, next: start } = uleb(wasm, at + 1);
    if (wasm[at] === id) return { header: at, start, end: start + size };
    at = start + size;
  }
  return undefined;
}

/** The code section's bytes (the functions' bodies). */
export function codeSection(wasm: Uint8Array): { header: number; start: number; end: number } {
  const code = section(wasm, CODE_SECTION);
  if (!code) throw new Error("micropython.wasm: no code section");
  return code;
}

/** Each function's body, in the code section's order: where it starts (its locals, after its size) and ends. */
export function functionBodies(wasm: Uint8Array): { start: number; end: number }[] {
  const code = codeSection(wasm);
  const { value: count, next } = uleb(wasm, code.start);
  const found: { start: number; end: number }[] = [];
  for (let at = next, i = 0; i < count; i++) {
    const { value: size, next: start } = uleb(wasm, at);
    found.push({ start, end: start + size });
    at = start + size;
  }
  return found;
}

/** The index (as `call` names it: imported functions first) of the function whose body starts at `at`, if one does. */
export function functionAt(wasm: Uint8Array, at: number): number | undefined {
  const index = functionBodies(wasm).findIndex((body) => body.start === at);
  return index === -1 ? undefined : importedFunctions(wasm) + index;
}

/** How many of the module's imports are functions. */
export function importedFunctions(wasm: Uint8Array): number {
  const imports = section(wasm, IMPORT_SECTION);
  if (!imports) return 0;
  const r = new WasmReader(wasm, imports.start);
  let functions = 0;
  for (let count = r.u32(); count > 0; count--) {
    r.name();
    r.name();
    const kind = r.byte();
    if (kind === KIND_FUNCTION) functions++;
    r.skipImport(kind);
  }
  return functions;
}

/** Bytes put in a function's code before the byte at `at`, in place of `remove` bytes from there (none unless given). */
export interface CodeEdit {
  at: number;
  bytes: readonly number[];
  remove?: number;
}

/**
 * Where `pattern` (code as the pinned build compiled it) lies in the code section: it must be there
 * exactly once, else `what` names it in the error (another build fails rather than run with code in
 * the wrong place). Searched natively (Buffer's indexOf): a byte at a time would cost each cold start.
 */
export function codeOnce(wasm: Uint8Array, pattern: readonly number[], what: string): number {
  const code = codeSection(wasm);
  const bytes = Buffer.from(wasm.buffer, wasm.byteOffset, code.end);
  const sought = Buffer.from(pattern);
  const at = bytes.indexOf(sought, code.start);
  const found = at === -1 ? 0 : bytes.indexOf(sought, at + 1) === -1 ? 1 : 2;
  if (found !== 1) throw new Error(`micropython.wasm: expected ${what} once (found ${found === 2 ? "more" : 0}): not the pinned interpreter (1.27.0)?`);
  return at;
}

/**
 * A copy of `wasm` with each insertion's bytes put before the byte at its offset, which lies in a
 * function's code, in place of the `remove` bytes from there (none unless given): the sizes of the
 * bodies that change and of the code section are encoded again. Nothing else in the module counts
 * bytes of code (the build has no custom sections naming offsets).
 */
export function withCodeInserted(wasm: Uint8Array, insertions: readonly CodeEdit[]): Uint8Array {
  const code = codeSection(wasm);
  const sorted = [...insertions].sort((a, b) => a.at - b.at);
  const pieces: (Uint8Array | readonly number[])[] = [];
  let copied = code.start; // the section's contents up to here are in `pieces`
  let body = uleb(wasm, code.start).next;
  for (let next = 0; next < sorted.length; ) {
    if (body >= code.end) throw new Error(`micropython.wasm: an insertion at ${sorted[next]!.at} is outside the code`);
    const { value: size, next: start } = uleb(wasm, body);
    const end = start + size;
    const inside: CodeEdit[] = [];
    for (; next < sorted.length && sorted[next]!.at < end; next++) inside.push(sorted[next]!);
    if (inside.length > 0) {
      if (inside[0]!.at < start) throw new Error(`micropython.wasm: an insertion at ${inside[0]!.at} is in a body's size`);
      if (inside.some(({ at, remove = 0 }, i) => at + remove > (inside[i + 1]?.at ?? end))) {
        throw new Error("micropython.wasm: bytes removed past the next insertion or the body's end");
      }
      pieces.push(wasm.subarray(copied, body), ulebBytes(size + inside.reduce((sum, { bytes, remove = 0 }) => sum + bytes.length - remove, 0)));
      copied = start;
      for (const { at, bytes, remove = 0 } of inside) (pieces.push(wasm.subarray(copied, at), bytes), (copied = at + remove));
    }
    body = end;
  }
  pieces.push(wasm.subarray(copied, code.end));
  const contents = pieces.reduce((sum, piece) => sum + piece.length, 0);
  const header = [wasm[code.header]!, ...ulebBytes(contents)];
  const patched = new Uint8Array(code.header + header.length + contents + (wasm.length - code.end));
  patched.set(wasm.subarray(0, code.header));
  let at = code.header;
  for (const piece of [header, ...pieces, wasm.subarray(code.end)]) (patched.set(piece, at), (at += piece.length));
  return patched;
}

/** A function of the pinned build (1.27.0 pyscript): its name as py/*.c has it, its index as `call` names it (imported functions first), the SHA-256 of its body (locals and code), hex. */
export interface PinnedFunction {
  name: string;
  index: number;
  sha256: string;
}

/**
 * Where `fn`'s body (its locals, after its size) starts and ends in `wasm`: it must be the body the
 * pinned build compiled, else the error names it (another build fails rather than run with code in
 * the wrong place). `bodies` and `imported`: the module's, when the caller has them.
 */
export function pinnedBody(wasm: Uint8Array, fn: PinnedFunction, bodies = functionBodies(wasm), imported = importedFunctions(wasm)): { start: number; end: number } {
  const body = bodies[fn.index - imported];
  const hash = body && createHash("sha256").update(wasm.subarray(body.start, body.end)).digest("hex");
  if (!body || hash !== fn.sha256) throw new Error(`micropython.wasm: ${fn.name} is not function ${fn.index} as the pinned interpreter (1.27.0) compiled it`);
  return body;
}
