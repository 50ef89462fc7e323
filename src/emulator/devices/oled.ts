import { characterOf, glyph, GLYPH_HEIGHT, GLYPH_WIDTH } from "./font5x7.ts";

/** How a font lays characters out on the screen. */
export interface TextCell {
  width: number;
  height: number;
  /** Each glyph row is drawn this many pixel rows high. */
  rowScale: number;
}

/** framebuf's text(): 8×8 cells. */
export const TEXT_CELL: TextCell = { width: 8, height: 8, rowScale: 1 };
/**
 * labplus's DispChar(): 16-pixel-high lines. The firmware's own font is proportional and is not
 * reproduced (UNVERIFIED glyph shapes): boardsim draws the 5×7 font twice as high in 6-pixel cells,
 * so a line of ~21 characters fits the 128-pixel width as on the board.
 */
export const DISPCHAR_CELL: TextCell = { width: 6, height: 16, rowScale: 2 };

/**
 * A monochrome screen (the mPython board's 128×64 OLED): a framebuffer the script draws
 * into and show() copies to the glass. One byte per pixel, row-major, 1 = lit.
 */
export class Oled {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height);
  }

  fill(color: number): void {
    this.pixels.fill(color ? 1 : 0);
  }

  pixel(x: number, y: number, color: number): void {
    if (x >= 0 && x < this.width && y >= 0 && y < this.height) this.pixels[y * this.width + x] = color ? 1 : 0;
  }

  getPixel(x: number, y: number): number {
    return x >= 0 && x < this.width && y >= 0 && y < this.height ? this.pixels[y * this.width + x]! : 0;
  }

  fillRect(x: number, y: number, w: number, h: number, color: number): void {
    for (let row = y; row < y + h; row++) for (let col = x; col < x + w; col++) this.pixel(col, row, color);
  }

  /** Draws `text` from (x, y) in `cell`s; lit pixels only, the background stays as it was. */
  drawText(text: string, x: number, y: number, color: number, cell: TextCell): void {
    let left = x;
    for (const ch of text) {
      if (ch < " ") continue; // control characters (a received "\n") take no cell
      const rows = glyph(ch);
      for (let r = 0; r < GLYPH_HEIGHT * cell.rowScale; r++) {
        const bits = rows[Math.floor(r / cell.rowScale)]!;
        for (let c = 0; c < GLYPH_WIDTH; c++) {
          if (bits & (1 << (GLYPH_WIDTH - 1 - c))) this.pixel(left + c, y + r, color);
        }
      }
      left += cell.width;
    }
  }

  /** Reads back the characters drawn on the line at (x, y) in `cell`s, trailing blanks dropped; '?' for a cell that is no glyph. */
  readText(x: number, y: number, cell: TextCell): string {
    let text = "";
    for (let left = x; left + GLYPH_WIDTH <= this.width; left += cell.width) {
      const rows = Array.from({ length: GLYPH_HEIGHT }, (_, r) => {
        let bits = 0;
        for (let c = 0; c < GLYPH_WIDTH; c++) bits = (bits << 1) | this.getPixel(left + c, y + r * cell.rowScale);
        return bits;
      });
      text += characterOf(rows) ?? "?";
    }
    return text.trimEnd();
  }

  /** The screen as text for a terminal: two pixel rows per line in half blocks, framed. */
  render(): string {
    const lines = [`┌${"─".repeat(this.width)}┐`];
    for (let y = 0; y < this.height; y += 2) {
      let line = "";
      for (let x = 0; x < this.width; x++) line += " ▀▄█"[this.getPixel(x, y) + 2 * this.getPixel(x, y + 1)];
      lines.push(`│${line}│`);
    }
    lines.push(`└${"─".repeat(this.width)}┘`);
    return lines.join("\n");
  }
}
