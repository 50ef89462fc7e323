import { describe, expect, it } from "vitest";
import { Notifier } from "./notifier.ts";

describe("Notifier", () => {
  it("wakes every waiter once, in the order they began waiting", async () => {
    const notifier = new Notifier();
    const woken: string[] = [];
    const waits = ["a", "b", "c"].map((name) => notifier.wait().then(() => woken.push(name)));
    notifier.notify();
    notifier.notify(); // nobody waits any more: nothing to wake
    await Promise.all(waits);
    expect(woken).toEqual(["a", "b", "c"]);
  });

  it("an aborted first waiter leaves the others to the next notify, still in order", async () => {
    const notifier = new Notifier();
    const controller = new AbortController();
    const woken: string[] = [];
    const first = notifier.wait(controller.signal);
    const second = notifier.wait().then(() => woken.push("second"));
    controller.abort(new Error("Ctrl-C"));
    await expect(first).rejects.toThrow("Ctrl-C");
    const third = notifier.wait().then(() => woken.push("third"));
    notifier.notify();
    await Promise.all([second, third]);
    expect(woken).toEqual(["second", "third"]);
  });

  it("a waiter that begins while others are woken waits for the next notify", async () => {
    const notifier = new Notifier();
    let late: Promise<void> | null = null;
    let lateWoken = false;
    const first = notifier.wait().then(() => {
      late = notifier.wait().then(() => {
        lateWoken = true;
      });
    });
    notifier.notify();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(lateWoken).toBe(false);
    notifier.notify();
    await late;
    expect(lateWoken).toBe(true);
  });
});
