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
  it("one abort ends every wait still on the signal, once each; a wait a cancel finishes is not aborted", async () => {
    const controller = new AbortController();
    const cancelled: string[] = [];
    let finishSecond!: (value: string) => void;
    // The first wait's cancel finishes the second before the abort reaches it.
    const first = abortableWait(controller.signal, () => () => (cancelled.push("first"), finishSecond("finished")));
    const second = abortableWait<string>(controller.signal, (resolve) => ((finishSecond = resolve), () => cancelled.push("second")));
    const done = abortableWait(controller.signal, (resolve) => (setImmediate(() => resolve("early")), () => cancelled.push("done")));
    await expect(done).resolves.toBe("early");
    const third = abortableWait(controller.signal, () => () => cancelled.push("third"));
    controller.abort(new Error("Ctrl-C"));
    await expect(first).rejects.toThrow("Ctrl-C");
    await expect(second).resolves.toBe("finished");
    await expect(third).rejects.toThrow("Ctrl-C");
    expect(cancelled).toEqual(["first", "third"]);
  });
});
