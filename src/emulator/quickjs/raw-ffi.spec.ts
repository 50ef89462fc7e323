import { newQuickJSAsyncWASMModuleFromVariant, newVariant, RELEASE_ASYNC, type QuickJSAsyncContext } from "quickjs-emscripten";
import { describe, expect, it } from "vitest";
import type { HostValue } from "../host-api.ts";
import { RawHostCalls } from "./raw-ffi.ts";

/** A QuickJS context whose global `h` holds the given host functions, bound raw. */
async function sandbox(functions: Record<string, (...args: HostValue[]) => HostValue | Promise<HostValue>>): Promise<QuickJSAsyncContext> {
  const module = await newQuickJSAsyncWASMModuleFromVariant(newVariant(RELEASE_ASYNC, {}));
  const raw = new RawHostCalls(module);
  const ctx = module.newContext();
  const host = { functionNames: Object.keys(functions), call: (name: string, args: readonly HostValue[]) => functions[name]!(...args) };
  raw.install(ctx, "h", host, () => true, (error) => Object.assign(new Error((error as Error).message), { name: "HostError" }));
  return ctx;
}

async function evaluate(ctx: QuickJSAsyncContext, code: string): Promise<unknown> {
  const result = ctx.unwrapResult(await ctx.evalCodeAsync(code));
  return result.consume((h) => ctx.dump(h));
}

describe("raw host calls over the QuickJS FFI", () => {
  it("passes the guest's values to the host as HostValues", async () => {
    let seen: HostValue[] = [];
    const ctx = await sandbox({ take: (...args) => ((seen = args), null) });
    await evaluate(
      ctx,
      `let rope = "ab"; for (let i = 0; i < 3; i++) rope += "c" + i;
       h.take(1, -5, 2 ** 31, 1.5, -0.25, true, false, null, undefined, "héllo ✓", rope, "", "café ÿ", "Ä".repeat(3000),
              new Uint8Array([0, 1, 255]).buffer, new ArrayBuffer(0), [1, "x", [true]], { a: 1, b: "two" },
              new Uint8Array([7, 8, 9, 10]).subarray(1, 3), new (class extends Uint8Array {})([4, 2]), new Uint8Array(0),
              ...(() => { const b = new ArrayBuffer(4); const v = new Uint8Array(b); b.transfer(); return [b, v]; })(),
              (() => { const b = new ArrayBuffer(2, { maxByteLength: 8 }); const v = new Uint8Array(b); b.resize(3); v[2] = 6; return v; })())`,
    );
    expect(seen).toEqual([
      1, -5, 2 ** 31, 1.5, -0.25, true, false, null, null, "héllo ✓", "abc0c1c2", "", "café ÿ", "Ä".repeat(3000),
      Uint8Array.of(0, 1, 255), new Uint8Array(0), [1, "x", [true]], { a: 1, b: "two" },
      Uint8Array.of(8, 9), Uint8Array.of(4, 2), new Uint8Array(0),
      new Uint8Array(0), new Uint8Array(0), // a detached buffer and a view of it: empty
      Uint8Array.of(0, 0, 6), // a view that tracks a resized buffer
    ]);
    ctx.dispose();
  });

  it("passes strings whole: NULs, lone surrogates and emoji in 8-bit, 16-bit and rope strings", async () => {
    let seen: HostValue[] = [];
    const ctx = await sandbox({ take: (...args) => ((seen = args), null) });
    // Ropes: a concatenation of long strings that stay alive (`a`, `w`) is not copied flat.
    await evaluate(
      ctx,
      `const a = "x".repeat(600), w = "中".repeat(600);
       h.take("a\\0b", "\\0", "é\\0ÿ", "中\\0文", "a\\ud800b", "x\\udc00", "😀", a + "\\0" + a, w + "\\0" + w, a + "\\ud800" + a, a + "😀é" + a)`,
    );
    const x = "x".repeat(600);
    const w = "中".repeat(600);
    expect(seen).toEqual(["a\0b", "\0", "é\0ÿ", "中\0文", "a\ud800b", "x\udc00", "😀", `${x}\0${x}`, `${w}\0${w}`, `${x}\ud800${x}`, `${x}😀é${x}`]);
    ctx.dispose();
  });

  it("a copy the host keeps stays as it was sent while the guest reuses its buffer", async () => {
    const kept: Uint8Array[] = [];
    const ctx = await sandbox({ keep: (data) => (kept.push(data as Uint8Array), null) });
    await evaluate(ctx, `const b = new Uint8Array(1000); for (let i = 0; i < 40; i++) { b.fill(i); h.keep(b); h.keep(b.subarray(0, 100)); }`);
    expect(kept.map((k) => [k.length, new Set(k).size, k[0]])).toEqual(Array.from({ length: 40 }, (_, i) => [[1000, 1, i], [100, 1, i]]).flat());
    ctx.dispose();
  });

  it("a kept copy holds at most 256 times its size: a one-byte copy between larger ones holds no arena", async () => {
    // Were small copies cut from the 16 KiB arena, one-byte sends each after 16 KiB of others
    // would make the host hold 16 KiB per byte a peer's window keeps.
    const kept: Uint8Array[] = [];
    const ctx = await sandbox({ keep: (data) => (kept.push(data as Uint8Array), null), drop: () => null });
    await evaluate(ctx, `const b = new Uint8Array(4096); for (let i = 0; i < 8; i++) { h.keep(b.subarray(0, 1 + i * 9)); for (let j = 0; j < 4; j++) h.drop(b); }`);
    expect(kept.map((k) => [k.length, k.buffer.byteLength <= 256 * k.length])).toEqual(Array.from({ length: 8 }, (_, i) => [1 + i * 9, true]));
    ctx.dispose();
  });

  it("returns the host's values to the guest as their JS equivalents", async () => {
    const values: HostValue[] = [7, -7, 2 ** 40, 0.5, true, false, null, "", "héllo ✓", "a\0b", "中\0", Uint8Array.of(9, 0, 8), new Uint8Array(0), Uint8Array.of(1, 2, 3, 4).subarray(1, 3), [1, "x", Uint8Array.of(5)], { k: [null] }];
    const ctx = await sandbox({ give: (i) => values[i as number]! });
    const described = await evaluate(
      ctx,
      `const show = (v) => v instanceof ArrayBuffer ? { bytes: [...new Uint8Array(v)] } : Array.isArray(v) ? v.map(show) : v;
       JSON.stringify(Array.from({ length: ${values.length} }, (_, i) => { const v = h.give(i); return [typeof v, show(v)]; }))`,
    );
    expect(JSON.parse(described as string)).toEqual([
      ["number", 7], ["number", -7], ["number", 2 ** 40], ["number", 0.5], ["boolean", true], ["boolean", false], ["object", null],
      ["string", ""], ["string", "héllo ✓"], ["string", "a\0b"], ["string", "中\0"], ["object", { bytes: [9, 0, 8] }], ["object", { bytes: [] }], ["object", { bytes: [2, 3] }],
      ["object", [1, "x", { bytes: [5] }]], ["object", { k: [null] }],
    ]);
    ctx.dispose();
  });

  it("suspends the guest on a promise and resumes it with the value; the host function runs once per call", async () => {
    let calls = 0;
    const ctx = await sandbox({
      later: (n) => {
        calls++;
        return new Promise((resolve) => setImmediate(() => resolve(Uint8Array.of(n as number, n as number))));
      },
    });
    const sum = await evaluate(ctx, `let s = 0; for (let i = 1; i <= 50; i++) s += new Uint8Array(h.later(i))[1]; s`);
    expect(sum).toBe((50 * 51) / 2);
    expect(calls).toBe(50);
    ctx.dispose();
  });

  it("raises what the host throws or rejects with as an Error in the guest", async () => {
    const ctx = await sandbox({
      fails: () => {
        throw new Error("sync failure");
      },
      rejects: () => Promise.reject(new Error("async failure")),
    });
    const caught = await evaluate(
      ctx,
      `const out = []; for (const f of [h.fails, h.rejects]) { try { f(); } catch (e) { out.push(e.name + ": " + e.message); } } out.join("; ")`,
    );
    expect(caught).toBe("HostError: sync failure; HostError: async failure");
    ctx.dispose();
  });
});
