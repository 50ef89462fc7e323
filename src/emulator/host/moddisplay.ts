import { FirmwareError } from "../../network-sim/errors.ts";
import { DISPCHAR_CELL, TEXT_CELL, type Oled } from "../devices/oled.ts";
import { OledLog } from "../devices/oled-log.ts";
import type { BoardContext, HostCalls } from "./context.ts";

/** The built-in OLED (mPython's `oled`, a framebuf.FrameBuffer with labplus's DispChar). */
export function moddisplay(board: BoardContext) {
  return {
    oledFill: (color: number): null => (screen(board).fill(color), null),
    oledPixel: (x: number, y: number, color: number): null => (screen(board).pixel(x, y, color), null),
    oledFillRect: (x: number, y: number, w: number, h: number, color: number): null => (screen(board).fillRect(x, y, w, h, color), null),
    oledText: (text: string, x: number, y: number, color: number): null => (screen(board).drawText(text, x, y, color, TEXT_CELL), null),
    oledDispChar: (text: string, x: number, y: number): null => (screen(board).drawText(text, x, y, 1, DISPCHAR_CELL), null),
    /** show(): the frame goes to the simulator's log, drawn for a terminal and as base64 pixels for tools (src/emulator/devices/oled-log.ts). */
    oledShow: (): null => (OledLog.of(screen(board), board.log, board.clock).show(), null),
  } satisfies HostCalls<"moddisplay">;
}

function screen(board: BoardContext): Oled {
  if (!board.oled) throw new FirmwareError("OSError", "boardsim: this board has no display");
  return board.oled;
}
