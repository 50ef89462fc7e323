import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOARDS } from "../../boards/index.ts";
import { RealClock } from "../../network-sim/clock/clock.ts";
import { Lan } from "../../network-sim/lan.ts";
import { Board } from "../board.ts";
import type { HostValue, RunOutcome } from "../host-api.ts";
import { QuickJsEngine } from "./engine.ts";
import { compileScript } from "./transpile.ts";

let dir = "";
beforeAll(async () => void (dir = await mkdtemp(path.join(tmpdir(), "boardsim-script-snapshot-"))));
afterAll(() => rm(dir, { recursive: true, force: true }));

const log = pino({ level: "silent" });
const lan = new Lan({ clock: new RealClock(), log });
let boards = 0;

/**
 * Runs `file` on Pico Ws one after the other, each with its own config: the first compiles the
 * script itself, the second and third start from a template with it compiled in (script-snapshots.ts).
 */
async function runOnThreeBoards(file: string, configs: Record<string, HostValue>[], heapBytes = BOARDS.pico_w!.heapBytes) {
  const runs: { output: string; outcome: RunOutcome }[] = [];
  for (const config of configs) {
    let output = "";
    const board = new Board({ profile: BOARDS.pico_w!, lan, log, name: `board-${++boards}`, timing: "fast", console: (text) => void (output += text) });
    const engine = await QuickJsEngine.create(await compileScript(file, "main.ts"), { heapBytes, config });
    const outcome = await board.run(engine).finally(() => board.shutdown());
    runs.push({ output, outcome });
  }
  return runs;
}

describe("boards running one script", () => {
  it("each read their own config, draw their own random numbers and show the same traceback", async () => {
    const file = path.join(dir, "main.ts");
    await writeFile(file, [
      `import config, { name } from "config";`,
      `print(config.name, name, Math.random());`,
      `function check(n: number) {`,
      `  if (n > 1) throw new ValueError("too big");`,
      `}`,
      `check(2);`,
    ].join("\n"));
    const runs = await runOnThreeBoards(file, [{ name: "a" }, { name: "b" }, { name: "c" }]);
    expect(runs.map((run) => run.output.split(" ").slice(0, 2).join(" "))).toEqual(["a a", "b b", "c c"]);
    expect(new Set(runs.map((run) => run.output.split(" ")[2])).size).toBe(3);
    const first = runs[0]!.outcome;
    expect(first).toMatchObject({ kind: "raised", pyType: "ValueError" });
    expect(first.kind === "raised" && first.traceback.join("\n")).toMatch(/main\.ts", line 6, in <module>\n.*main\.ts", line 4, in check\n/);
    expect(runs[1]!.outcome).toEqual(first);
    expect(runs[2]!.outcome).toEqual(first);
  });

  it("each have the heap the first one had", async () => {
    const file = path.join(dir, "fill.ts");
    await writeFile(file, [
      `const held: Uint8Array[] = [];`,
      `try { for (;;) held.push(new Uint8Array(256)); } catch (e) { print(e instanceof MemoryError ? "MemoryError" : String(e), held.length); }`,
    ].join("\n"));
    const runs = await runOnThreeBoards(file, [{}, {}, {}], 64 * 1024);
    expect(runs[0]!.output).toMatch(/^MemoryError \d+\n$/);
    expect(runs.map((run) => run.output)).toEqual([runs[0]!.output, runs[0]!.output, runs[0]!.output]);
  });
});
