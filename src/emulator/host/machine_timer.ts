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
  /** Each timer's last init() (kept by deinit(), as the firmware's object keeps its fields), for its repr. */
  const settings = new Map<number, { periodic: boolean; periodMs: number }>();
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
      settings.set(handle, { periodic, periodMs });
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
    /**
     * repr(Timer) as the port's machine_timer_print (v1.23.0) writes it; `id` is Timer(id)'s, `address`
     * the object's. Before init() the firmware's fields are the zeroed heap's: one shot, period 0.
     */
    timerRepr: (handle: number, id: number, address: number): string => {
      const { periodic, periodMs } = settings.get(handle) ?? { periodic: false, periodMs: 0 };
      const mode = periodic ? "PERIODIC" : "ONE_SHOT";
      switch (timer.repr) {
        case "rp2": {
          // ports/rp2/machine_timer.c:57-66: the period in µs (delta_us), past 32 bits as ms and "000"
          const us = Math.floor(periodMs * 1000 + 1e-6);
          return `Timer(mode=${mode}, tick_hz=1000000, period=${us <= 0xffffffff ? us : `${Math.floor(us / 1000)}000`})`;
        }
        case "esp32": // ports/esp32/machine_timer.c:83-88: the period in ms
          return `Timer(${id}, mode=${mode}, period=${Math.floor(periodMs + 1e-9)})`;
        case "esp8266": // ports/esp8266/modmachine.c:207-210 (esp_timer_print): its os_timer's address
          return `Timer(${address.toString(16)})`;
      }
    },
    /** Whether any timer runs: after the script ends, the board's REPL would still run their callbacks. */
    timersRunning: (): boolean => running.size > 0,
  } satisfies HostCalls<"machine_timer">;
}
