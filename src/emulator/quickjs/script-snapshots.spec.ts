import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { QuickJSAsyncContext } from "quickjs-emscripten";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BOARDS } from "../../boards/index.ts";
import { RealClock, type Clock } from "../../network-sim/clock/clock.ts";
import { VirtualClock } from "../../network-sim/clock/virtual-clock.ts";
import { Lan } from "../../network-sim/lan.ts";
import { Board } from "../board.ts";
import type { HostValue, RunOutcome } from "../host-api.ts";
import { QuickJsEngine } from "./engine.ts";
import { compileScript } from "./transpile.ts";

let dir = "";
beforeAll(async () => void (dir = await mkdtemp(path.join(tmpdir(), "boardsim-script-snapshot-"))));
afterAll(() => rm(dir, { recursive: true, force: true }));

const log = pino({ level: "silent" });
let boards = 0;

/**
 * Runs `file` on Pico Ws one after the other, each with its own config: the first compiles the
 * script itself, the second and third start from a template with it compiled in (script-snapshots.ts).
 * On `clock`: a VirtualClock is run until each board is done.
 */
async function runOnThreeBoards(file: string, configs: Record<string, HostValue>[], heapBytes = BOARDS.pico_w!.heapBytes, clock: Clock = new RealClock()) {
  const lan = new Lan({ clock, log });
  const runs: { output: string; outcome: RunOutcome }[] = [];
  for (const config of configs) {
    let output = "";
    const board = new Board({ profile: BOARDS.pico_w!, lan, log, name: `board-${++boards}`, timing: "fast", console: (text) => void (output += text) });
    const engine = await QuickJsEngine.create(await compileScript(file, "main.ts"), { heapBytes, config });
    let done = false;
    const running = board.run(engine).finally(() => ((done = true), board.shutdown()));
    if (clock instanceof VirtualClock) await clock.runUntil(() => done, 60_000);
    const outcome = await running;
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

  it("set the config of a board started from the template without compiling code for it", async () => {
    const file = path.join(dir, "config.ts");
    await writeFile(file, `import config from "config"; print(config.name, config.list.join("+"));`);
    const evaluated = vi.spyOn(QuickJSAsyncContext.prototype, "evalCodeAsync");
    try {
      const runs = await runOnThreeBoards(file, [{ name: "a", list: [1] }, { name: "b", list: [2, 3] }, { name: "c", list: [] }]);
      expect(runs.map((run) => run.output)).toEqual(["a 1\n", "b 2+3\n", "c \n"]);
      // Per board: the script's run (the first board compiled it in its own instance) and the idle after it.
      expect(evaluated.mock.calls.map(([, file]) => file)).toEqual(Array(3).fill(["boardsim:run", "boardsim:idle"]).flat());
    } finally {
      evaluated.mockRestore();
    }
  });

  // To the block: small arrays fit in holes a compile leaves, larger ones do not. In virtual time:
  // on the real clock a loop's poll lets the event loop run (suspends) only once 10 ms have passed,
  // and a suspended call leaves a few small blocks elsewhere than one answered at once.
  it.each([16, 256])("each have the heap the first one had, to the last %i-byte array", async (bytes) => {
    const file = path.join(dir, `fill${bytes}.ts`);
    await writeFile(file, [
      `const held: Uint8Array[] = [];`,
      `try { for (;;) held.push(new Uint8Array(${bytes})); } catch (e) { print(e instanceof MemoryError ? "MemoryError" : String(e), held.length); }`,
    ].join("\n"));
    const runs = await runOnThreeBoards(file, [{}, {}, {}], 64 * 1024, new VirtualClock());
    expect(runs[0]!.output).toMatch(/^MemoryError \d+\n$/);
    expect(runs.map((run) => run.output)).toEqual([runs[0]!.output, runs[0]!.output, runs[0]!.output]);
  });
});
