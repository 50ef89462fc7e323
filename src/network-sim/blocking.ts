import type { Clock } from "./clock/clock.ts";
import { abortableWait } from "./clock/abortable-wait.ts";
import { NetError } from "./errors.ts";

/**
 * A blocking socket operation with the socket's timeout (null: forever, 0: non-blocking, else ms):
 * `tryNow` returns a result or null when it would block; `wait` resolves when it is worth trying
 * again. Non-blocking raises EAGAIN, an expired timeout ETIMEDOUT, an abort its reason.
 * When the first try succeeds the result comes back directly, not as a promise, so the guest
 * does not suspend at all: the common case on a busy connection, and much the cheaper one.
 */
export function blockingCall<T>(
  clock: Clock,
  timeoutMs: number | null,
  tryNow: () => T | null,
  wait: (signal?: AbortSignal) => Promise<void>,
  signal?: AbortSignal,
): T | Promise<T> {
  const result = tryNow();
  if (result !== null) return result;
  if (timeoutMs === 0) throw new NetError("EAGAIN");
  return timeoutMs === null ? retryOnWake(tryNow, wait, signal) : waitUntilReady(clock, timeoutMs, tryNow, wait, signal);
}

/**
 * No timeout (a blocking socket's default): waits, then tries again, until `tryNow` has a result;
 * the caller's signal is all that can end the wait. A `then` with an unnamed closure, not an async
 * function nor a named closure: this waits at every blocked recv of a round trip, and an async
 * function's frame and await cost ≈ 0.3 KB more per wait, a named closure under tsx (which names
 * it with a property write) as much again; the same microtask turns before the caller hears back.
 */
function retryOnWake<T>(tryNow: () => T | null, wait: (signal?: AbortSignal) => Promise<void>, signal?: AbortSignal): Promise<T> {
  return wait(signal).then(() => tryAgain(tryNow, wait, signal));
}

function tryAgain<T>(tryNow: () => T | null, wait: (signal?: AbortSignal) => Promise<void>, signal?: AbortSignal): T | Promise<T> {
  const result = tryNow();
  return result !== null ? result : retryOnWake(tryNow, wait, signal);
}

/** The same with a timeout (ms): each wait also ends at the deadline, with ETIMEDOUT. */
async function waitUntilReady<T>(
  clock: Clock,
  timeoutMs: number,
  tryNow: () => T | null,
  wait: (signal?: AbortSignal) => Promise<void>,
  signal?: AbortSignal,
): Promise<T> {
  const deadline = clock.now() + timeoutMs;
  for (let result: T | null = null; ; result = tryNow()) {
    if (result !== null) return result;
    const attempt = new AbortController();
    const onOuterAbort = () => attempt.abort(signal!.reason);
    signal?.addEventListener("abort", onOuterAbort, { once: true });
    if (signal?.aborted) attempt.abort(signal.reason);
    const cancelTimer = clock.setTimer(deadline - clock.now(), () => attempt.abort(new NetError("ETIMEDOUT")));
    try {
      await wait(attempt.signal);
    } finally {
      cancelTimer();
      signal?.removeEventListener("abort", onOuterAbort);
    }
  }
}

/** Resolves when `promise` settles (either way), rejects if `signal` aborts first. */
export function settledOrAborted(promise: Promise<unknown>, signal?: AbortSignal): Promise<void> {
  return abortableWait(signal, (resolve) => {
    promise.then(
      () => resolve(),
      () => resolve(),
    );
    return () => {};
  });
}
