/**
 * Garbage collection at the VM's own safe points, as a board's collector runs when its heap fills
 * (py/gc.c gc_alloc: collect, then retry).
 *
 * The webassembly port cannot scan the WebAssembly stack, so its gc_collect() only sets
 * `gc_collect_pending`, and the collection runs when the outermost call from JavaScript returns
 * (ports/webassembly/main.c, v1.27.0). The worker collects at host calls (worker.ts); this adds the
 * VM's branches: when the flag is set while the script runs, the scheduler's state is set to
 * pending, so at its next jump the VM calls mp_handle_pending(true) (py/vm.c 1341-1372; with no
 * exception and no callback pending that only sets the state back to idle, py/scheduler.c). That
 * call arrives as an invoke_* helper (realm.ts), at a bytecode boundary: the running frame's values
 * are all on the Python stack, which the collector scans (py/gc.c 408-412, MICROPY_ENABLE_PYSTACK).
 * It collects there only if every invoke_* call in progress below is a plain call of Python code
 * (realm.ts `safe`): the C functions between them (mp_call_function_n_kw → fun_bc_call →
 * mp_execute_bytecode, through bound_meth_call or a small closure_call; mp_iternext →
 * mp_obj_gen_resume; exec's code_execute) hold no object only they refer to, where a C builtin
 * calling back into Python may (bytes(map(...)), a class's make_new with its argument block,
 * f(*args)). There the collection waits for the next safe point or host call. list(), tuple(),
 * set(), dict(), min(), max(), sorted(), any(), all() and "".join() over a generator record what
 * they hold on the C stack (c-held.ts) and collect (realm.ts `recorded`), as do zip(), map(),
 * filter() and enumerate() over generators, in a for loop or under those built-ins (realm.ts
 * `iterating`). dir(obj) is one more: between two names its C loop holds only its list, which is
 * pinned (realm.ts `counted`, pinned-args.ts); the Python it calls for each name (a module's
 * __getattr__) may have no branch, and so the heap filled inside it.
 *
 * The port's fixed threshold (16 KiB, ports/webassembly/main.c mp_js_init) is replaced by half the
 * heap left free after each collection (in runs of 16 blocks or more, THRESHOLD_RUN), so that
 * collections are rare but leave room for what the script allocates before its next safe point; a threshold the script sets (gc.threshold(n)) is
 * honoured when lower. The script sees the firmware's gc.threshold(): -1 until it sets one (py/gc.c
 * gc_init, py/modgc.c).
 *
 * Every address and table index is found by a probe at start-up (the engine version is pinned):
 * a probe that finds no unique answer stops the worker.
 */
import type { MicroPython } from "@micropython/micropython-webassembly-pyscript";
import { AREA_NEXT, AREA_POOL, AREA_TABLE, AREA_TABLE_BYTES, BLOCK, BLOCKS_PER_ATB, areasOf } from "./gc-heap.ts";
import { type CollectionCounts, markStackGuard, type MarkStackGuard } from "./mark-stack.ts";
import { type ArgPins, argPins, qstrObject } from "./pinned-args.ts";
import type { SafePoints, SandboxedMicroPython, WasmExports } from "./realm.ts";
import { SCHED_IDLE, SCHED_PENDING } from "./sched-queue.ts";

/** The least threshold set after a collection, in bytes: below it collections would run every few allocations. */
const LEAST_THRESHOLD = 1024;
/**
 * Less free heap than this after a collection: every allocation asks for the next (threshold 0).
 * A failed allocation cannot collect and retry here, so where the script frees much of a full heap
 * (a hoard let go after MemoryError), the next safe point must collect before it allocates again.
 */
const LOW_FREE = 4096;
/**
 * The threshold counts only free blocks in runs of at least this many (256 bytes). A failed
 * allocation cannot collect and retry here (py/gc.c gc_alloc, v1.27.0 829-843, does on the board),
 * so the threshold must ask for a collection before the runs a larger object needs are used up:
 * counting the small holes too, on a 2/3-full ESP8266 heap whose free blocks lay half in holes too
 * small for it, a bytes object grown to 23 blocks found no room before the next safe point
 * (docs/benchmarks.md, session 17). Small objects still fit those holes: they make collections come sooner.
 */
const THRESHOLD_RUN = 16;
/** checkGrowth() reads the allocation table once every polls per this many bytes of threshold. */
const GROWTH_CHECK_BYTES = 16 * 1024;
/** The file the probe's execfile runs, in the interpreter's own files (removed after). */
const EXECFILE_PROBE = "/_probe.py";

export interface Collector {
  /** Whether the interpreter asked for a collection (gc_collect_pending). */
  asked(): boolean;
  /** After a collection: the threshold from the heap left free (and the script's own). */
  retune(): void;
  /**
   * Asks for a collection (at the next safe point) when the heap lost the threshold's worth of free
   * blocks since the last collection, counting what the interpreter's count misses (blocks grown in place).
   */
  checkGrowth(): void;
  /**
   * gc.threshold(n) of the script, in bytes (-1: none), as py/modgc.c stored it; true when the heap
   * allocated since the last collection already passes it (a collection is asked for then).
   */
  setScriptThreshold(bytes: number): boolean;
  /** The heap's free bytes, as py/gc.c gc_info() counts them (gc.mem_free() without the port's growth allowance). */
  freeBytes(): number;
  /** The heap's free bytes and its longest run of free blocks in bytes (the largest object that fits: py/gc.c gc_alloc's first fit finds a run at least as long), in one pass. */
  freeAndLargest(): { free: number; largest: number };
  /** After a soft reset (the memory as at the snapshot): no threshold of the script's, the interpreter's from the heap now. */
  reset(): void;
  /** From now on the VM's safe points collect (call once the heap is capped: the memory no longer grows). */
  watch(): void;
  /** The argument blocks C alone holds under a host call, pinned for its collections (pinned-args.ts). */
  pins: ArgPins;
  /** Around each collection: counts those that filled py/gc.c's mark stack (mark-stack.ts). */
  markStack: MarkStackGuard;
  /** MP_STATE_THREAD(dict_locals)'s address: the collector's first root (library-first.ts). */
  dictLocals: number;
  /** MP_STATE_MEM(area)'s address: the heap's first area (memory-report.ts). */
  firstArea: number;
  /** MP_STATE_MEM(gc_last_free_area)'s address: the area where py/gc.c gc_alloc's search starts (gc-heap.ts freeObject). */
  lastFreeArea: number;
  /** MP_STATE_VM(sched_state)'s address (an int16_t, py/mpstate.h) and None's word, for the scheduler's queue (sched-queue.ts). */
  schedState: number;
  none: number;
}

interface Env {
  mp: MicroPython;
  wasm: WasmExports;
  sandboxed: SandboxedMicroPython;
  /** external_call_depth's address (worker.ts findCallDepth): the words searched here lie near it. */
  callDepthAddress: number;
  /** Where the collections are counted (mark-stack.ts). */
  counts: CollectionCounts;
}

/**
 * The static data searched, in bytes either side of external_call_depth: the interpreter's state
 * (mp_state_ctx) and ports/webassembly/main.c's statics lie within 2 KiB of it in the pinned build.
 * A window, not all static data (300 KB): each search runs once per board, in cold code.
 */
const WINDOW = 16 * 1024;

/** The one candidate a probe found, or a start-up failure naming it. */
function unique(what: string, found: number[]): number {
  if (found.length !== 1) throw new Error(`MicroPython: cannot find ${what} (${found.length} candidates)`);
  return found[0]!;
}

export function findCollector(env: Env): Collector {
  const { mp, wasm, sandboxed } = env;
  const lo = Math.max(0, env.callDepthAddress - WINDOW);
  /** A copy of the window: word i is at lo + 4 i. */
  const staticData = () => new Int32Array(sandboxed.buffer(), lo, (2 * WINDOW) >> 2).slice();
  // Views of the memory made again only once it grew (the shared memory's buffer is then a new
  // one), not at each host call and poll that reads the flag or the count: they were part of the
  // worker's JavaScript garbage per data call (docs/benchmarks.md, session 21).
  let wordView = new Int32Array();
  const words = () => {
    const buffer = sandboxed.buffer();
    return wordView.buffer === buffer ? wordView : (wordView = new Int32Array(buffer));
  };
  const snaps: Int32Array[] = [];
  /**
   * The invoke_* calls in progress at each stack probe, outermost first: the table index, the first
   * argument, and the words the first and third arguments point to (an object's type; a method
   * call's args[0]), read then.
   */
  const stacks: { fn: number; arg1: number; arg2: number; type: number; args0: number }[][] = [];
  const logs: string[] = [];
  /** Static data while exec() runs code under a globals and a locals dict, with their id()s. */
  const rootSnaps: { data: Int32Array; globals: number; locals: number }[] = [];
  /**
   * Objects the probe's generator passes by id() (an object's address in MicroPython), with their
   * first three words then (the type first) and the type of what the second points to.
   */
  const objects: { id: number; words: number[]; secondType: number }[] = [];
  // The probes' functions do nothing once the probes ran (the module is gone from sys.modules by then).
  let probing = true;
  const probe =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A) =>
      probing ? fn(...args) : undefined;
  sandboxed.registerJsModule("_boardsim_probe", {
    snap: probe(() => void snaps.push(staticData())),
    stack: probe((...ids) => {
      const memory = words();
      for (const id of ids) {
        const first = Array.from(memory.subarray(Number(id) >> 2, (Number(id) >> 2) + 3));
        objects.push({ id: Number(id), words: first, secondType: memory[first[1]! >> 2]! });
      }
      const frames = sandboxed.invokeStack().split(";").filter(Boolean);
      stacks.push(
        frames.map((frame) => {
          const [fn, arg1, arg2, arg3] = frame.split(",").map(Number) as [number, number, number, number];
          return { fn, arg1, arg2, type: memory[arg1 >> 2]!, args0: memory[arg3 >> 2]! };
        }),
      );
    }),
    log: probe((on) => {
      if (on === true) {
        sandboxed.countInvokes(true);
        sandboxed.logInvokes(true);
      } else {
        logs.push(sandboxed.logInvokes(false));
        sandboxed.countInvokes(false);
      }
    }),
    pend: probe((on) => {
      if (on === true) words()[schedState >> 2] = SCHED_PENDING;
    }),
    roots: probe((globals, locals) => void rootSnaps.push({ data: staticData(), globals: Number(globals), locals: Number(locals) })),
  });
  const run = (code: string) => mp.runPython(`import _boardsim_probe as _p\n${code}`);

  // The scheduler's state: the word mp_sched_keyboard_interrupt() turns from idle to pending
  // (py/scheduler.c mp_sched_exception); every word it changed is put back.
  const before = staticData();
  wasm.mp_sched_keyboard_interrupt();
  const after = staticData();
  const memory = words();
  const schedFound = [];
  for (let i = 0; i < before.length; i++) {
    if (before[i] === after[i]) continue;
    if (before[i] === SCHED_IDLE && after[i] === SCHED_PENDING) schedFound.push(lo + i * 4);
    memory[(lo >> 2) + i] = before[i]!;
  }
  const schedState = unique("the scheduler's state", schedFound);

  // One run for the next four probes (each run costs the start-up time).
  // gc_collect_pending: the byte gc.collect() sets (the port's gc_collect) and the top level's
  // return clears. MP_STATE_MEM(gc_alloc_threshold): the word gc.threshold(n) sets to n / 16
  // (py/modgc.c). The table indexes of the calls a safe point may sit under, and the types of
  // their callees: see `plain`, `viaExec`, `star` and `dirName` below.
  mp.FS.writeFile(EXECFILE_PROBE, "_p.stack(id(execfile))\n");
  run(
    [
      "import gc",
      "_p.snap()",
      "gc.collect()",
      "_p.snap()",
      "gc.threshold(4093 * 16)",
      "_p.snap()",
      "gc.threshold(8191 * 16)",
      "_p.snap()",
      "gc.threshold(16384)",
      "def _f(g):\n    for _ in g:\n        pass",
      "def _g():\n    _p.stack(id(_C.m), id(_f), id(_gen), id(_bm), id(_C.n), id(_cl), id(None))\n    yield",
      "class _C:\n    def m(self, g):\n        _bm(g)\n    def n(self, g):\n        _cl(g)",
      "def _closure(f):\n    def c(g):\n        f(g)\n    return c",
      "_cl = _closure(_f)",
      "_bm = _C().n",
      "_gen = _g()",
      "_C().m(_gen)",
      "exec('_p.stack()', {'_p': _p})",
      "def _s(*a):\n    _p.stack(id(_C), id(_s))",
      "_s(*())",
      "import __main__",
      "_L = []",
      "def __getattr__(n):\n    _p.stack(id(__main__), id(n), id(dir), id(_L), id('__class__'))\n    raise KeyError",
      "try:\n    dir(__main__)\nexcept KeyError:\n    pass",
      `execfile(${JSON.stringify(EXECFILE_PROBE)}, {'_p': _p})`,
      "def _h():\n    _p.stack(id(tuple), id(set), id(frozenset), id(dict), id(min), id(max), id(sorted), id(any), id(all), id(''.join), id('key'), id(zip), id(map), id(filter), id(enumerate))\n    yield",
      "_h = _h()",
      "list(_h)",
      "_p.stack(id(_h))",
      "_r = ({'_p': _p}, {}, {'_p': _p}, {})",
      "for _i in (0, 2):\n    exec('_p.roots(id(globals()), id(locals()))', _r[_i], _r[_i + 1])",
      "del gc, _f, _g, _C, _closure, _cl, _bm, _gen, _s, __main__, _L, __getattr__, _r, _i, _h",
    ].join("\n"),
  );
  mp.FS.unlink(EXECFILE_PROBE);
  snaps.push(staticData());
  const [w0, w1] = snaps;
  const [s0, s1, , s3, s4] = snaps.map((s) => new Uint8Array(s.buffer));
  const flagFound = [];
  for (let i = 0; i < w0!.length; i++) {
    if (w0![i] === w1![i]) continue; // words first: this runs in cold code
    for (let b = i * 4; b < i * 4 + 4; b++) if (s0![b] === 0 && s1![b] === 1 && s3![b] === 1 && s4![b] === 0) flagFound.push(lo + b);
  }
  const pendingFlag = unique("the collector's pending flag", flagFound);
  const thresholdFound = [];
  for (let i = 0; i < snaps[2]!.length; i++) if (snaps[2]![i] === 4093 && snaps[3]![i] === 8191) thresholdFound.push(lo + i * 4);
  const thresholdAddress = unique("the collector's threshold", thresholdFound);
  // MP_STATE_MEM(gc_alloc_amount): the blocks allocated since the last collection, the word before
  // the threshold (py/mpstate.h v1.27.0 140-141, both size_t).
  const amountAddress = thresholdAddress - 4;

  // The heap's first area (MP_STATE_MEM(area), py/mpstate.h mp_state_mem_area_t): next, the
  // allocation table's start and length, the finaliser table's start, the pool's start and end:
  // the pool holds 64 bytes for each byte of the table.
  const data = staticData();
  const areaFound = [];
  for (let i = 0; i + 5 < data.length; i++) {
    const length = data[i + 2]!;
    if (length > 0 && data[i + 1]! > 0 && data[i + 5]! - data[i + 4]! === length * BLOCKS_PER_ATB * BLOCK && data[i + 4]! > data[i + 1]!) areaFound.push(lo + i * 4);
  }
  const firstArea = unique("the heap's first area", areaFound);
  // MP_STATE_MEM(gc_last_free_area): the word after the threshold (py/mpstate.h v1.27.0 144-150,
  // MICROPY_GC_SPLIT_HEAP), which names one of the areas.
  const lastFreeArea = thresholdAddress + 4;
  if (!areasOf(words(), firstArea).includes(words()[lastFreeArea >> 2]!)) throw new Error("MicroPython: cannot find the collector's last free area");

  // MP_STATE_THREAD(dict_locals): the word that holds exec()'s locals dict while its code runs, and
  // the next one its globals (mp_state_thread_t's root pointers start with the two, py/mpstate.h
  // v1.27.0; py/builtinevex.c sets both).
  const [r0, r1] = rootSnaps;
  const localsFound = [];
  for (let i = 0; i + 1 < r0!.data.length; i++) {
    if (r0!.data[i] === r0!.locals && r1!.data[i] === r1!.locals && r0!.data[i + 1] === r0!.globals && r1!.data[i + 1] === r1!.globals) localsFound.push(lo + i * 4);
  }
  const dictLocals = unique("the interpreter's locals dict", localsFound);

  // A type's iternext (the table index its iter slot holds with MP_TYPE_FLAG_ITER_IS_ITERNEXT, py/obj.h
  // v1.27.0 574): mp_obj_type_t is the base, flags and name (uint16_t each), 12 slot indexes (uint8_t,
  // 1-based; slot_index_iter the 8th, at byte 15) and the slots from byte 20 (638-716); -1: none.
  const iternextOf = (type: number) => {
    const bytes = new Uint8Array(sandboxed.buffer());
    const typeFlags = bytes[type + 4]! | (bytes[type + 5]! << 8), slot = bytes[type + 15]!;
    return (typeFlags & 0x180) === 0x80 && slot > 0 ? words()[(type + 20 + 4 * (slot - 1)) >> 2]! : -1;
  };
  const [plain, viaExec, star, dirName, viaExecfile, underList] = stacks;
  // plain: the module's call (mp_js_do_exec: mp_call_function_0), _C().m (CALL_METHOD), the bound
  // method _bm (CALL_FUNCTION), the closure _cl (CALL_FUNCTION), _f (CALL_FUNCTION), the for loop's
  // FOR_ITER (mp_iternext_allow_raise), _p.stack (CALL_METHOD). viaExec: the module's call, exec
  // (CALL_FUNCTION: from there to the code's frame no invoke, py/builtinevex.c), _p.stack. star:
  // the module's call, _s(*()) (CALL_FUNCTION_VAR_KW: mp_call_method_n_kw_var, py/vm.c), _p.stack.
  // dirName: the module's call, dir(__main__) (CALL_FUNCTION), its lookup of the first name
  // (py/modbuiltins.c mp_builtin_dir → py/runtime.c mp_load_method_protected's mp_load_method_maybe(obj,
  // qstr, dest)), which calls the module's __getattr__ (py/objmodule.c module_attr), _p.stack.
  // viaExecfile: as viaExec, the file's code run by execfile (py/builtinevex.c eval_exec_helper →
  // py/runtime.c mp_parse_compile_execute: no invoke either), which the library's copy of it runs
  // the script with (realm.ts ownExecfile).
  // underList: the module's call, list(_h) (CALL_FUNCTION, py/objlist.c list_extend_from_iter →
  // py/runtime.c mp_iternext), mp_iternext's invoke of the generator's iternext, _p.stack.
  if (plain?.length !== 7 || viaExec?.length !== 3 || star?.length !== 3 || dirName?.length !== 4 || viaExecfile?.length !== 3 || underList?.length !== 4) {
    throw new Error("MicroPython: unexpected invoke stacks at the collector's probe");
  }
  const [method, f, gen, bound, n, closure, none, cls, starred, main, name, dir, list, classAttr, execfile, ...more] = objects;
  const [tuple, set, frozenset, dict, min, max, sorted, any, all, join, key, zipType, mapType, filterType, enumerateType, underListGen] = more;
  if (!execfile || !underListGen) throw new Error("MicroPython: unexpected objects at the collector's probe");
  const found: SafePoints = {
    pendingFlag,
    allocAmount: amountAddress,
    schedState,
    idle: SCHED_IDLE,
    pending: SCHED_PENDING,
    handlePending: -1,
    call0: plain[0]!.fn,
    callMethod: plain[1]!.fn,
    callN: plain[4]!.fn,
    callVar: star[1]!.fn,
    iterNext: plain[5]!.fn,
    funType: f!.words[0]!,
    genType: gen!.words[0]!,
    boundType: bound!.words[0]!,
    closureType: closure.words[0]!,
    typeType: cls!.words[0]!,
    exec: viaExec[1]!.arg1,
    none: none.id, // id() of an immediate object is its word (py/obj.c mp_obj_id)
    dir: dir!.id,
    nameLookup: dirName[2]!.fn,
    listType: list!.words[0]!,
    heapStart: words()[(firstArea >> 2) + AREA_POOL]!,
    classQstr: classAttr.id >> 3,
    genNext: underList[2]!.fn,
    recordedBuiltins: {
      list: list!.words[0]!,
      ...{ tuple: tuple!.id, set: set!.id, frozenset: frozenset!.id, dict: dict!.id, min: min!.id, max: max!.id, sorted: sorted!.id, any: any!.id, all: all!.id },
      join: join!.words[1]!, // ''.join: a bound method (py/objboundmeth.c: its meth after the type)
      keyName: key!.id,
    },
    iterators: {
      ...{ zip: zipType!.id, zipNext: iternextOf(zipType!.id), map: mapType!.id, mapNext: iternextOf(mapType!.id) },
      ...{ filter: filterType!.id, filterNext: iternextOf(filterType!.id), enumerate: enumerateType!.id, enumerateNext: iternextOf(enumerateType!.id) },
    },
  };
  const checks = [
    plain[6]!.fn === found.callMethod,
    plain[1]!.args0 === method!.id && plain[1]!.arg1 === 1,
    plain[2]!.fn === found.callN && plain[2]!.arg1 === bound!.id && plain[2]!.arg2 === 1 && bound!.words[1] === n!.id,
    // the closure: one argument, one cell (f), its fun (_closure's c) a Python function
    plain[3]!.fn === found.callN && plain[3]!.arg1 === closure.id && plain[3]!.arg2 === 1 && closure.words[2] === 1 && closure.secondType === found.funType,
    plain[4]!.arg1 === f!.id,
    plain[5]!.arg1 === gen!.id,
    [method, n].every((o) => o!.words[0] === found.funType),
    plain[0]!.type === found.funType,
    viaExec[0]!.fn === found.call0 && viaExec[1]!.fn === found.callN && viaExec[2]!.fn === found.callMethod,
    viaExecfile[0]!.fn === found.call0 && viaExecfile[1]!.fn === found.callN && viaExecfile[1]!.arg1 === execfile.id && viaExecfile[2]!.fn === found.callMethod,
    // mp_call_method_n_kw_var(false, 1 positional (the starred one), args): args[0] the callee
    star[0]!.fn === found.call0 && star[1]!.arg1 === 0 && star[1]!.arg2 === 1 && star[1]!.args0 === starred.id && star[2]!.fn === found.callMethod,
    dirName[0]!.fn === found.call0 && dirName[1]!.fn === found.callN && dirName[1]!.arg1 === found.dir && dirName[1]!.arg2 === 1 && dirName[3]!.fn === found.callMethod,
    // the lookup's object and name: the name as dir() appends it (pinned-args.ts qstrObject)
    dirName[2]!.arg1 === main!.id && qstrObject(dirName[2]!.arg2) === name!.id,
    list!.words[1] === 4 && list!.words[2] === 0, // an empty list: alloc LIST_MIN_ALLOC, len 0 (py/objlist.c)
    qstrObject(found.classQstr) === classAttr.id,
    new Set([found.call0, found.callN, found.callMethod, found.callVar, found.iterNext, found.nameLookup, found.genNext]).size === 7,
    underList[0]!.fn === found.call0 && underList[1]!.fn === found.callN && underList[1]!.arg1 === found.listType && underList[1]!.arg2 === 1,
    underList[2]!.arg1 === underListGen.id && underListGen.words[0] === found.genType && underList[3]!.fn === found.callMethod,
    join!.words[0] === found.boundType && (key!.id & 7) === 2,
    // the generator's iternext read from its type as the others' are: the one mp_iternext invoked
    iternextOf(found.genType) === found.genNext,
    new Set([found.genNext, ...Object.values(found.iterators)]).size === 9 && Object.values(found.iterators).every((v) => v > 0),
    new Set([found.funType, found.genType, found.boundType, found.closureType, found.typeType, found.listType]).size === 6,
    none.id !== 0 && none.id !== f!.id,
  ];
  if (checks.includes(false)) throw new Error(`MicroPython: the collector's probe found other calls than expected (${checks.join(",")})`);

  // mp_handle_pending: the one invoke a loop's branch adds while the scheduler's state is pending.
  run("def _l(pend):\n    _p.log(True)\n    _p.pend(pend)\n    for _ in (0, 1):\n        pass\n    _p.log(False)\n_l(False)\n_l(True)\ndel _l\nimport sys\ndel sys.modules['_boardsim_probe'], sys, _p");
  probing = false;
  found.handlePending = handlePendingIndex(logs[0]!, logs[1]!);
  if (new Int32Array(sandboxed.buffer())[schedState >> 2] !== SCHED_IDLE) throw new Error("MicroPython: the scheduler stayed pending after the collector's probe");

  let scriptThreshold = -1;
  let autoBlocks = 16 * 1024 / BLOCK;
  /** Free blocks after the last collection, once the safe points collect (watch); the interpreter's count when last checked. */
  let freeAfter: number | null = null;
  let amountChecked = 0;
  let pollsToCheck = 1;
  let byteView = new Uint8Array();
  const bytes = () => {
    const buffer = sandboxed.buffer();
    return byteView.buffer === buffer ? byteView : (byteView = new Uint8Array(buffer));
  };
  const applyThreshold = () => {
    const blocks = scriptThreshold >= 0 ? Math.min(autoBlocks, scriptThreshold / BLOCK) : autoBlocks;
    new Int32Array(sandboxed.buffer())[thresholdAddress >> 2] = blocks;
  };
  return {
    asked: () => bytes()[pendingFlag] !== 0,
    retune() {
      const { free, inRuns } = freeBlockCounts(new Int32Array(sandboxed.buffer()), firstArea, THRESHOLD_RUN);
      autoBlocks = inRuns * BLOCK < LOW_FREE ? 0 : Math.max(LEAST_THRESHOLD / BLOCK, Math.floor(inRuns / 2));
      if (freeAfter !== null) freeAfter = free;
      amountChecked = 0;
      applyThreshold();
    },
    /**
     * py/gc.c counts toward the threshold only what gc_alloc allocates (v1.27.0 880): a block grown
     * in place (gc_realloc 1118-1143: a list's append, a list comprehension, a string being built)
     * adds nothing. On the board a failed allocation then collects and retries (gc_alloc 829-843);
     * here it cannot, so `for i in range(3000): sum([x for x in range(20)])` filled an ESP8266's or
     * ESP32's heap before the count reached the threshold (MemoryError). So the worker's poll (every
     * 1024 VM calls) also compares the free blocks now with those after the last collection, when
     * the interpreter allocated since it last looked (a block grows in place only beside allocations).
     * The count reads the whole allocation table, which costs in proportion to the heap, as does the
     * threshold: once every poll per 16 KiB of threshold (GROWTH_CHECK_BYTES).
     */
    checkGrowth() {
      if (--pollsToCheck > 0) return;
      pollsToCheck = Math.max(1, Math.floor((autoBlocks * BLOCK) / GROWTH_CHECK_BYTES));
      if (freeAfter === null || autoBlocks === 0 || bytes()[pendingFlag] !== 0) return;
      const memory = words();
      const amount = memory[amountAddress >> 2]!;
      if (amount === amountChecked) return;
      amountChecked = amount;
      if (freeAfter - freeBlocks(memory, firstArea) >= autoBlocks) bytes()[pendingFlag] = 1;
    },
    freeBytes: () => freeBlocks(new Int32Array(sandboxed.buffer()), firstArea) * BLOCK,
    freeAndLargest() {
      const { free, largest } = freeBlockCounts(new Int32Array(sandboxed.buffer()), firstArea, Number.MAX_SAFE_INTEGER);
      return { free: free * BLOCK, largest: largest * BLOCK };
    },
    setScriptThreshold(value) {
      scriptThreshold = value;
      applyThreshold();
      // The firmware's next allocation collects once the blocks allocated since the last collection
      // reach the threshold (py/gc.c gc_alloc, v1.27.0 788-793). Here that allocation would only ask
      // for one, run at the next safe point, which may lie after a stretch where none may run (a
      // with block's __exit__ on the way out by return): its garbage and all allocated before then
      // filled the heap (MemoryError). So the caller collects now, as the port's gc_collect() asks.
      const memory = new Int32Array(sandboxed.buffer());
      if (value < 0 || memory[amountAddress >> 2]! < memory[thresholdAddress >> 2]!) return false;
      bytes()[pendingFlag] = 1;
      return true;
    },
    reset() {
      scriptThreshold = -1;
      this.retune();
    },
    watch() {
      sandboxed.watchCollections(found);
      freeAfter = 0;
      this.retune();
    },
    pins: argPins(() => new Int32Array(sandboxed.buffer()), firstArea, found, () => ({ sp: wasm.emscripten_stack_get_current() >>> 0, base: wasm.emscripten_stack_get_base() >>> 0 })),
    markStack: markStackGuard(() => new Int32Array(sandboxed.buffer()), firstArea, thresholdAddress, env.counts),
    dictLocals,
    firstArea,
    lastFreeArea,
    schedState,
    none: found.none,
  };
}

/**
 * The table index of the one call (with argument 1) the pending run's log has and the other's has
 * not; the logs' other calls are the same functions (arguments may be other addresses).
 */
function handlePendingIndex(idle: string, pending: string): number {
  const a = idle.split(",").map(Number).filter((_, i) => i % 2 === 0);
  const b = pending.split(",").map(Number);
  const indexes = b.filter((_, i) => i % 2 === 0);
  let at = 0;
  while (at < a.length && a[at] === indexes[at]) at++;
  const rest = indexes.slice(0, at).concat(indexes.slice(at + 1));
  if (b[at * 2 + 1] !== 1 || rest.length !== a.length || rest.some((v, i) => v !== a[i])) throw new Error("MicroPython: cannot find mp_handle_pending's call");
  return indexes[at]!;
}

/**
 * Free blocks in every area of the heap (py/gc.c: an allocation table entry 0 is a free block), all
 * of them (`free`), those in runs of at least `minRun` (more than 4) consecutive ones (`inRuns`;
 * a run never spans two areas) and the longest run (`largest`), in one pass over the allocation tables. After each collection, so
 * read a word (4 table bytes, 16 blocks) at a time: most of a board's heap is free then, the library
 * and what the script holds mostly in words with no free block, and neither word needs a lookup
 * (a byte at a time cost 75-400 µs per collection in the worker, about a third of the interpreter's
 * own sweep). A table byte with a block in use ends the run with its free blocks below that block
 * (the low bits first, py/gc.c ATB_GET_KIND) and starts the next with those above; the free blocks
 * between two in use are fewer than minRun. No closure over the counters: V8 then kept them in a
 * context object, ≈ 5× slower (docs/benchmarks.md, session 19).
 */
export function freeBlockCounts(memory: Int32Array, firstArea: number, minRun: number): { free: number; inRuns: number; largest: number } {
  const bytes = new Uint8Array(memory.buffer);
  let free = 0;
  let inRuns = 0;
  let largest = 0;
  let run = 0;
  for (let area = firstArea; area !== 0; area = memory[(area >> 2) + AREA_NEXT]!) {
    const start = memory[(area >> 2) + AREA_TABLE]!;
    const end = start + memory[(area >> 2) + AREA_TABLE_BYTES]!;
    for (let at = start; at < end; ) {
      if ((at & 3) === 0 && at + 4 <= end) {
        const entries = memory[at >> 2]!;
        if (entries === 0) {
          free += 16;
          run += 16;
          at += 4;
          continue;
        }
        if (((entries | (entries >>> 1)) & 0x55555555) === 0x55555555) {
          // no free block in the word: the run ends
          if (run >= minRun) inRuns += run;
          if (run > largest) largest = run;
          run = 0;
          at += 4;
          continue;
        }
      }
      const byte = bytes[at++]!;
      if (byte === 0) {
        free += 4;
        run += 4;
      } else {
        free += FREE_IN_BYTE[byte]!;
        run += FREE_BELOW[byte]!;
        if (run >= minRun) inRuns += run;
        if (run > largest) largest = run;
        run = FREE_ABOVE[byte]!;
      }
    }
    if (run >= minRun) inRuns += run;
    if (run > largest) largest = run;
    run = 0;
  }
  return { free, inRuns, largest };
}

/** Free blocks in every area of the heap (freeBlockCounts). */
export function freeBlocks(memory: Int32Array, firstArea: number): number {
  return freeBlockCounts(memory, firstArea, Number.MAX_SAFE_INTEGER).free;
}

const FREE_IN_BYTE = Uint8Array.from({ length: 256 }, (_, byte) => [0, 2, 4, 6].filter((shift) => ((byte >> shift) & 3) === 0).length);

/** A table byte's free blocks below its lowest block in use (`shifts` low first) or above its highest (high first); 4 if none is in use. */
function freeEnd(byte: number, shifts: number[]): number {
  const used = shifts.findIndex((shift) => ((byte >> shift) & 3) !== 0);
  return used === -1 ? 4 : used;
}
const FREE_BELOW = Uint8Array.from({ length: 256 }, (_, byte) => freeEnd(byte, [0, 2, 4, 6]));
const FREE_ABOVE = Uint8Array.from({ length: 256 }, (_, byte) => freeEnd(byte, [6, 4, 2, 0]));
