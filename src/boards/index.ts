import { esp32 } from "./esp32.ts";
import { esp8266 } from "./esp8266.ts";
import { mpython } from "./mpython.ts";
import { picoW } from "./pico_w.ts";
import type { BoardProfile } from "./profile.ts";

export type { BoardProfile } from "./profile.ts";

export const BOARDS: Readonly<Record<string, BoardProfile>> = {
  [picoW.id]: picoW,
  [esp32.id]: esp32,
  [esp8266.id]: esp8266,
  [mpython.id]: mpython,
};

export function boardIds(): string[] {
  return Object.keys(BOARDS);
}
