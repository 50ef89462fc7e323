import type { BoardProfile } from "../../boards/profile.ts";
import { abortableWait } from "../clock/abortable-wait.ts";
import type { Clock } from "../clock/clock.ts";

/** When a stack resends an unanswered SYN and when it gives up, in ms after the first SYN. */
export interface SynSchedule {
  retransmitsAt: readonly number[];
  givesUpAt: number;
}

/**
 * lwIP's coarse TCP timer, which runs the retransmissions: TCP_SLOW_INTERVAL = 2 × TCP_TMR_INTERVAL
 * (250 ms; lwIP src/include/lwip/priv/tcp_priv.h; ESP-IDF's CONFIG_LWIP_TCP_TMR_INTERVAL default 250).
 */
export const TCP_SLOW_INTERVAL_MS = 500;

/**
 * A board's schedule from its `syn` rule. tcp_slowtmr (lwIP src/core/tcp.c L1232-1293, the same in
 * esp-lwip 2.1.3-esp) resends the SYN each time the RTO runs out, without doubling it in SYN_SENT,
 * and on the tick after the last retransmission (nrtx >= TCP_SYNMAXRTX) removes the PCB: ERR_ABRT.
 * The first tick comes a slow interval after the connect (UNVERIFIED phase: 250-500 ms on hardware).
 * Pico W: SYNs at 0, 3, …, 18 s, gives up at 18.5 s; ESP32: every 1.5 s, also 18.5 s.
 */
export function lwipSynSchedule(syn: BoardProfile["socket"]["syn"]): SynSchedule {
  return {
    retransmitsAt: Array.from({ length: syn.retransmissions }, (_, i) => (i + 1) * syn.rtoMs),
    givesUpAt: syn.retransmissions * syn.rtoMs + TCP_SLOW_INTERVAL_MS,
  };
}

/**
 * Waits out an unanswered SYN on `clock`: `retransmit` runs at each retransmission, and the promise
 * resolves when the stack gives up. The timers are set all at once, so a virtual clock that jumps
 * past several fires each in order.
 */
export function unansweredSyn(clock: Clock, schedule: SynSchedule, retransmit: () => void, signal?: AbortSignal): Promise<void> {
  return abortableWait<void>(signal, (resolve) => {
    const timers = schedule.retransmitsAt.map((at) => clock.setTimer(at, retransmit));
    timers.push(clock.setTimer(schedule.givesUpAt, () => resolve()));
    return () => timers.forEach((cancel) => cancel());
  });
}
