/**
 * The frozen neopixel module's write() (machine.bitstream to WS2812 LEDs): the colours land in the
 * board's Peripherals, where tests read them, and in the log.
 */
import type { HostValue } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";
import { pinLabel, resolvePin } from "./machine_pin.ts";

export function neopixel(ctx: BoardContext) {
  return {
    neopixelWrite: (pin: HostValue, pixels: readonly (readonly number[])[]): null => {
      const gpio = resolvePin(ctx, pin) as number;
      ctx.peripherals.neopixels.set(gpio, pixels.map((p) => [...p]));
      ctx.log.info({ neopixel: gpio, pixels }, `NeoPixel ${pinLabel(ctx, gpio)} ${JSON.stringify(pixels)}`);
      return null;
    },
  } satisfies HostCalls<"neopixel">;
}
