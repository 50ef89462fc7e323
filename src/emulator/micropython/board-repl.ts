/**
 * The board's boot and REPL, in the MicroPython worker: boot.py, main.py, then the firmware's own
 * event-driven REPL (shared/runtime/pyexec.c, through the port's replInit/replProcessChar), fed
 * with the bytes of the board's console (BoardSerial on the main thread, read by host calls).
 *
 * The REPL's C code is the firmware's: friendly REPL, readline (history, auto-indent, tab
 * completion), paste mode, raw REPL. What the webassembly port cannot do, this file does around it:
 * - raw-paste mode (pyexec.c do_reader_stdin reads stdin, which this port does not have): the
 *   protocol runs here and the code is then compiled from a file and run as main.py is, not
 *   through the raw REPL's line (whose text would stay in the heap while the code runs);
 * - the board's banner in place of the port's, and "\n" → "\r\n" as the ports' cooked stdout does
 *   (shared/runtime/stdout_helpers.c), for text only: sys.stdout.buffer's bytes go out unchanged
 *   (shared/runtime/sys_stdio_mphal.c: stdio_write cooks, stdio_buffer_write does not);
 * - soft reset (PYEXEC_FORCED_EXIT): bootFirmware returns, the worker brings the interpreter back to
 *   its state before the first boot (worker.ts) and runs bootFirmware again when the runner says.
 */
import type { MicroPython } from "@micropython/micropython-webassembly-pyscript";
import type { HostValue } from "../host-api.ts";
import type { BoardBoot, HostReply, WorkerOutcome } from "./protocol.ts";
import { CTRL_A, CTRL_B, CTRL_C, CTRL_D, CTRL_E } from "../console/control-chars.ts";

/** The key readline completes at (shared/readline/readline.c v1.23.0:243). */
const TAB = 9;
/** pyexec.h PYEXEC_FORCED_EXIT: Ctrl-D at the REPL asks for a soft reset. */
const PYEXEC_FORCED_EXIT = 0x100;
/** MICROPY_REPL_STDIN_BUFFER_MAX (pyexec.c:195, not overridden by rp2/esp32/esp8266): raw-paste's window is half. */
const RAW_PASTE_WINDOW = 256 / 2;
/**
 * The file whose text a run compiles (_flash.py run_source: the lexer reads it as it goes), in the
 * interpreter's own files, in a folder no path of the board's filesystem reaches: a script's,
 * a --script main.py's, a raw-paste's code (its bytes as they came), or a copy of boot.py's or
 * main.py's (_board.py).
 */
export const SOURCE_FILE = "/script/text";
const RAW_PROMPT = "raw REPL; CTRL-B to exit\r\n";
/** pyexec.c: Ctrl-E at the friendly REPL. */
const PASTE_PROMPT = "paste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== ";
/** The friendly REPL's continuation prompt (sys.ps2) with readline's auto-indent, at the end of its output. */
const CONTINUATION_PROMPT = /\r\n\.\.\. (?: {4})*$/;

/**
 * The console's input in this worker: bytes the REPL fetched from the board's port and has not
 * used yet are read first by running code (input(), sys.stdin), as they would be from the port's
 * receive buffer; the REPL fetches many at a time, so a paste of code and its input works.
 */
export class ConsoleInput {
  private readonly pending: number[] = [];
  /** Output held back while the REPL is about to read: it goes with the read (the prompt, then the wait). */
  private held: number[] | null = null;

  constructor(
    private readonly hostCall: (name: string, args: HostValue[]) => HostReply,
    private readonly flushConsole: () => void,
    private readonly raiseIfInterrupted: (reply: HostReply) => void,
    /** Runs the Timer and Pin.irq callbacks that are due (the script's scheduler), and writes os.dupterm's streams. */
    private readonly runCallbacks: () => void,
    /** Whether os.dupterm's streams have console bytes to take (worker.ts duplicate). */
    private readonly forStreams: () => boolean,
  ) {}

  /** From now until the REPL reads, output waits to go with that read. */
  holdOutput(): void {
    this.held ??= [];
  }

  /** The console's output (after the filter). */
  send(bytes: Uint8Array): void {
    if (this.held) this.held.push(...bytes);
    else this.raiseIfInterrupted(this.hostCall("serialWrite", [bytes]));
  }

  /**
   * The REPL's next byte; null when the PC closed the console. What it printed last (the prompt)
   * goes in the same host call as the read, so the board is at its prompt once the PC sees it.
   * Callbacks that come due while it waits run there, as the firmware's wait for a key runs them.
   */
  readRepl(): number | null {
    while (this.pending.length === 0) {
      this.holdOutput();
      this.flushConsole();
      if (this.forStreams()) this.runCallbacks(); // the prompt too, as the firmware writes it
      const output = Uint8Array.from(this.held ?? []);
      this.held = null;
      const reply = this.hostCall("serialRead", [4096, true, output]);
      if ("error" in reply) return CTRL_C; // the CLI's Ctrl-C (SIGINT) at the prompt: a key like any other
      if (reply.value === null) {
        this.runCallbacks();
        continue;
      }
      const bytes = reply.value as Uint8Array;
      if (bytes.length === 0) return null;
      this.pending.push(...bytes);
    }
    return this.pending.shift()!;
  }

  /**
   * Before a host call of running code: bytes the REPL fetched and did not use go back to the
   * port, where the board sees them (select.poll() of sys.stdin) and reads them next.
   */
  returnPending(): void {
    if (this.pending.length === 0) return;
    this.raiseIfInterrupted(this.hostCall("serialUnread", [Uint8Array.from(this.pending)]));
    this.pending.length = 0;
  }

  /**
   * sys.stdin (and input(), which reads it): one byte for running code; null at the console's end
   * or on Ctrl-C (the KeyboardInterrupt is then raised), as while code runs Ctrl-C interrupts.
   */
  readStdin(): number | null {
    if (this.pending.length > 0) {
      const c = this.pending.shift()!;
      if (c !== CTRL_C) return c;
      this.raiseIfInterrupted({ error: { pyType: "KeyboardInterrupt", pyArgs: [] } });
      return null;
    }
    this.flushConsole();
    const reply = this.hostCall("serialRead", [1, false, null]);
    this.raiseIfInterrupted(reply);
    return "value" in reply && (reply.value as Uint8Array).length > 0 ? (reply.value as Uint8Array)[0]! : null;
  }
}

export interface WorkerContext {
  mp: MicroPython;
  /** Runs the worker's own code, which reaches the library by one __import__ (worker.ts). */
  runLibrary(code: string): unknown;
  hostCall(name: string, args: HostValue[]): HostReply;
  /** Sends what print() collected so far (through the console sink). */
  flushConsole(): void;
  /** Where console bytes go once collected; `raw`: sys.stdout.buffer's, not cooked. */
  setConsoleSink(sink: (bytes: Uint8Array, raw: boolean) => void): void;
  /** os.dupterm: a copy of the bytes that go out to the console, for the script's streams. */
  duplicate(bytes: Uint8Array): void;
  /** A KeyboardInterrupt reply outside Python's own calls: scheduled in the VM. */
  raiseIfInterrupted(reply: HostReply): void;
  /** machine.soft_reset() was called (and clears the request). */
  takeSoftReset(): boolean;
  /** Runs fn with the board's C modules in the built-in module tables tab completion reads (builtin-module-map.ts). */
  completing<T>(fn: () => T): T;
  input: ConsoleInput;
}


const encoder = new TextEncoder();
const latin1 = new TextDecoder("latin1");

/**
 * Before the first boot: the library's spare heap is held back, as before a script
 * (_boardsim.run), so the board's heap is free; frozen libraries (asyncio, requests, ...) then
 * import without costing the board's heap, as from flash.
 */
export function prepareFirmware(runLibrary: WorkerContext["runLibrary"]): void {
  runLibrary("__import__('_boardsim')._prepare_firmware()");
}

export function bootFirmware(ctx: WorkerContext, boot: BoardBoot): WorkerOutcome {
  const { mp, runLibrary } = ctx;
  const out = new ConsoleFilter((bytes) => {
    ctx.duplicate(bytes);
    ctx.input.send(bytes);
  }, boot.banner);
  ctx.setConsoleSink((bytes, raw) => (raw ? out.send(bytes) : out.write(bytes)));
  const mode = (raw: boolean | null) => {
    const reply = ctx.hostCall("serialMode", [raw]);
    return "value" in reply ? (reply.value as { raw: boolean; closed: boolean }) : { raw: false, closed: false };
  };
  let raw = mode(null).raw;

  // main.c (ports/rp2/main.c:180-192, ports/esp32/main.c:143-150, ports/esp8266/main.c:83-85):
  // boot.py, then main.py only in the friendly REPL and only if boot.py ran to its end (`ret != 0`:
  // an exception or sys.exit() in boot.py leaves main.py out).
  runLibrary("__import__('_board').attach_console()");
  const softReset = () => (ctx.flushConsole(), { kind: "soft-reset" }) as WorkerOutcome;
  /** _board.run_file's result, pyexec.c's; through __main__'s globals, as runPython gives no value back. */
  const runFile = (args: string): number => {
    runLibrary(`_pyexec = __import__('_board').run_file(${args})`);
    const ret = mp.globals.get("_pyexec") as number;
    mp.globals.delete("_pyexec");
    return ret;
  };
  /**
   * A raw-paste's code, as do_reader_stdin runs it (pyexec.c:266-281): the lexer reads it from the
   * console as it comes (mp_reader_stdin), so the text is never in the heap; here it waited on the
   * host and the lexer reads it from the run's file (SOURCE_FILE), as main.py.
   */
  const runPasted = (code: Uint8Array): number => {
    mp.FS.writeFile(SOURCE_FILE, code);
    return runFile("'<stdin>', True, '\\x04'");
  };
  const booted = runFile("'boot.py'");
  if (booted & PYEXEC_FORCED_EXIT) return softReset();
  if (!raw && booted !== 0) {
    // A --script's text: main.py's, read by the lexer from the run's file.
    if (boot.main !== null) mp.FS.writeFile(SOURCE_FILE, boot.main);
    if (runFile(`'main.py', ${boot.main !== null ? "True" : "False"}`) & PYEXEC_FORCED_EXIT) return softReset();
  }

  out.quiet = true;
  mp.replInit(); // prints the port's banner: the board's is printed instead
  ctx.flushConsole();
  out.learnPortBanner();
  if (raw) mp.replProcessChar(CTRL_A);
  ctx.flushConsole();
  out.quiet = false;
  ctx.input.holdOutput(); // the prompt goes out with the REPL's first read: from then on Ctrl-C is a key
  out.write(encoder.encode(raw ? RAW_PROMPT + ">" : `${boot.banner}\r\nType "help()" for more information.\r\n>>> `));

  /** The raw REPL's line, as pyexec.c keeps it (its first bytes): Ctrl-E 'A' then Ctrl-A asks for raw-paste mode. */
  let rawLine: number[] = [];
  /** The friendly REPL's state (pyexec.c repl_t paste_mode, cont_line): what a Ctrl-D there does. */
  const friendly = new FriendlyState();
  const read = () => ctx.input.readRepl();
  const feed = (c: number): number => {
    // Tab completes from the module tables only there (no code runs at a Tab: readline keeps it).
    const ret = (c === TAB ? ctx.completing(() => mp.replProcessChar(c)) : mp.replProcessChar(c)) as number;
    if (out.sawRawPrompt()) raw = true;
    return ret;
  };

  for (;;) {
    const c = read();
    if (c === null) {
      ctx.flushConsole();
      return { kind: "finished" };
    }
    let ret: number;
    let ranCode: boolean;
    if (raw && c === CTRL_A && rawLine.length === 2 && rawLine[0] === CTRL_E && rawLine[1] === 0x41) {
      feed(CTRL_C); // clears the raw REPL's line (Ctrl-E 'A'), prints nothing
      const code = rawPaste(out, read);
      ret = code === null ? 0 : runPasted(code);
      ctx.flushConsole();
      if (!(ret & PYEXEC_FORCED_EXIT)) out.write(encoder.encode(">")); // pyexec.c:319-321 `goto reset`
      ranCode = true;
    } else {
      // A Ctrl-D on an empty line soft-resets; anywhere else it, or Enter, runs code (pyexec.c).
      ranCode = raw ? c === CTRL_D && rawLine.length > 0 : friendly.runsCode(c);
      if (raw && c === CTRL_B) raw = false;
      ret = feed(c);
    }
    if (raw) rawLine = c === CTRL_A || c === CTRL_B || c === CTRL_C || c === CTRL_D ? [] : [...rawLine.slice(0, 2), c];
    if (ctx.takeSoftReset() || (ret & PYEXEC_FORCED_EXIT && !ranCode)) {
      mode(raw);
      ctx.input.returnPending();
      return softReset();
    }
    if (ret & PYEXEC_FORCED_EXIT) {
      // SystemExit raised by the code (sys.exit()): on v1.23.0 it ends that code only, and the REPL
      // goes on (pyexec.c:146-150: its result is pyexec_system_exit, 0 unless machine.soft_reset()
      // set it, extmod/modmachine.c:65). The interpreter here (v1.27) returns PYEXEC_FORCED_EXIT
      // before its prompt, so the REPL is set up again and its prompt printed.
      ctx.flushConsole();
      out.quiet = true;
      mp.replInit();
      ctx.flushConsole();
      out.forgetQuiet();
      out.write(encoder.encode(raw ? ">" : ">>> "));
      friendly.reset();
      rawLine = [];
      continue;
    }
    if (raw) friendly.reset();
    else {
      if (FriendlyState.changesOn(c)) ctx.flushConsole(); // the prompt it printed last, to read
      friendly.update(c, out.recentText());
    }
  }
}

/**
 * The friendly REPL's paste mode and continuation lines, followed from the keys and the prompts it
 * prints: the interpreter keeps them in C (pyexec.c repl_t), where this file cannot read them.
 */
class FriendlyState {
  private pasting = false;
  private continuing = false;

  /** Whether key `c` makes the REPL run code: Enter does, and Ctrl-D in paste mode or on a continuation line. */
  runsCode(c: number): boolean {
    return c !== CTRL_D || this.pasting || this.continuing;
  }

  /** Whether key `c` can change the state: Enter and Ctrl-B to Ctrl-E; other keys edit the line. */
  static changesOn(c: number): boolean {
    return c === 0x0d || (c >= CTRL_B && c <= CTRL_E);
  }

  /** After key `c`, with `printed` the end of the console's output. */
  update(c: number, printed: string): void {
    if (!FriendlyState.changesOn(c)) return;
    if (this.pasting) this.pasting = c !== CTRL_C && c !== CTRL_D;
    else if (c === CTRL_E) this.pasting = printed.endsWith(PASTE_PROMPT);
    // readline_note_newline: the "... " prompt and its auto-indent; input_restart: ">>> ".
    this.continuing = !this.pasting && CONTINUATION_PROMPT.test(printed);
  }

  reset(): void {
    this.pasting = false;
    this.continuing = false;
  }
}

/**
 * Raw-paste mode (pyexec.c:262-292, mp_reader_stdin_readbyte): "R\x01", the window size and a
 * first window; then code bytes, with \x01 each time a window has been taken, until Ctrl-D,
 * acknowledged with \x04. Returns the code, or null after Ctrl-C (the reader's KeyboardInterrupt,
 * printed here) or when the PC closed the console.
 */
function rawPaste(out: ConsoleFilter, read: () => number | null): Uint8Array | null {
  out.send(Uint8Array.of(0x52, 0x01, RAW_PASTE_WINDOW & 0xff, RAW_PASTE_WINDOW >> 8, 0x01));
  const code: number[] = [];
  let windowRemain = RAW_PASTE_WINDOW;
  for (;;) {
    const c = read();
    if (c === null) return null;
    if (c === CTRL_C || c === CTRL_D) {
      out.send(Uint8Array.of(CTRL_D));
      if (c === CTRL_D) return Uint8Array.from(code);
      // KeyboardInterrupt raised by the reader (no traceback: traceback_data = NULL), printed
      // between parse_compile_execute's two \x04.
      out.write(encoder.encode("\x04KeyboardInterrupt: \r\n\x04"));
      return null;
    }
    code.push(c);
    if (--windowRemain === 0) {
      out.send(Uint8Array.of(0x01));
      windowRemain = RAW_PASTE_WINDOW;
    }
  }
}

/**
 * The console's bytes on their way out: the board's banner for the port's, "\n" as "\r\n", no
 * frames of boardsim's own library in tracebacks. Passes bytes on unchanged otherwise.
 */
class ConsoleFilter {
  quiet = false;
  private portBanner: string | null = null;
  private lastByte = 0;
  private recent = "";
  private captured = "";

  constructor(
    private readonly sink: (bytes: Uint8Array) => void,
    private readonly banner: string,
  ) {}

  /** What replInit printed: "\r\n<port banner>\r\nType ...": remembered, so that Ctrl-B prints the board's. */
  learnPortBanner(): void {
    const line = this.captured.split("\r\n").find((l) => l.startsWith("MicroPython "));
    this.portBanner = line ?? null;
    this.captured = "";
    this.recent = "";
  }

  /** The end of what was written (cooked), for the REPL's prompts. */
  recentText(): string {
    return this.recent;
  }

  /** Drops what was written while quiet. */
  forgetQuiet(): void {
    this.quiet = false;
    this.captured = "";
    this.recent = "";
  }

  sawRawPrompt(): boolean {
    const seen = this.recent.includes(RAW_PROMPT);
    if (seen) this.recent = "";
    return seen;
  }

  /** Bytes of the protocol itself (raw-paste's flow control): out as they are. */
  send(bytes: Uint8Array): void {
    this.sink(bytes);
  }

  write(bytes: Uint8Array): void {
    let text = latin1.decode(bytes);
    if (this.quiet) {
      this.captured += text;
      this.recent = (this.recent + text).slice(-64);
      return;
    }
    if (this.portBanner) text = text.split(this.portBanner).join(this.banner);
    text = text.replace(/^ {2}File "\/boardsim\/[^\n]*\n/gm, "");
    let cooked = "";
    for (const ch of text) {
      if (ch === "\n" && this.lastByte !== 0x0d) cooked += "\r";
      cooked += ch;
      this.lastByte = ch.charCodeAt(0);
    }
    this.recent = (this.recent + cooked).slice(-64);
    if (cooked) this.sink(Uint8Array.from(cooked, (ch) => ch.charCodeAt(0)));
  }
}
