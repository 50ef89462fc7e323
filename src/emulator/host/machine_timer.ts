/**
 * machine.Timer on the board's clock (ports/<port>/machine_timer.c, v1.23.0): a period or one shot,
 * its callback scheduled (Scheduler) when it fires, as the firmware's soft timers do
 * (mp_sched_schedule). Which ids exist is the profile's.
 */
import { FirmwareError } from "../../network-sim/errors.ts";
import type { BoardContext, HostCalls } from "./context.ts";

export function machineTimer(ctx: BoardContext) {
  const { timer } = ctx.profile.port;
  const running = new Map<number, () => void>();
  const stop = (handle: number) => {
    running.get(handle)?.();
    running.delete(handle);
    ctx.scheduler.timers = running.size;
  };
  // rp2's soft_timer_deinit, esp32's machine_timer_deinit_all (main.c, v1.23.0 lines 223 and 179).
  // UNVERIFIED: ESP8266's mp_reset leaves its os_timers armed (their callbacks swept): stopped here too.
  ctx.onDeinit(() => {
    for (const handle of [...running.keys()]) stop(handle);
  });
  return {
    /** Timer(id): checks the id exists on this board. */
    timerCheck: (id: number | null): null => {
      if (id === null && !timer.idOptional) throw new FirmwareError("TypeError", timer.invalidError);
      if (id !== null && timer.ids !== null && !timer.ids.includes(id)) throw new FirmwareError("ValueError", timer.invalidError);
      return null;
    },
    /** init(mode=, period=ms, callback=): `handle` is the guest's timer, `handler` its callback's id (null: none). */
    timerInit: (handle: number, periodic: boolean, periodMs: number, handler: number | null): null => {
      stop(handle);
      if (handler !== null) ctx.scheduler.armed = true;
      if (periodMs < 0) throw new FirmwareError("ValueError", "period must be positive"); // UNVERIFIED text
      const arm = () => {
        const cancel = ctx.clock.setTimer(Math.max(periodMs, 1), () => {
          if (handler !== null) ctx.scheduler.schedule(handler, handle);
          if (periodic) arm();
          else stop(handle);
        });
        running.set(handle, cancel);
        ctx.scheduler.timers = running.size;
      };
      arm();
      return null;
    },
    timerDeinit: (handle: number): null => (stop(handle), null),
    /** Whether any timer runs: after the script ends, the board's REPL would still run their callbacks. */
    timersRunning: (): boolean => running.size > 0,
  } satisfies HostCalls<"machine_timer">;
}
