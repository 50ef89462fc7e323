/**
 * Pins for the heap blocks C alone holds under a host call: the argument blocks of a closure's or a
 * class's call (realm.ts heldByC), which a collection there would free while C still uses them,
 * and the list a dir(obj) builds.
 *
 * closure_call copies a closure's cells and arguments into `args2 = m_new(...)` when they do not
 * fit its C array of 5, and m_del's it when the callee returns (py/objclosure.c, v1.27.0 51-58);
 * mp_obj_instance_make_new does the same for a class called with arguments: [class, args...] for
 * its __new__ (py/objtype.c, v1.27.0 322-326), [__init__, instance, args...] for its __init__
 * (353-358). The pointer lives in a WebAssembly local, which the port's collector cannot scan.
 * But the collector is conservative inside the heap: it marks every head block that a word of a
 * marked block points to (py/gc.c gc_mark_subtree, v1.27.0 457-520). So the worker finds the
 * candidate blocks by their content, writes their addresses into the pin area (a bytearray the
 * guest library holds, _host.py _pins) for the collection, and clears it after.
 *
 * Matching errs on the safe side: a garbage block taken for one stays one collection longer; a
 * block missed is freed under C. A class's candidates: every head block that holds, in its first
 * MAX_CELLS + 2 words, the class or an instance of it followed by the call's argument words (the
 * class first: its __new__'s block; an instance second: its __init__'s, or the class for a
 * classmethod __init__, NULL for one that binds no self; after a closure's cells: the block of a
 * decorator's wrapper that is its __init__ or __new__, closure_call called from C). A star call's
 * arguments are not known: then any block holding the class or an instance there, its instances
 * too. Exact arguments keep a class's live instances out (their second word is their member
 * map's), which would else fill the pins. A closure's: every head block that starts with its
 * cells. No collection (null) under a built-in type (outside the heap: its constructor may hold
 * what no pin finds, as list() the list it builds) or with more candidates than the pin area holds.
 *
 * dir(obj) looks up every name (qstr) in order and appends those found to a list that only its C
 * local holds (py/modbuiltins.c mp_builtin_dir, v1.27.0 159-185); a module's __getattr__ or a
 * property it calls meanwhile runs Python code. Its candidates: every list whose items are names in
 * rising order, all before the name looked up now (an empty list too: dir's before it finds one).
 *
 * A built-in that calls back into Python over a generator (list(g), max(g), ...) records its
 * locals on the C stack (c-held.ts): its words that may be objects are pinned too.
 */
import { recordedWords } from "./c-held.ts";
import { AREA_NEXT, AREA_POOL, AREA_TABLE, AREA_TABLE_BYTES, AT_HEAD, AT_TAIL, BLOCK, areaHolding } from "./gc-heap.ts";

/** The most cells a closure has (py/vm.c MP_BC_MAKE_CLOSURE: their count is one byte of the bytecode). */
const MAX_CELLS = 255;
/** py/objlist.c LIST_MIN_ALLOC: the fewest items a list has room for. */
const LIST_MIN_ALLOC = 4;

/** A name (qstr) as an object: py/obj.h MP_OBJ_NEW_QSTR with MICROPY_OBJ_REPR_A, the port's (collector.ts checks it). */
export const qstrObject = (qstr: number) => (qstr << 3) | 2;

/**
 * A closure below a host call whose call copies its cells and arguments to a heap block (realm.ts
 * argCopier). Of either closure type: the interpreter's, or the library's copy of it that prints as
 * a built-in function (_builtin_functions.py), as _host.call's: realm.ts tells which it is, its type
 * word does not.
 */
export interface ClosureCall {
  closure: number;
}

/** A class below a host call, called with arguments, which its call copies to heap blocks (realm.ts argCopier). */
export interface ClassCall {
  cls: number;
  /** Called plainly: its arguments' words, as its block holds them after the class or instance; null: a star call's (not known). */
  args: readonly number[] | null;
}

/** A dir(obj) below a host call or safe point, looking up the name `dirName` (a qstr). */
export interface DirCall {
  dirName: number;
}

/** A built-in below a host call or safe point whose C functions recorded their locals on the C stack (c-held.ts). */
export interface RecordsHeld {
  records: true;
}

/** What a call below a host call holds in a heap block only C refers to. */
export type HeldByC = ClosureCall | ClassCall | DirCall | RecordsHeld;

export interface ArgPins {
  /** The pin area: `length` bytes at `address`, inside a heap block the guest library holds (once). */
  setArea(address: number, length: number): void;
  /** The candidate blocks of the calls of `held`, or null if they cannot all be pinned (a built-in type, too many). */
  find(held: readonly HeldByC[]): number[] | null;
  /** Runs `collect` with `blocks` pinned. */
  holding(blocks: readonly number[], collect: () => void): void;
}

/** What collector.ts's probes found: the type word of a list, the name `__class__`. */
export interface PinnedKinds {
  listType: number;
  classQstr: number;
}

/** `firstArea`: MP_STATE_MEM(area) (collector.ts); `cStack`: the C stack pointer and the stack's base (c-held.ts's records lie between). */
export function argPins(memory: () => Int32Array, firstArea: number, kinds: PinnedKinds, cStack: () => { sp: number; base: number }): ArgPins {
  let area = -1;
  let capacity = 0;
  return {
    setArea(address, length) {
      if (area !== -1 || address % 4 !== 0) throw new TypeError("invalid bridge argument");
      area = address;
      capacity = length >> 2;
    },
    find(held) {
      if (held.length === 0) return [];
      if (area === -1) return null;
      const words = memory();
      const found = candidates(words, firstArea, held, kinds, capacity);
      if (found === null || !held.some((h) => "records" in h)) return found;
      // The records' words that may be objects: block-aligned and in the heap (py/gc.c VERIFY_PTR
      // marks no other), once each; a pin too many keeps a garbage block one collection longer.
      const { sp, base } = cStack();
      const blocks = new Set(found);
      for (const word of recordedWords(words, sp, base)) if ((word & (BLOCK - 1)) === 0 && areaHolding(words, firstArea, word) !== 0) blocks.add(word);
      return blocks.size > capacity ? null : [...blocks];
    },
    holding(blocks, collect) {
      if (blocks.length === 0) return collect();
      memory().set(blocks, area >> 2);
      try {
        collect();
      } finally {
        memory().fill(0, area >> 2, (area >> 2) + blocks.length);
      }
    },
  };
}

function candidates(words: Int32Array, firstArea: number, held: readonly HeldByC[], kinds: PinnedKinds, capacity: number): number[] | null {
  const { listType } = kinds;
  const inHeap = (address: number) => areaHolding(words, firstArea, address) !== 0;
  const classes = held.filter((h): h is ClassCall => "cls" in h);
  const closures = held.filter((h): h is ClosureCall => "closure" in h).map((h) => h.closure);
  const dirNames = held.filter((h): h is DirCall => "dirName" in h).map((h) => qstrObject(h.dirName));
  if (classes.length + closures.length + dirNames.length === 0) return []; // records only (find)
  const classAttr = qstrObject(kinds.classQstr);
  /**
   * A list (its words at word index `at`) of names in rising order, all before `name`, among them
   * `__class__` once past it: every object has that (py/runtime.c mp_load_method_maybe, v1.27.0
   * 1185-1189), where a garbage list of one name (a str.split()'s) has not.
   */
  const isDirList = (at: number, name: number) => {
    const alloc = words[at + 1]!, length = words[at + 2]!, items = words[at + 3]!;
    if (alloc < LIST_MIN_ALLOC || length < 0 || length > alloc) return false;
    if (length === 0) return name <= classAttr;
    if ((items & 3) !== 0 || !inHeap(items) || !inHeap(items + 4 * (length - 1))) return false;
    let last = 0;
    let hasClass = name <= classAttr;
    for (let i = items >> 2; i < (items >> 2) + length; i++) {
      const item = words[i]!;
      if ((item & 7) !== 2 || item <= last || item >= name) return false;
      hasClass ||= item === classAttr;
      last = item;
    }
    return hasClass;
  };
  // A built-in type: its constructor may hold what no pin finds (realm.ts argCopier)
  if (classes.some((c) => !inHeap(c.cls)) || closures.some((c) => !inHeap(c))) return null;
  // Each closure's cells (its words after type, fun, n_closed: py/objclosure.c mp_obj_closure_t)
  const cellsOf: Int32Array[] = [];
  for (const closure of closures) {
    const n = words[(closure >> 2) + 2]!;
    if (n < 1 || n > MAX_CELLS) return null;
    cellsOf.push(words.subarray((closure >> 2) + 3, (closure >> 2) + 3 + n));
  }
  const instanceOf = (object: number, cls: number) => (object & 3) === 0 && object > 0 && object < words.length * 4 && words[object >> 2] === cls;
  const followedBy = (i: number, args: readonly number[]) => args.every((word, j) => words[i + 1 + j] === word);
  /** `length`: the allocation's words. */
  const matches = (at: number, length: number) => {
    if (words[at] === listType && dirNames.some((name) => isDirList(at, name))) return true;
    for (const { cls, args } of classes) {
      // (the class itself past the first word: an __init__ made a classmethod, or a wrapped __new__;
      // NULL second: an __init__ that binds no self, a staticmethod or a callable instance, py/runtime.c
      // mp_convert_member_lookup v1.27.0 1120-1122, 1142-1144, 1158-1164; py/objtype.c 343 clears init_fn)
      const end = at + Math.min(length - (args?.length ?? 0), MAX_CELLS + 2);
      const holds = (i: number) => words[i] === cls || instanceOf(words[i]!, cls) || (args !== null && i === at + 1 && words[i] === 0);
      for (let i = at; i < end; i++) if (holds(i) && (args === null || followedBy(i, args))) return true;
    }
    for (const cells of cellsOf) {
      let i = 0;
      while (i < cells.length && words[at + i] === cells[i]) i++;
      if (i === cells.length) return true;
    }
    return false;
  };
  const bytes = new Uint8Array(words.buffer);
  const found: number[] = [];
  for (let area = firstArea; area !== 0; area = words[(area >> 2) + AREA_NEXT]!) {
    const table = words[(area >> 2) + AREA_TABLE]!;
    const tableEnd = table + words[(area >> 2) + AREA_TABLE_BYTES]!;
    const pool = words[(area >> 2) + AREA_POOL]!;
    const entryOf = (b: number) => (bytes[table + (b >> 2)]! >> (2 * (b & 3))) & 3;
    const blocks = (tableEnd - table) * 4;
    for (let at = table; at < tableEnd; at++) {
      const entry = bytes[at]!;
      if (entry === 0) continue;
      for (let j = 0; j < 4; j++) {
        if (((entry >> (2 * j)) & 3) !== AT_HEAD) continue;
        const head = (at - table) * 4 + j;
        let end = head + 1;
        while (end < blocks && entryOf(end) === AT_TAIL) end++;
        const block = pool + head * BLOCK;
        if (!matches(block >> 2, (end - head) * (BLOCK / 4))) continue;
        if (found.length === capacity) return null;
        found.push(block);
      }
    }
  }
  return found;
}
