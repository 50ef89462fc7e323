import { afterEach, describe, expect, it } from "vitest";
import { activeResources, ACCEPT_CLOSE_SERVER, bootBoards, connectCloseCycles, settledGrowth } from "./support/hygiene.ts";
import { startScript, type ScriptRun } from "./support/run-script.ts";

// `npm run bench:reliability` runs the same with a full GC between and reports heap and RSS (docs/reliability.md).
const CYCLES = 10_000;
const BOARDS = 1000;
/**
 * Generous bounds, not speed targets (those live in `npm run bench`): alone each test takes 25-85 s,
 * on the shared 2-core machine under load (load average 20) over 120 s.
 */
const BOUND_MS = 600_000;

const running: ScriptRun[] = [];
afterEach(async () => {
  for (const run of running.splice(0)) {
    run.board.interrupt();
    await run.done;
  }
});

describe("resource hygiene: nothing grows with use", () => {
  it(`${CYCLES} sequential connect/close cycles against a board server leave no extra handles or timers`, async () => {
    const run = await startScript(ACCEPT_CLOSE_SERVER);
    running.push(run);
    const port = (await run.logged((l) => l.msg.startsWith("forward "))).hostPort as number;
    await connectCloseCycles(port, 50); // warm up: first connections allocate what later ones reuse
    const baseline = activeResources();
    await connectCloseCycles(port, CYCLES);
    expect(await settledGrowth(baseline)).toEqual({});
  }, BOUND_MS);

  it(`${BOARDS} boards started and stopped in one process leave no extra handles or timers`, async () => {
    await bootBoards(2);
    const baseline = activeResources();
    await bootBoards(BOARDS);
    expect(await settledGrowth(baseline)).toEqual({});
  }, BOUND_MS);
});
