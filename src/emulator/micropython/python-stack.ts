/**
 * The interpreter's Python stack (MICROPY_ENABLE_PYSTACK: each Python call's frame, its value
 * stack and exception handlers). py/gc.c gc_collect_start scans it whole, from its start to its
 * top (v1.27.0 lines 409-411), words no live frame uses among them: a frame's size is rounded up
 * to 8 bytes (py/pystack.c:40, MICROPY_PYSTACK_ALIGN) and a new frame zeroes only its locals and
 * value stack (py/bc.c:147-148), not that padding nor its exception handlers' entries, so what an
 * earlier frame left there stays referenced while the later one runs. A script's source text,
 * passed through the library's frames before the script ran, was thus kept for the whole run
 * (its size short of the board's heap). Clearing the stack above its top, where no frame lives,
 * before such frames are made, leaves nothing stale in them.
 */
export interface PythonStack {
  /** Zeroes the stack from its top to its end: no frame is there (py/pystack.c mp_pystack_alloc). */
  clearAboveTop(): void;
}

/**
 * MP_STATE_THREAD(pystack_start), (pystack_end) and (pystack_cur), three words in a row
 * (py/mpstate.h:283-285, v1.27.0), found in the port's static data at call depths 0, 1 and 2
 * (worker.ts findCallDepth): at depth 0 the top is the start, and each call moves it up. The
 * snapshots' word 0 is at byte `from`.
 */
export function findPythonStack(memory: () => Int32Array, [top, one, two]: Int32Array[], from = 0): PythonStack {
  const found: number[] = [];
  for (let i = 2; i < top!.length; i++) {
    const start = top![i]!;
    if (start > 0 && top![i - 2] === start && top![i - 1]! > one![i]! && start < one![i]! && one![i]! < two![i]! && two![i - 2] === start) found.push(i - 2);
  }
  if (found.length !== 1) throw new Error(`MicroPython: cannot find the Python stack (${found.length} candidates)`);
  const at = (from >> 2) + found[0]!;
  return {
    clearAboveTop() {
      const words = memory();
      words.fill(0, words[at + 2]! >> 2, words[at + 1]! >> 2);
    },
  };
}
