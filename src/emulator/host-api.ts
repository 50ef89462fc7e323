/**
 * The one boundary between a guest engine (QuickJS today, MicroPython later) and the simulator.
 * Engines call host functions by name with plain values; a call either returns a value, returns
 * a promise (the guest blocks until it settles), or throws a GuestException that the engine
 * raises as the Python exception it describes.
 */

export type HostValue =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | readonly HostValue[]
  | { readonly [key: string]: HostValue };

/** A float the script must see as a float even when it is whole (JSON carries 20.0 as 20): the guests unwrap it. */
export const pyFloat = (value: number): HostValue => ({ __f: value });

/** A Python exception for the guest: its type and its args (the guest formats str(e) as the board does). */
export class GuestException extends Error {
  constructor(
    readonly pyType: string,
    readonly pyArgs: readonly HostValue[],
  ) {
    super(`${pyType}${JSON.stringify(pyArgs)}`);
    this.name = "GuestException";
  }
}

export interface GuestHost {
  /** Names the engine must expose to the guest library. */
  readonly functionNames: readonly string[];
  call(name: string, args: readonly HostValue[]): HostValue | Promise<HostValue>;
  /** Whether callbacks (Timer, Pin.irq) are due: the guest runs them after the call it is in. */
  scheduled?(): boolean;
  /**
   * Calls `listener` (null: no more) when the script is wanted while it runs: Ctrl-C, and on a real
   * clock a callback queued. An engine that cannot reach a script between its host calls
   * otherwise (the .py worker in a loop with none) asks it to poll; a host call in progress
   * carries both in its reply.
   */
  onWanted?(listener: (() => void) | null): void;
  /** Its console: an engine running the guest in this thread flushes it while the guest keeps the event loop (BoardOptions.console). */
  readonly console?: { flush?(): void; bytes?(data: Uint8Array): void | Promise<void> };
  /** TCP data an engine may move between host calls (the .py engine's shared memory); without it, every recv and send is a call. */
  readonly streams?: SocketStreams;
}

/**
 * A board's TCP sockets as an engine reads ahead and buffers sends between host calls. The engine
 * calls these at the board's host calls (before one runs, after one answered), so what moves and
 * when is the same as if each recv and send had been a call; where live(), also when the script
 * has read far into what was lent (see data-channel.ts, "More read-ahead").
 */
export interface SocketStreams {
  /** Copies the socket's next received bytes, past the first `skip` (0 if not given), into `into` without taking them: how many (0: none, or not a connected TCP socket). */
  peek(fd: number, into: Uint8Array, skip?: number): number;
  /**
   * Whether the engine may take what the script read and lend more while the script runs, on the
   * main thread's timing: on a real clock only (a simulated run must repeat exactly).
   */
  live(): boolean;
  /** The script read `n` of the peeked bytes. */
  consume(fd: number, n: number): void;
  /** Bytes one send would take now, whole and without waiting (0: none, or not a connected TCP socket). */
  sendRoom(fd: number): number;
  /** A send the script made within sendRoom(), in order; `data` is valid during this call only (the socket copies what it keeps). */
  send(fd: number, data: Uint8Array): void;
}

/** How a guest run ended. */
export type RunOutcome =
  | { kind: "finished" }
  | { kind: "raised"; pyType: string; traceback: string[] }
  /** The board was reset (Board.halt) while the script ran. */
  | { kind: "reset" }
  /** Soft reset (Ctrl-D at the REPL, machine.soft_reset()): the runner calls run() again on the same Board, and the engine starts its interpreter afresh. */
  | { kind: "soft-reset" };

/** A script ready to run: the engine-specific code plus what tracebacks need. */
export interface GuestEngine {
  run(host: GuestHost): Promise<RunOutcome>;
  /** Frees what the engine holds (the MicroPython worker thread: resolved once it has exited). */
  dispose(): void | Promise<void>;
}
