import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BOARDS } from "../../boards/index.ts";
import { boardInfo } from "../host/modbuiltins.ts";
import type { GuestHost, HostValue } from "../host-api.ts";
import { QuickJsEngine } from "./engine.ts";
import { BUSY_MS, GUEST_SLICE_MS, SLICE_MESSAGE, TimeSlice } from "./time-slice.ts";
import { compileScript } from "./transpile.ts";

afterEach(() => vi.restoreAllMocks());

/** Runs `source` on a stand-in host whose sleep blocks the guest while `elapse` ms pass on performance.now(). */
async function runBlocking(source: string, elapse: number) {
  const dir = await mkdtemp(path.join(tmpdir(), "boardsim-slice-"));
  try {
    const file = path.join(dir, "main.ts");
    await writeFile(file, source);
    const script = await compileScript(file);
    let skew = 0;
    const now = performance.now.bind(performance);
    vi.spyOn(performance, "now").mockImplementation(() => now() + skew);
    let printed = "";
    const fns: Record<string, (...args: never[]) => HostValue | Promise<HostValue>> = {
      boardInfo: () => boardInfo(BOARDS.pico_w!, false),
      poll: () => null,
      timersRunning: () => false,
      // The guest is suspended in this call while the time passes.
      timeSleep: () => new Promise((resolve) => setImmediate(() => ((skew += elapse), resolve(null)))),
      write: (text: string) => ((printed += text), null),
    };
    const host: GuestHost = { functionNames: Object.keys(fns), call: (name, args) => (fns[name] as (...a: readonly HostValue[]) => HostValue)(...args) };
    const engine = await QuickJsEngine.create(script, { heapBytes: 1 << 20, config: {} });
    const outcome = await engine.run(host);
    return { outcome, printed };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("the guest's time slice", () => {
  it("tells the host every BUSY_MS the guest keeps the event loop: a suspension (a turn) starts over, a call that returns at once does not", () => {
    let now = 0;
    vi.spyOn(performance, "now").mockImplementation(() => now);
    const busy = vi.fn();
    const slice = new TimeSlice(busy);
    const at = (ms: number) => ((now = ms), slice.interrupt());
    at(BUSY_MS - 1);
    expect(busy).toHaveBeenCalledTimes(0);
    at(BUSY_MS);
    expect(busy).toHaveBeenCalledTimes(1);
    slice.renew(); // print(), answered at once: still no turn
    at(2 * BUSY_MS);
    expect(busy).toHaveBeenCalledTimes(2);
    slice.resumed(); // a sleep: the event loop turned
    at(2 * BUSY_MS + 1);
    at(3 * BUSY_MS);
    expect(busy).toHaveBeenCalledTimes(2);
    at(3 * BUSY_MS + 1);
    expect(busy).toHaveBeenCalledTimes(3);
  });

  it("has the console hand on what the script printed while a computation keeps the event loop, before the slice ends it", async () => {
    // Recursion has no loop ticks: the guest keeps Node's thread until the slice ends it. The CLI's
    // console writes its batch when the event loop turns (console/stdio.ts): without the flush,
    // "start" would reach stdout only with the traceback. At the latest the slice's last check
    // flushes (it looks at BUSY_MS first), so this holds however slow the machine.
    const dir = await mkdtemp(path.join(tmpdir(), "boardsim-slice-"));
    try {
      const file = path.join(dir, "main.ts");
      await writeFile(file, `print("start");\nfunction spin(n: number): void { if (n > 0) { spin(n - 1); spin(n - 1); } }\nspin(60);\n`);
      let printed = "";
      const flushedAt: string[] = [];
      const fns: Record<string, (...args: never[]) => HostValue> = {
        boardInfo: () => boardInfo(BOARDS.pico_w!, false),
        poll: () => null,
        timersRunning: () => false,
        write: (text: string) => ((printed += text), null),
      };
      const host: GuestHost = {
        functionNames: Object.keys(fns),
        call: (name, args) => (fns[name] as (...a: readonly HostValue[]) => HostValue)(...args),
        console: { flush: () => void flushedAt.push(printed) },
      };
      const engine = await QuickJsEngine.create(await compileScript(file), { heapBytes: 1 << 20, config: {} });
      const outcome = await engine.run(host);
      expect(outcome).toMatchObject({ kind: "raised", pyType: "RuntimeError" });
      expect(flushedAt[0]).toBe("start\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  // Code from eval() has no loop ticks: only QuickJS's interrupt handler sees it run.
  const busyAfterSleep = `
    import time from "time";
    time.sleep_ms(10);
    (0, eval)("for (let i = 0; i < 300000; i++) {}");
    print("ran on");
  `;

  it("starts afresh when the guest resumes from a call that blocked longer than the slice", async () => {
    const { outcome, printed } = await runBlocking(busyAfterSleep, GUEST_SLICE_MS + 1000);
    expect(printed).toBe("ran on\n");
    expect(outcome).toEqual({ kind: "finished" });
  });

  it("still ends a loop that runs on past its slice after the resume", async () => {
    const source = `import time from "time";\ntime.sleep_ms(10);\n(0, eval)("while (true) {}");\nprint("not reached");\n`;
    const { outcome, printed } = await runBlocking(source, GUEST_SLICE_MS + 1000);
    expect(printed).toBe("");
    expect(outcome).toMatchObject({ kind: "raised", pyType: "RuntimeError", traceback: expect.arrayContaining([`RuntimeError: ${SLICE_MESSAGE}`]) });
  });
});
