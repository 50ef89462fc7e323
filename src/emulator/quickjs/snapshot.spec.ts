import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOARDS } from "../../boards/index.ts";
import { RealClock } from "../../network-sim/clock/clock.ts";
import { Lan } from "../../network-sim/lan.ts";
import { Board } from "../board.ts";
import type { RunOutcome } from "../host-api.ts";
import { QuickJsEngine } from "./engine.ts";
import { compileScript } from "./transpile.ts";

let dir = "";
beforeAll(async () => void (dir = await mkdtemp(path.join(tmpdir(), "boardsim-snapshot-"))));
afterAll(() => rm(dir, { recursive: true, force: true }));

const log = pino({ level: "silent" });
const lan = new Lan({ clock: new RealClock(), log });
let boards = 0;

/** A Pico W running `source` with `heapBytes` of heap: every one of them boots from the same snapshot. */
async function boot(source: string, heapBytes = BOARDS.pico_w!.heapBytes) {
  const file = path.join(dir, `board-${++boards}.ts`);
  await writeFile(file, source);
  let output = "";
  const waiting: (() => void)[] = [];
  const board = new Board({ profile: BOARDS.pico_w!, lan, log, name: `board-${boards}`, timing: "fast", console: (text) => {
    output += text;
    waiting.splice(0).forEach((wake) => wake());
  } });
  const engine = await QuickJsEngine.create(await compileScript(file), { heapBytes, config: {} });
  const done: Promise<RunOutcome> = board.run(engine).finally(() => board.shutdown());
  const printed = async (text: string) => {
    while (!output.includes(text)) await new Promise<void>((wake) => waiting.push(wake));
  };
  return { output: () => output, printed, done };
}

describe("boards booted from one snapshot", () => {
  it("do not share globals or the guest library's objects", async () => {
    const a = await boot(`import socket from "socket"; import time from "time"; globalThis.mark = "a"; socket.extra = 1; Array.prototype.first = 1; print("set"); while (true) time.sleep_ms(5);`);
    await a.printed("set");
    const b = await boot(`import socket from "socket"; print(typeof globalThis.mark, "extra" in socket, typeof [].first);`);
    expect(await b.done).toEqual({ kind: "finished" });
    expect(b.output()).toBe("undefined False undefined\n"); // ("in": a module's missing attribute raises AttributeError, as in Python)
  });

  it("each draw their own Math.random sequence", async () => {
    const script = `print([Math.random(), Math.random(), Math.random()].join(" "));`;
    const [a, b] = await Promise.all([boot(script), boot(script)]);
    await Promise.all([a.done, b.done]);
    expect(a.output()).toMatch(/^0\.\d+ 0\.\d+ 0\.\d+\n$/);
    expect(b.output()).toMatch(/^0\.\d+ 0\.\d+ 0\.\d+\n$/);
    expect(a.output()).not.toBe(b.output());
  });

  it("each have their own heap limit", async () => {
    const script = `try { const block = new Uint8Array(512 * 1024); print("allocated", block.length); } catch (e) { print(e instanceof MemoryError ? "MemoryError" : String(e)); }`;
    const [small, large] = await Promise.all([boot(script, 64 * 1024), boot(script, 1024 * 1024)]);
    await Promise.all([small.done, large.done]);
    expect(small.output()).toBe("MemoryError\n");
    expect(large.output()).toBe("allocated 524288\n");
  });

  it("keep running when another one crashes", async () => {
    const survivor = await boot(`import time from "time"; for (let i = 0; i < 3; i++) { time.sleep_ms(20); print("tick", i); }`);
    const crashing = await boot(`function down(n: number): number { return down(n + 1) + 1; } down(0);`);
    const crashed = await crashing.done;
    expect(crashed).toMatchObject({ kind: "raised", pyType: "RuntimeError" });
    expect(await survivor.done).toEqual({ kind: "finished" });
    expect(survivor.output()).toBe("tick 0\ntick 1\ntick 2\n");
  });
});
