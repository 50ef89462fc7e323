import { RELEASE_ASYNC } from "quickjs-emscripten";
import { expect, it } from "vitest";
import { lazyFfi } from "./lazy-ffi.ts";

it("binds each of the pinned build's FFI functions as the build's own FFI class does, when first read", async () => {
  const Ffi = await RELEASE_ASYNC.importFFI();
  const calls: unknown[][] = [];
  const module = { cwrap: (...args: unknown[]) => (calls.push(args), () => 42) };
  const eager = new Ffi(module as never) as unknown as Record<string, unknown>;
  const names = Object.keys(eager).filter((name) => name.startsWith("QTS_"));
  const eagerCalls = calls.splice(0);
  const lazy = lazyFfi(Ffi, module) as unknown as Record<string, (...args: unknown[]) => unknown>;
  expect(calls).toEqual([]);
  for (const name of names) expect(lazy[name]!()).toBe(42);
  expect(calls).toEqual(eagerCalls);
  expect(lazy.QTS_GetProp).toBe(lazy.QTS_GetProp);
});
