/**
 * The realm the interpreter's JavaScript glue runs in, so that a script reaches nothing of Node.
 *
 * The webassembly port gives Python the glue's JavaScript: `import js` is its globalThis, `jsffi`
 * turns Python functions into JavaScript ones, every JavaScript object Python ever saw sits in a
 * table on globalThis (`proxy_js_ref`), and `uctypes` can forge a reference to any entry. Hiding
 * modules in sys.modules is no boundary. So the glue runs in a `node:vm` context of its own whose
 * global holds only ECMAScript's built-ins and what the glue needs, with code generation from
 * strings and WebAssembly compilation turned off: from anything Python reaches, `.constructor`
 * leads to that context's Function, which cannot compile code (EvalError), and there is no
 * `process`, `require` or `import()` to find.
 *
 * The rules this file keeps (docs/ARCHITECTURE.md, "Sandbox"):
 * - No object of the worker's own realm is ever handed into the context (its `.constructor` would
 *   be that realm's Function, which compiles code). Functions the context calls are wrapped by
 *   functions made INSIDE the context; the outer function stays in their closure.
 * - Outer functions take and return primitives only, and never throw into the context (an outer
 *   Error would reach Python): `guard` checks both and turns a failure into a TypeError made inside.
 * - The context's built-ins are frozen once the glue is loaded, and the global's names of them
 *   fixed, so Python cannot plant hooks the worker or V8 would call (`Error.prepareStackTrace`,
 *   `Promise.prototype.then`, the `buffer` getter of the WebAssembly memory).
 * - The worker never awaits a promise of the context once Python has run (`await` calls `then`).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import vm from "node:vm";
import type { MicroPython, MicroPythonOptions } from "@micropython/micropython-webassembly-pyscript";
import { RECORD_MAGIC } from "./c-held.ts";
import { snapshotMemory } from "./memory-snapshot.ts";
import type { HeldByC } from "./pinned-args.ts";

type Primitive = string | number | boolean | null | undefined;
/** A function the context may call: primitives in, a primitive (or nothing) out. */
export type OuterFunction = (...args: Primitive[]) => Primitive | void;

export interface WasmExports {
  memory: object;
  malloc(size: number): number;
  free(ptr: number): void;
  mp_sched_keyboard_interrupt(): void;
  proxy_c_to_js_lookup_attr(ref: number, attr: number, out: number): void;
  /** The C stack pointer (emscripten's; the C stack grows down) and the stack's base, its highest address. */
  emscripten_stack_get_current(): number;
  emscripten_stack_get_base(): number;
}

export interface RealmOptions {
  /** The interpreter's WebAssembly, compiled on the main thread (the context may not compile any). */
  wasm: WebAssembly.Module;
  /**
   * Called once every `invokesPerCall` counted invoke_* helpers of emscripten (nearly every C call
   * of the VM), while counting is on (countInvokes). Counted inside the context: a call out of it
   * for each helper cost more than the helper itself.
   */
  onInvokes(): void;
  invokesPerCall: number;
  /** At a safe point of the VM, with a collection asked for (watchCollections): collect now (collector.ts). */
  onSafePoint(): void;
  /** At the VM's branch, while counting, with the main thread's request set (watchAttention): poll now (attention.ts). */
  onAttention(): void;
  /** Whether the wasm memory may still grow. */
  mayGrowHeap(): boolean;
  /** One byte the interpreter wrote to stdout or stderr. */
  consoleByte(byte: number): void;
  /** sys.stdin's next byte (null: none, its end); null here: the glue's own stdin. */
  stdinByte: (() => number | null) | null;
  /** A message of the glue's own (console.error): an emscripten abort or warning. */
  glueMessage(text: string): void;
}

export interface SandboxedMicroPython {
  mp: MicroPython;
  exports: WasmExports;
  /** The wasm memory's current buffer (read through the getter captured before any Python ran). */
  buffer(): ArrayBuffer;
  /** Whether invoke_* helpers are counted now (off at the start); `restart`: the count starts again at 0. */
  countInvokes(on: boolean, restart?: boolean): void;
  /**
   * In a call from Python to JavaScript (a host call), the invoke_* calls below the innermost
   * (Python's call of the JavaScript function): null if one is a with block's __exit__ on its way
   * out, which holds the block's return value only in C; else the closures and classes among the
   * callees whose calls copy their arguments to a heap block only C holds, and the dir() calls
   * looking up a name, whose list only C holds, and whether a built-in below recorded its locals on
   * the C stack (c-held.ts; pinned-args.ts pins those blocks). None (an empty list) until
   * watchCollections (start-up: this file's code only).
   */
  heldByC(): HeldByC[] | null;
  /** The invoke_* calls in progress, outermost first: "index,arg1,arg2,arg3;" each (start-up probes). */
  invokeStack(): string;
  /** Start (true) or stop (false) a log of the counted invokes; stopping returns "index,arg1,..." (start-up probes). */
  logInvokes(on: boolean): string;
  /** Collect at the VM's safe points from now on: the addresses, table indexes and types collector.ts found. */
  watchCollections(found: SafePoints): void;
  /** From now on (after watchCollections) the VM's branches answer the main thread's request at this word's address (attention.ts). */
  watchAttention(request: number): void;
  /** Registers a JS module for Python whose functions are wrappers, made inside, of `functions`. */
  registerJsModule(name: string, functions: Record<string, OuterFunction>): void;
  /** Freezes the context's built-ins: call once the glue's setup is done, before untrusted Python runs. */
  lockdown(): void;
  /** A short text for what the context threw (a wasm trap's message, an error's name, else ""), read inside. */
  describe(error: unknown): string;
  /** The addresses of the library's copies of the function and closure types (_builtin_functions.py): still Python code to the collector. */
  builtinFunctionTypes(fun: number, closure: number): void;
  /**
   * The address of the library's copy of execfile (_flash.py run_source), under which a run's file
   * is compiled and run: collections run under it as under exec once the code runs (`safe`).
   */
  ownExecfile(address: number): void;
  /**
   * The interpreter as it is now: its memory and the glue's tables of the JavaScript objects
   * Python holds (proxy_js_ref ..., whose ids live in that memory). `restore()` brings both back.
   * Take it with no Python running and after the memory has stopped growing (the heap capped).
   * `held`: the [address, bytes] blocks malloc() holds, which no one writes (not read, not restored).
   */
  snapshot(held: readonly (readonly [address: number, bytes: number])[]): { restore(): void };
}

/** What the collector's probes found (collector.ts): byte addresses, values, table indexes, type addresses. */
export interface SafePoints {
  pendingFlag: number;
  /**
   * MP_STATE_MEM(gc_alloc_amount)'s address; gc_alloc_threshold's follows it, and
   * gc_auto_collect_enabled (a uint16_t, padded) precedes it (py/mpstate.h, v1.27.0 137-141).
   */
  allocAmount: number;
  schedState: number;
  idle: number;
  pending: number;
  handlePending: number;
  callN: number;
  call0: number;
  callMethod: number;
  /** mp_call_method_n_kw_var (py/runtime.c): the VM's f(*args, **kw) calls. */
  callVar: number;
  iterNext: number;
  funType: number;
  genType: number;
  /** A bound method's type (py/objboundmeth.c: its meth and self follow the type). */
  boundType: number;
  /** A closure's type (py/objclosure.c: its fun, n_closed and cells follow the type). */
  closureType: number;
  /** The type of classes (mp_type_type): a class called makes an instance (py/objtype.c). */
  typeType: number;
  exec: number;
  /** None's word (an immediate object). */
  none: number;
  /** The dir builtin (py/modbuiltins.c mp_builtin_dir_obj). */
  dir: number;
  /** mp_load_method_maybe as mp_load_method_protected calls it (py/runtime.c): dir()'s lookup of each name. */
  nameLookup: number;
  /** A list's type (py/objlist.c mp_type_list). */
  listType: number;
  /** The heap's first byte: a type at or above it is a class of Python code (the C types are static data, below it). */
  heapStart: number;
  /** The name `__class__` (a qstr), which every object has (py/runtime.c mp_load_method_maybe). */
  classQstr: number;
  /** The generator type's iternext (py/objgenerator.c gen_instance_iternext) as mp_iternext invokes it (py/runtime.c: it has an nlr_push). */
  genNext: number;
  /** The built-ins whose C functions record what they hold while they run a generator (c-held.ts): their objects' addresses. */
  recordedBuiltins: RecordedBuiltins;
  /** The iterators of C that call back into Python (realm.ts `iterating`). */
  iterators: IteratorTypes;
}

/**
 * zip, map, filter and enumerate (py/objzip.c, py/objmap.c, py/objfilter.c, py/objenumerate.c): each
 * type's address, and its iternext's table index, as mp_iternext invokes it (py/runtime.c v1.27.0
 * 1384-1391: it has an nlr_push, so each call it makes is an invoke_*).
 */
export interface IteratorTypes {
  zip: number;
  zipNext: number;
  map: number;
  mapNext: number;
  filter: number;
  filterNext: number;
  enumerate: number;
  enumerateNext: number;
}

/** The built-ins realm.ts `recorded` lets collect under them (c-held.ts), by their objects' addresses (a type's, a function's). */
export interface RecordedBuiltins {
  list: number;
  tuple: number;
  set: number;
  frozenset: number;
  dict: number;
  min: number;
  max: number;
  sorted: number;
  any: number;
  all: number;
  /** str.join (py/objstr.c str_join_obj). */
  join: number;
  /** The name `key` as an object (a qstr's word), a keyword argument of min, max and sorted. */
  keyName: number;
}

const GLUE_PACKAGE = "@micropython/micropython-webassembly-pyscript";

/**
 * The glue (an ES module) as a script for the context: an async function body returning
 * loadMicroPython. Each edit must match exactly as often as expected in the pinned version.
 */
function glueScript(): string {
  let source = readFileSync(createRequire(import.meta.url).resolve(GLUE_PACKAGE), "utf8");
  const edit = (pattern: RegExp, replacement: string, count: number) => {
    const found = source.match(pattern)?.length ?? 0;
    if (found !== count) throw new Error(`${GLUE_PACKAGE}: expected ${count} × ${pattern} in micropython.mjs, found ${found}`);
    source = source.replace(pattern, replacement);
  };
  edit(/export default _createMicroPythonModule;/g, "", 1);
  edit(/export async function loadMicroPython\(/g, "async function loadMicroPython(", 1);
  // No module URL in a script; the context has no `URL` either (the glue catches that).
  edit(/import\.meta\.url/g, '""', 4);
  // Dynamic import(): only in branches for Node, but an import() would reject with an Error of the
  // worker's realm, so none is left in the code.
  edit(/(?<![\w$.])import\(/g, "(void 0)(", 4);
  // Only the line-buffered console (not used) needs a TextDecoder; without one the glue decodes UTF-8 itself.
  edit(/Module\._textDecoder=new TextDecoder,/g, "", 1);
  // The pinned build has emscripten's ASSERTIONS on: its table lookup, run at each invoke_* helper
  // (nearly every C call of the VM), also read the table through wasmTable.get() to compare.
  edit(/assert\(wasmTable\.get\(funcPtr\)==func,"JavaScript-side Wasm function table mirror is out of date!"\),/g, "", 1);
  return `(async () => {\n${source}\nreturn loadMicroPython;\n})()`;
}

/**
 * The glue's invoke_* helpers (its `invoke_iii(index, a1, a2)`: save the C stack, call the table's
 * function, and on a longjmp, a number thrown, restore the stack and set the flag the C code reads),
 * written out once per signature with the invoke frame recorded around the call. They run around
 * nearly every C call of the VM: each its own function (its own type feedback), no spread, no
 * layer of the glue between them and the table. Up to 5 arguments of C (invoke_iiiiii); a helper's
 * first four are recorded (`safe`, `heldByC`), the ones it lacks as 0.
 */
function invokeHelpers(): string {
  const helpers = [];
  for (const result of ["v", "i"]) {
    for (let n = 0; n <= 5; n++) {
      const args = Array.from({ length: n }, (_, i) => `a${i + 1}`);
      const arg = (i: number) => (i <= n ? `a${i}` : "0");
      // As before: a helper of up to 2 arguments records its first only.
      const record = n <= 2 ? `frameArg1[at] = ${arg(1)};` : `frameArg1[at] = a1; frameArg2[at] = a2; frameArg3[at] = a3; frameArg4[at] = ${arg(4)};`;
      helpers.push(`invoke_${result}${"i".repeat(n)}: function (${["index", ...args].join(", ")}) {
      const at = depth;
      if (at < FRAMES) { frameFn[at] = index; ${record} }
      depth = at + 1;
      if (counting && (index === handlePending || --invokesLeft === 0 || flags[pendingFlag] !== 0 || counters[allocAmount] >= counters[allocAmount + 1])) counted(index, ${n > 0 ? "a1" : "void 0"}, at);
      const sp = stackSave();
      try {
        const result = (mirror[index] ?? tableEntry(index))(${args.join(", ")});
        depth = at;
        return result;
      } catch (e) {
        unwind(sp);
        if (e !== e + 0) throw e;
        setThrew(1, 0);
        // Also after a longjmp caught here; one that unwinds past this helper leaves depth to the
        // outer helper that catches it.
        depth = at;
      }
    },`);
    }
  }
  return helpers.join("\n    ");
}

/**
 * Made inside the context: the wrappers and the glue's environment. `failed` is what a guarded
 * outer function returns instead of throwing.
 */
const INSIDE = `"use strict";
(function inside(failed, hooks, wasmModule, invokesPerCall) {
  const wrap = (outer) => function () {
    const result = outer(...arguments);
    if (result === failed) throw new TypeError("invalid arguments");
    return result;
  };
  const onInvokes = wrap(hooks.onInvokes), mayGrowHeap = wrap(hooks.mayGrowHeap), consoleByte = wrap(hooks.consoleByte);
  const onSafePoint = wrap(hooks.onSafePoint), onAttention = wrap(hooks.onAttention);
  const stdinByte = hooks.stdinByte ? wrap(hooks.stdinByte) : null;
  const glueMessage = wrap(hooks.glueMessage);
  let exports = null;
  // The wasm's function table and stack functions (the glue's own helpers use them the same way).
  let table = null, stackSave = null, stackRestore = null, setThrew = null;
  const mirror = [];
  const tableEntry = (index) => (mirror[index] = table.get(index));
  let counting = false, invokesLeft = invokesPerCall;
  // A longjmp past C functions that recorded what they held (c-held.ts) leaves their records on the
  // C stack between the stack pointer it had (\`top\`) and the one restored (\`sp\`): their magic
  // words are cleared, else a later frame's unwritten words there would pin their objects.
  // The helpers' catch: the stack pointer back to \`sp\`, the records between cleared (its own function:
  // the helpers stay as small as they were, V8 inlines and optimises them per call site).
  const unwind = function (sp) {
    const top = stackSave();
    stackRestore(sp);
    if (gc !== null) for (let i = top >> 2; i < sp >> 2; i++) if (words[i] === ${RECORD_MAGIC}) words[i] = 0;
  };
  // The invoke_* calls in progress, innermost last: each one's table index (the C function called)
  // and its first four arguments (collector.ts reads them at a safe point). Typed arrays: no allocation.
  const FRAMES = 4096;
  let depth = 0;
  const frameFn = new Int32Array(FRAMES), frameArg1 = new Int32Array(FRAMES), frameArg2 = new Int32Array(FRAMES), frameArg3 = new Int32Array(FRAMES), frameArg4 = new Int32Array(FRAMES);
  // Collection at the VM's safe points (collector.ts), off until watchCollections(): no table
  // index is -1, and the flag read is of a byte that stays 0.
  let gc = null, words = null, halves = null, handlePending = -1, flags = new Uint8Array(1), pendingFlag = 0, ourPending = false;
  // The main thread's request word (a word index; 0: none yet), set while it wants the script (attention.ts).
  let attention = 0;
  // The interpreter's allocation count and threshold (unsigned), off until then: 0 < 1.
  let counters = Uint32Array.of(0, 0, 1), allocAmount = 1;
  // Start-up probes: the (index, first argument) of each counted invoke, while set.
  let log = null;
  // A counted invoke (only while the script's work is counted): the poll count, the safe point, the
  // collector's flag. The helper calls this only when one of them has work, having counted the
  // invoke already unless it is of mp_handle_pending.
  const counted = function (index, arg1, at) {
    if (index === handlePending) {
      // The main thread made the scheduler pending (attention.ts): Ctrl-C or a callback is due.
      // Polled before the call runs, so what the poll schedules runs in this very check (py/scheduler.c).
      if (attention !== 0 && words[attention] !== 0) onAttention();
      if (arg1 === 1 && atSafePoint(at)) return;
      --invokesLeft;
    }
    if (invokesLeft === 0) {
      if (log !== null) { log.push(index, arg1); invokesLeft = 1; return; }
      invokesLeft = invokesPerCall;
      onInvokes();
    }
    // The blocks allocated since the last collection reached the threshold: ask for one now, as
    // py/gc.c gc_alloc would only at the next allocation (v1.27.0 787-793), which may be the one that
    // needs the collection; it cannot collect and retry here (829-843), so \`b = bytearray(n)\` in a
    // loop ran out of heap in its third round. Not while the script disabled collections (gc.disable(),
    // 782), nor with nothing allocated (a threshold of 0 asks at every allocation, not at every call).
    const amount = counters[allocAmount];
    if (amount !== 0 && amount >= counters[allocAmount + 1] && (counters[allocAmount - 1] & 0xffff) !== 0) flags[pendingFlag] = 1;
    if (flags[pendingFlag] === 0) return;
    // dir(obj) between two names (py/modbuiltins.c mp_builtin_dir, v1.27.0 172-185): its C loop has
    // no branch of the VM, nor may the Python it calls for each name (a module's __getattr__), so
    // the heap filled inside it (MemoryError). C holds only its list there (pinned: heldByC).
    if (index === gc.nameLookup && at > 0 && callsDir(at - 1) && safe(at - 1)) onSafePoint();
    if (flags[pendingFlag] !== 0) askForSafePoint();
  };
  // mp_handle_pending(true) at a branch of the VM (py/vm.c pending_exception_check): collects if
  // asked and safe; true when the call was only this file's (not the script's work, not counted).
  const atSafePoint = function (at) {
    if (flags[pendingFlag] !== 0 && safe(at)) onSafePoint();
    if (!ourPending) return false;
    ourPending = false;
    return true;
  };
  // A collection is asked for: the VM calls mp_handle_pending at its next branch (scheduler idle only:
  // never over Ctrl-C or a callback). sched_state is an int16_t; sched_len and sched_idx share its
  // word (py/mpstate.h v1.27.0 239-251), so it is read alone: once a callback ran, sched_idx is not 0.
  const askForSafePoint = function () {
    if (halves[gc.schedState] === gc.idle) { halves[gc.schedState] = gc.pending; ourPending = true; }
  };
  const isType = (object, type) => (object & 3) === 0 && object > 0 && object < flags.length && words[object >> 2] === type;
  // The library's functions and closures carry copies of these two types, printed and looked up as
  // the firmware's built-in functions (_builtin_functions.py); called, they are the same Python code.
  let builtinFun = 0, builtinClosure = 0;
  // The library's copy of execfile (_flash.py run_source; -1: none yet). Its lexer reads a file of the
  // interpreter's own (no Python runs while C holds the lexer and the parse tree), then the code runs
  // as under exec: from there to the code's frame no invoke (collector.ts checks it of execfile). The
  // interpreter's own execfile stays a built-in that calls back: its file may be read by Python.
  let ownExecfile = -1;
  const isFun = (object) => isType(object, gc.funType) || (builtinFun !== 0 && isType(object, builtinFun));
  const isClosure = (object) => isType(object, gc.closureType) || (builtinClosure !== 0 && isType(object, builtinClosure));
  // A with block's __exit__ called with (None, None, None) (mp_call_method_n_kw's args at \`args\`,
  // a word index): on the way out by return or jump the VM holds the return value or jump target
  // only in a C local meanwhile (py/vm.c MP_BC_WITH_CLEANUP, v1.27.0 643-656). A plain exit looks
  // the same: neither collects.
  const isWithExit = (nArgs, nKw, args) => nArgs === 3 && nKw === 0 && words[args + 2] === gc.none && words[args + 3] === gc.none && words[args + 4] === gc.none;
  // The closure or class (0: none) whose call copies its arguments to a heap block only C refers
  // to, and frees with m_del when the callee returns, so that a collection meanwhile frees a block
  // that the m_del then frees again under its next owner: a closure whose cells and arguments do
  // not fit closure_call's C array of 5 (py/objclosure.c closure_call, v1.27.0 44-58), also as a
  // bound method's function; a class called with arguments, whose instance's __new__ and __init__
  // get them so (py/objtype.c mp_obj_instance_make_new, v1.27.0 322-326 and 353-358; a built-in
  // type's constructor may hold a C buffer as str()'s vstr does: pinned-args.ts refuses those). A
  // star call's count of arguments is not known before it unpacks them: any closure or class there (\`star\`).
  const argCopier = (callee, nArgs, nKw, star) => {
    if (isType(callee, gc.boundType)) { callee = words[(callee >> 2) + 1]; nArgs += 1; }
    if (isClosure(callee)) return star || words[(callee >> 2) + 2] + nArgs + 2 * nKw > 5 ? callee : 0;
    return isType(callee, gc.typeType) && (star || nArgs + nKw > 0) ? callee : 0;
  };
  // A Python function called with nArgs positional and nKw keyword arguments; or a bound method of
  // one (its arguments on the Python stack with MICROPY_ENABLE_PYSTACK, py/objboundmeth.c
  // mp_call_method_self_n_kw); or a closure of one that copies no arguments as above.
  const isPython = (callee, nArgs, nKw) =>
    isFun(callee) ||
    ((isType(callee, gc.boundType) || (isClosure(callee) && argCopier(callee, nArgs, nKw, false) === 0)) && isFun(words[(callee >> 2) + 1]));
  // A class's copy holds the words of the arguments its caller passed right after the class or the
  // instance (py/objtype.c v1.27.0 324-325, 355-357): \`n\` words at word index \`at\`, after a bound
  // method's self (py/objboundmeth.c mp_call_method_self_n_kw puts it first, v1.27.0 68), as "=word word...".
  const classArgs = (callee, at, n) => {
    let text = "=";
    if (isType(callee, gc.boundType)) text += words[(callee >> 2) + 2] + " ";
    for (let i = 0; i < n; i++) text += words[at + i] + " ";
    return text;
  };
  // The VM's call that invoke frame k (above the outermost) makes: mp_call_function_n_kw(fun,
  // n_args, n_kw, args), or mp_call_method_n_kw(n_args, n_kw, args) with args[0] the callee and
  // args[1] its self or NULL (py/runtime.c v1.27.0 725-729: the callee gets args + 2, or args + 1
  // with its self). The callee, its positional (a self counted) and keyword arguments' counts, and
  // the word index where the arguments it gets start; null: a with block's __exit__ (isWithExit);
  // undefined: neither call.
  const vmCall = (k) => {
    const fn = frameFn[k], arg = frameArg1[k];
    if (fn === gc.callN) return { callee: arg, nArgs: frameArg2[k], nKw: frameArg3[k], at: frameArg4[k] >> 2 };
    if (fn !== gc.callMethod) return undefined;
    const args = frameArg3[k] >> 2;
    if (isWithExit(arg, frameArg2[k], args)) return null;
    const self = words[args + 1] !== 0 ? 1 : 0;
    return { callee: words[args], nArgs: arg + self, nKw: frameArg2[k], at: args + 2 - self };
  };
  // Whether invoke frame k calls dir (plainly, as a method, or with *args: mp_call_method_n_kw_var's args[0]).
  const callsDir = (k) => {
    if (frameFn[k] === gc.callVar) return words[frameArg3[k] >> 2] === gc.dir;
    const call = vmCall(k);
    return call != null && call.callee === gc.dir;
  };
  // A built-in function or method (not Python code, a class, exec, the library's execfile or dir) that calls back into the
  // Python that makes the host call may hold what it has made so far in C alone: sorted()'s and
  // "".join()'s list (py/modbuiltins.c mp_builtin_sorted, py/objstr.c str_join build it from the
  // iterable), sum()'s, min()'s and max()'s running value (py/modbuiltins.c mp_builtin_sum,
  // min_max), a host call's collection freed them (the board then stopped with a memory access
  // out of bounds). Over a generator most of them record what they hold (\`recorded\`, c-held.ts),
  // checked first. A class's, a closure's and dir()'s are pinned instead (below); a generator's own
  // methods (send, throw: asyncio runs every task so, py/objgenerator.c) hold nothing but the
  // generator, which its caller holds.
  const heldInC = (callee, self) => {
    if (callee === gc.exec || callee === ownExecfile || callee === gc.dir || isType(callee, gc.typeType) || isType(self, gc.genType)) return false;
    if (isType(callee, gc.boundType)) callee = words[(callee >> 2) + 1];
    if (isClosure(callee)) callee = words[(callee >> 2) + 1];
    return !isFun(callee);
  };
  // A built-in called over a generator whose C functions record on the C stack what they hold
  // while they call back into Python (c-held.ts): list, tuple, set, frozenset, dict (py/objlist.c
  // list_extend_from_iter, py/objtuple.c, py/objset.c set_make_new, py/objdict.c dict_update),
  // str.join (py/objstr.c: list(g) first), min, max and sorted (py/modbuiltins.c min_max,
  // mp_builtin_sorted, py/objlist.c mp_quicksort) with no key or a key of Python code, any and all
  // (they hold nothing: py/modbuiltins.c mp_builtin_any). The frame above (k + 1, at or below
  // \`top\`) is then mp_iternext's invoke of that generator's iternext; for the last five also the Python a
  // key, an item's __lt__ or __bool__ runs, from C functions that hold nothing more (py/runtime.c
  // mp_binary_op, py/objtype.c instance_binary_op: the items, which the records hold). list, tuple,
  // set and dict call back no other way but an item's __hash__ or __eq__ (mp_map_lookup, whose
  // rehash holds the old table in C alone, py/map.c mp_map_rehash): those stay refused. Keyword
  // arguments other than key= are not called (default=, reverse=); a key of C might call back (not let through).
  // Over zip, map, filter or enumerate of generators too (\`iterating\`): mp_iternext's invoke of its
  // iternext above. The last frame the built-in's call covers (k, or the iterators' above it); -1: none.
  const recorded = (call, k, top) => {
    const b = gc.recorded, callee = call.callee, at = call.at;
    let gen = 0, more = false;
    if (callee === b.join || (isType(callee, gc.boundType) && words[(callee >> 2) + 1] === b.join)) {
      // "".join(g), str.join(s, g), or j(g) with j = s.join (a bound method: its self first, py/objboundmeth.c)
      const bound = callee !== b.join;
      if (call.nArgs + (bound ? 1 : 0) !== 2 || call.nKw !== 0) return -1;
      gen = words[bound ? at : at + 1];
    } else {
      if (call.nArgs !== 1) return -1;
      gen = words[at];
      if (callee === b.min || callee === b.max || callee === b.sorted) {
        for (let i = 0; i < call.nKw; i++) {
          const value = words[at + 2 + 2 * i];
          if (words[at + 1 + 2 * i] === b.keyName && value !== gc.none && !isPython(value, 1, 0)) return -1;
        }
        more = true;
      } else if (call.nKw !== 0) return -1;
      else if (callee === b.any || callee === b.all) more = true;
      else if (callee !== b.list && callee !== b.tuple && callee !== b.set && callee !== b.frozenset && callee !== b.dict) return -1;
    }
    if (iternextOf(gen) === -1) return -1;
    if (k + 1 < top && iternextOf(frameArg1[k + 1]) === frameFn[k + 1]) return frameArg1[k + 1] === gen ? iterating(gen, k + 1, top) : -1;
    return more ? k : -1;
  };
  // The table index of \`it\`'s iternext as mp_iternext invokes it if it is a generator or one of the
  // iterators below, else -1.
  const iternextOf = (it) => {
    const t = gc.iterators;
    if ((it & 3) !== 0 || it <= 0 || it >= flags.length) return -1;
    const type = words[it >> 2];
    return type === gc.genType ? gc.genNext : type === t.zip ? t.zipNext : type === t.map ? t.mapNext : type === t.filter ? t.filterNext : type === t.enumerate ? t.enumerateNext : -1;
  };
  // Frame k runs \`it\`'s iternext: the VM's for loop (mp_iternext_allow_raise), or mp_iternext's
  // invoke of it under a built-in (\`recorded\`) or an iterator below. A generator's runs its code
  // (py/objgenerator.c: the frames above are its calls, which the caller checks). zip, map, filter
  // and enumerate of C (py/objzip.c, py/objmap.c, py/objfilter.c, py/objenumerate.c v1.27.0) call
  // mp_iternext on the iterators they were made of, whose invoke is the frame above, and no other
  // Python but map's function (py/objmap.c 63) and filter's and mp_obj_is_true's (an instance's
  // __bool__ or __len__, py/objfilter.c 52-56): what they hold meanwhile is recorded on the C stack
  // (c-held.ts; enumerate holds only itself, its caller's). Python that runs right under one of them
  // (no such call above) is let through only if that is the function's, of Python code (\`isPython\`,
  // as the VM's calls), or filter's with no function: a function of C may call back holding more.
  // The last frame of the chain (k or above); -1 if it may not collect.
  const iterating = function (it, k, top) {
    const t = gc.iterators;
    for (let depth = 0; depth < 64; depth++) {
      if (iternextOf(it) === -1) return -1;
      const type = words[it >> 2], at = it >> 2;
      if (type === gc.genType) return k;
      // the iterators it reads: at \`first\`, \`n\` of them (py/objzip.c 33-37, objmap.c 32-37,
      // objfilter.c 31-35, objenumerate.c 34-38), and whether Python right under it may collect
      let first = at + 1, n = 1, direct = false;
      if (type === t.zip) {
        first = at + 2;
        n = words[at + 1];
      } else if (type === t.map) {
        first = at + 3;
        n = words[at + 1];
        direct = isPython(words[at + 2], n, 0);
      } else if (type === t.filter) {
        first = at + 2;
        direct = words[at + 1] === gc.none || isPython(words[at + 1], 1, 0);
      }
      if (k + 1 >= top) return direct ? k : -1;
      const reads = (object) => {
        for (let i = 0; i < n && i < 256 && first + i < words.length; i++) if (words[first + i] === object) return true;
        return false;
      };
      // The frame above is mp_iternext's: the invoke of one of its iterators' iternext, which must be
      // of a kind above (another's may hold more); or its call of a class instance's __next__
      // (py/runtime.c v1.27.0 1392-1398: mp_call_method_n_kw(0, 0, dest), whose invoke in the build is
      // mp_call_function_n_kw(dest[0], 1, 0, dest + 1), 725-729: the instance its one argument, which
      // the iterator holds), a call the caller checks as the VM's. Else Python right under it.
      if (frameFn[k + 1] === gc.callN && frameArg2[k + 1] === 1 && frameArg3[k + 1] === 0) {
        const self = words[frameArg4[k + 1] >> 2];
        if (isInstance(self) && reads(self)) return k;
      }
      const inner = frameArg1[k + 1];
      if (!reads(inner)) return direct && iternextOf(inner) !== frameFn[k + 1] ? k : -1;
      if (iternextOf(inner) !== frameFn[k + 1]) return -1;
      it = inner;
      k++;
    }
    return -1;
  };
  // At a host call or a safe point: null if an invoke below \`top\` is a with block's __exit__ as
  // above, else the argument copiers below it: a closure as "c<address>," (either closure type:
  // pinned-args.ts finds its block by its cells), a class as "address,", or called plainly as
  // "address=its argument words,"; and a dir() looking up a name (the frame above it, at or below
  // \`top\`: mp_builtin_dir's list holds the names before it) as "d<the name's qstr>,"; and "r," once
  // if a built-in or an iterator below recorded what it holds on the C stack (\`recorded\`,
  // \`iterating\`). null too under another built-in that calls back (heldInC), or a for loop's C
  // iterator that \`iterating\` does not let through. Weaker than \`safe\`: other C callers (import, a
  // for loop over a class's instance) are let through as before the VM's branches collected; the
  // frozen libraries' imports rely on collections there (_boardsim.py _import).
  // An instance of a class of Python code (its type in the heap): py/objtype.c instance_iternext
  // calls its __next__ holding nothing else.
  const isInstance = (object) => (object & 3) === 0 && object > 0 && object < flags.length && words[object >> 2] >= gc.heapStart && isType(words[object >> 2], gc.typeType);
  const heldByC = function (top) {
    if (top > FRAMES) return null;
    let found = "", records = false;
    for (let k = 1; k < top; k++) {
      // A for loop's iterator of C that calls back may hold what it has made so far in C alone:
      // zip's tuple, map's argument block (py/objzip.c v1.27.0 56-64, py/objmap.c 53-61): a host
      // call's collection under zip(g1(), g2()) freed the tuple with g1's item in it. A generator's
      // and a Python class's instance's hold nothing; zip's, map's and filter's record it (\`iterating\`).
      // Under another C caller of theirs (\`x in zip(...)\`, let through here as before) their records are pinned too.
      const fn = frameFn[k], t = gc.iterators;
      if (fn === t.zipNext || fn === t.mapNext || fn === t.filterNext) records = true;
      if (fn === gc.iterNext && !isInstance(frameArg1[k])) {
        const last = iterating(frameArg1[k], k, top);
        if (last === -1) return null;
        if (!isType(frameArg1[k], gc.genType)) records = true;
        k = last;
        continue;
      }
      if (k + 1 < FRAMES && frameFn[k + 1] === gc.nameLookup && callsDir(k)) found += "d" + frameArg2[k + 1] + ",";
      const call = vmCall(k);
      const last = call !== undefined && call !== null ? recorded(call, k, top) : -1;
      if (last !== -1) {
        records = true;
        k = last;
        continue;
      }
      if (call === null || (call !== undefined && heldInC(call.callee, frameFn[k] === gc.callMethod ? words[(frameArg3[k] >> 2) + 1] : 0))) return null;
      let copier = 0, args = "";
      if (call !== undefined) {
        copier = argCopier(call.callee, call.nArgs, call.nKw, false);
        if (copier !== 0 && isType(copier, gc.typeType)) args = classArgs(call.callee, call.at, call.nArgs + 2 * call.nKw);
      }
      // mp_call_method_n_kw_var(have_self, n_args_n_kw, args): the callee at args[0], its self next
      // if have_self (py/runtime.c v1.27.0 735-740), its arguments not known before it unpacks them.
      // A built-in that calls back holds the same there as called plainly: sorted(*lists, key=f)'s
      // list was freed under it (a NameError in f).
      else if (frameFn[k] === gc.callVar) {
        const callee = words[frameArg3[k] >> 2];
        if (heldInC(callee, frameArg1[k] !== 0 ? words[(frameArg3[k] >> 2) + 1] : 0)) return null;
        copier = argCopier(callee, 0, 0, true);
      }
      if (copier !== 0) found += (isClosure(copier) ? "c" : "") + copier + args + ",";
    }
    return records ? found + "r," : found;
  };
  // Whether every invoke below the safe point at \`top\` is a plain call of Python code, or a built-in
  // that records what it holds (\`recorded\`, with mp_iternext's invoke of its generator), or a for
  // loop's generator or iterator of C that records it (\`iterating\`): no C function in between holds
  // an object the collector cannot see (collector.ts).
  const safe = function (top) {
    if (top > FRAMES) return false;
    for (let k = 0; k < top; k++) {
      const fn = frameFn[k], arg = frameArg1[k];
      if (fn === gc.iterNext) {
        const last = iterating(arg, k, top);
        if (last === -1) return false;
        k = last;
        continue;
      }
      // The outermost: the top level's call of its module code (mp_js_do_exec: no arguments); above it, the VM's calls.
      const call = k > 0 ? vmCall(k) : fn === gc.call0 ? { callee: arg, nArgs: 0, nKw: 0 } : undefined;
      const last = k > 0 && call != null ? recorded(call, k, top) : -1;
      if (last !== -1) {
        k = last; // and mp_iternext's invokes of its iterators
        continue;
      }
      if (call == null || call.callee === 0 || !(call.callee === gc.exec || call.callee === ownExecfile || isPython(call.callee, call.nArgs, call.nKw))) return false;
    }
    return true;
  };
  const invokes = {
    ${invokeHelpers()}
  };
  // The glue's environment check: a worker (no fetch, no XMLHttpRequest; the wasm comes below).
  globalThis.WorkerGlobalScope = function WorkerGlobalScope() {};
  const say = function () { glueMessage(Array.prototype.join.call(arguments, " ")); };
  globalThis.console = { log: say, error: say, warn: say, info: say, debug: say };
  globalThis.crypto = { getRandomValues(array) { for (let i = 0; i < array.length; i++) array[i] = Math.random() * 0x100000000; return array; } };
  globalThis.fetch = function fetch() { return null; };
  // The glue instantiates its wasm through instantiateStreaming(fetch(...)): this takes the module
  // the main thread compiled and wraps two imports (see worker.ts).
  WebAssembly.instantiateStreaming = async function instantiateStreaming(_response, imports) {
    const env = imports.env;
    for (const name of Object.keys(env)) {
      if (name.startsWith("invoke_")) {
        if (!Object.hasOwn(invokes, name)) throw new Error("MicroPython: an invoke_ helper of an unexpected signature: " + name);
        env[name] = invokes[name];
      }
    }
    const resize = env.emscripten_resize_heap;
    env.emscripten_resize_heap = function (size) { return mayGrowHeap() === true ? resize(size) : 0; };
    const instance = await WebAssembly.instantiate(wasmModule, imports);
    exports = instance.exports;
    table = exports.__indirect_function_table;
    stackSave = exports.emscripten_stack_get_current;
    stackRestore = exports._emscripten_stack_restore;
    setThrew = exports.setThrew;
    return { instance };
  };
  const bufferOf = Object.getOwnPropertyDescriptor(WebAssembly.Memory.prototype, "buffer").get;
  const noArguments = Object.freeze([]); // not a new array at each call: buffer() runs at every data call
  // Copies of the glue's proxy tables (proxy_js_init) at the snapshot, held here where Python cannot reach them.
  let proxies = null;
  return {
    options(heapsize) {
      const sink = function (bytes) { consoleByte(bytes[0]); };
      const stdin = stdinByte ? { stdin: function () { return stdinByte(); } } : {};
      return { heapsize, linebuffer: false, stdout: sink, stderr: sink, ...stdin };
    },
    loaded() {
      delete globalThis.fetch;
      delete globalThis.loadMicroPython;
      return exports;
    },
    buffer() { return Reflect.apply(bufferOf, exports.memory, noArguments); },
    heldByC() { return gc === null ? "" : heldByC(depth - 1); },
    countInvokes(on, restart) {
      counting = on === true;
      if (restart === true) { invokesLeft = invokesPerCall; depth = 0; ourPending = false; }
    },
    invokeStack() {
      let text = "";
      for (let k = 0; k < depth && k < FRAMES; k++) text += frameFn[k] + "," + frameArg1[k] + "," + frameArg2[k] + "," + frameArg3[k] + ";";
      return text;
    },
    logInvokes(on) {
      if (on === true) { log = []; invokesLeft = 1; return ""; }
      const text = log === null ? "" : log.join(",");
      log = null;
      invokesLeft = invokesPerCall;
      return text;
    },
    watchCollections(pendingFlagAt, allocAmountAt, schedState, idle, pending, handlePendingIndex, callN, call0, callMethod, callVar, iterNext, funType, genType, boundType, closureType, typeType, exec, none, dir, nameLookup, heapStart, genNext, list, tuple, set, frozenset, dict, min, max, sorted, any, all, join, keyName, zip, zipNext, map, mapNext, filter, filterNext, enumerate, enumerateNext) {
      const buffer = Reflect.apply(bufferOf, exports.memory, []);
      flags = new Uint8Array(buffer);
      words = new Int32Array(buffer);
      halves = new Int16Array(buffer);
      counters = new Uint32Array(buffer);
      allocAmount = allocAmountAt >> 2;
      const recorded = { list, tuple, set, frozenset, dict, min, max, sorted, any, all, join, keyName };
      const iterators = { zip, zipNext, map, mapNext, filter, filterNext, enumerate, enumerateNext };
      gc = { schedState: schedState >> 1, idle, pending, callN, call0, callMethod, callVar, iterNext, funType, genType, boundType, closureType, typeType, exec, none, dir, nameLookup, heapStart, genNext, recorded, iterators };
      pendingFlag = pendingFlagAt;
      handlePending = handlePendingIndex;
    },
    watchAttention(request) {
      attention = request >> 2;
    },
    builtinFunctionTypes(fun, closure) {
      builtinFun = fun;
      builtinClosure = closure;
    },
    ownExecfile(address) {
      ownExecfile = address;
    },
    saveProxies() {
      proxies = { ref: proxy_js_ref.slice(), next: proxy_js_ref_next, refMap: new Map(proxy_js_ref_map), map: new Map(proxy_js_map), existing: proxy_js_existing.slice() };
    },
    restoreProxies() {
      globalThis.proxy_js_ref = proxies.ref.slice();
      globalThis.proxy_js_ref_next = proxies.next;
      globalThis.proxy_js_ref_map = new Map(proxies.refMap);
      globalThis.proxy_js_map = new Map(proxies.map);
      globalThis.proxy_js_existing = proxies.existing.slice();
    },
    describe(error) {
      try { return error instanceof WebAssembly.RuntimeError ? String(error.message) : error instanceof Error ? String(error.name) : ""; } catch { return ""; }
    },
    module(functions) {
      const module = Object.create(null);
      for (const name of Object.keys(functions)) module[name] = wrap(functions[name]);
      return Object.freeze(module);
    },
    lockdown(names) {
      const seen = new WeakSet();
      const harden = (value) => {
        if ((typeof value !== "object" && typeof value !== "function") || value === null || seen.has(value)) return;
        seen.add(value);
        Object.freeze(value);
        harden(Object.getPrototypeOf(value));
        for (const key of Reflect.ownKeys(value)) {
          const d = Object.getOwnPropertyDescriptor(value, key);
          if ("value" in d) harden(d.value);
          else { harden(d.get); harden(d.set); }
        }
      };
      Object.defineProperty(Error, "prepareStackTrace", { value: undefined, writable: false, configurable: false });
      for (const name of names) if (name !== "globalThis") harden(globalThis[name]);
    },
  };
})`;

const isPrimitive = (value: unknown): value is Primitive => value === null || (typeof value !== "object" && typeof value !== "function");

export async function loadSandboxedMicroPython(heapsize: number, options: RealmOptions): Promise<SandboxedMicroPython> {
  const FAILED = Symbol("failed");
  /** An outer function as the context may call it: primitives only, failures as FAILED, never a throw. */
  const guard =
    (fn: OuterFunction) =>
    (...args: unknown[]): unknown => {
      try {
        if (!args.every(isPrimitive)) return FAILED;
        const result = fn(...args);
        return isPrimitive(result) ? result : undefined;
      } catch {
        return FAILED;
      }
    };
  const sandbox = Object.create(null) as object;
  const context = vm.createContext(sandbox, { name: "micropython", codeGeneration: { strings: false, wasm: false } });
  /** The built-ins, by the names the context's global starts with. */
  const builtins = vm.runInContext("Object.getOwnPropertyNames(globalThis)", context) as string[];
  const hooks = Object.create(null) as Record<string, unknown>;
  hooks.onInvokes = guard(() => options.onInvokes());
  hooks.onSafePoint = guard(() => options.onSafePoint());
  hooks.onAttention = guard(() => options.onAttention());
  hooks.mayGrowHeap = guard(() => options.mayGrowHeap());
  hooks.consoleByte = guard((byte) => {
    if (typeof byte === "number") options.consoleByte(byte);
  });
  hooks.glueMessage = guard((text) => options.glueMessage(String(text)));
  const { stdinByte } = options;
  hooks.stdinByte = stdinByte ? guard(() => stdinByte()) : null;
  // Called once, with outer arguments: the hooks object is read by the context only while this
  // function runs (it keeps the wrapped functions, not the object).
  const inside = (vm.runInContext(INSIDE, context) as (failed: symbol, hooks: object, wasm: WebAssembly.Module, invokesPerCall: number) => Inside)(
    FAILED,
    hooks,
    options.wasm,
    options.invokesPerCall,
  );
  const loadMicroPython = (await (vm.runInContext(glueScript(), context, { filename: "micropython.mjs" }) as Promise<unknown>)) as (
    options: MicroPythonOptions,
  ) => Promise<MicroPython>;
  const mp = await loadMicroPython(inside.options(heapsize));
  const exports = inside.loaded();
  return {
    mp,
    exports,
    buffer: () => inside.buffer(),
    countInvokes: (on, restart = false) => inside.countInvokes(on, restart),
    heldByC: () => {
      const found = inside.heldByC();
      if (typeof found !== "string") return null;
      return found
        .split(",")
        .filter(Boolean)
        .map((entry): HeldByC => {
          if (entry === "r") return { records: true };
          if (entry.startsWith("d")) return { dirName: Number(entry.slice(1)) };
          if (entry.startsWith("c")) return { closure: Number(entry.slice(1)) };
          const [cls, args] = entry.split("=");
          return { cls: Number(cls), args: args === undefined ? null : args.split(" ").filter(Boolean).map(Number) };
        });
    },
    invokeStack: () => String(inside.invokeStack()),
    logInvokes: (on) => String(inside.logInvokes(on)),
    watchCollections: (f) =>
      inside.watchCollections(
        ...[f.pendingFlag, f.allocAmount, f.schedState, f.idle, f.pending, f.handlePending, f.callN, f.call0, f.callMethod, f.callVar, f.iterNext, f.funType, f.genType],
        ...[f.boundType, f.closureType, f.typeType, f.exec, f.none, f.dir, f.nameLookup, f.heapStart, f.genNext],
        ...(["list", "tuple", "set", "frozenset", "dict", "min", "max", "sorted", "any", "all", "join", "keyName"] as const).map((name) => f.recordedBuiltins[name]),
        ...(["zip", "zipNext", "map", "mapNext", "filter", "filterNext", "enumerate", "enumerateNext"] as const).map((name) => f.iterators[name]),
      ),
    watchAttention: (request) => inside.watchAttention(request),
    builtinFunctionTypes: (fun, closure) => inside.builtinFunctionTypes(fun, closure),
    ownExecfile: (address) => inside.ownExecfile(address),
    describe: (error) => {
      const text = inside.describe(error);
      return typeof text === "string" ? text.slice(0, 200) : "";
    },
    snapshot: (held) => {
      const memory = snapshotMemory(() => inside.buffer(), held);
      inside.saveProxies();
      return {
        restore: () => {
          memory.restore();
          inside.restoreProxies();
        },
      };
    },
    registerJsModule: (name, functions) => {
      const guarded = Object.create(null) as Record<string, unknown>;
      for (const [key, fn] of Object.entries(functions)) guarded[key] = guard(fn);
      mp.registerJsModule(name, inside.module(guarded));
    },
    lockdown: () => {
      inside.lockdown(builtins);
      // The global's names of the built-ins stay bound to them (V8 reads globalThis.Error.prepareStackTrace).
      for (const name of builtins.filter((n) => n !== "globalThis")) {
        const descriptor = Object.getOwnPropertyDescriptor(sandbox, name);
        if (descriptor?.configurable === false) continue;
        Object.defineProperty(sandbox, name, { value: vm.runInContext(`globalThis[${JSON.stringify(name)}]`, context), writable: false, configurable: false });
      }
    },
  };
}

interface Inside {
  options(heapsize: number): MicroPythonOptions;
  loaded(): WasmExports;
  buffer(): ArrayBuffer;
  countInvokes(on: boolean, restart: boolean): void;
  heldByC(): unknown;
  invokeStack(): unknown;
  logInvokes(on: boolean): unknown;
  watchCollections(...found: number[]): void;
  watchAttention(request: number): void;
  describe(error: unknown): unknown;
  builtinFunctionTypes(fun: number, closure: number): void;
  ownExecfile(address: number): void;
  saveProxies(): void;
  restoreProxies(): void;
  module(functions: Record<string, unknown>): object;
  lockdown(names: string[]): void;
}
