/**
 * The worker's wait for the main thread's answer to a host call: a short spin on the word first,
 * then Atomics.wait. The main thread answers most calls within a few tens of µs; a thread that
 * sleeps in Atomics.wait takes ≈ 15 µs more to wake on this machine's virtual CPUs (and the main
 * thread's Atomics.notify of a sleeping thread costs it ≈ 10 µs more), where a spinning one sees the
 * answer at once: a recv(4096) data call 52 → 40 µs, a host call (ticks_ms) 65 → 53 (medians of 6
 * pairs, docs/benchmarks.md, session 26). Bounded, so a call that blocks (a recv waiting for data, a
 * sleep) spins only this long.
 */
export const SPIN_MS = 0.05;

/** Returns once `words[index]` is no longer `value`. */
export function waitWhile(words: Int32Array, index: number, value: number): void {
  if (Atomics.load(words, index) !== value) return;
  const until = performance.now() + SPIN_MS;
  while (Atomics.load(words, index) === value) {
    if (performance.now() > until) {
      while (Atomics.load(words, index) === value) Atomics.wait(words, index, value);
      return;
    }
  }
}
