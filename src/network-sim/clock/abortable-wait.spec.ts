import { describe, expect, it } from "vitest";
import { abortableWait } from "./abortable-wait.ts";

describe("abortableWait", () => {
  it("settles with the wait's result; an abort afterwards cancels nothing", async () => {
    const controller = new AbortController();
    let finish!: (value: string) => void;
    let cancelled = 0;
    const waiting = abortableWait<string>(controller.signal, (resolve) => ((finish = resolve), () => cancelled++));
    finish("done");
    await expect(waiting).resolves.toBe("done");
    controller.abort(new Error("late"));
    expect(cancelled).toBe(0);
  });

  it("cancels the wait and rejects with the signal's reason on abort", async () => {
    const controller = new AbortController();
    let cancelled = 0;
    const waiting = abortableWait(controller.signal, () => () => cancelled++);
    controller.abort(new Error("Ctrl-C"));
    await expect(waiting).rejects.toThrow("Ctrl-C");
    expect(cancelled).toBe(1);
  });

  it("never starts when the signal is already aborted", async () => {
    let started = false;
    const waiting = abortableWait(AbortSignal.abort(new Error("before")), () => ((started = true), () => {}));
    await expect(waiting).rejects.toThrow("before");
    expect(started).toBe(false);
  });

  it("a wait that ends at once is not cancelled by a later abort", async () => {
    const controller = new AbortController();
    let cancelled = 0;
    const waiting = abortableWait(controller.signal, (resolve) => (resolve(1), () => cancelled++));
    controller.abort(new Error("after"));
    await expect(waiting).resolves.toBe(1);
    expect(cancelled).toBe(0);
  });
});
