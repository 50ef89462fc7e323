/**
 * The main thread's way to a .py script that runs without host calls. A firmware's interrupt
 * (a Timer's, a pin's, Ctrl-C on the UART) makes the scheduler pending, and the VM handles it at
 * its next branch (py/vm.c v1.27.0 1341-1372 pending_exception_check → mp_handle_pending; v1.23.0
 * 1381-1411). The worker's WebAssembly memory is shared (shared-memory.ts), so here the main thread
 * does the same: it sets a request word the worker malloc'd and turns sched_state from idle to
 * pending; at the branch the worker's invoke helper sees the request and polls (realm.ts), and the
 * poll's reply brings the KeyboardInterrupt or the callbacks due (worker.ts, sched-queue.ts).
 *
 * The VM's C code writes sched_state without atomics (mp_sched_lock, mp_sched_unlock): a pending
 * state set meanwhile can be lost, and while a callback runs the state is locked. So the request
 * stays set and the state is set again every RETRY_MS until the worker's next host call, which
 * carries what was wanted (its reply: the Board's pending Ctrl-C, the callbacks-due bit) and
 * clears the request (answered()). Asked while a call is answered, the worker polls once more.
 */
import { SCHED_IDLE, SCHED_PENDING } from "./sched-queue.ts";

const RETRY_MS = 2;

/** What the worker posts once booted: its memory, the request word's and sched_state's addresses. */
export interface AttentionWords {
  attention: { memory: SharedArrayBuffer; request: number; schedState: number };
}

export function isAttentionWords(message: unknown): message is AttentionWords {
  return typeof message === "object" && message !== null && "attention" in message;
}

export class Attention {
  private readonly request: Int32Array;
  private readonly state: Int16Array;
  private retry: ReturnType<typeof setInterval> | undefined;

  constructor({ attention }: AttentionWords) {
    this.request = new Int32Array(attention.memory, attention.request, 1);
    this.state = new Int16Array(attention.memory, attention.schedState, 1);
  }

  /** The script is wanted: the VM polls at its next branch. */
  ask(): void {
    Atomics.store(this.request, 0, 1);
    this.knock();
    this.retry ??= setInterval(() => this.knock(), RETRY_MS);
    this.retry.unref();
  }

  /** A host call came: its reply carries what was wanted. */
  answered(): void {
    if (this.retry === undefined) return;
    Atomics.store(this.request, 0, 0);
    clearInterval(this.retry);
    this.retry = undefined;
  }

  private knock(): void {
    Atomics.compareExchange(this.state, 0, SCHED_IDLE, SCHED_PENDING);
  }
}
