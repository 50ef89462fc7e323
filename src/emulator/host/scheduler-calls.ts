import type { BoardContext, HostCalls } from "./context.ts";

/** The host calls the guests run due callbacks with (py/scheduler.c's mp_handle_pending, guest side). */
export function schedulerCalls(board: BoardContext) {
  return {
    /** The callbacks due now, [handler, arg] each, for the guest to run. */
    schedTake: () => board.scheduler.take(),
    /** The callbacks taken have run; those queued meanwhile run at the guest's next host call. */
    schedDone: (): null => ((board.scheduler.running = false), null),
    /** Whether callbacks are due (the TS guest asks after its calls once it has a callback). */
    schedPending: (): boolean => board.scheduler.pending,
  } satisfies HostCalls<"scheduler">;
}
