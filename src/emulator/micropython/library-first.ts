/**
 * The guest library is marked first at each collection, so that a script's globals do not deepen
 * the marking (issue 16).
 *
 * py/gc.c gc_collect_start (v1.27.0 395-410) marks the roots in order, each to completion:
 * MP_STATE_THREAD(dict_locals) first. gc_mark_subtree (457-527) pushes every unmarked child of a
 * block on a 64-entry stack (1024 in the patched build, gc-mark-stack.ts) and pops the last pushed
 * first; past it it rescans the heap (mark-stack.ts). At a host call from a script's top level
 * dict_locals is the script's globals, so the whole library was first reached through one of them
 * (`socket`, `wlan`) with the script's other globals still on the stack: each global more took a
 * slot more, and a tutorial's `network`, `time`, `wlan` filled the Pico W's 64 entries. On the firmware the library is frozen or built in (ROM) and never
 * marked.
 *
 * So for each collection dict_locals' word holds a chain the library built once (_boardsim.py
 * _mark_first): 2-tuples (next, payload) whose payloads are its modules' dicts, those a module
 * refers to before it, and last the real dict_locals, which the worker writes into the last tuple's
 * payload for the collection. A tuple's two items are pushed in order and the payload popped first,
 * with only `next` left below it: each module is marked from a stack of one. The words are put back
 * after the collection.
 */

export interface LibraryFirst {
  /** The chain's first tuple and its last (whose payload is None), by id(); once, before the script runs. */
  set(head: number, tail: number): void;
  /** Runs `collect` with the chain as the first root (as it is without, until `set`). */
  around(collect: () => void): void;
}

/** The words of a tuple's object from its address: type, length, items (py/objtuple.h). */
const LENGTH = 1;
const PAYLOAD = 3;

/** For the interpreter whose dict_locals word is at `dictLocals`; `memory` reads the current memory. */
export function libraryFirst(memory: () => Int32Array, dictLocals: number): LibraryFirst {
  let head = 0;
  let tailPayload = 0;
  let none = 0;
  return {
    set(headId, tailId) {
      const words = memory();
      if (head !== 0 || words[(headId >> 2) + LENGTH] !== 2 || words[(tailId >> 2) + LENGTH] !== 2) throw new TypeError("invalid bridge argument");
      head = headId;
      tailPayload = (tailId >> 2) + PAYLOAD;
      none = words[tailPayload]!;
    },
    around(collect) {
      if (head === 0) return collect();
      const words = memory();
      const locals = words[dictLocals >> 2]!;
      words[tailPayload] = locals;
      words[dictLocals >> 2] = head;
      try {
        collect();
      } finally {
        const after = memory(); // the collection may have grown the memory
        after[dictLocals >> 2] = locals;
        after[tailPayload] = none;
      }
    },
  };
}
