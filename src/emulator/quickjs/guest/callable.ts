/**
 * Python classes are called without `new` (`network.WLAN(network.STA_IF)`); this makes a class
 * callable both ways, sharing one prototype so instanceof keeps working, and keeping its statics
 * (`WLAN.IF_STA`).
 */
export function callable<A extends unknown[], T, C extends new (...args: A) => T>(cls: C & (new (...args: A) => T)): C & ((...args: A) => T) {
  const f = function (...args: A) {
    return Reflect.construct(cls, args) as T; // not a spread: see call in host.ts
  } as unknown as C & ((...args: A) => T);
  Object.defineProperty(f, "name", { value: cls.name });
  Object.setPrototypeOf(f, cls); // static members, as a subclass reaches them
  f.prototype = cls.prototype;
  return f;
}
