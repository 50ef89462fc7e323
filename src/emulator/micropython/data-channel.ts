/**
 * Socket data calls of a .py board without JSON or messages: one SharedArrayBuffer per board holds
 * the request (call, socket, size as Int32 words), the bytes that cross, and the reply. The worker
 * rings a doorbell (Atomics.notify) and sleeps in Atomics.wait; the main thread waits on the same
 * word with Atomics.waitAsync and runs the call on the Board as it runs any host call. Control
 * calls (connect, accept, WiFi, errors) stay messages on the port (engine.ts).
 *
 * A data call is still one round trip: the worker blocks until the main thread has answered, so
 * program order, Ctrl-C and the virtual clock see it as they see every other host call.
 */
import type { HostReply } from "./protocol.ts";
import type { HostValue } from "../host-api.ts";

/** The calls that may go this way, by index: ops the Python side (_host.py) names by number. */
export const DATA_CALLS = ["socketRecv", "socketSend", "socketSendAll", "socketWrite"] as const;
export const RECV = 0;

/** Bytes one call can carry either way; bigger sends and reads take the JSON path. */
export const DATA_BYTES = 64 * 1024;

// Int32 words at the start of the buffer.
const STATE = 0;
const OP = 1;
const FD = 2;
/** recv: the most bytes to read. */
const SIZE = 3;
/** Request: bytes to send in the data area. Reply: the result (a count, or the bytes read), or a JSON reply's length. */
const LENGTH = 4;
/** Reply: FAST (LENGTH is the value; SCHEDULED says callbacks are due) or JSON (the data area holds a HostReply). */
const KIND = 5;
const SCHEDULED = 6;
const WORDS = 8;

const REQUEST = 1;
const REPLIED = 2;
const FAST = 0;
const JSON_REPLY = 1;

/** Atomics.waitAsync (Node 20 has it; the project's TypeScript lib predates it). */
const waitAsync = (Atomics as unknown as { waitAsync(array: Int32Array, index: number, value: number): { async: boolean; value: Promise<string> | string } }).waitAsync;

export interface DataChannel {
  words: Int32Array;
  data: Uint8Array;
}

export function createDataChannel(): DataChannel {
  const buffer = new SharedArrayBuffer(WORDS * 4 + DATA_BYTES);
  return { words: new Int32Array(buffer, 0, WORDS), data: new Uint8Array(buffer, WORDS * 4) };
}

/** A data call's answer in the worker: a number (a count, or how many bytes were read into `data`), or a whole reply. */
export type DataReply = { value: number; scheduled: boolean } | { reply: HostReply };

/** The worker's side: runs one data call and waits for its answer; a send's `length` bytes are already in `channel.data`. */
export function dataCall(channel: DataChannel, op: number, fd: number, size: number, length: number): DataReply {
  const { words, data } = channel;
  words[OP] = op;
  words[FD] = fd;
  words[SIZE] = size;
  words[LENGTH] = length;
  Atomics.store(words, STATE, REQUEST);
  Atomics.notify(words, STATE);
  Atomics.wait(words, STATE, REQUEST);
  const result = words[LENGTH]!;
  if (words[KIND] === FAST) return { value: result, scheduled: words[SCHEDULED] === 1 };
  return { reply: JSON.parse(new TextDecoder().decode(data.subarray(0, result))) as HostReply };
}

/**
 * The main thread's side: answers the worker's data calls until the returned stop() is called.
 * `answer` runs a host call as the port's messages are run (engine.ts).
 */
export function serveDataCalls(channel: DataChannel, answer: (name: string, args: HostValue[]) => Promise<HostReply>): () => void {
  const { words, data } = channel;
  let stopped = false;
  const serve = async () => {
    while (!stopped) {
      const state = Atomics.load(words, STATE);
      if (state !== REQUEST) {
        const waited = waitAsync(words, STATE, state);
        if (waited.async) await waited.value;
        continue;
      }
      const name = DATA_CALLS[words[OP]!];
      const fd = words[FD]!;
      const args: HostValue[] = name === "socketRecv" ? [fd, words[SIZE]!] : [fd, data.slice(0, words[LENGTH]!)];
      const reply = name === undefined ? { error: { pyType: "TypeError", pyArgs: ["invalid bridge argument"] } } : await answer(name, args);
      if (stopped) return;
      if ("value" in reply && (typeof reply.value === "number" || reply.value instanceof Uint8Array)) {
        const { value } = reply;
        if (value instanceof Uint8Array) data.set(value);
        words[LENGTH] = typeof value === "number" ? value : value.length;
        words[KIND] = FAST;
        words[SCHEDULED] = reply.scheduled ? 1 : 0;
      } else {
        // None (a non-blocking write that took nothing) or an exception: rare, so JSON.
        const { written } = new TextEncoder().encodeInto(JSON.stringify(reply), data);
        words[LENGTH] = written;
        words[KIND] = JSON_REPLY;
      }
      Atomics.store(words, STATE, REPLIED);
      Atomics.notify(words, STATE);
    }
  };
  void serve();
  return () => {
    stopped = true;
    Atomics.notify(words, STATE);
  };
}
