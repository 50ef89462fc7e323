/**
 * py/gc.c marks with a stack of MICROPY_ALLOC_GC_STACK_SIZE (64, py/mpconfig.h:256) entries, two
 * arrays in the interpreter's state (py/mpstate.h v1.27.0 127-131: gc_block_stack, gc_area_stack):
 * gc_mark_subtree (457-527) pushes every unmarked child of the block it scans, and a child found
 * when the stack is full is marked but not pushed (gc_stack_overflow), so gc_collect_end rescans
 * the whole heap for marked blocks whose children it has not seen, as often as needed
 * (gc_deal_with_stack_overflow, 549-567): the same blocks end up marked, in about twice the time
 * (mark-stack.ts). On a board the firmware's own modules are in ROM, never marked; here the
 * board's library is in the heap and marked at each collection, and how deep that goes (63-89
 * entries on a Pico W's .py echo, session 24) depends on its objects' hash order: one name more
 * in a module's globals, or another script around the same echo, and every collection filled the
 * stack (docs/benchmarks.md, sessions 23-24).
 *
 * So before the build is compiled its two copies of the marking (gc_mark_subtree, and the same
 * inlined in gc_collect_end's rescan) get a stack of MARK_STACK_ENTRIES entries that the worker
 * allocates (worker.ts, giveMarkStack): each entry a block and its area side by side (8 bytes; a push writes both, a
 * pop reads both, as before), at the address and up to the count that two words of the state hold,
 * which were the old stack's first two entries and which no other code reads or writes
 * (giveMarkStack). Until they are set the count is 0: no child is pushed and the rescans mark
 * everything, as they do past 64 entries. Either way the collection marks exactly what py/gc.c
 * marks, every block reachable from the roots, whatever the stack's size; only how many rescans it
 * takes differs (gc-mark-stack.spec.ts compares the heaps after each collection).
 *
 * The code must be found as the pinned build compiled it (two pushes, two pops): another build
 * fails here rather than run with code in the wrong place.
 */
import { ulebBytes } from "../wasm-reader.ts";
import { type CodeEdit, codeSection, withCodeInserted } from "./wasm-code.ts";

/** The new stack's entries: ≈ 10× the library's deepest marking; 8 KiB a board. */
export const MARK_STACK_ENTRIES = 1024;
/** Bytes of the new stack: a block's index and its area's address per entry. */
export const MARK_STACK_BYTES = MARK_STACK_ENTRIES * 8;
/**
 * From MP_STATE_MEM(area) (py/mpstate.h v1.27.0, 32-bit: the area's 8 words, gc_stack_overflow):
 * the word that holds the new stack's address; the next one holds how many entries it may use.
 */
export const MARK_STACK_WORD = 8 * 4 + 4;

const LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22, BR_IF = 0x0d, I32_LOAD = 0x28, I32_STORE = 0x36, I32_CONST = 0x41;
const I32_EQZ = 0x45, I32_GT_U = 0x4b, I32_GE_U = 0x4f, I32_ADD = 0x6a, I32_SHL = 0x74, I32_SHR_U = 0x76;
/** mp_state_ctx's address as the build encodes it (a padded LEB128), and the two arrays' offsets from it (2-byte LEB128s). */
const STATE = 185108;
const STATE_BYTES = [0x94, 0xa6, 0x8b, 0x80, 0x00];
const BLOCKS = 420;
/** The two words' address in the pinned build: mp_state_ctx's mem.gc_block_stack[0] (STATE + BLOCKS). */
const WORDS = STATE + BLOCKS;
const BLOCKS_BYTES = [0xa4, 0x03], AREAS_BYTES = [0xa4, 0x05]; // 420 and 676
const OLD_OFFSETS = [BLOCKS_BYTES, AREAS_BYTES] as const;
/** The new offsets, padded to the old ones' 2 bytes: an entry's block, then its area. */
const NEW_BLOCK = [0x80, 0x00], NEW_AREA = [0x84, 0x00];
/** In a pattern: any local's index (the build's are all below 128: one byte), either array's offset, local.set or local.tee. */
const LOCAL = -1, OFFSET = -2, SET_OR_TEE = -3;

/**
 * The push (py/gc.c 505-513) in both copies: `if (sp < 64) { gc_area_stack[sp] = area;
 * gc_block_stack[sp] = ptr_block; sp += 1; } else overflow`, as `sp > 63 → overflow`, the state's
 * address + 4 sp, the area stored at 676 from it, the block (the pointer's offset / 16) at 420.
 */
const PUSH = [
  ...[LOCAL_GET, LOCAL, I32_CONST, 63, I32_GT_U, BR_IF, 0, I32_CONST, ...STATE_BYTES],
  ...[LOCAL_GET, LOCAL, I32_CONST, 2, I32_SHL, I32_ADD, LOCAL_TEE, LOCAL, LOCAL_GET, LOCAL, I32_STORE, 2, OFFSET, OFFSET],
  ...[LOCAL_GET, LOCAL, LOCAL_GET, LOCAL, I32_CONST, 4, I32_SHR_U, I32_STORE, 2, OFFSET, OFFSET],
];
/** The pop (517-526): `if (sp == 0) break; sp -= 1;` the state's address + 4 sp, the two arrays' entries read (in either order). */
const POP = [
  ...[LOCAL_GET, LOCAL, I32_EQZ, BR_IF, 0, I32_CONST, ...STATE_BYTES],
  ...[LOCAL_GET, LOCAL, I32_CONST, 0x7f, I32_ADD, LOCAL_TEE, LOCAL, I32_CONST, 2, I32_SHL, I32_ADD, LOCAL_TEE, LOCAL],
  ...[I32_LOAD, 2, OFFSET, OFFSET, SET_OR_TEE, LOCAL, LOCAL_GET, LOCAL, I32_LOAD, 2, OFFSET, OFFSET],
];

/** Where `pattern` lies in `bytes` at `at`: the positions of its two array offsets, else null. */
function matchAt(bytes: Uint8Array, at: number, pattern: readonly number[]): number[] | null {
  const offsets: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const [want, byte] = [pattern[i]!, bytes[at + i]!];
    if (want === OFFSET) {
      if (pattern[i - 1] === OFFSET) continue; // an offset's second byte
      if (!OLD_OFFSETS.some(([a, b]) => byte === a && bytes[at + i + 1] === b)) return null;
      offsets.push(at + i);
    } else if (want === LOCAL ? byte >= 0x80 : want === SET_OR_TEE ? byte !== LOCAL_SET && byte !== LOCAL_TEE : byte !== want) return null;
  }
  return offsets;
}

/** The wasm with py/gc.c's marking on the stack the worker gives it (mark-stack.ts); `wasm` is left as it is. */
export function withGcMarkStack(wasm: Uint8Array): Uint8Array {
  const code = codeSection(wasm);
  const bytes = Buffer.from(wasm.buffer, wasm.byteOffset, code.end);
  const anchor = Buffer.from([I32_CONST, ...STATE_BYTES]);
  const pushes: { at: number; offsets: number[] }[] = [];
  const pops: { at: number; offsets: number[] }[] = [];
  // Searched natively (Buffer's indexOf) for the state's address, then each pattern around it.
  for (let found = bytes.indexOf(anchor, code.start); found !== -1; found = bytes.indexOf(anchor, found + 1)) {
    const push = matchAt(bytes, found - 7, PUSH);
    if (push) pushes.push({ at: found - 7, offsets: push });
    const pop = matchAt(bytes, found - 5, POP);
    if (pop) pops.push({ at: found - 5, offsets: pop });
  }
  const sameArrays = [...pushes, ...pops].every(({ offsets }) => new Set(offsets.map((at) => bytes[at + 1])).size === 2);
  if (pushes.length !== 2 || pops.length !== 2 || !sameArrays) {
    throw new Error(`micropython.wasm: expected py/gc.c's mark stack pushed and popped twice each (found ${pushes.length} and ${pops.length}): not the pinned interpreter (1.27.0)?`);
  }
  const state = [I32_CONST, 0, I32_LOAD, 2, ...ulebBytes(WORDS)]; // the new stack's address, from the old stack's first word
  const edits: CodeEdit[] = [];
  const entries = (offsets: number[]) => offsets.map((at) => ({ at, bytes: bytes[at] === BLOCKS_BYTES[0] && bytes[at + 1] === BLOCKS_BYTES[1] ? NEW_BLOCK : NEW_AREA, remove: 2 }));
  for (const { at, offsets } of pushes) {
    // sp ≥ the limit (the old stack's second word) → overflow; the entry 8 bytes at sp * 8 from the new stack's address
    edits.push({ at: at + 2, bytes: [I32_CONST, 0, I32_LOAD, 2, ...ulebBytes(WORDS + 4), I32_GE_U], remove: 3 });
    edits.push({ at: at + 7, bytes: state, remove: 6 }, { at: at + 16, bytes: [3], remove: 1 }, ...entries(offsets));
  }
  for (const { at, offsets } of pops) edits.push({ at: at + 5, bytes: state, remove: 6 }, { at: at + 19, bytes: [3], remove: 1 }, ...entries(offsets));
  return withCodeInserted(wasm, edits);
}

/**
 * Gives the patched build's collector the stack of MARK_STACK_BYTES at `stack` (malloc'd, 8-aligned),
 * in `words` (the memory), before the interpreter runs any code: until then it has none (the rescans).
 * Its entries are written before they are read: left as malloc gave them.
 */
export function giveMarkStack(words: Int32Array, stack: number): void {
  if (words[WORDS >> 2] !== 0 || words[(WORDS >> 2) + 1] !== 0 || stack % 8 !== 0) throw new Error("MicroPython: py/gc.c's mark stack was given already");
  words[WORDS >> 2] = stack;
  words[(WORDS >> 2) + 1] = MARK_STACK_ENTRIES;
}
