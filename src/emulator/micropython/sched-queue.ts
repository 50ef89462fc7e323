/**
 * py/scheduler.c's queue of Python callbacks, as the worker fills it at a poll for the board's
 * callbacks due (Timer, Pin.irq): one entry that runs the library's run_at_branch (_host.py), put
 * the way mp_sched_schedule puts one (v1.27.0 162-180; v1.23.0 158-176), so that the VM runs it at
 * its next branch through mp_handle_pending → mp_sched_run_pending, with the scheduler locked, as
 * the firmware runs an IRQ's callback. A script that loops without a host call (`while True: pass`)
 * makes no call that could run it.
 *
 * mp_state_vm_t holds `volatile int16_t sched_state; uint8_t sched_len; uint8_t sched_idx;` and,
 * among the root pointers, `mp_sched_item_t sched_queue[MICROPY_SCHEDULER_DEPTH]` of (func, arg)
 * words (py/mpstate.h v1.27.0 81-84, 239-251; py/scheduler.c 215): the queue's address is found by
 * a start-up probe (one micropython.schedule(run_at_branch, None), whose words are then put back).
 */

/** MICROPY_SCHEDULER_DEPTH: the webassembly port sets none, py/mpconfig.h's default (v1.27.0 1204-1205). */
const DEPTH = 4;
/** py/mpstate.h v1.27.0 77-79: MP_SCHED_IDLE, MP_SCHED_PENDING (0: one test in the VM). */
export const SCHED_IDLE = 1;
export const SCHED_PENDING = 0;

export interface SchedQueue {
  /** Queues run_at_branch (a queue full, or holding it already: nothing); the VM runs it at its next branch. */
  schedule(): void;
}

/**
 * The bytes below sched_state that the probe reads: sched_queue is one of mp_state_vm_t's root
 * pointers, which end a few fields before sched_state (py/mpstate.h v1.23.0 142-239); 60 bytes
 * below it in the pinned build. A window, not all static data (≈ 0.5 MB copied twice a board).
 */
const WINDOW = 4 * 1024;

/**
 * `probe` runs `micropython.schedule(run_at_branch, None)` twice with no branch of the VM after
 * them. `schedState` (a word's address) and `none` as collector.ts found them.
 */
export function findSchedQueue(buffer: () => ArrayBuffer, probe: () => void, schedState: number, none: number): SchedQueue {
  const lo = Math.max(0, schedState - WINDOW);
  /** A copy of the window through sched_state's word: word i is at lo + 4 i. */
  const window = () => new Int32Array(buffer(), lo, (schedState + 4 - lo) >> 2).slice();
  const before = window();
  probe();
  const after = window();
  const state = (schedState - lo) >> 2;
  // Queued at sched_idx 0, so at the queue's start: two (run_at_branch, None) entries where the queue was empty.
  const entries: number[] = [];
  for (let i = 0; i + 3 < state; i++) {
    if (after[i + 1] !== none || after[i + 3] !== none || after[i] === 0 || after[i] !== after[i + 2]) continue;
    if (before[i] === 0 && before[i + 1] === 0 && before[i + 2] === 0 && before[i + 3] === 0) entries.push(i);
  }
  // sched_state pending, sched_len 2 (little-endian: py/mpstate.h's order).
  const stateWord = after[state]!;
  if (entries.length !== 1 || before[state] !== SCHED_IDLE || stateWord !== (SCHED_PENDING | (2 << 16))) {
    throw new Error(`MicroPython: cannot find the scheduler's queue (${entries.length} candidates, state ${stateWord})`);
  }
  const at = entries[0]!;
  const func = after[at]!;
  // Put back (only these: the probe's Python moved the allocator's words too): the queue empty, the scheduler idle.
  const words = new Int32Array(buffer());
  for (const i of [at, at + 1, at + 2, at + 3, state]) words[(lo >> 2) + i] = before[i]!;
  const queue = (lo >> 2) + at;
  const lenAt = schedState + 2;
  const idxAt = schedState + 3;
  return {
    schedule() {
      const memory = buffer();
      const bytes = new Uint8Array(memory);
      const words = new Int32Array(memory);
      const len = bytes[lenAt]!;
      const idx = bytes[idxAt]!;
      if (len >= DEPTH) return; // mp_sched_full(): schedule() fails; the next poll tries again
      for (let k = 0; k < len; k++) if (words[queue + 2 * ((idx + k) % DEPTH)] === func) return;
      const put = queue + 2 * ((idx + len) % DEPTH);
      words[put] = func;
      words[put + 1] = none;
      bytes[lenAt] = len + 1;
      // Idle to pending (not over a lock: mp_sched_unlock sets it pending then); the main thread may set it too (attention.ts).
      Atomics.compareExchange(new Int16Array(memory), schedState >> 1, SCHED_IDLE, SCHED_PENDING);
    },
  };
}
