/**
 * A copy of a WebAssembly memory, kept sparse: most of the interpreter's 16 MiB is malloc() space
 * no one ever writes (the heap is capped by holding it, worker.ts capHeap). Those held blocks are
 * neither read nor restored: where the kernel maps no shared zero page (session 23's VM boots with
 * pvm_no_zero_page=1), a read of a never-written page commits it, 16 MiB more RSS per .py board
 * (docs/benchmarks.md, "Session 23"). Of the other pages only those that hold a non-zero byte are
 * copied, and restore() writes those back and zeroes the others only where they are no longer zero.
 */
const PAGE = 4096;

export interface MemorySnapshot {
  /** Puts every byte back as it was; the memory must not have grown since. */
  restore(): void;
}

/**
 * `buffer` reads the memory's current buffer (a fresh view each time: the glue reads it through a
 * getter). `unwritten`: [address, bytes] blocks no one writes from now on (those malloc() holds),
 * or whose bytes need not come back (the socket data the worker lends, read only where written
 * since: data-channel.ts LentData.unkept): their whole pages are neither read nor restored, and so
 * stay as they are.
 */
export function snapshotMemory(buffer: () => ArrayBuffer, unwritten: readonly (readonly [address: number, bytes: number])[] = []): MemorySnapshot {
  const length = buffer().byteLength;
  const skipped = new Set<number>();
  for (const [address, bytes] of unwritten) {
    for (let at = Math.ceil(address / PAGE) * PAGE; at + PAGE <= address + bytes; at += PAGE) skipped.add(at);
  }
  const pages = new Map<number, Uint8Array>();
  const memory = buffer();
  for (let at = 0; at < length; at += PAGE) {
    if (!skipped.has(at) && !isZero(memory, at)) pages.set(at, new Uint8Array(memory, at, PAGE).slice());
  }
  return {
    restore() {
      const now = buffer();
      if (now.byteLength !== length) throw new Error("the memory grew after the snapshot");
      const bytes = new Uint8Array(now);
      for (let at = 0; at < length; at += PAGE) {
        if (skipped.has(at)) continue;
        const page = pages.get(at);
        if (page) bytes.set(page, at);
        else if (!isZero(now, at)) bytes.fill(0, at, at + PAGE);
      }
    },
  };
}

const ZERO = Buffer.alloc(PAGE);

/** A page of zeros (compared natively: every page not held is scanned at each snapshot and restore). */
function isZero(memory: ArrayBuffer, at: number): boolean {
  return Buffer.from(memory, at, PAGE).equals(ZERO);
}
