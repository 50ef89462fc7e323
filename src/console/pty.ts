import { closeSync, lstatSync, readlinkSync, symlinkSync, unlinkSync, write } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import tty from "node:tty";
import { InputError } from "../runtime/errors.ts";
import type { SerialDevice } from "../emulator/serial-device.ts";

/** What @lydell/node-pty's prebuilt binding gives: openpty(3)'s two ends and the slave's path. */
interface PtyBinding {
  open(cols: number, rows: number): { master: number; slave: number; pty: string };
}

/**
 * A real board's USB CDC waits this long for the PC to take output, then drops it, so a board with
 * no terminal attached keeps running (MicroPython shared/tinyusb/mp_usbd_cdc.c, mp_usbd_cdc_tx_strn:
 * MICROPY_HW_USB_CDC_TX_TIMEOUT, 500 ms; ports/esp32/usb.h MICROPY_HW_USB_CDC_TX_TIMEOUT_MS 500).
 */
export const CDC_TX_TIMEOUT_MS = 500;
/** Output queued for the terminal beyond this pauses the board's prints. */
const QUEUE_LIMIT = 64 * 1024;
/** How often a full terminal is tried again (the master fd is non-blocking; EAGAIN has no event). */
const RETRY_MS = 5;

/**
 * `--serial pty[:PATH]`: the board's console on a pseudo-terminal, as /dev/ttyACM0 is on a PC with a
 * real board. picocom, screen, pyserial, mpremote open the slave side; it is in raw mode and
 * accepts any baud rate (a PTY ignores line speed). boardsim keeps the slave open itself, so a
 * client can leave and another come without the PTY hanging up.
 */
export class PtyConsole {
  /** The slave's path (/dev/pts/N): what a terminal program opens. */
  readonly path: string;
  private readonly master: tty.ReadStream;
  private readonly masterFd: number;
  private readonly slaveFd: number;
  private readonly queue: Uint8Array[] = [];
  private queued = 0;
  private writing = false;
  private paused = false;
  private stalledSince: number | null = null;
  private closed = false;
  private readonly unsubscribe: () => void;

  /**
   * `link`: a symlink placed at this path to the slave (refused if something else is there).
   * `txTimeoutMs`: how long output waits for a terminal that does not read (tests set it).
   */
  constructor(
    private readonly device: SerialDevice,
    readonly link?: string,
    private readonly txTimeoutMs = CDC_TX_TIMEOUT_MS,
  ) {
    if (link) checkLinkPath(link);
    const binding = loadBinding();
    const ends = binding.open(80, 24);
    this.masterFd = ends.master;
    this.slaveFd = ends.slave;
    this.path = ends.pty;
    this.master = new tty.ReadStream(this.masterFd);
    // termios set through the master apply to the slave (Linux pty.c): no echo, no line editing,
    // no CR/LF translation, as a USB CDC port gives the bytes as they are.
    this.master.setRawMode(true);
    this.master.on("data", (data: Buffer) => this.device.write(data));
    this.master.on("error", () => {}); // EIO when closing: nothing a user can act on
    this.unsubscribe = device.onOutput((data) => this.send(data));
    if (link) {
      process.on("exit", this.removeLink); // also when boardsim ends through process.exit
      try {
        unlinkIfOurs(link);
        symlinkSync(this.path, link);
      } catch (error) {
        this.close();
        throw new InputError(`--serial pty:${link}: cannot create the link: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    }
  }

  /** Closes the PTY and removes the link (if it is still ours). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    if (this.paused) this.device.setOutputReady(true);
    this.master.destroy(); // closes the master fd
    closeSync(this.slaveFd);
    this.removeLink();
    process.off("exit", this.removeLink);
  }

  private readonly removeLink = (): void => {
    if (this.link && readLink(this.link) === this.path) unlinkSync(this.link);
  };

  private send(data: Uint8Array): void {
    if (this.closed) return;
    // Nobody has read for the timeout: output is tried once as it comes and dropped if still no room.
    if (this.timedOut() && this.writing) return;
    this.queue.push(data);
    this.queued += data.length;
    if (this.queued > QUEUE_LIMIT && !this.paused) {
      this.paused = true;
      this.device.setOutputReady(false);
    }
    this.flush();
  }

  private flush(): void {
    if (this.writing || this.closed) return;
    const chunk = this.queue[0];
    if (!chunk) return;
    this.writing = true;
    write(this.masterFd, chunk, 0, chunk.length, null, (error, written) => {
      this.writing = false;
      if (this.closed) return;
      if (error) {
        if (error.code !== "EAGAIN") return this.drop(); // the PTY is gone
        this.stalledSince ??= performance.now();
        if (this.timedOut()) this.drop();
        else setTimeout(() => this.flush(), RETRY_MS);
        return;
      }
      this.stalledSince = null;
      this.queued -= written;
      if (written < chunk.length) this.queue[0] = chunk.subarray(written);
      else this.queue.shift();
      if (this.paused && this.queued <= QUEUE_LIMIT / 2) {
        this.paused = false;
        this.device.setOutputReady(true);
      }
      this.flush();
    });
  }

  /** The terminal took nothing for CDC_TX_TIMEOUT_MS: what waits is lost, the board runs on. */
  private drop(): void {
    this.queue.length = 0;
    this.queued = 0;
    if (this.paused) {
      this.paused = false;
      this.device.setOutputReady(true);
    }
  }

  private timedOut(): boolean {
    return this.stalledSince !== null && performance.now() - this.stalledSince >= this.txTimeoutMs;
  }
}

function loadBinding(): PtyBinding {
  const require = createRequire(import.meta.url);
  try {
    return require(`@lydell/node-pty-${process.platform}-${process.arch}/pty.node`) as PtyBinding;
  } catch {
    throw new InputError(`--serial pty: no pseudo-terminal support for ${process.platform}-${process.arch} (use --serial rfc2217:PORT)`);
  }
}

function readLink(file: string): string | null {
  try {
    return readlinkSync(file);
  } catch {
    return null;
  }
}

/** A link to a pseudo-terminal is one boardsim left (a run that ended without cleaning up): it may go. */
function isPtyLink(file: string): boolean {
  const target = readLink(file);
  return target !== null && /^\/dev\/(pts\/\d+|ttys\d+)$/.test(target);
}

function checkLinkPath(link: string): void {
  let exists = true;
  try {
    lstatSync(link);
  } catch {
    exists = false;
  }
  if (exists && !isPtyLink(link)) throw new InputError(`--serial pty:${link}: '${link}' exists and is not a boardsim PTY link; remove it or choose another path`);
  try {
    lstatSync(path.dirname(path.resolve(link)));
  } catch {
    throw new InputError(`--serial pty:${link}: no such folder '${path.dirname(link)}'`);
  }
}

function unlinkIfOurs(link: string): void {
  if (isPtyLink(link)) unlinkSync(link);
}
