/**
 * Python classes are called without `new` (`network.WLAN(network.STA_IF)`); this makes a class
 * callable both ways, sharing one prototype so instanceof keeps working.
 */
export function callable<A extends unknown[], T>(cls: new (...args: A) => T): ((...args: A) => T) & (new (...args: A) => T) {
  const f = function (...args: A) {
    return new cls(...args);
  } as unknown as ((...args: A) => T) & (new (...args: A) => T);
  Object.defineProperty(f, "name", { value: cls.name });
  f.prototype = cls.prototype;
  return f;
}
