import { describe, expect, it } from "vitest";
import type { HostValue } from "../host-api.ts";
import { BlockingWake, WOKEN } from "./blocking-wake.ts";
import { Scheduler } from "./scheduler.ts";

/** A blocking selectPoll parked by a Timer's callback, which the guest then ran (two takes: the callback's, then none). */
async function parkedPoll(args: HostValue[]) {
  const scheduler = new Scheduler();
  scheduler.armed = true;
  let cancelled = 0;
  const wake = new BlockingWake(scheduler, () => cancelled++);
  const pending = new Promise<HostValue>(() => {}); // the sockets stay quiet
  const answer = wake.wait("selectPoll", args, pending);
  scheduler.schedule(1, null);
  expect(await answer).toBe(WOKEN);
  scheduler.take();
  scheduler.take();
  return { wake, pending, cancelled: () => cancelled };
}

describe("a blocking call parked while the guest runs callbacks", () => {
  it("is given back to the same call asked again, its arguments equal (decoded anew)", async () => {
    const { wake, pending, cancelled } = await parkedPoll([[[3, 1]], 100]);
    expect(wake.resume("selectPoll", [[[3, 1]], 100])).toBe(pending);
    expect(cancelled()).toBe(0);
  });

  it("ends when the call comes with other arguments (asyncio polling other sockets, or with timeout 0): that call runs anew", async () => {
    const { wake, cancelled } = await parkedPoll([[[3, 1]], 100]);
    expect(wake.resume("selectPoll", [[[3, 1]], 0])).toBeNull();
    expect(cancelled()).toBe(1);
    expect(wake.resume("selectPoll", [[[3, 1]], 100])).toBeNull(); // nothing is parked any more
  });

  it("ends when another call comes", async () => {
    const { wake, cancelled } = await parkedPoll([[[3, 1]], 100]);
    expect(wake.resume("socketRecv", [3, 64])).toBeNull();
    expect(cancelled()).toBe(1);
  });
});
