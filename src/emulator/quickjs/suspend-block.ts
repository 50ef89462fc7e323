/**
 * Asyncify's buffer for a board's suspended host call, held for the whole run. The glue mallocs
 * 12 + its data size (the runtime's stack limit, else 81,920 bytes) each time the guest suspends
 * and frees it as the guest resumes (its Asyncify.allocateData and handleSleep), and the board's
 * heap kept a block aside for it so that a full heap can still block (board-heap.ts): four large
 * malloc/free calls per blocked call, ≈ 0.3 µs each in a 64-byte round trip, where malloc runs
 * cold. The glue calls malloc and free through the instance's exports, so an instance's exports
 * are handed to the glue with those two wrapped: the board arms its block just before a
 * suspension, the glue's next allocation gets it, and its free of it is dropped.
 */
import type { ExportNames } from "./direct-calls.ts";

type Exports = Record<string, unknown>;
type Malloc = (bytes: number) => number;
type Free = (ptr: number) => void;

export class SuspendBlock {
  /** The block once the board's heap has set it aside (none in a snapshot's template), and its size. */
  private block = 0;
  private size = 0;
  private armed = false;
  private calls = 0;

  /** `exports` as the glue should see them: malloc and free (export `names`, direct-calls.ts) through this block. Checked on every instance: `check`. */
  around(exports: Exports, names: ExportNames): Exports {
    const mallocName = names.get("malloc")!;
    const freeName = names.get("free")!;
    const malloc = exports[mallocName] as Malloc;
    const free = exports[freeName] as Free;
    return {
      ...exports,
      [mallocName]: (bytes: number) => {
        this.calls++;
        if (!this.armed) return malloc(bytes);
        this.armed = false;
        return bytes <= this.size ? this.block : malloc(bytes);
      },
      [freeName]: (ptr: number) => {
        this.calls++;
        if (ptr !== this.block || ptr === 0) free(ptr);
      },
    };
  }

  /** From now on `block` (`size` bytes) is the buffer of every suspension. */
  hold(block: number, size: number): void {
    this.block = block;
    this.size = size;
  }

  /** The glue's next allocation is asyncify's buffer for the suspension about to start: it gets the block. */
  arm(): void {
    this.armed = this.block !== 0;
  }

  /** Throws unless `em`'s malloc and free are the ones `around` made (the build is not the one this reads). */
  check(em: { _malloc: Malloc; _free: Free }): void {
    const before = this.calls;
    em._free(em._malloc(1));
    if (this.calls !== before + 2) throw new Error("boardsim: unsupported quickjs-emscripten build (malloc and free exports)");
  }
}
