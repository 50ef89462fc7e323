/**
 * The one way to wait on something a signal can abort (Ctrl-C, a socket's timeout): `start`
 * begins the wait, is handed what finishes it, and returns what cancels it. The promise settles
 * with the wait's result, or rejects with the signal's reason after cancelling the wait.
 */
export function abortableWait<T>(signal: AbortSignal | undefined, start: (resolve: (value: T) => void, reject: (error: unknown) => void) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let settled = false;
    const onAbort = () => {
      settled = true;
      cancel();
      reject(signal!.reason);
    };
    const finish =
      <A>(settle: (a: A) => void) =>
      (a: A) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        settle(a);
      };
    const cancel = start(finish(resolve), finish(reject));
    if (!settled) signal?.addEventListener("abort", onAbort, { once: true });
  });
}
