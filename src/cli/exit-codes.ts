/** The CLI's exit codes (README, "Exit codes"). */
export const EXIT = {
  /** The script ended. */
  ok: 0,
  /** The script raised an exception it did not catch. */
  raised: 1,
  /** Bad usage or input: unknown board, bad flag, unreadable or broken script. */
  usage: 2,
  /** Stopped by --timeout (the code GNU timeout uses). */
  timeout: 124,
  /** A fault inside boardsim itself. */
  internal: 70,
  /** Stopped with Ctrl-C. */
  interrupted: 130,
  /** The console's reader went away (`| head`): ended quietly, 128 + SIGPIPE as a shell reports it. */
  brokenPipe: 141,
} as const;

/** A problem with what the user asked for: one line on stderr, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
