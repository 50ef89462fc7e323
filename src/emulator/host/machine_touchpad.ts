/**
 * machine.TouchPad (ports/esp32/machine_touchpad.c v1.23.0): the ESP32's ten touch pins, and the
 * reading a test sets for one (a finger on it), else an untouched pad's.
 */
import { FirmwareError } from "../../network-sim/errors.ts";
import type { HostValue } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";
import { resolvePin } from "./machine_pin.ts";

/**
 * docs/esp32/quickref.rst (v1.23.0, 760-763): read() is "above one thousand" with no touch and in
 * the tens when touched, relative to the board. The figure is UNVERIFIED on a board.
 */
const UNTOUCHED = 1100;

export function machineTouchpad(ctx: BoardContext) {
  const { touchPads } = ctx.profile.port;
  return {
    /** TouchPad(pin): a Pin or its number (machine_pin_find), one of the touch GPIOs (lines 78-90). */
    touchInit: (id: HostValue): number => {
      const key = resolvePin(ctx, id);
      if (typeof key !== "number" || !touchPads.includes(key)) throw new FirmwareError("ValueError", "invalid pin for touchpad");
      return key;
    },
    touchRead: (key: number): number => ctx.peripherals.touch.get(key) ?? UNTOUCHED,
  } satisfies HostCalls<"machine_touchpad">;
}
