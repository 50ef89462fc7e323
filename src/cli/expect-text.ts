import type { ConsoleOut } from "../emulator/board-options.ts";
import { EXIT } from "./exit-codes.ts";

/** What --expect-text / --fail-text decided: the exit code and why. */
export interface Verdict {
  code: number;
  why: string;
}

/**
 * --expect-text T / --fail-text T, for grading a script without writing a test (like Wokwi CLI's
 * flags of the same names): the first of them to appear on a board's console decides the exit
 * code, 0 or 1. Matches across the pieces a console is written in.
 */
export class ConsoleVerdict {
  readonly decided: Promise<Verdict>;
  private decide!: (verdict: Verdict) => void;
  private done = false;
  private readonly texts: { text: string; code: number; flag: string }[];

  constructor(expectText: string | undefined, failText: string | undefined) {
    this.texts = [
      ...(failText ? [{ text: failText, code: EXIT.raised, flag: "--fail-text" }] : []),
      ...(expectText ? [{ text: expectText, code: EXIT.ok, flag: "--expect-text" }] : []),
    ];
    this.decided = new Promise((resolve) => (this.decide = resolve));
  }

  get active(): boolean {
    return this.texts.length > 0;
  }

  /** The exit code when every script ended before any of the texts appeared. */
  whenEnded(code: number): Verdict | null {
    const expected = this.texts.find((t) => t.code === EXIT.ok);
    if (!expected || this.done) return null;
    return { code: code === EXIT.ok ? EXIT.raised : code, why: `--expect-text: the script ended without printing ${JSON.stringify(expected.text)}` };
  }

  /** Watches one board's console; `out` still gets every piece (and its flush). */
  watch(out: ConsoleOut): ConsoleOut {
    if (!this.active) return out;
    const longest = Math.max(...this.texts.map((t) => t.text.length));
    let tail = "";
    const watched = (piece: string) => {
      const written = out(piece);
      this.look(piece, tail);
      tail = longest > 1 ? (tail + piece).slice(-(longest - 1)) : "";
      return written;
    };
    return Object.assign(watched, { flush: out.flush });
  }

  /** Decides on the first text found in `tail + piece` (the tail: what may hold the start of a text). */
  private look(piece: string, tail: string): void {
    if (this.done) return;
    const seen = tail + piece;
    const found = this.texts
      .map((t) => ({ ...t, at: seen.indexOf(t.text) }))
      .filter((t) => t.at >= 0)
      .sort((a, b) => a.at - b.at)[0];
    if (!found) return;
    this.done = true;
    this.decide({ code: found.code, why: `${found.flag}: the console printed ${JSON.stringify(found.text)}` });
  }
}
