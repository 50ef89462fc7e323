import path from "node:path";
import { describe, expect, it } from "vitest";
import { SLICE_MESSAGE } from "../src/emulator/quickjs/time-slice.ts";
import { runScript, startScript } from "./support/run-script.ts";

/** Ways out a script might try at run time, each printing what it reached. */
const ESCAPES: Record<string, [source: string, printed: string]> = {
  "Node globals": [
    `const g = globalThis as any;
     print([g.require, g.process, g.module, g.exports, g.Buffer, g.global, g.__dirname, g.setTimeout, g.setImmediate, g.fetch,
            g.WebAssembly, g.std, g.os, g.Deno, g.__host].map((v) => typeof v).join(","));`,
    Array(15).fill("undefined").join(","),
  ],
  "Function constructor": [`print(typeof Function("return this")().process, Function("return typeof require")());`, "undefined undefined"],
  "indirect eval": [`print((0, eval)("typeof process + typeof require + typeof globalThis.Buffer"));`, "undefinedundefinedundefined"],
  "constructor of a constructor": [`print(({}).constructor.constructor("return typeof process")());`, "undefined"],
  "generator function constructor": [
    `const G = Object.getPrototypeOf(function* () {}).constructor; print(G("yield typeof process")().next().value);`,
    "undefined",
  ],
  "the host functions behind the modules": [
    `import socket from "socket";
     const s = socket.socket() as any;
     const F = s.constructor.constructor;
     print(F("return typeof process")(), F("return typeof require")(), Object.keys(globalThis).includes("__host"));`,
    "undefined undefined False",
  ],
  "Error.prepareStackTrace (a V8 hook)": [
    `(Error as any).prepareStackTrace = () => { throw new Error("ran in the host"); };
     try { null!.x; } catch (e) { print(typeof (e as Error).stack); }`,
    "string",
  ],
};

describe("the sandbox: a script cannot reach the PC", () => {
  it.each(Object.entries(ESCAPES))("%s", async (_name, [source, printed]) => {
    const { output, outcome } = await runScript(source);
    expect(outcome).toEqual({ kind: "finished" });
    expect(output).toBe(printed + "\n");
  });

  it("imports of Node modules fail at load time with file:line:col", async () => {
    for (const name of ["fs", "node:child_process", "os", "net", "process", "module"]) {
      await expect(runScript(`import m from "${name}"; print(m);`)).rejects.toThrow(/main\.ts:1:\d+: Could not resolve/);
    }
  });

  it("files of the PC cannot ride into the bundle as imports (.json, .txt, no extension)", async () => {
    for (const file of [path.resolve("package.json"), path.resolve("README.md"), "/etc/hostname"]) {
      await expect(runScript(`import data from "${file}"; print(data);`)).rejects.toThrow(
        `main.ts:1:18: cannot import ${file}: a board script imports only .ts and .js files`,
      );
    }
  });

  it("polluting prototypes inside the sandbox does not touch the host's, and host values arrive clean", async () => {
    const { output, outcome } = await runScript(`
      import network from "network";
      (Object.prototype as any).polluted = "yes";
      (Array.prototype as any).extra = "yes";
      (Object.prototype as any).toJSON = () => "hijacked";
      const wlan = network.WLAN(network.STA_IF);
      wlan.active(true);
      print(wlan.ifconfig()[0], wlan.status());
    `);
    expect(outcome).toEqual({ kind: "finished" });
    expect(output).toBe("0.0.0.0 0\n");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(([] as unknown as Record<string, unknown>).extra).toBeUndefined();
    expect(JSON.stringify({ a: 1 })).toBe('{"a":1}');
  });

  it("an error object whose getters loop cannot hang the host while the traceback is taken", async () => {
    const { output, outcome } = await runScript(`throw { name: "X", get message(): string { while (true) {} } };`);
    expect(outcome.kind).toBe("raised");
    expect(output).toMatch(/^Exception: [^\n]*\n$/); // no frames: the exception line alone, as the firmware prints it
  });
});

describe("code the loop ticks cannot reach ends after its slice; the process and other boards go on", () => {
  it.each([
    ["indirect eval", `(0, eval)("while (true) {}");`],
    ["Function constructor", `Function("for (;;) {}")();`],
    ["catastrophic regular expression", `print(/^(a+)+$/.test("a".repeat(40) + "b"));`],
  ])("%s", async (_name, loop) => {
    const beside = await startScript(`import time from "time";\nfor (let i = 0; i < 3; i++) { time.sleep_ms(20); print("tick", i); }`, "pico_w", "beside.ts");
    const { output, outcome } = await runScript(`print("start");\n${loop}\nprint("not reached");\n`);
    expect(outcome).toMatchObject({ kind: "raised", pyType: "RuntimeError" });
    expect(output).toBe(
      `start\nTraceback (most recent call last):\n  File "main.ts", line 2, in <module>\nRuntimeError: ${SLICE_MESSAGE}\n`,
    );
    expect(await beside.done).toEqual({ kind: "finished" });
    expect(beside.output()).toBe("tick 0\ntick 1\ntick 2\n");
  });
});

describe("limits: memory and recursion end in the board's exceptions, the simulator stays up", () => {
  it("a memory bomb raises MemoryError inside the script, which can catch it and carry on", async () => {
    const { output, outcome } = await runScript(`
      import socket from "socket";
      // Typed arrays: each is real memory, so the heap fills in a few dozen steps. (Arrays of numbers
      // took thousands of steps, seconds under load: the heap filled far slower than they grew.)
      let hoard: Uint8Array[] = [];
      try {
        while (true) hoard.push(new Uint8Array(4096));
      } catch (e) {
        hoard = [];
        print(e instanceof MemoryError, repr(e));
      }
      const s = socket.socket();
      s.close();
      print("still up", len(new Array(1000).fill(0)));
    `);
    expect(outcome).toEqual({ kind: "finished" });
    expect(output).toBe("True MemoryError('memory allocation failed')\nstill up 1000\n");
  });

  it("an uncaught memory bomb ends the script with a MicroPython traceback at the user's line", async () => {
    const { output, outcome } = await runScript(`const chunks: Uint8Array[] = [];\nwhile (true) {\n  chunks.push(new Uint8Array(64 * 1024));\n}\n`);
    expect(outcome).toMatchObject({ kind: "raised", pyType: "MemoryError" });
    expect(output).toBe('Traceback (most recent call last):\n  File "main.ts", line 3, in <module>\nMemoryError: memory allocation failed\n');
    // The next board in the same process runs normally.
    expect(await runScript(`print("next board")`)).toEqual({ output: "next board\n", outcome: { kind: "finished" } });
  });

  it("one allocation just beyond the board's room raises MemoryError; one well inside it does not", async () => {
    // The Pico W's heap is 192 KiB; a TS script's room is 1.5 × that, 288 KiB (board-heap.ts).
    const { output } = await runScript(`print(len(new Uint8Array(160 * 1024)));\ntry { new Uint8Array(300 * 1024); } catch (e) { print(repr(e)); }`);
    expect(output).toBe("163840\nMemoryError('memory allocation failed')\n");
  });

  it("endless recursion ends in RuntimeError: maximum recursion depth exceeded, and the next run works", async () => {
    // Usually QuickJS's stack limit hits first and the script's catch gets the RuntimeError; once V8
    // has optimised the interpreter its frames are larger and the host's stack can run out first,
    // which ends the script with the same RuntimeError, uncaught (see docs/reliability.md).
    // Uncaught, its traceback has the script's frames, or (the host's stack ran out) none and no header.
    const recursion = /^(RuntimeError\('maximum recursion depth exceeded'\)|(Traceback \(most recent call last\):\n(  File .*\n)+)?RuntimeError: maximum recursion depth exceeded)\n$/;
    const caught = await runScript(`function f(n: number): number { return f(n + 1) + 1; }\ntry { f(0); } catch (e) { print(repr(e)); }`);
    expect(caught.output).toMatch(recursion);
    const uncaught = await runScript(`const deep = (n: number): number[] => [n].map((x) => deep(x + 1)[0]!);\ndeep(0);`);
    expect(uncaught.outcome).toMatchObject({ kind: "raised", pyType: "RuntimeError" });
    expect(uncaught.output).toMatch(recursion);
    expect(await runScript(`print("next board")`)).toEqual({ output: "next board\n", outcome: { kind: "finished" } });
  });
});
