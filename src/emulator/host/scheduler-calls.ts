import type { BoardContext, HostCalls } from "./context.ts";

/** The host calls the guests run due callbacks with (py/scheduler.c's mp_handle_pending, guest side). */
export function schedulerCalls(board: BoardContext) {
  return {
    /** The callbacks due now, [handler, arg] each, for the guest to run. */
    schedTake: () => board.scheduler.take(),
    /** The callbacks taken have run; whether more are due (those queued meanwhile run at the guest's next host call or branch). */
    schedDone: (): boolean => ((board.scheduler.running = false), board.scheduler.pending),
    /** Whether callbacks are due (the TS guest asks after its calls once it has a callback). */
    schedPending: (): boolean => board.scheduler.pending,
  } satisfies HostCalls<"scheduler">;
}
