import { picoW } from "./pico_w.ts";
import type { BoardProfile } from "./profile.ts";

export type { BoardProfile } from "./profile.ts";

export const BOARDS: Readonly<Record<string, BoardProfile>> = {
  [picoW.id]: picoW,
};

export function boardIds(): string[] {
  return Object.keys(BOARDS);
}
