/**
 * A copy of a WebAssembly memory, kept sparse: most of the interpreter's 16 MiB is malloc() space
 * no one ever writes (the heap is capped by holding it, worker.ts), and pages never written cost
 * the process nothing. So only the pages that hold a non-zero byte are copied, and restore()
 * writes those back and zeroes the others only where they are no longer zero: the untouched pages
 * stay untouched.
 */
const PAGE = 4096;

export interface MemorySnapshot {
  /** Puts every byte back as it was; the memory must not have grown since. */
  restore(): void;
}

/** `buffer` reads the memory's current buffer (a fresh view each time: the glue reads it through a getter). */
export function snapshotMemory(buffer: () => ArrayBuffer): MemorySnapshot {
  const length = buffer().byteLength;
  const pages = new Map<number, Uint8Array>();
  const memory = buffer();
  for (let at = 0; at < length; at += PAGE) if (!isZero(memory, at)) pages.set(at, new Uint8Array(memory, at, PAGE).slice());
  return {
    restore() {
      const now = buffer();
      if (now.byteLength !== length) throw new Error("the memory grew after the snapshot");
      const bytes = new Uint8Array(now);
      for (let at = 0; at < length; at += PAGE) {
        const page = pages.get(at);
        if (page) bytes.set(page, at);
        else if (!isZero(now, at)) bytes.fill(0, at, at + PAGE);
      }
    },
  };
}

const ZERO = Buffer.alloc(PAGE);

/** A page of zeros (compared natively: the whole memory is scanned at each snapshot and restore). */
function isZero(memory: ArrayBuffer, at: number): boolean {
  return Buffer.from(memory, at, PAGE).equals(ZERO);
}
