/**
 * What C built-ins that call back into Python hold in WebAssembly locals, written where the worker
 * finds it at a collection: list(), tuple(), set(), dict(), sorted(), min(), max() and "".join()
 * over a generator, and the iterators zip(), map() and filter() (realm.ts `recorded` and `iterating`
 * say which calls may collect so).
 *
 * The port's collector cannot scan WebAssembly locals (collector.ts), so a collection while such a
 * built-in runs its generator's Python would free what it has made so far: list(g)'s list
 * (py/objlist.c v1.27.0 list_extend_from_iter 65-72, mp_obj_list_make_new 74-91), tuple(g)'s item
 * array (py/objtuple.c 86-99), set(g)'s set (py/objset.c 102-127), dict(g)'s dict and the key it
 * holds while it reads the value (py/objdict.c 114-128, dict_update 379-420), min()'s and max()'s
 * best item and key (py/modbuiltins.c 248-289), sorted()'s list and its sort's pivot key
 * (py/modbuiltins.c 528-535, py/objlist.c mp_quicksort 290-320); "".join(g) builds its list with
 * list(g) (py/objstr.c 522). zip's, map's and filter's iternext hold the tuple being built, the
 * argument block and the item (py/objzip.c 56-65, py/objmap.c 53-63, py/objfilter.c 49-58), under a
 * for loop or one of those built-ins. Until this patch no collection ran under them, so the garbage the
 * generator made filled the heap (MemoryError) where the board's gc_alloc collects (py/gc.c v1.27.0
 * 829-843) and its collector scans the C stack (ports/esp8266/gccollect.c).
 *
 * So before the build is compiled each of those functions gets, around each call that runs such
 * Python (below), a record on the C stack (the shadow stack in linear memory, where its frames live): the stack
 * pointer (global 0) moves down by the record's size, the record is [RECORD_MAGIC, n, its n i32
 * locals' values] (sorted's: the list its frame holds), and after the call its magic word is
 * cleared and the pointer moves back. A longjmp past the call (an exception) leaves the pointer to
 * the invoke_* helper that catches it, which restores it (realm.ts), as it does for every frame.
 * At a collection the worker reads the records between the stack pointer and the stack's base
 * (recordedWords) and pins the heap blocks their words point to (pinned-args.ts), as the board's
 * collector marks what its C stack holds: conservatively, a stale local too, for that collection.
 *
 * Each function is found by its index and the SHA-256 of its body as the pinned build compiled it:
 * another build fails here rather than run with records of the wrong locals.
 *
 * Not recorded (realm.ts refuses collections under them as before): mp_obj_list_make_new's list
 * before it calls list_extend_from_iter and str_join's list after it (no Python runs there, and a
 * failed allocation never collects here), and mp_map_rehash's old table (py/map.c 131-160: an item's
 * Python __hash__ runs while C alone holds it). enumerate's iternext needs none: across its one call
 * that runs Python it holds only itself, which its caller holds (py/objenumerate.c 78-88).
 */
import { slebBytes, uleb, ulebBytes } from "../wasm-reader.ts";
import { type CodeEdit, functionBodies, importedFunctions, type PinnedFunction, pinnedBody, withCodeInserted } from "./wasm-code.ts";

/** A record's first word: odd, so no object's address; then the count of words that follow. */
export const RECORD_MAGIC = 0x484c4443;
/** The most words a record holds (the functions below have at most 10 locals). */
const RECORD_MAX = 16;

/** A value a record holds: a local's, or the word at a local's value + offset (a C variable whose address the function takes, in its frame). */
type Held = { local: number } | { local: number; offset: number };

interface Recorded extends PinnedFunction {
  /** Its parameters (all i32 here): the first locals. */
  params: number;
  /** The values recorded: every i32 local unless given. */
  held?: readonly Held[];
  /** The calls recorded around, by callee index. */
  calls: readonly number[];
}

/**
 * The calls under which Python runs that realm.ts lets collect (`recorded`, `iterating`): mp_iternext
 * (py/runtime.c: the generator, or an iterator below), mp_call_function_1 (a key), mp_call_function_n_kw
 * (map's and filter's function), mp_binary_op (an item's __lt__), mp_obj_is_true (an item's __bool__),
 * dict_update and mp_obj_list_sort from their callers. Other calls run no Python (mp_obj_list_append, m_renew), or
 * Python that realm.ts does not let collect (an item's __hash__ in mp_obj_set_store, an __iter__ in
 * mp_getiter): no record around them.
 */
const MP_ITERNEXT = 392, CALL_1 = 399, CALL_N = 397, BINARY_OP = 390, IS_TRUE = 464, DICT_UPDATE = 541, LIST_SORT = 648;

/**
 * The pinned build's functions (1.27.0 pyscript), indexes as `call` names them. The functions
 * between them and the Python they run hold nothing the collector does not see: mp_iternext's
 * invoke of the generator's iternext (py/runtime.c), gen_resume_and_raise and
 * mp_obj_gen_resume (py/objgenerator.c: the generator, which the caller holds), mp_call_function_1
 * to fun_bc_call (py/objfun.c: the arguments copied into the callee's frame).
 */
const RECORDED: readonly Recorded[] = [
  { name: "list_extend_from_iter", index: 644, sha256: "a6229daef1ce0d3f9ebb59fc0341521cdedd3085aa6633337e6e5220db19db96", params: 2, calls: [MP_ITERNEXT] },
  { name: "mp_obj_tuple_make_new", index: 826, sha256: "f574b0d0b7544ed4ed86be63b6bd50a2affd4c7194722430a4ff7c3f27a61fea", params: 4, calls: [MP_ITERNEXT] },
  { name: "set_make_new", index: 707, sha256: "f346316c4a1dd1cea371d75a72cf91e55690d12d9d16a94eea8f769f7dc93d7f", params: 4, calls: [MP_ITERNEXT] },
  { name: "mp_obj_dict_make_new", index: 540, sha256: "150eb5275282dba4d058ed1705c5757a498250e340b64f47d5ee16a9c2fac699", params: 4, calls: [DICT_UPDATE] },
  { name: "dict_update", index: 541, sha256: "6be47df732f99ba2dda60e932a6c2b8c3dcdbcc07a3cce8fae4539f2a9a969c1", params: 3, calls: [MP_ITERNEXT] },
  { name: "mp_builtin_min_max", index: 928, sha256: "76c4a508df8904847fd7039ada5a5f13a2ae22383b3cd0e24b6b9c5a60271a85", params: 4, calls: [MP_ITERNEXT, CALL_1, BINARY_OP] },
  { name: "mp_quicksort", index: 649, sha256: "41fcb6ca112a5accb0654697484b8b95a861f1d8651cc0881f881a0b227a67f9", params: 4, calls: [CALL_1, BINARY_OP] },
  // sorted's list lives in its frame (&self goes to mp_obj_list_sort): the word at frame + 12, around that call
  { name: "mp_builtin_sorted", index: 939, sha256: "4000a2960700c8b13788915090dbb6e480e57538ae0ad7d3ca489e9f0ee9b388", params: 3, held: [{ local: 3, offset: 12 }], calls: [LIST_SORT] },
  // The iterators of a for loop or of the built-ins above (realm.ts `iterating`): zip's tuple (local
  // 3) while it reads an item (py/objzip.c 56-65), map's argument block (local 1) while it reads the
  // items and calls its function (py/objmap.c 53-63), filter's item (`next`, whose address it
  // passes: the word at frame + 12) while its function and mp_obj_is_true (an instance's __bool__)
  // run (py/objfilter.c 49-58). enumerate_iternext (571) holds only itself across its mp_iternext
  // (py/objenumerate.c 80-86: the item after, into a tuple made without running Python), which its
  // caller holds: no record.
  { name: "zip_iternext", index: 862, sha256: "56f0f845145d9ac16f422d2b6eda951ea830bbe0325707ee5addfb9b49fbfb48", params: 1, calls: [MP_ITERNEXT] },
  { name: "map_iternext", index: 669, sha256: "73e23639644f07bf3a8e5e3bfee4e46385b9be4a72cc3bbe29bdde1e78ea8d04", params: 1, calls: [MP_ITERNEXT, CALL_N] },
  {
    name: "filter_iternext",
    index: 588,
    sha256: "49e1b77db6e4a650576f9ed11d2cacab29d85e2cb14a213c329e6a2857927183",
    params: 1,
    held: [{ local: 0 }, { local: 1 }, { local: 2 }, { local: 3 }, { local: 4 }, { local: 1, offset: 12 }],
    calls: [MP_ITERNEXT, CALL_N, IS_TRUE],
  },
];

const GLOBAL_GET = 0x23, GLOBAL_SET = 0x24, LOCAL_GET = 0x20, I32_LOAD = 0x28, I32_STORE = 0x36, I32_CONST = 0x41, I32_ADD = 0x6a, I32_SUB = 0x6b;
const CALL = 0x10, CALL_INDIRECT = 0x11, I32 = 0x7f;
/** The C stack pointer: the build's global 0 (emscripten's __stack_pointer, unnamed). */
const SP = 0;

/**
 * The call instructions in a body's code (from `at`, after the locals, to `end`): where each
 * starts and the next instruction starts, and its callee (-1 for call_indirect): the build's instructions decoded one at a time.
 * Throws at an opcode this does not know.
 */
export function callsIn(wasm: Uint8Array, at: number, end: number): { at: number; next: number; callee: number }[] {
  const calls: { at: number; next: number; callee: number }[] = [];
  const skipUleb = () => (at = uleb(wasm, at).next);
  while (at < end) {
    const op = wasm[at]!;
    const from = at++;
    if (op === CALL) calls.push({ at: from, callee: uleb(wasm, at).value, next: skipUleb() });
    else if (op === CALL_INDIRECT) calls.push({ at: from, callee: -1, next: (skipUleb(), skipUleb()) });
    else if (op === 0x02 || op === 0x03 || op === 0x04) {
      // a block type: empty (0x40), a value type, or a type index (a signed LEB128)
      const t = wasm[at]!;
      if (t === 0x40 || (t >= 0x7b && t <= 0x7f) || t === 0x70 || t === 0x6f) at++;
      else while (wasm[at++]! & 0x80);
    } else if (op === 0x0c || op === 0x0d || (op >= 0x20 && op <= 0x24)) skipUleb();
    else if (op === 0x0e) {
      const { value: n } = uleb(wasm, at);
      skipUleb();
      for (let i = 0; i <= n; i++) skipUleb();
    } else if (op >= 0x28 && op <= 0x3e) (skipUleb(), skipUleb());
    else if (op === 0x3f || op === 0x40) at++;
    else if (op === 0x41 || op === 0x42) while (wasm[at++]! & 0x80);
    else if (op === 0x43) at += 4;
    else if (op === 0x44) at += 8;
    else if (op === 0xfc) {
      const { value: sub } = uleb(wasm, at);
      skipUleb();
      if (sub === 10) at += 2; // memory.copy
      else if (sub === 11) at += 1; // memory.fill
      else if (sub > 7) throw new Error(`micropython.wasm: an instruction 0xfc ${sub} not expected in a recorded function`);
    } else if (!(op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b || (op >= 0x45 && op <= 0xc4))) {
      throw new Error(`micropython.wasm: an instruction 0x${op.toString(16)} not expected in a recorded function`);
    }
  }
  return calls;
}

/** A body's locals after its parameters: their count, all i32, and where its code starts. */
function localsOf(wasm: Uint8Array, start: number): { count: number; code: number } {
  let { value: groups, next: at } = uleb(wasm, start);
  let count = 0;
  for (; groups > 0; groups--) {
    const { value: n, next } = uleb(wasm, at);
    if (wasm[next] !== I32) throw new Error("micropython.wasm: a recorded function has a local that is not an i32");
    count += n;
    at = next + 1;
  }
  return { count, code: at };
}

/** The code around one call: a record of `held`'s values below the stack pointer before it, cleared and popped after it. */
function around(held: readonly Held[]): { before: number[]; after: number[] } {
  const size = Math.ceil(((held.length + 2) * 4) / 16) * 16; // the C stack stays 16-byte aligned
  const store = (offset: number, value: number[]) => [GLOBAL_GET, SP, ...value, I32_STORE, 2, ...ulebBytes(offset)];
  const value = (h: Held) => ("offset" in h ? [LOCAL_GET, h.local, I32_LOAD, 2, ...ulebBytes(h.offset)] : [LOCAL_GET, h.local]);
  return {
    before: [
      ...[GLOBAL_GET, SP, I32_CONST, ...slebBytes(size), I32_SUB, GLOBAL_SET, SP],
      ...store(0, [I32_CONST, ...slebBytes(RECORD_MAGIC)]),
      ...store(4, [I32_CONST, ...slebBytes(held.length)]),
      ...held.flatMap((h, i) => store(8 + 4 * i, value(h))),
    ],
    after: [...store(0, [I32_CONST, 0]), ...[GLOBAL_GET, SP, I32_CONST, ...slebBytes(size), I32_ADD, GLOBAL_SET, SP]],
  };
}

/** The wasm with the records above around the recorded functions' calls; `wasm` is left as it is. */
export function withCHeldRecords(wasm: Uint8Array): Uint8Array {
  const all = functionBodies(wasm);
  const imported = importedFunctions(wasm);
  const edits: CodeEdit[] = [];
  for (const fn of RECORDED) {
    const body = pinnedBody(wasm, fn, all, imported);
    const { count, code } = localsOf(wasm, body.start);
    const held = fn.held ?? Array.from({ length: fn.params + count }, (_, local) => ({ local }));
    if (held.length > RECORD_MAX) throw new Error(`micropython.wasm: ${fn.name} has more locals than a record holds`);
    const { before, after } = around(held);
    const calls = callsIn(wasm, code, body.end).filter(({ callee }) => fn.calls.includes(callee));
    if (calls.length === 0) throw new Error(`micropython.wasm: ${fn.name} makes none of the calls recorded around`);
    for (const call of calls) edits.push({ at: call.at, bytes: before }, { at: call.next, bytes: after });
  }
  return withCodeInserted(wasm, edits);
}

/**
 * The words the records on the C stack hold, between the stack pointer `sp` and the stack's base
 * (its highest address): the values their functions hold in locals while they call back into Python.
 */
export function recordedWords(words: Int32Array, sp: number, base: number): number[] {
  const found: number[] = [];
  for (let i = sp >> 2; i + 1 < base >> 2; i++) {
    if (words[i] !== RECORD_MAGIC) continue;
    const n = words[i + 1]!;
    if (n < 1 || n > RECORD_MAX || i + 2 + n > base >> 2) continue;
    for (let j = 0; j < n; j++) found.push(words[i + 2 + j]!);
    i += 1 + n;
  }
  return found;
}
