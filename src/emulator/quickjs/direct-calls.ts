/**
 * C functions of the pinned build called straight on a board's WebAssembly exports. The glue
 * wraps every export for asyncify (a rest-argument closure, a try/finally and its stack of export
 * calls, so that a call that suspends can be rewound); the host's own calls inside a host call
 * (malloc for an answer, QTS_NewArrayBuffer) run no guest code and never suspend, and the wrapper
 * cost more than some of them: the answer to a 64-byte recv that had blocked took ≈ 4.9 µs through
 * it and ≈ 3.9 µs past it (a timeline of 5,000 round trips, load 3).
 */

/** The C functions called directly: numbers in, numbers out. */
export interface DirectCalls {
  malloc(bytes: number): number;
  free(ptr: number): void;
  QTS_NewArrayBuffer(ctx: number, block: number, length: number): number;
  QTS_FreeValuePointer(ctx: number, value: number): void;
  QTS_NewFloat64(ctx: number, value: number): number;
  QTS_GetFloat64(ctx: number, value: number): number;
  QTS_NewString(ctx: number, chars: number): number;
}

const DIRECT: readonly (keyof DirectCalls)[] = ["malloc", "free", "QTS_NewArrayBuffer", "QTS_FreeValuePointer", "QTS_NewFloat64", "QTS_GetFloat64", "QTS_NewString"];

/** Each C function's export name (minified: the glue's own assignments, `_malloc=b.w`, say which). */
export type ExportNames = ReadonlyMap<string, string>;

export function exportNames(glue: string): ExportNames {
  const names = new Map<string, string>();
  for (const [, name, exported] of glue.matchAll(/\._(\w+)=\s*\w+\.([\w$]+)/g)) names.set(name!, exported!);
  if (DIRECT.some((name) => !names.has(name))) throw new Error("boardsim: unsupported quickjs-emscripten build (exports)");
  return names;
}

/** The direct calls on an instance's own exports (not the glue's wrapped ones). */
export function directCalls(exports: Record<string, unknown>, names: ExportNames): DirectCalls {
  return pick((name) => exports[names.get(name)!]);
}

/** The same functions through the glue's wrappers (`_malloc`, `_QTS_NewArrayBuffer`): a module quickjs-emscripten made itself. */
export function gluedCalls(em: Record<string, unknown>): DirectCalls {
  return pick((name) => em[`_${name}`]);
}

function pick(find: (name: keyof DirectCalls) => unknown): DirectCalls {
  const calls = Object.fromEntries(DIRECT.map((name) => [name, find(name)]));
  if (DIRECT.some((name) => typeof calls[name] !== "function")) throw new Error("boardsim: unsupported quickjs-emscripten build (exports)");
  return calls as unknown as DirectCalls;
}
