import type { Logger } from "pino";
import type { Clock } from "../../network-sim/clock/clock.ts";
import { Oled } from "./oled.ts";

/** At most this many OLED frames a second on stderr: a script that streams text shows every few ms. */
const FRAMES_PER_SECOND = 4;

/**
 * The OLED on the simulator's log: a frame when the picture changed, at most FRAMES_PER_SECOND; the
 * last picture of a burst is drawn when its turn comes, so the log always ends on what the screen shows.
 */
export class OledLog {
  private static readonly logs = new WeakMap<Oled, OledLog>();

  /** The log of `oled`'s frames, made at its first show(). */
  static of(oled: Oled, log: Logger, clock: Clock): OledLog {
    let frames = OledLog.logs.get(oled);
    if (!frames) OledLog.logs.set(oled, (frames = new OledLog(oled, log, clock)));
    return frames;
  }

  /** The board is off: the frame still waiting, if any, is drawn now. */
  static stop(oled: Oled): void {
    OledLog.logs.get(oled)?.stop();
  }

  private drawn = "";
  private lastAt = -Infinity;
  private pending: (() => void) | null = null;
  /** The picture of the latest show(), which the next draw shows. */
  private readonly shown: Oled;

  private constructor(
    private readonly oled: Oled,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {
    this.shown = new Oled(oled.width, oled.height);
  }

  /** show() was called: the picture is what the OLED's pixels hold now. */
  show(): void {
    this.shown.pixels.set(this.oled.pixels);
    if (this.pending) return; // the draw already due shows this picture
    const wait = this.lastAt + 1000 / FRAMES_PER_SECOND - this.clock.now();
    if (wait <= 0) return this.draw();
    this.pending = this.clock.setTimer(wait, () => {
      this.pending = null;
      this.draw();
    });
  }

  private stop(): void {
    if (!this.pending) return;
    this.pending();
    this.pending = null;
    this.draw();
  }

  private draw(): void {
    const pixels = Buffer.from(this.shown.pixels).toString("base64");
    if (pixels === this.drawn) return;
    this.drawn = pixels;
    this.lastAt = this.clock.now();
    this.log.info({ oled: pixels }, `OLED\n${this.shown.render()}`);
  }
}
