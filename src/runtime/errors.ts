/** Bad input to the runtime (unknown board, bad fault spec, unwritable pcap file): one line for the user. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** A script that cannot run (missing, unreadable, broken): input about the file, not the settings. */
export class ScriptInputError extends InputError {}
