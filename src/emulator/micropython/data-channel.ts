/**
 * Socket data of a .py board in shared memory instead of messages and JSON: one SharedArrayBuffer
 * per board, used by the worker (the script's side) and the main thread (the Board's side).
 *
 * - **Data calls.** recv, readinto, send, sendall and write of up to DATA_BYTES cross as Int32 words (call,
 *   socket, size) and bytes; the worker rings a doorbell (Atomics.notify) and sleeps in
 *   Atomics.wait, the main thread waits on the same word with Atomics.waitAsync and runs the call on
 *   the Board as it runs any host call. Control calls (connect, accept, WiFi, ...) stay messages.
 * - **Read-ahead.** After answering a data call on a TCP socket the main thread copies that
 *   socket's next queued bytes without taking them (SocketStreams.peek) straight into the worker's
 *   copy in the interpreter's memory, which is shared (shared-memory.ts; into the AHEAD region for
 *   the worker to copy until the worker's memory is known here): the script's next recv() calls
 *   read them with no call at all (LentData: Python code alone). They stay in the socket's queue
 *   (so its receive window, select() and close()'s RST see them) until the board's next host call,
 *   where the main thread first takes what the script read.
 * - **Sends.** Likewise the main thread publishes how much that socket's send buffer takes now
 *   (SocketStreams.sendRoom); send()/sendall()/write() within it are kept in the SENDS region, one
 *   record per call, and the main thread hands them to the socket in order before the board's next
 *   host call runs (a close() after sendall() sends the data first). Each record is one write, the
 *   segments pcap and the faults see, as when each send was a call.
 *
 * - **More read-ahead** (a real clock only: SocketStreams.live). The read-ahead is a ring: once the
 *   script has read half of what was lent (or half the ring), its recv() asks for more without
 *   waiting (LentData.more, one notify); the main thread takes what the script read from the
 *   socket's queue (its window opens) and copies the bytes queued after the lent ones into the
 *   ring's free part, in the worker's memory, while the script reads on. A data call that refilled
 *   the read-ahead kept the worker waiting for the main thread to wake and answer (≈ 50-100 µs,
 *   one recv(4096) in 17 on a busy connection; docs/benchmarks.md, session 26).
 *
 * So data moves only at the board's own host calls, never on the main thread's timing (but more
 * read-ahead on a real clock): in virtual time a run repeats exactly. Every host call (data or
 * control) starts with settle().
 */
import type { DataChannel, HostReply } from "./protocol.ts";
import type { GuestHost, HostValue } from "../host-api.ts";
import { waitWhile } from "./spin-wait.ts";

/** The calls that may go this way, by index: _host.py names them by number. */
export const DATA_CALLS = ["socketRecv", "socketSend", "socketSendAll", "socketWrite", "socketRead"] as const;
const RECV = DATA_CALLS.indexOf("socketRecv");
/** A socket's readinto(): its bytes go straight into the script's buffer. */
export const READ = DATA_CALLS.indexOf("socketRead");

/** Bytes one data call can carry either way; bigger sends and reads take the JSON path. */
export const DATA_BYTES = 64 * 1024;
/** The read-ahead's ring and the buffered sends, at most (the socket's queue and send buffer bound them first). A power of 2: _hostdata.py's offset in the ring is a mask. */
const AHEAD_BYTES = 64 * 1024;
const SEND_BYTES = 64 * 1024;
const MAX_SENDS = 64;
/** Where the send record after one of `length` bytes at `at` starts: 8-byte aligned, as _hostdata.py lays them out (a misaligned copy is slow). */
const nextRecord = (at: number, length: number) => (at + length + 7) & ~7;

// Int32 words at the start of the buffer.
const STATE = 0;
const OP = 1;
const FD = 2;
/** recv: the most bytes to read. */
const SIZE = 3;
/** Request: bytes to send in DATA. Reply: the result (a count, or the bytes read into DATA), or a JSON reply's length. */
const LENGTH = 4;
/** Reply: FAST (LENGTH is the value; SCHEDULED says callbacks are due) or JSON_REPLY (DATA holds a HostReply). */
const KIND = 5;
const SCHEDULED = 6;
/** Read-ahead: the socket, and its unread bytes [start, end): counts since the lending began, at start % AHEAD_BYTES in the ring. */
const AHEAD_FD = 7;
const AHEAD_START = 8;
const AHEAD_END = 9;
/** Buffered sends: the socket, the bytes it takes now, the bytes and records kept, then each record's length. */
const SEND_FD = 10;
const SEND_ROOM = 11;
const SEND_USED = 12;
const SEND_COUNT = 13;
/** Where the worker's lent copy keeps the read-ahead, in its memory (0: not known yet), and whether the main thread peeked straight there (1) or into AHEAD (0). */
const LENT_AHEAD = 14;
const IN_PLACE = 15;
/** The read-ahead count at which the script asks for more (NEVER: not while this lending lasts). */
const MORE_AT = 16;
const SEND_LENGTHS = 17;
const WORDS = SEND_LENGTHS + MAX_SENDS;

const REQUEST = 1;
const REPLIED = 2;
/** The script asked for more read-ahead (STATE REPLIED once lent). */
const MORE = 3;
const NEVER = 0x7fffffff;
/** No more read-ahead past this count in one lending (the counts are Int32 words); the next data call starts again at 0. */
const LEND_LIMIT = 1 << 30;
/** Where the script asks for more read-ahead, with [start, end) lent: once half of it is read, or half the ring. */
const moreAt = (start: number, end: number) => (end > start && end < LEND_LIMIT ? end - Math.min(AHEAD_BYTES / 2, (end - start) >> 1) : NEVER);
const FAST = 0;
const JSON_REPLY = 1;

/** Host calls that never read, send on or close a socket: the read-ahead and send room stay valid across them. */
const NEUTRAL = new Set(["write", "poll"]);
const endsLending = (name: string) => !NEUTRAL.has(name);

export function createDataChannel(): DataChannel {
  const buffer = new SharedArrayBuffer(WORDS * 4 + DATA_BYTES + AHEAD_BYTES + SEND_BYTES);
  let at = WORDS * 4;
  const region = (size: number) => new Uint8Array(buffer, (at += size) - size, size);
  return { words: new Int32Array(buffer, 0, WORDS), data: region(DATA_BYTES), ahead: region(AHEAD_BYTES), sends: region(SEND_BYTES) };
}

// ---- The worker's side.

/**
 * The lent bytes as the script reads and writes them: a copy in the interpreter's own memory
 * (malloc'd once, outside the Python heap), which _hostdata.py reads and writes through uctypes, so a
 * recv() from the read-ahead or a send within the send room is Python code alone, with no call
 * into JavaScript. Int32 words, then the bytes of a recv data call's reply, the read-ahead, the sends.
 */
const L_AHEAD_FD = 0;
const L_AHEAD_START = 1;
const L_AHEAD_END = 2;
/** -1 also while print() output waits for its line's end: sends then take the call, which writes it first (program order). */
const L_SEND_FD = 3;
const L_SEND_ROOM = 4;
const L_SEND_USED = 5;
const L_SEND_COUNT = 6;
/** The main thread writes this and L_AHEAD_END while it lends more (MORE): the worker waits for that before any host call. */
const L_MORE_AT = 7;
const L_LENGTHS = 8;
/**
 * The words, rounded up to 16 bytes, so the regions after them are aligned as the heap's blocks
 * are: with the regions 4 bytes off 8-byte alignment a buffered 4 KiB send cost the worker
 * ≈ 7 µs more CPU (measured; its copy into the sends region).
 */
const L_WORDS = (L_LENGTHS + MAX_SENDS + 3) & ~3;
/**
 * _hostdata.py's const()s for the words above (compiled into its bytecode as numbers, so not handed
 * over at start-up as the regions' addresses are): data-channel.spec.ts checks they are these.
 */
export const HOSTDATA_PY_WORDS = {
  _AHEAD_FD: L_AHEAD_FD,
  _AHEAD_START: L_AHEAD_START,
  _AHEAD_END: L_AHEAD_END,
  _SEND_FD: L_SEND_FD,
  _SEND_ROOM: L_SEND_ROOM,
  _SEND_USED: L_SEND_USED,
  _SEND_COUNT: L_SEND_COUNT,
  _MORE_AT: L_MORE_AT,
  _LENGTHS: L_LENGTHS,
  _MAX_SENDS: MAX_SENDS,
  _AHEAD_BYTES: AHEAD_BYTES,
};
/** Byte offsets of the regions after the words. */
const L_RECEIVED = L_WORDS * 4;
const L_AHEAD = L_RECEIVED + DATA_BYTES;
const L_SENDS = L_AHEAD + AHEAD_BYTES;
export const LENT_BYTES = L_SENDS + SEND_BYTES;

/**
 * The worker's end of the channel. The script's lent copy is authoritative between host calls;
 * publish() hands what it read and sent to the shared memory before every host call (the main
 * thread settles from there), renew() copies what the main thread lends after one. Every word the
 * script's memory holds is checked: a script can write there with uctypes.
 */
export class LentData {
  private view = new Int32Array();
  private bytes = new Uint8Array();
  /** The interpreter's whole memory, viewed again only once it grew (its buffer is then a new one): no view made per data call. */
  private heap = new Uint8Array();
  /** Records of the send buffer already in the shared memory, and their bytes; the room lent (the script may not exceed it). */
  private published = 0;
  private publishedBytes = 0;
  private room = 0;
  /** The socket whose send room is lent (-1: none), and whether print() output waits (L_SEND_FD is -1 meanwhile). */
  private sendFd = -1;
  private console = false;
  /** The script asked for more read-ahead, and this thread has not seen the main thread's answer yet. */
  private asked = false;

  constructor(
    private readonly channel: DataChannel,
    /** The lent copy's address in the interpreter's memory. */
    readonly address: number,
    private readonly memory: () => ArrayBuffer,
  ) {
    this.words().fill(0);
    this.reset();
    channel.words[LENT_AHEAD] = address + L_AHEAD;
  }

  /** The words and bytes, viewed again once the memory grew (before the heap is capped). */
  private words(): Int32Array {
    if (this.view.length === 0) {
      this.view = new Int32Array(this.memory(), this.address, L_WORDS);
      this.bytes = new Uint8Array(this.memory(), this.address, LENT_BYTES);
    }
    return this.view;
  }

  private heapBytes(): Uint8Array {
    const buffer = this.memory();
    if (this.heap.buffer !== buffer) this.heap = new Uint8Array(buffer);
    return this.heap;
  }

  /** Where the words, the reply region, the read-ahead and the sends start, and where the copy ends: _hostdata.py's _lend (through _host.py's `lent`). */
  layout(): number[] {
    return [0, L_RECEIVED, L_AHEAD, L_SENDS, LENT_BYTES].map((offset) => this.address + offset);
  }

  /**
   * The bytes of the reply region, the read-ahead and the sends: a soft reset's snapshot neither
   * reads nor restores their pages (worker.ts), since they are read only where written since
   * (reset() empties the words). Never read at boot, they are not resident until a socket lends.
   */
  unkept(): [address: number, bytes: number] {
    return [this.address + L_RECEIVED, LENT_BYTES - L_RECEIVED];
  }

  /** Nothing lent (at the start and after a soft reset). */
  reset(): void {
    this.settleMore();
    const w = this.words();
    w[L_AHEAD_FD] = w[L_SEND_FD] = -1;
    w[L_AHEAD_START] = w[L_AHEAD_END] = w[L_SEND_ROOM] = w[L_SEND_USED] = w[L_SEND_COUNT] = 0;
    w[L_MORE_AT] = NEVER;
    this.published = this.publishedBytes = this.room = 0;
    this.sendFd = -1;
    this.console = false;
  }

  /** One word for the script to check at each send: no socket while print() output waits. */
  consolePending(on: boolean): void {
    this.console = on;
    this.words()[L_SEND_FD] = on ? -1 : this.sendFd;
  }

  /** Before a host call: the bytes the script read ahead and its new send records go to the shared memory. */
  publish(): void {
    this.settleMore();
    const w = this.words();
    const { words, sends } = this.channel;
    this.publishStart(w);
    const count = Math.min(w[L_SEND_COUNT]!, MAX_SENDS);
    const from = this.publishedBytes;
    let end = from;
    let records = words[SEND_COUNT]!;
    for (let i = this.published; i < count; i++) {
      const length = w[L_LENGTHS + i]!;
      if (!(length > 0) || this.publishedBytes + length > this.room) break;
      words[SEND_LENGTHS + records++] = length;
      end = this.publishedBytes + length;
      this.publishedBytes = nextRecord(this.publishedBytes, length);
    }
    // The new records lie here as they will there (both start aligned): one copy for them all.
    const at = words[SEND_USED]!;
    if (end > from) sends.set(this.bytes.subarray(L_SENDS + from, L_SENDS + end), at);
    words[SEND_COUNT] = records;
    words[SEND_USED] = at + this.publishedBytes - from;
    this.published = Math.max(this.published, count);
  }

  /** How far the script read ahead, as the main thread takes it (checked: the script can write its words). */
  private publishStart(w: Int32Array): void {
    const { words } = this.channel;
    const start = w[L_AHEAD_START]!;
    if (start > words[AHEAD_START]! && start <= words[AHEAD_END]!) words[AHEAD_START] = start;
  }

  /**
   * The script has read to the mark (its recv, _hostdata.py): the main thread takes what it read
   * and lends more, while the script reads on. Only one at a time; every host call waits for it first.
   */
  more(): void {
    const w = this.words();
    if (w[L_MORE_AT] === NEVER) return;
    // A mark is set by the main thread's answer to the last ask, if any, just before it replies.
    this.settleMore();
    w[L_MORE_AT] = NEVER;
    this.publishStart(w);
    this.asked = true;
    const { words } = this.channel;
    Atomics.store(words, STATE, MORE);
    Atomics.notify(words, STATE);
  }

  private settleMore(): void {
    if (!this.asked) return;
    waitWhile(this.channel.words, STATE, MORE);
    this.asked = false;
  }

  /**
   * After a host call `name` the main thread answered: a call that may read, send on or close a
   * socket ended the lending, and a data call lent anew; the script's copy follows. After the
   * others (write, poll: the script may be amid a recv or send there) it stays as it is.
   */
  renew(name: string): void {
    if (!endsLending(name)) return;
    const w = this.words();
    const { words, ahead } = this.channel;
    const start = words[AHEAD_START]!;
    const end = words[AHEAD_END]!;
    if (end > start && words[IN_PLACE] === 0) this.bytes.set(ahead.subarray(start, end), L_AHEAD + start);
    w[L_AHEAD_FD] = end > start ? words[AHEAD_FD]! : -1;
    w[L_AHEAD_START] = start;
    w[L_AHEAD_END] = end;
    w[L_MORE_AT] = words[MORE_AT]!;
    this.room = words[SEND_ROOM]!;
    this.sendFd = this.room > 0 ? words[SEND_FD]! : -1;
    w[L_SEND_FD] = this.console ? -1 : this.sendFd;
    w[L_SEND_ROOM] = this.room;
    w[L_SEND_USED] = w[L_SEND_COUNT] = 0;
    this.published = this.publishedBytes = 0;
  }

  /**
   * A data call to the main thread: a send's `length` bytes from `source` (an address the worker
   * checked); the bytes read land at `readInto` (likewise checked: a readinto's buffer), else in the
   * reply region, for _host.py to make recv's bytes object from. Returns value × 2 + (callbacks
   * due), or for None and exceptions the whole reply. No object, closure or view per call but the
   * copies' (the worker's JavaScript garbage per data call 1.2 → 0.5 KB, docs/benchmarks.md session 21).
   */
  call(op: number, fd: number, size: number, source: number, length: number, readInto = this.address + L_RECEIVED): number | HostReply {
    const { words, data } = this.channel;
    this.publish();
    words[OP] = op;
    words[FD] = fd;
    words[SIZE] = size;
    words[LENGTH] = length;
    if (length > 0) data.set(this.heapBytes().subarray(source, source + length));
    Atomics.store(words, STATE, REQUEST);
    Atomics.notify(words, STATE);
    // Only REPLIED ends the wait, not any notify: the main thread's notify for the previous reply
    // can come this late (where the worker saw that reply before it slept, and the main thread
    // was held up between its store and its notify), and ended this wait with the request's
    // own words taken for the reply (wrong bytes; seen with the main thread slowed there).
    waitWhile(words, STATE, REQUEST);
    const result = words[LENGTH]!;
    const fast = words[KIND] === FAST;
    if (fast && result > 0 && (op === RECV || op === READ)) this.heapBytes().set(data.subarray(0, result), readInto);
    this.renew(DATA_CALLS[op]!);
    if (fast) return result * 2 + (words[SCHEDULED] === 1 ? 1 : 0);
    return JSON.parse(new TextDecoder().decode(data.subarray(0, result))) as HostReply;
  }
}

// ---- The main thread's side.

/** Atomics.waitAsync (Node 20 has it; the project's TypeScript lib predates it). */
const waitAsync = (Atomics as unknown as { waitAsync(array: Int32Array, index: number, value: number): { async: boolean; value: Promise<string> | string } }).waitAsync;

/**
 * The Board's side of one board's channel: settle() before each of its host calls, serve() for
 * the data calls. `answer` runs a host call as the port's messages are run (engine.ts).
 */
export class DataChannelHost {
  /** AHEAD_START when the main thread last took what the script read. */
  private taken = 0;
  private stopped = false;
  /** The worker's lent read-ahead and words, viewed in its memory. */
  private lentAhead: Uint8Array<ArrayBufferLike> = new Uint8Array();
  private lentWords: Int32Array<ArrayBufferLike> = new Int32Array();

  constructor(
    private readonly channel: DataChannel,
    private readonly host: GuestHost,
    /** A reply at once where the host call did not block (no microtask turn), else a promise of it. */
    private readonly answer: (name: string, args: HostValue[]) => HostReply | Promise<HostReply>,
    /** The worker's memory once it has booted (attention.ts AttentionWords), else undefined. */
    private readonly memory: () => SharedArrayBuffer | undefined = () => undefined,
  ) {}

  /**
   * Before a host call `name` runs (and when the run ends): the buffered sends go to their socket
   * in order, the bytes the script read ahead are taken from its queue, and a call that may read,
   * send on or close a socket ends the read-ahead and the send room.
   */
  settle(name: string): void {
    const streams = this.host.streams;
    if (!streams) return;
    const { words, sends } = this.channel;
    const fd = words[SEND_FD]!;
    const count = words[SEND_COUNT]!;
    // Each record as a view of the shared region, which the worker writes again: the socket
    // copies what it keeps (SocketStreams.send). A copy here first cost a fresh allocation of all
    // the records at every settle, the main thread's largest cost per data call (measured).
    for (let i = 0, at = 0; i < count; i++) {
      const length = words[SEND_LENGTHS + i]!;
      streams.send(fd, sends.subarray(at, at + length));
      at = nextRecord(at, length);
    }
    words[SEND_COUNT] = 0;
    words[SEND_USED] = 0;
    const read = words[AHEAD_START]! - this.taken;
    if (read > 0) streams.consume(words[AHEAD_FD]!, read);
    this.taken = words[AHEAD_START]!;
    // After a neutral call the worker keeps the room it was lent (LentData.renew): nothing to refresh.
    if (endsLending(name)) {
      words[AHEAD_START] = words[AHEAD_END] = this.taken = 0;
      words[MORE_AT] = NEVER;
      words[SEND_ROOM] = 0;
    }
  }

  /** After a data call on socket `fd` answered: its next bytes to read ahead, and its send room. */
  private lend(fd: number): void {
    const streams = this.host.streams;
    if (!streams) return;
    const { words, ahead } = this.channel;
    // Straight into the script's copy (one 64 KiB copy fewer per lending, on the data call's way
    // back: docs/benchmarks.md, session 23): the worker waits for this reply meanwhile.
    const inPlace = this.inPlace();
    words[AHEAD_FD] = fd;
    words[AHEAD_START] = this.taken = 0;
    words[AHEAD_END] = streams.peek(fd, inPlace ?? ahead);
    words[IN_PLACE] = inPlace ? 1 : 0;
    words[MORE_AT] = inPlace && streams.live() ? moreAt(0, words[AHEAD_END]!) : NEVER;
    words[SEND_FD] = fd;
    words[SEND_ROOM] = Math.min(streams.sendRoom(fd), SEND_BYTES);
  }

  /** The worker's lent read-ahead in its memory, if known and within it (its lent words lie before it). */
  private inPlace(): Uint8Array | undefined {
    const memory = this.memory();
    const at = this.channel.words[LENT_AHEAD]!;
    if (!memory || !(at >= L_AHEAD) || at + AHEAD_BYTES > memory.byteLength) return undefined;
    if (this.lentAhead.buffer !== memory || this.lentAhead.byteOffset !== at) {
      this.lentAhead = new Uint8Array(memory, at, AHEAD_BYTES);
      this.lentWords = new Int32Array(memory, at - L_AHEAD, L_WORDS);
    }
    return this.lentAhead;
  }

  /**
   * The script read to the mark (LentData.more): what it read is taken from the socket's queue,
   * and the bytes queued after the lent ones go into the ring's free part, up to its end (the rest
   * at the next ask). Written into the script's own words: it reads on meanwhile.
   */
  private more(): void {
    const streams = this.host.streams;
    const ring = this.inPlace();
    const { words } = this.channel;
    if (!streams || !ring) return;
    const fd = words[AHEAD_FD]!;
    const start = words[AHEAD_START]!;
    const end = words[AHEAD_END]!;
    if (start > this.taken) streams.consume(fd, start - this.taken);
    this.taken = start;
    const at = end % AHEAD_BYTES;
    const room = Math.min(AHEAD_BYTES - (end - start), AHEAD_BYTES - at);
    const added = room > 0 && end < LEND_LIMIT ? streams.peek(fd, ring.subarray(at, at + room), end - start) : 0;
    words[AHEAD_END] = end + added;
    Atomics.store(this.lentWords, L_AHEAD_END, end + added);
    Atomics.store(this.lentWords, L_MORE_AT, added > 0 ? moreAt(start, end + added) : NEVER);
  }

  /** Answers the worker's data calls until stop(). */
  serve(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    Atomics.notify(this.channel.words, STATE);
  }

  private async loop(): Promise<void> {
    const { words, data } = this.channel;
    while (!this.stopped) {
      const state = Atomics.load(words, STATE);
      if (state === MORE) {
        this.more();
        Atomics.store(words, STATE, REPLIED);
        Atomics.notify(words, STATE);
        continue;
      }
      if (state !== REQUEST) {
        const waited = waitAsync(words, STATE, state);
        if (waited.async) await waited.value;
        continue;
      }
      const name = DATA_CALLS[words[OP]!] ?? "";
      const fd = words[FD]!;
      this.settle(name);
      const reads = name === "socketRecv" || name === "socketRead";
      const args: HostValue[] = reads ? [fd, words[SIZE]!] : [fd, data.slice(0, words[LENGTH]!)];
      const answered = name ? this.answer(name, args) : { error: { pyType: "TypeError", pyArgs: ["invalid bridge argument"] } };
      const reply = answered instanceof Promise ? await answered : answered;
      if (this.stopped) return;
      if ("value" in reply && (typeof reply.value === "number" || reply.value instanceof Uint8Array)) {
        const { value } = reply;
        if (value instanceof Uint8Array) data.set(value);
        words[LENGTH] = typeof value === "number" ? value : value.length;
        words[KIND] = FAST;
        words[SCHEDULED] = reply.scheduled ? 1 : 0;
      } else {
        // None (a non-blocking write that took nothing) or an exception: rare, so JSON.
        words[LENGTH] = new TextEncoder().encodeInto(JSON.stringify(reply), data).written;
        words[KIND] = JSON_REPLY;
      }
      this.lend(fd);
      Atomics.store(words, STATE, REPLIED);
      Atomics.notify(words, STATE);
    }
  }
}
