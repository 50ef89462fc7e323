/** What the MicroPython worker and the main thread say to each other. */
import type { MessagePort } from "node:worker_threads";
import type { HostValue, RunOutcome } from "../host-api.ts";
import type { CollectionCounts } from "./mark-stack.ts";

export interface WorkerInput {
  /** The interpreter's WebAssembly, compiled once per process. */
  wasm: WebAssembly.Module;
  /** [0]: set to 1 by the main thread when a host call's reply is on the port. */
  signal: Int32Array;
  port: MessagePort;
  /** Socket data calls: shared memory and a doorbell instead of messages (data-channel.ts). */
  data: DataChannel;
  /** The guest library's .py files by name, as bytes. */
  library: Record<string, Uint8Array>;
  source: string | Uint8Array;
  fileName: string;
  heapBytes: number;
  /** The script's `config` module's values. */
  config: Record<string, HostValue>;
  /** The other .py files of the script's folder, by name: in the root, where `import` finds them. */
  modules: Record<string, string | Uint8Array>;
  /** The board boots to its REPL (board-repl.ts) instead of running one script. */
  board?: BoardBoot;
  /** Where the worker counts its collections (mark-stack.ts). */
  collections: CollectionCounts;
}

/** A board that boots to its REPL (board-repl.ts). */
export interface BoardBoot {
  /** The board's banner line (the profile's), printed where the firmware prints its own. */
  banner: string;
  /** --script: its source runs as main.py; null: main.py from the flash. */
  main: string | null;
}

export interface HostRequest {
  name: string;
  args: HostValue[];
}

/** `instant`: the host answered at once, so no time passed (a real clock's poll between event-loop turns). */
/** `scheduled`: callbacks are due, the guest runs them after this call (host/scheduler.ts). */
/** `woken` (always with `scheduled`, value null): the call was woken for them and is to be asked again (host/blocking-wake.ts). */
export type HostReply = ({ value: HostValue; instant: boolean } | { error: { pyType: string; pyArgs: readonly HostValue[] } }) & { scheduled?: boolean; woken?: true };

export type WorkerOutcome = RunOutcome;

/** One board's shared memory for socket data (data-channel.ts): Int32 words and three byte regions. */
export interface DataChannel {
  words: Int32Array;
  data: Uint8Array;
  ahead: Uint8Array;
  sends: Uint8Array;
}
