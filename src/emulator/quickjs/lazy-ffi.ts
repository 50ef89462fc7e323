/**
 * The build's FFI class binds all its ≈ 110 C functions (emscripten `cwrap`) when made, for every
 * board's instance, though a board calls a few dozen: ≈ 0.13 ms and ≈ 110 closures per board that
 * every JavaScript collection walks. A lazy FFI binds each function on first use, with the class's
 * own arguments, read once per process by making the class on a module that records its cwrap calls.
 */
type Cwrap = (name: string, returns: string | null, args: string[], options?: object) => unknown;
type FfiClass = new (module: { cwrap: Cwrap }) => object;

interface Binding {
  args: Parameters<Cwrap>;
  /** The class wraps the function in assertSync (a call that must not suspend). */
  sync: boolean;
}

/** As the class's assertSync: a function that must not suspend fails loudly if it did. */
function assertSync(fn: (...args: unknown[]) => unknown) {
  return (...args: unknown[]) => {
    const result = fn(...args);
    if (result instanceof Promise) throw new Error("Function unexpectedly returned a Promise");
    return result;
  };
}

const prototypes = new WeakMap<FfiClass, object>();

/** A prototype whose QTS_ getters bind the function for the instance they are read on, once. */
function lazyPrototype(Ffi: FfiClass): object {
  const calls: Parameters<Cwrap>[] = [];
  const made = new Map<unknown, number>();
  const recorded = new Ffi({
    cwrap: (...args) => {
      const stand = () => {};
      made.set(stand, calls.push(args) - 1);
      return stand;
    },
  }) as Record<string, unknown>;
  const names = Object.keys(recorded).filter((name) => name.startsWith("QTS_"));
  if (names.length !== calls.length) throw new Error("boardsim: unsupported quickjs-emscripten build (FFI)");
  const prototype = Object.create(Ffi.prototype) as object;
  names.forEach((name, i) => {
    const binding: Binding = { args: calls[i]!, sync: !made.has(recorded[name]) };
    if (!binding.sync && made.get(recorded[name]) !== i) throw new Error("boardsim: unsupported quickjs-emscripten build (FFI order)");
    Object.defineProperty(prototype, name, {
      get(this: { module: { cwrap: Cwrap } }) {
        const bound = this.module.cwrap(...binding.args);
        const value = binding.sync ? assertSync(bound as (...a: unknown[]) => unknown) : bound;
        Object.defineProperty(this, name, { value, writable: true, configurable: true, enumerable: true });
        return value;
      },
      configurable: true,
    });
  });
  return prototype;
}

/** An FFI object like `new Ffi(module)`, binding its functions on first use. */
export function lazyFfi<T extends object>(Ffi: new (module: never) => T, module: object): T {
  let prototype = prototypes.get(Ffi as unknown as FfiClass);
  if (!prototype) prototypes.set(Ffi as unknown as FfiClass, (prototype = lazyPrototype(Ffi as unknown as FfiClass)));
  return Object.assign(Object.create(prototype) as T, { module, DEBUG: false });
}
