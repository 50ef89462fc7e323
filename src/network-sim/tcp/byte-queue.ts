import { NetError } from "../errors.ts";
import { Notifier } from "../notifier.ts";

/**
 * The receive side of one TCP direction: bytes that arrived and wait for recv().
 * Bounded like a TCP receive window: push() reports when the window is full so the sender
 * pauses, and onDrain tells it to resume once the reader has made room.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // bytes already consumed from chunks[0]
  private buffered = 0;
  private ended = false;
  private error: NetError | null = null;
  private errorDelivered = false;
  private readonly changed = new Notifier();
  /** Called when a read makes room after push() returned false or the sender waited (senderWaits). */
  onDrain: (() => void) | null = null;
  private senderWaiting = false;

  constructor(readonly capacity: number) {}

  /** Free room: what the receiver would announce as its TCP window (0 when full). */
  get room(): number {
    return Math.max(0, this.capacity - this.size);
  }

  get size(): number {
    return this.buffered;
  }

  /**
   * The sender stopped at a closed window that bytes still on their way hold in part (they count
   * against it, not in this queue): the next read that makes room calls onDrain, as the ACK that
   * carries the reopened window tells a real sender. Without it the sender learnt of the room only
   * when its next segment arrived.
   */
  senderWaits(): void {
    this.senderWaiting = true;
  }

  /** Appends data. Returns false when the window is full and the sender should pause. */
  push(chunk: Uint8Array): boolean {
    if (this.ended || this.error) return false;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.changed.notify();
    }
    if (this.buffered < this.capacity) return true;
    this.senderWaiting = true;
    return false;
  }

  /** The peer closed its side: after the buffered bytes, reads return an empty chunk. */
  end(): void {
    this.ended = true;
    this.changed.notify();
  }

  /** The connection failed: after the buffered bytes, the next read throws it once, then reads return empty. */
  fail(error: NetError): void {
    if (this.ended || this.error) return;
    this.error = error;
    this.changed.notify();
  }

  /** Whether a read would return without waiting. */
  get readable(): boolean {
    return this.buffered > 0 || this.ended || this.error !== null;
  }

  /** Takes up to `max` bytes now; null when nothing has arrived yet (a read would block). */
  tryRead(max: number): Uint8Array | null {
    if (this.buffered > 0) return this.take(max);
    if (this.error && !this.errorDelivered) {
      this.errorDelivered = true;
      throw this.error;
    }
    if (this.ended || this.error) return new Uint8Array(0);
    return null;
  }

  /** Waits for data, end or error, then takes up to `max` bytes. */
  async read(max: number, signal?: AbortSignal): Promise<Uint8Array> {
    for (;;) {
      const chunk = this.tryRead(max);
      if (chunk) return chunk;
      await this.wait(signal);
    }
  }

  /** Resolves when a read would not block. */
  wait(signal?: AbortSignal): Promise<void> {
    return this.readable ? Promise.resolve() : this.changed.wait(signal);
  }

  /** Copies the next bytes, past the first `skip`, into `into` without taking them; returns how many. */
  peek(into: Uint8Array, skip = 0): number {
    let filled = 0;
    let head = this.head + skip;
    for (const chunk of this.chunks) {
      if (filled === into.length) break;
      if (head >= chunk.length) {
        head -= chunk.length;
        continue;
      }
      const n = Math.min(chunk.length - head, into.length - filled);
      into.set(chunk.subarray(head, head + n), filled);
      filled += n;
      head = 0;
    }
    return filled;
  }

  /** Drops the next `n` bytes (at most what is buffered): a reader took them from a peek(). */
  discard(n: number): void {
    this.consume(Math.min(n, this.buffered), null);
  }

  /**
   * Bytes within the first chunk come as a view of it, without a copy (the engines copy what they
   * get into the guest; no chunk is written to once queued), and so do bytes across chunks that lie
   * side by side in memory (pieces of one read of the PC's socket, cut at the window's edge); other
   * bytes across chunks, as one new array.
   */
  private take(max: number): Uint8Array {
    const count = Math.min(max, this.buffered);
    const first = this.chunks[0]!;
    if (first.length - this.head >= count || this.adjacent(count)) {
      const view = new Uint8Array(first.buffer, first.byteOffset + this.head, count);
      this.consume(count, null);
      return view;
    }
    const out = new Uint8Array(count);
    this.consume(count, out);
    return out;
  }

  /** Whether the next `count` bytes lie in chunks that follow one another in one buffer. */
  private adjacent(count: number): boolean {
    let run = this.chunks[0]!;
    let covered = run.length - this.head;
    for (let i = 1; covered < count && i < this.chunks.length; i++) {
      const next = this.chunks[i]!;
      if (next.buffer !== run.buffer || next.byteOffset !== run.byteOffset + run.length) return false;
      covered += next.length;
      run = next;
    }
    return covered >= count;
  }

  /** Takes `count` buffered bytes, into `out` if given. */
  private consume(count: number, out: Uint8Array | null): void {
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[0]!;
      const n = Math.min(chunk.length - this.head, count - filled);
      out?.set(chunk.subarray(this.head, this.head + n), filled);
      filled += n;
      this.head += n;
      if (this.head === chunk.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.buffered -= filled;
    if (this.senderWaiting && this.buffered < this.capacity) {
      this.senderWaiting = false;
      this.onDrain?.();
    }
  }
}
