import { abortableWait } from "./clock/abortable-wait.ts";

/** Wakes everyone waiting for "something changed" (send space, a datagram); waits are abortable. */
export class Notifier {
  private readonly waiters = new Set<() => void>();

  wait(signal?: AbortSignal): Promise<void> {
    return abortableWait<void>(signal, (resolve) => {
      this.waiters.add(resolve);
      return () => this.waiters.delete(resolve);
    });
  }

  notify(): void {
    if (this.waiters.size === 0) return; // every chunk a socket receives or sends notifies: most have no waiter
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }
}
