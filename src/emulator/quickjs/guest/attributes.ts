/** Python's attribute lookup on a guest object: a name it lacks raises AttributeError, as the firmware does. */
import { AttributeError } from "./exceptions.ts";

/**
 * Names the engine itself probes (a thenable check, JSON, the guest library's `__repr__`/`__str__`
 * hooks) read as absent instead of raising: they are not the script's typos.
 */
const PROBES = new Set(["then", "toJSON"]);

/**
 * `obj` with a Proxy at the end of its prototype chain whose missing string attributes raise the
 * firmware's text (py/runtime.c, mp_load_method: "'%s' object has no attribute '%q'"), so
 * `s.conect()` says what the board says instead of the engine's "not a function". A lookup reaches
 * the Proxy only when `obj` lacks the name: `time.ticks_ms` runs no interpreted trap.
 */
export function strictAttributes<T extends object>(obj: T, typeName: string): T {
  Object.setPrototypeOf(obj, new Proxy(Object.getPrototypeOf(obj) as object, strictHandler(typeName)));
  return obj;
}

/** The same for every instance of a class, with no cost on the names it has (a socket's `recv` and `this.fd`). */
export function strictInstances(cls: { prototype: object }, typeName: string): void {
  strictAttributes(cls.prototype, typeName);
}

function strictHandler(typeName: string): ProxyHandler<object> {
  return {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (value === undefined && typeof name === "string" && !(name in target) && !name.startsWith("__") && !PROBES.has(name)) {
        throw new AttributeError(`'${typeName}' object has no attribute '${name}'`);
      }
      return value;
    },
  };
}
