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
}

/** How a guest run ended. */
export type RunOutcome =
  | { kind: "finished" }
  | { kind: "raised"; pyType: string; traceback: string[] }
  /** The board was reset (Board.halt) while the script ran. */
  | { kind: "reset" }
  /** Soft reset (Ctrl-D at the REPL, machine.soft_reset()): the runner starts the interpreter again on the same Board. */
  | { kind: "soft-reset" };

/** A script ready to run: the engine-specific code plus what tracebacks need. */
export interface GuestEngine {
  run(host: GuestHost): Promise<RunOutcome>;
  dispose(): void;
}
