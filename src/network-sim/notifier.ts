import { abortableWait } from "./clock/abortable-wait.ts";

/** Wakes everyone waiting for "something changed" (send space, a datagram); waits are abortable. */
export class Notifier {
  private readonly waiters = new Set<() => void>();

  wait(signal?: AbortSignal): Promise<void> {
    return abortableWait(signal, (resolve) => {
      const wake = () => resolve();
      this.waiters.add(wake);
      return () => this.waiters.delete(wake);
    });
  }

  notify(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }
}
