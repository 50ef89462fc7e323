import { abortableWait } from "./clock/abortable-wait.ts";

/** Wakes everyone waiting for "something changed" (send space, a datagram); waits are abortable. */
export class Notifier {
  // A slot for the first waiter, a Set only for more: most notifiers have one waiter at a time (a
  // blocked recv), and a Set's clear() at each notify allocated a new table (≈ 0.3 KB per round trip).
  private first: (() => void) | null = null;
  private readonly others = new Set<() => void>();

  wait(signal?: AbortSignal): Promise<void> {
    return abortableWait<void>(signal, (resolve) => {
      if (this.first === null && this.others.size === 0) this.first = resolve; // so `first` is the earliest
      else this.others.add(resolve);
      return () => {
        if (this.first === resolve) this.first = null;
        else this.others.delete(resolve);
      };
    });
  }

  notify(): void {
    const first = this.first;
    if (first === null && this.others.size === 0) return; // every chunk a socket receives or sends notifies: most have no waiter
    this.first = null;
    const others = this.others.size === 0 ? null : [...this.others];
    if (others) this.others.clear();
    first?.();
    if (others) for (const wake of others) wake();
  }
}
