/**
 * Host calls straight over quickjs-emscripten's FFI (the WebAssembly exports of its module),
 * instead of the library's per-call wrappers (a Scope, a Lifetime per argument, a generator that
 * checks for promises): those were ~95 % of a host call's cost (docs/benchmarks.md).
 *
 * The FFI is marked unstable, so package.json pins quickjs-emscripten exactly; raw-ffi.spec.ts
 * checks every conversion below against that build. What this relies on:
 * - the `qts_host_call_function` import calls `Module.callbacks.callFunction(asyncify, ctx,
 *   this_ptr, argc, argv, host_ref_id)` and frees the JSValue* it returns (NULL: undefined);
 *   `Module.callbacks.freeHostRef(asyncify, rt, id)` when the function object is finalised;
 * - a JSValue is 8 bytes, NaN-boxed (wasm32): the tag is the high word (TAGS below), an int or
 *   bool the low word, and an object's low word points to its JSObject, class id at byte 6;
 * - on asyncify's rewind the import is called again: `handleSleep` then returns the value stored
 *   at suspension, so the host function must not run a second time;
 * - `QTS_NewArrayBuffer` takes ownership of its malloc'd block (freed with the buffer);
 * - an ArrayBuffer's JSObject points to its JSArrayBuffer (byte length first, then a pointer to the
 *   bytes), a Uint8Array's holds a pointer to its first byte and its length: the host reads both
 *   in place (`QTS_GetArrayBuffer` mallocs a copy; a full heap had no room for it). `calibrate`
 *   finds the offsets on buffers it made, and the build is refused if they are not found;
 * - a string's JSValue points to its JSString: a word with its length (31 bits) and whether its
 *   characters are 16-bit (the top bit), then its characters, 8-bit (Latin-1) or UTF-16: read in
 *   place, NULs included (MicroPython's str has a length, py/objstr.c: print("a\x00b") writes
 *   3 characters). A rope (a concatenation) has its length in the same word: it goes through
 *   QTS_GetString, whose UTF-8 C string ends at a NUL, and through QTS_Dump's JSON when the text
 *   came back another length. `calibrate` finds the offsets and checks the rope's length word.
 */
import type { QuickJSAsyncContext, QuickJSAsyncWASMModule, QuickJSHandle } from "quickjs-emscripten";
import { GuestException, type GuestHost, type HostValue } from "../host-api.ts";
import { WOKEN } from "../host/blocking-wake.ts";
import { WOKEN_SIGNAL } from "../host/table.ts";
import type { BoardHeap } from "./board-heap.ts";
import { gluedCalls, type DirectCalls } from "./direct-calls.ts";

/** JSValue tags (the high word), quickjs.h of the pinned build. */
const TAGS = { int: 0, bool: 1, null: 2, undefined: 3, string: -7, stringRope: -6, object: -1 } as const;
/** Tags from here up to JS_TAG_FLOAT64 are not floats; a double is stored offset below/above them. */
const TAG_FIRST = -9;
const TAG_FLOAT64 = 8;
/** Offset of `class_id` in a JSObject (after the GC header's ref count and flag bytes). */
const CLASS_ID_OFFSET = 6;
/** Host ref ids of raw functions: the library allocates its own upwards from INT32_MIN. */
const FIRST_RAW_ID = 0x40000000;
const ASYNCIFY_NORMAL = 0;
/** A host function's JSValue* NULL: the C side gives the guest undefined (qts_call_function). */
const NO_ANSWER = 0;
/**
 * Thrown in a blocking call woken for callbacks (blocking-wake.ts WOKEN): a signal, not a value, so
 * no answer of a host call can pass for it; guest/host.ts catches it, runs them and asks again.
 */
const WOKEN_ERROR = { name: WOKEN_SIGNAL, message: "" };
/** See RawHostCalls.arena. */
const ARENA_BYTES = 16384;
/**
 * The smallest copy cut from the arena: a copy the host keeps holds its whole arena, so a script
 * could make the host hold ARENA_BYTES per byte it queues (one-byte sends, each into a new arena);
 * from 64 bytes on, at most 256 times what it queues. Smaller copies are V8's own (on its heap).
 */
const ARENA_MIN_COPY = 64;

type Asyncify = { handleSleep(start: (wakeUp: (value: number) => void) => void): number };
type CallFunction = (asyncify: Asyncify | undefined, ctx: number, thisPtr: number, argc: number, argv: number, id: number) => number;
type FreeHostRef = (asyncify: unknown, rt: number, id: number) => void;

/** The parts of the emscripten module this file uses. */
interface EmscriptenModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  Asyncify: { state: number };
  callbacks: { callFunction: CallFunction; freeHostRef: FreeHostRef };
}

/** The FFI functions this file calls: all numbers in, numbers out (no ccall marshalling). */
interface Ffi {
  QTS_NewFunction(ctx: number, name: string, length: number, isConstructor: boolean, hostRefId: number): number;
  QTS_SetProp(ctx: number, obj: number, key: number, value: number): void;
  QTS_FreeValuePointer(ctx: number, value: number): void;
  QTS_DupValuePointer(ctx: number, value: number): number;
  QTS_NewFloat64(ctx: number, value: number): number;
  QTS_GetFloat64(ctx: number, value: number): number;
  QTS_NewString(ctx: number, chars: number): number;
  QTS_GetString(ctx: number, value: number): number;
  QTS_FreeCString(ctx: number, chars: number): void;
  QTS_NewArrayBuffer(ctx: number, block: number, length: number): number;
  QTS_Dump(ctx: number, value: number): number;
  QTS_Throw(ctx: number, error: number): number;
  /** Evaluates `length` bytes of code (detect module 0, flags 0: a global script). */
  QTS_Eval(ctx: number, code: number, length: number, filename: string, detectModule: number, flags: number): number;
  QTS_GetGlobalObject(ctx: number): number;
}

/** A host bound to the guest: its functions have the ids from `firstId` on, in the order of its `functionNames`. */
interface RawBinding {
  firstId: number;
  host: GuestHost;
  ctx: QuickJSAsyncContext;
  ctxPtr: number;
  /** Whether host calls are answered (false while the engine reads a finished script's error). */
  open(): boolean;
  /** Turns a host error into the Error the guest library rebuilds its exception from. */
  guestError(error: unknown): Error;
  /** The functions done with their bytes arguments when they return: they get views of the guest's memory, not copies. */
  borrowing: ReadonlySet<string>;
  /** The functions whose answer the guest library drops: the guest gets undefined, no JSValue made for it (a malloc and a free in the guest). */
  dropping: ReadonlySet<string>;
}

/**
 * Where this build keeps binary data and strings, found once per process on values the guest made (calibrate):
 * class ids, and byte offsets of the fields read (all 32-bit words).
 */
interface BytesLayout {
  arrayBufferClass: number;
  uint8ArrayClass: number;
  /** In an ArrayBuffer's JSObject: its JSArrayBuffer*; in that, the bytes' pointer (the length is at 0). */
  bufferField: number;
  bufferData: number;
  /** In a Uint8Array's JSObject: the pointer to its first byte, and its length in bytes. */
  arrayData: number;
  arrayLength: number;
  /** In a JSString: the word with its length and width, and its first character. */
  stringLength: number;
  stringChars: number;
}
let layout: BytesLayout | null = null;

const NONE: ReadonlySet<string> = new Set();
/** The one-character Latin-1 strings: Buffer's toString costs ≈ 10 times more for one. */
const ONE_CHAR = Array.from({ length: 256 }, (_, c) => String.fromCharCode(c));
const UTF8 = new TextEncoder();
const UTF8_DECODER = new TextDecoder();

/** The raw host-call binding of one QuickJS WebAssembly module (one board). */
export class RawHostCalls {
  private readonly em: EmscriptenModule;
  private readonly ffi: Ffi;
  /** One per bound host (a board binds two): not one record per function, which every board would keep. */
  private readonly bindings: RawBinding[] = [];
  private nextId = FIRST_RAW_ID;
  private heap32: Int32Array<ArrayBufferLike> = new Int32Array(0);
  /** Strings are read through it (latin1At), made with heap32. */
  private heapText: Buffer = Buffer.alloc(0);
  /** The HEAPU8 view `heap32` was made beside: the glue replaces its views when the memory grows. */
  private heap8: Uint8Array | null = null;
  /**
   * Where copies of the guest's bytes from ARENA_MIN_COPY to a quarter of ARENA_BYTES are cut
   * from, as Node's Buffer pool does: a new ArrayBuffer per copy cost ≈ 1 µs (a chapter server
   * copies two per 1 KiB echoed), and a 64-byte copy made by `slice` lives on V8's heap, which the
   * real socket's write then moves to a buffer of its own (≈ 1.3 µs of a 64-byte round trip's
   * sendall). A copy the host keeps (a LAN peer's receive window) holds its whole arena. A used-up
   * arena is never written to again.
   */
  private arena = new Uint8Array(0); // made at the first copy: most boards of a fleet never send
  private arenaUsed = 0;
  /** A board's heap (board-heap.ts): the host's blocks come out of it. None in the snapshot's template. */
  heap: BoardHeap | null = null;
  /** Called as the guest resumes from a suspended host call, before it runs on (the engine renews its time slice). */
  onResume: () => void = () => {};

  /** The C functions a host call uses, past the glue's wrappers where the instance's exports are known (direct-calls.ts). */
  private readonly direct: DirectCalls;

  constructor(module: QuickJSAsyncWASMModule, direct?: DirectCalls) {
    const internals = module as unknown as { module: EmscriptenModule; ffi: Ffi };
    this.em = internals.module;
    this.ffi = internals.ffi;
    this.direct = direct ?? gluedCalls(this.em as unknown as Record<string, unknown>);
    const callbacks = this.em.callbacks;
    const libraryCall = callbacks.callFunction;
    const libraryFree = callbacks.freeHostRef;
    callbacks.callFunction = (asyncify, ctx, thisPtr, argc, argv, id) => {
      const fn = this.bindingOf(id);
      if (!fn) return libraryCall(asyncify, ctx, thisPtr, argc, argv, id);
      // Rewinding after a suspension: handleSleep hands back the result stored then.
      if (this.em.Asyncify.state !== ASYNCIFY_NORMAL) {
        const result = asyncify!.handleSleep(() => {});
        this.onResume();
        return result;
      }
      return this.call(fn, fn.host.functionNames[id - fn.firstId]!, argc, argv, asyncify!);
    };
    callbacks.freeHostRef = (asyncify, rt, id) => {
      if (this.bindingOf(id)) return; // a raw function: nothing held for it
      libraryFree(asyncify, rt, id);
    };
  }

  /** Sets `globalThis[globalName]` to an object with one raw function per host function name. */
  install(ctx: QuickJSAsyncContext, globalName: string, host: GuestHost, open: () => boolean, guestError: (error: unknown) => Error): void {
    if (!layout) this.calibrate(ctx);
    const ctxPtr = contextPointer(ctx);
    const firstId = this.bind(ctx, host, open, guestError);
    const api = ctx.newObject();
    host.functionNames.forEach((name, i) => {
      const fn = this.ffi.QTS_NewFunction(ctxPtr, name, 0, false, firstId + i);
      ctx.newString(name).consume((key) => this.ffi.QTS_SetProp(ctxPtr, api.value, key.value, fn));
      this.ffi.QTS_FreeValuePointer(ctxPtr, fn);
    });
    // Not `ctx.global`: the context object would keep a reference to the global object, which a
    // snapshot of this memory (snapshot.ts) would then carry with no owner to free it.
    const global = this.ffi.QTS_GetGlobalObject(ctxPtr);
    ctx.newString(globalName).consume((key) => this.ffi.QTS_SetProp(ctxPtr, global, key.value, api.value));
    this.ffi.QTS_FreeValuePointer(ctxPtr, global);
    api.dispose();
  }

  /**
   * Answers the guest's calls to `host`'s functions; returns the first one's id. A board restored from a
   * snapshot (snapshot.ts) already holds the template's function objects: binding the same hosts
   * in the same order as the template's `install` gives them the same ids. `borrowing` and
   * `dropping`: see RawBinding.
   */
  bind(ctx: QuickJSAsyncContext, host: GuestHost, open: () => boolean, guestError: (error: unknown) => Error, borrowing: ReadonlySet<string> = NONE, dropping: ReadonlySet<string> = NONE): number {
    if (!layout) throw new Error("boardsim: raw host calls bound before any were installed");
    const firstId = this.nextId;
    this.nextId += host.functionNames.length;
    this.bindings.push({ firstId, host, ctx, ctxPtr: contextPointer(ctx), open, guestError, borrowing, dropping });
    return firstId;
  }

  /** A loop, not `find`: this runs at every host call. */
  private bindingOf(id: number): RawBinding | undefined {
    for (const b of this.bindings) if (id >= b.firstId && id < b.firstId + b.host.functionNames.length) return b;
    return undefined;
  }

  /** One host call: arguments read from the guest's stack, the result written back as a JSValue*. */
  private call(fn: RawBinding, name: string, argc: number, argv: number, asyncify: Asyncify): number {
    if (!fn.open()) return this.throwInGuest(fn, new GuestException("RuntimeError", ["the script has ended"]));
    this.heap?.atHostCall();
    let result: HostValue | Promise<HostValue>;
    try {
      const args: HostValue[] = new Array(argc);
      const borrow = argc > 0 && fn.borrowing.has(name);
      for (let i = 0; i < argc; i++) args[i] = this.fromGuest(fn.ctxPtr, argv + 8 * i, borrow);
      result = fn.host.call(name, args);
      if (result instanceof Promise) this.heap?.beforeSuspend();
    } catch (error) {
      return this.throwInGuest(fn, error);
    }
    if (!(result instanceof Promise)) return this.answer(fn, name, result);
    // The guest suspends (asyncify unwinds) until the promise settles, then resumes with the value.
    this.suspended = { fn, name, result, wakeUp: null };
    return asyncify.handleSleep(this.sleep);
  }

  // The suspended call and its callbacks: asyncify suspends one call at a time per module, and the
  // callbacks made once, not three closures per blocking call (a 64-byte round trip blocks once).
  private suspended: { fn: RawBinding; name: string; result: Promise<HostValue>; wakeUp: ((value: number) => void) | null } | null = null;
  private readonly sleep = (wakeUp: (value: number) => void): void => {
    const call = this.suspended!;
    call.wakeUp = wakeUp;
    call.result.then(this.onAnswer, this.onFailure);
  };
  private readonly onAnswer = (value: HostValue): void => {
    const call = this.resumed();
    // Only a blocking call is woken (blocking-wake.ts): checked here, not on the path of every call.
    call.wakeUp!(value === WOKEN ? this.raise(call.fn, WOKEN_ERROR) : this.answer(call.fn, call.name, value));
  };
  private readonly onFailure = (error: unknown): void => {
    const call = this.resumed();
    call.wakeUp!(this.throwInGuest(call.fn, error));
  };

  private resumed(): NonNullable<RawHostCalls["suspended"]> {
    const call = this.suspended!;
    this.suspended = null;
    return call;
  }

  private answer(fn: RawBinding, name: string, value: HostValue): number {
    return fn.dropping.has(name) ? NO_ANSWER : this.toGuestOrThrow(fn, value);
  }

  private toGuestOrThrow(fn: RawBinding, value: HostValue): number {
    try {
      return this.toGuest(fn, value);
    } catch (error) {
      return this.throwInGuest(fn, error);
    }
  }

  /** Raises the error in the guest: the host function returns JS_EXCEPTION. */
  private throwInGuest(fn: RawBinding, error: unknown): number {
    return this.raise(fn, fn.guestError(error));
  }

  private raise(fn: RawBinding, error: { name: string; message: string }): number {
    this.heap?.roomForError();
    return fn.ctx.newError(error).consume((handle) => this.ffi.QTS_Throw(fn.ctxPtr, handle.value));
  }

  /** Several reads per host call: comparing the views is cheaper than reading both `buffer`s. */
  private int32(): Int32Array {
    const heap8 = this.em.HEAPU8;
    if (heap8 !== this.heap8) {
      this.heap8 = heap8;
      this.heap32 = new Int32Array(heap8.buffer);
      this.heapText = Buffer.from(heap8.buffer);
    }
    return this.heap32;
  }

  private fromGuest(ctxPtr: number, value: number, borrow = false): HostValue {
    const heap = this.int32();
    const low = heap[value >> 2]!;
    const tag = heap[(value >> 2) + 1]!;
    switch (tag) {
      case TAGS.int:
        return low;
      case TAGS.bool:
        return low !== 0;
      case TAGS.null:
      case TAGS.undefined:
        return null;
      case TAGS.string:
        return this.stringAt(low);
      case TAGS.stringRope:
        return this.ropeText(ctxPtr, value, low);
      case TAGS.object:
        return this.readBytes(low, borrow) ?? this.dump(ctxPtr, value);
    }
    if (tag < TAG_FIRST || tag >= TAG_FLOAT64) return this.direct.QTS_GetFloat64(ctxPtr, value);
    return this.dump(ctxPtr, value); // symbols, big integers: as the library's dump shows them
  }

  private classId(object: number): number {
    const heap = this.em.HEAPU8;
    return heap[object + CLASS_ID_OFFSET]! | (heap[object + CLASS_ID_OFFSET + 1]! << 8);
  }

  private readString(ctxPtr: number, value: number): string {
    const chars = this.made(this.ffi.QTS_GetString(ctxPtr, value));
    const text = this.cString(chars);
    this.ffi.QTS_FreeCString(ctxPtr, chars);
    return text;
  }

  /** A flat string's characters, 8-bit or 16-bit (the length word's top bit), read where they are. */
  private stringAt(string: number): string {
    const { stringLength, stringChars } = layout!;
    const length = this.int32()[(string + stringLength) >> 2]!;
    const start = string + stringChars;
    if (length === 1) return ONE_CHAR[this.heapText[start]!]!; // print's "\n"
    if (length >= 0) return this.heapText.toString("latin1", start, start + length);
    return this.heapText.toString("utf16le", start, start + 2 * (length & 0x7fffffff));
  }

  /** A rope's text (see above): QTS_GetString's copy unless a NUL cut it or a lone surrogate came back as U+FFFDs. */
  private ropeText(ctxPtr: number, value: number, rope: number): string {
    const text = this.readString(ctxPtr, value);
    if (text.length === this.int32()[(rope + layout!.stringLength) >> 2]!) return text;
    return this.dump(ctxPtr, value) as string;
  }

  private cString(chars: number): string {
    const heap = this.em.HEAPU8;
    return UTF8_DECODER.decode(heap.subarray(chars, heap.indexOf(0, chars)));
  }

  /** A copy of an ArrayBuffer's or Uint8Array's bytes (`borrow`: a view of them), read where they are; null for any other object. */
  private readBytes(object: number, borrow: boolean): Uint8Array | null {
    const { arrayBufferClass, uint8ArrayClass, bufferField, bufferData, arrayData, arrayLength } = layout!;
    const words = this.int32();
    const classId = this.classId(object);
    let data: number;
    let length: number;
    if (classId === arrayBufferClass) {
      const buffer = words[(object + bufferField) >> 2]!;
      length = words[buffer >> 2]!; // 0 once detached
      data = words[(buffer + bufferData) >> 2]!;
    } else if (classId === uint8ArrayClass) {
      data = words[(object + arrayData) >> 2]!;
      length = words[(object + arrayLength) >> 2]!; // 0 once its buffer is detached
    } else return null;
    if (length === 0) return new Uint8Array(0);
    if (borrow) return this.em.HEAPU8.subarray(data, data + length);
    if (length < ARENA_MIN_COPY || length > ARENA_BYTES / 4) return this.em.HEAPU8.slice(data, data + length);
    if (this.arenaUsed + length > this.arena.length) {
      this.arena = new Uint8Array(ARENA_BYTES);
      this.arenaUsed = 0;
    }
    const copy = this.arena.subarray(this.arenaUsed, this.arenaUsed + length);
    copy.set(this.em.HEAPU8.subarray(data, data + length));
    this.arenaUsed += length;
    return copy;
  }

  private dump(ctxPtr: number, value: number): HostValue {
    const chars = this.made(this.ffi.QTS_Dump(ctxPtr, value));
    const json = this.cString(chars);
    this.ffi.QTS_FreeCString(ctxPtr, chars);
    try {
      return (JSON.parse(json) as HostValue) ?? null;
    } catch {
      return json;
    }
  }

  private toGuest(fn: RawBinding, value: HostValue): number {
    switch (typeof value) {
      case "number":
        return (value | 0) === value && !Object.is(value, -0) ? this.jsValue(TAGS.int, value) : this.made(this.direct.QTS_NewFloat64(fn.ctxPtr, value));
      case "boolean":
        return this.jsValue(TAGS.bool, value ? 1 : 0);
      case "string":
        return this.newString(fn.ctxPtr, value);
    }
    if (value === null || value === undefined) return this.jsValue(TAGS.null, 0);
    if (value instanceof Uint8Array) {
      // The block becomes the ArrayBuffer's own storage, freed with it.
      const block = this.allocate(Math.max(1, value.length));
      this.em.HEAPU8.set(value, block);
      return this.made(this.direct.QTS_NewArrayBuffer(fn.ctxPtr, block, value.length));
    }
    // Arrays and objects are rare (accept's tuple, ifconfig): the library builds them.
    const handle = containerToGuest(fn.ctx, value);
    const copy = this.ffi.QTS_DupValuePointer(fn.ctxPtr, handle.value);
    handle.dispose();
    return this.made(copy);
  }

  /** A JSValue* holding an immediate value; the C side frees it after reading it. */
  private jsValue(tag: number, low: number): number {
    const ptr = this.allocate(8);
    const heap = this.int32();
    heap[ptr >> 2] = low;
    heap[(ptr >> 2) + 1] = tag;
    return ptr;
  }

  private newString(ctxPtr: number, text: string): number {
    if (text.includes("\0")) return this.stringLiteral(ctxPtr, text);
    // Its exact UTF-8 size, not 3 bytes a character: the block is in the board's heap beside the
    // string QuickJS makes of it (a 16 kB decode() asked for 48 kB and raised MemoryError on the ESP8266).
    const room = Buffer.byteLength(text, "utf8") + 1;
    const chars = this.allocate(room);
    const { written } = UTF8.encodeInto(text, this.em.HEAPU8.subarray(chars, chars + room - 1));
    this.em.HEAPU8[chars + written] = 0;
    const result = this.direct.QTS_NewString(ctxPtr, chars);
    this.direct.free(chars);
    return this.made(result);
  }

  /**
   * A string with a NUL, which QTS_NewString's C string would end at (b"a\x00b".decode() gave
   * "a"): evaluated as its JSON literal, which holds nothing but the string.
   */
  private stringLiteral(ctxPtr: number, text: string): number {
    const code = UTF8.encode(JSON.stringify(text));
    const chars = this.allocate(code.length + 1);
    this.em.HEAPU8.set(code, chars);
    this.em.HEAPU8[chars + code.length] = 0;
    const result = this.ffi.QTS_Eval(ctxPtr, chars, code.length, "<string>", 0, 0);
    this.direct.free(chars);
    return this.made(result);
  }

  /** A block in the board's heap (MemoryError in the guest when it is full). */
  private allocate(bytes: number): number {
    if (this.heap) return this.heap.allocate(bytes);
    return this.direct.malloc(bytes);
  }

  /** What the FFI malloc'd (a JSValue*, a C string): NULL when the heap had no room for it. */
  private made(ptr: number): number {
    if (ptr === 0) throw new GuestException("MemoryError", ["memory allocation failed"]);
    return ptr;
  }

  /**
   * Finds where this build keeps binary data (BytesLayout) on buffers made here, and checks the
   * JSValue layout on values whose answer is known; a mismatch means the pinned build changed.
   */
  private calibrate(ctx: QuickJSAsyncContext): void {
    const read = (code: string) => ctx.unwrapResult(ctx.evalCode(code)).consume((h) => this.objectClass(h));
    const [buffer, plain, array] = ["new ArrayBuffer(1)", "({})", "[]"].map(read) as [number, number, number];
    const int = ctx.unwrapResult(ctx.evalCode("-5")).consume((h) => this.int32()[h.value >> 2]);
    if (new Set([buffer, plain, array]).size !== 3 || int !== -5) throw new Error("boardsim: unsupported quickjs-emscripten build (JSValue layout)");
    // Two samples of each, so that no field is matched by chance.
    // The samples stay alive (`held`) while their memory is read.
    const held: QuickJSHandle[] = [];
    const samples = [
      [37, 3, 20],
      [1000, 999, 1],
    ].map(([size, offset, length]) => {
      const code = `{ const b = new ArrayBuffer(${size}); new Uint8Array(b).set([0xa5, 0x5a, 0xc3, 0x3c]); [b, new Uint8Array(b, ${offset}, ${length}), new (class extends Uint8Array {})(1)] }`;
      const sample = ctx.unwrapResult(ctx.evalCode(code));
      held.push(sample);
      const object = (i: number) => ctx.getProp(sample, i).consume((item) => this.int32()[item.value >> 2]!);
      return { size: size!, offset: offset!, length: length!, buffer: object(0), array: object(1), subclass: object(2) };
    });
    // Strings: a 16-bit one (its top bit set beside its length), and 8-bit ones of two lengths.
    const strings = ["\u4e2d\u6587", "calibr\u00e9", "x".repeat(77) + "\u00ff"].map((text) => ({ text, handle: ctx.newString(text) }));
    held.push(...strings.map((s) => s.handle));
    // And a rope: its length in the same word.
    const rope = ctx.unwrapResult(ctx.evalCode(`(() => { const a = "x".repeat(600); return a + "y" + a; })()`));
    held.push(rope);
    const words = this.int32();
    const bytes = this.em.HEAPU8;
    const word = (address: number) => words[address >> 2]!;
    const offsets = Array.from({ length: 16 }, (_, i) => 4 * i);
    const find = (test: (offset: number) => boolean) => offsets.find(test) ?? -1;
    const isPattern = (at: number) => at > 0 && at + 4 <= bytes.length && bytes[at] === 0xa5 && bytes[at + 1] === 0x5a && bytes[at + 2] === 0xc3 && bytes[at + 3] === 0x3c;
    const dataOf = (field: number, data: number, s: (typeof samples)[number]) => word(word(s.buffer + field) + data);
    const bufferField = find((field) => samples.every((s) => word(s.buffer + field) > 0 && word(word(s.buffer + field)) === s.size));
    const bufferData = bufferField < 0 ? -1 : find((data) => data > 0 && samples.every((s) => isPattern(dataOf(bufferField, data, s))));
    const arrayData = bufferData < 0 ? -1 : find((at) => samples.every((s) => word(s.array + at) === dataOf(bufferField, bufferData, s) + s.offset));
    const arrayLength = arrayData < 0 ? -1 : find((at) => at > arrayData && samples.every((s) => word(s.array + at) === s.length));
    const uint8ArrayClass = this.classId(samples[0]!.array);
    if (arrayLength < 0 || !samples.every((s) => this.classId(s.array) === uint8ArrayClass && this.classId(s.subclass) === uint8ArrayClass && this.classId(s.buffer) === buffer)) {
      throw new Error("boardsim: unsupported quickjs-emscripten build (ArrayBuffer layout)");
    }
    const [wide, ...narrow] = strings.map(({ text, handle }) => ({ text, at: word(handle.value) })) as [{ text: string; at: number }, ...{ text: string; at: number }[]];
    const text = (at: number, length: number, encoding: "latin1" | "utf16le") => Buffer.from(bytes.subarray(at, at + length)).toString(encoding);
    const stringLength = find((at) => narrow.every((s) => word(s.at + at) === s.text.length) && word(wide.at + at) === (wide.text.length | 0x80000000));
    const stringChars = find((at) => at > stringLength && narrow.every((s) => text(s.at + at, s.text.length, "latin1") === s.text) && text(wide.at + at, 4, "utf16le") === wide.text);
    const ropeLength = this.int32()[(rope.value >> 2) + 1] === TAGS.stringRope ? word(word(rope.value) + stringLength) : -1;
    if (stringLength < 0 || stringChars < 0 || ropeLength !== 1201) throw new Error("boardsim: unsupported quickjs-emscripten build (string layout)");
    held.forEach((h) => h.dispose());
    layout = { arrayBufferClass: buffer, uint8ArrayClass, bufferField, bufferData, arrayData, arrayLength, stringLength, stringChars };
  }

  /** The class id of the object a handle holds; -1 for a value that is not an object. */
  private objectClass(handle: QuickJSHandle): number {
    const heap = this.int32();
    if (heap[(handle.value >> 2) + 1] !== TAGS.object) return -1;
    return this.classId(heap[handle.value >> 2]!);
  }
}

function contextPointer(ctx: QuickJSAsyncContext): number {
  return (ctx as unknown as { ctx: { value: number } }).ctx.value;
}

function containerToGuest(ctx: QuickJSAsyncContext, value: HostValue): QuickJSHandle {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number") return ctx.newNumber(value);
    if (typeof value === "string") return ctx.newString(value);
    if (typeof value === "boolean") return value ? ctx.true : ctx.false;
    return ctx.null;
  }
  if (value instanceof Uint8Array) {
    // A copy unless it is its buffer's whole: a Node Buffer's slice() is a view (of the pool's
    // 8 KiB slab for a small one), whose .buffer handed the guest the slab.
    const whole = value.byteOffset === 0 && value.byteLength === value.buffer.byteLength;
    return ctx.newArrayBuffer((whole ? value : new Uint8Array(value)).buffer as ArrayBuffer);
  }
  const container = Array.isArray(value) ? ctx.newArray() : ctx.newObject();
  for (const [key, item] of Object.entries(value)) {
    const handle = containerToGuest(ctx, item as HostValue);
    ctx.setProp(container, Array.isArray(value) ? Number(key) : key, handle);
    handle.dispose();
  }
  return container;
}
