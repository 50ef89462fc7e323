import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runScript } from "../../../test/support/run-script.ts";
import { compileScript } from "./transpile.ts";

async function scriptDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "boardsim-transpile-"));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

describe("compileScript", () => {
  it("compiles a script once while none of its files changes, again after an imported file changed", async () => {
    const dir = await scriptDir({ "main.ts": `import { greeting } from "./greeting.ts";\nprint(greeting);`, "greeting.ts": `export const greeting = "hello";` });
    const main = path.join(dir, "main.ts");
    const first = await compileScript(main);
    expect(first.code).toContain('"hello"');
    expect(await compileScript(main)).toBe(first);
    await writeFile(path.join(dir, "greeting.ts"), `export const greeting = "hello again";`);
    const second = await compileScript(main);
    expect(second).not.toBe(first);
    expect(second.code).toContain('"hello again"');
  });

  it("reports a broken script every time, and compiles it once it is fixed", async () => {
    const dir = await scriptDir({ "main.ts": `print(;` });
    const main = path.join(dir, "main.ts");
    await expect(compileScript(main)).rejects.toThrow(/main\.ts:1:7: /);
    await expect(compileScript(main)).rejects.toThrow(/main\.ts:1:7: /);
    await writeFile(main, `print("fixed");`);
    expect((await compileScript(main)).code).toContain('"fixed"');
  });

  it("runs a script that starts with a #! line and loops (the loop counter goes after that line)", async () => {
    const { output, outcome } = await runScript(`#!/usr/bin/env boardsim\nlet n = 0;\nfor (let i = 0; i < 300; i++) n += i;\nwhile (n > 44000) n -= 1000;\nprint(n);\n`);
    expect(outcome).toEqual({ kind: "finished" });
    expect(output).toBe("43850\n");
  });

  it("runs a script with a variable of its own named as the loop counter, its value untouched by the count", async () => {
    const { output, outcome } = await runScript(
      `let __ticks = 7;\nfor (let i = 0; i < 3; i++) __ticks += 1;\nfunction f(__ticks: number) {\n  let n = 0;\n  while (n < 100) n++;\n  return __ticks;\n}\nprint(__ticks, f(5));\n`,
    );
    expect(outcome).toEqual({ kind: "finished" });
    expect(output).toBe("10 5\n");
  });

  it("keeps the board's catch hook in a script with its own __caught: a full heap is still MemoryError there", async () => {
    const { output, outcome } = await runScript(
      `function __caught(e: unknown) { return "mine"; }\nconst held: Uint8Array[] = [];\ntry { for (;;) held.push(new Uint8Array(4096)); } catch (e) { held.length = 0; print(e instanceof MemoryError, __caught(1)); }\n`,
    );
    expect(outcome).toEqual({ kind: "finished" });
    expect(output).toBe("True mine\n");
  });

  it("reports a dropped promise's rejection in a script with its own __dropped and __value, which keep their values", async () => {
    const { output, outcome } = await runScript(
      `const __value = 1;\nfunction __dropped(x: number) { return x + __value; }\nasync function f() { throw new ValueError("lost"); }\nf();\nprint(__dropped(1));\n`,
    );
    expect(outcome).toEqual({ kind: "finished" });
    expect(output).toBe(`2\nTask exception wasn't retrieved\nTraceback (most recent call last):\n  File "main.ts", line 4, in <module>\n  File "main.ts", line 3, in f\nValueError: lost\n`);
  });
});
