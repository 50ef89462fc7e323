/**
 * Reading a WebAssembly module's code where it lies, for the patches applied to MicroPython's
 * build before it is compiled (float-precision.ts, lazy-str-hash.ts): the code section and the
 * index of the function whose body starts at an offset.
 */

/** Whether `pattern` lies in `bytes` at `at`. */
export function matches(bytes: Uint8Array, at: number, pattern: readonly number[]): boolean {
  return at >= 0 && pattern.every((b, i) => bytes[at + i] === b);
}

const IMPORT_SECTION = 2;
const CODE_SECTION = 10;

/** An unsigned LEB128 at `at` (the build pads call targets to 5 bytes), and where the next field starts. */
export function uleb(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = bytes[at++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (!(byte & 0x80)) return { value, next: at };
  }
}

/** The section `id`'s contents, from the module's section headers. */
export function section(wasm: Uint8Array, id: number): { start: number; end: number } | undefined {
  for (let at = 8; at < wasm.length; ) {
    const { value: size, next: start } = uleb(wasm, at + 1);
    if (wasm[at] === id) return { start, end: start + size };
    at = start + size;
  }
  return undefined;
}

/** The code section's bytes (the functions' bodies). */
export function codeSection(wasm: Uint8Array): { start: number; end: number } {
  const code = section(wasm, CODE_SECTION);
  if (!code) throw new Error("micropython.wasm: no code section");
  return code;
}

/** The index (as `call` names it: imported functions first) of the function whose body starts at `at`, if one does. */
export function functionAt(wasm: Uint8Array, at: number): number | undefined {
  const { start } = codeSection(wasm);
  let body = uleb(wasm, start).next;
  for (let index = importedFunctions(wasm); body < at; index++) {
    const { value: size, next } = uleb(wasm, body);
    if (next === at) return index;
    body = next + size;
  }
  return undefined;
}

/** How many of the module's imports are functions. */
function importedFunctions(wasm: Uint8Array): number {
  const imports = section(wasm, IMPORT_SECTION);
  if (!imports) return 0;
  let { value: count, next: at } = uleb(wasm, imports.start);
  let functions = 0;
  const skip = () => (at = uleb(wasm, at).next);
  const skipLimits = () => {
    const flags = wasm[at++]!;
    skip();
    if (flags & 1) skip();
  };
  for (; count > 0; count--) {
    for (const _name of [0, 1]) {
      const { value: length, next } = uleb(wasm, at);
      at = next + length;
    }
    const kind = wasm[at++];
    if (kind === 0) (functions++, skip()); // a function: its type
    else if (kind === 1) (at++, skipLimits()); // a table: element type, limits
    else if (kind === 2) skipLimits(); // a memory
    else if (kind === 3) at += 2; // a global: value type, mutability
    else throw new Error(`micropython.wasm: import of kind ${kind}`);
  }
  return functions;
}
