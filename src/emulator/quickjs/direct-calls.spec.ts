import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { expect, it } from "vitest";
import { directCalls, exportNames } from "./direct-calls.ts";

const glue = () => readFile(createRequire(import.meta.url).resolve("@jitl/quickjs-wasmfile-release-asyncify/emscripten-module"), "utf8");

it("finds the export of each C function it calls in the pinned build's glue", async () => {
  const names = exportNames(await glue());
  const exports = Object.fromEntries([...names.values()].map((name) => [name, () => name]));
  const calls = directCalls(exports, names) as unknown as Record<string, () => string>;
  for (const fn of ["malloc", "free", "QTS_NewArrayBuffer", "QTS_FreeValuePointer", "QTS_NewFloat64", "QTS_GetFloat64", "QTS_NewString"]) {
    expect(calls[fn]!()).toBe(names.get(fn));
  }
  expect(new Set([...names.values()]).size).toBe(names.size); // one export per function: no name read twice
});

it("refuses a build whose glue does not name them, or whose instance lacks them", async () => {
  expect(() => exportNames("d._malloc=b.w;d._free=b.N")).toThrow(/unsupported quickjs-emscripten build/);
  const names = exportNames(await glue());
  expect(() => directCalls({}, names)).toThrow(/unsupported quickjs-emscripten build/);
});
