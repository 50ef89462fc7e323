import { Notifier } from "../../network-sim/notifier.ts";
import type { SerialDevice } from "../serial-device.ts";
// Ctrl-C: the interrupt character while code runs (pyexec.c sets it with mp_hal_set_interrupt_char).
import { CTRL_C } from "./control-chars.ts";

/**
 * The board's console port (UART0 on the ESP boards, USB CDC on the Pico W), one per board for
 * its whole life: soft and hard resets keep it, as a USB-serial adapter stays plugged in.
 *
 * Bytes from the PC wait in an input queue until the firmware reads them (the REPL, input(),
 * sys.stdin), as in the port's stdin ring buffer. While code runs, Ctrl-C does not go into the
 * queue: it raises KeyboardInterrupt, as the ports' UART/USB receive handlers do
 * (ports/rp2/mphalport.c, ports/esp32/uart.c: `if (c == mp_interrupt_char) mp_sched_keyboard_interrupt()`).
 */
export class BoardSerial implements SerialDevice {
  private input: number[] = [];
  private readonly outputListeners = new Set<(data: Uint8Array) => void>();
  private reader: (() => void) | null = null;
  /** Bytes arrived or the PC closed its end: select/poll on sys.stdin look again. */
  private readonly inputChanged = new Notifier();
  private outputReady = true;
  private readonly readyWaiters: (() => void)[] = [];
  private lines = { dtr: false, rts: false };
  /** The REPL is waiting for a key (Ctrl-C is a key then); otherwise code runs and Ctrl-C interrupts. */
  private atPrompt = false;
  /** The PC closed its end (piped stdin reached its end): reads then end instead of waiting. */
  private closed = false;
  /** The firmware's pyexec mode (friendly or raw REPL): a C global that survives soft resets, not hard ones. */
  rawRepl = false;
  /**
   * The interpreter is up (boot.py is next). Before, a Ctrl-C waits in the queue like any key, as
   * in the firmware's receive buffer while it starts: the interrupt character is not set yet.
   */
  started = false;

  /**
   * A new interpreter starts (hard or soft reset): until it runs code, a Ctrl-C is a byte in the
   * receive buffer like any other, also one that came with the Ctrl-D of a soft reboot (the REPL
   * then reads it as a key), as the firmware's interrupt character is set only while code runs
   * (shared/runtime/pyexec.c: mp_hal_set_interrupt_char(CHAR_CTRL_C) around the execution).
   */
  booting(): void {
    this.started = false;
    this.atPrompt = false;
    this.interruptChar = CTRL_C;
  }

  /** Ctrl-C while code runs: the Board raises KeyboardInterrupt. Set by the runner for each boot. */
  onInterrupt: () => void = () => {};
  /**
   * Ctrl-C after the REPL took its line and before it reads again: code may be running that has made
   * no host call yet (`while True: pass`), which would tell (running()). The runner has the board
   * ask it to poll (Board.askScript): its poll is such a call. Set by the runner for each boot.
   */
  onMaybeRunning: () => void = () => {};
  /** The reset circuit fired (EN released): the runner reboots the board. */
  onResetPin: () => void = () => {};

  constructor(
    /** ESP32/ESP8266 dev boards: DTR/RTS drive EN and IO0 through two transistors (the esptool circuit). */
    private readonly autoReset: boolean,
  ) {}

  /**
   * The interrupt character while code runs: Ctrl-C, or what micropython.kbd_intr() set (-1: none,
   * so mpremote's mount can receive 0x03 as data). pyexec.c sets Ctrl-C again for each execution.
   */
  interruptChar = CTRL_C;

  write(data: Uint8Array): void {
    for (const byte of data) {
      if (byte === this.interruptChar && this.started && !this.atPrompt) this.onInterrupt();
      else {
        this.input.push(byte);
        if (byte === this.interruptChar && this.started && this.reader === null) this.onMaybeRunning();
      }
    }
    this.wake();
  }

  onOutput(listener: (data: Uint8Array) => void): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  /**
   * The esptool auto-reset circuit: EN is pulled low while RTS is asserted and DTR is not, IO0
   * while DTR is asserted and RTS is not; the chip starts when EN goes high again. Boot-mode entry
   * (IO0 low at that moment) is not simulated: the board boots MicroPython (UNVERIFIED choice).
   */
  setControlLines(lines: { dtr?: boolean; rts?: boolean }): void {
    const enLow = (l: { dtr: boolean; rts: boolean }) => l.rts && !l.dtr;
    const before = enLow(this.lines);
    this.lines = { dtr: lines.dtr ?? this.lines.dtr, rts: lines.rts ?? this.lines.rts };
    if (this.autoReset && before && !enLow(this.lines)) this.onResetPin();
  }

  setOutputReady(ready: boolean): void {
    this.outputReady = ready;
    if (ready) for (const resume of this.readyWaiters.splice(0)) resume();
  }

  /** The PC's side is gone for good (end of piped input): pending and later reads end. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  get isClosed(): boolean {
    return this.closed && this.input.length === 0;
  }

  /** A read would not wait: bytes are queued, or the PC closed its end (the read gives the end). */
  get readable(): boolean {
    return this.input.length > 0 || this.closed;
  }

  /** Resolves when bytes arrive or the PC closes its end. */
  whenInput(signal: AbortSignal): Promise<void> {
    return this.inputChanged.wait(signal);
  }

  /** The board prints: resolves at once, or once the transport reads again (back-pressure). */
  print(data: Uint8Array): null | Promise<null> {
    for (const listener of this.outputListeners) listener(data);
    if (this.outputReady) return null;
    return new Promise((resolve) => this.readyWaiters.push(() => resolve(null)));
  }

  /**
   * The firmware reads up to `max` bytes: what is queued, or waits for the next. `repl`: the REPL
   * reads (Ctrl-C is a key); otherwise running code reads (input(), sys.stdin) and Ctrl-C interrupts.
   * Resolves with no bytes when the PC closed its end, or when `signal` aborts (it then rejects).
   */
  read(max: number, repl: boolean, signal: AbortSignal): Uint8Array | Promise<Uint8Array> {
    this.atPrompt = repl;
    // pyexec.c: mp_hal_set_interrupt_char(CHAR_CTRL_C) before each execution (the REPL reads between them).
    if (repl) this.interruptChar = CTRL_C;
    if (this.input.length > 0 || this.closed) return Uint8Array.from(this.input.splice(0, max));
    return new Promise<Uint8Array>((resolve, reject) => {
      const onAbort = () => {
        this.reader = null;
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.reader = () => {
        signal.removeEventListener("abort", onAbort);
        this.reader = null;
        resolve(Uint8Array.from(this.input.splice(0, max)));
      };
    });
  }

  /**
   * Code started running (a host call other than the console's): from now on Ctrl-C interrupts.
   * A Ctrl-C that arrived just before, while the REPL still held the line, interrupts now.
   */
  running(): void {
    if (!this.atPrompt || !this.started) return;
    this.atPrompt = false;
    const at = this.input.indexOf(this.interruptChar);
    if (at >= 0) {
      this.input.splice(at, 1);
      this.onInterrupt();
    }
  }

  /** Bytes the firmware took but did not use before a soft reset: the next boot reads them first. */
  unread(data: Uint8Array): void {
    this.input.unshift(...data);
    this.wake();
  }

  private wake(): void {
    if (this.input.length > 0 || this.closed) this.inputChanged.notify();
    if (this.input.length > 0 || this.closed) this.reader?.();
  }
}
