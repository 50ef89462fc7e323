/**
 * The frozen dht module's measurement (micropython-lib drivers/dht: DHT11/DHT22 over one pin):
 * the reading a test or lab file set for the pin. With no sensor wired the firmware's
 * dht_readinto times out: OSError ETIMEDOUT (drivers/dht/dht.c).
 */
import { NetError } from "../../network-sim/errors.ts";
import type { HostValue } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";
import { resolvePin } from "./machine_pin.ts";

export function dht(ctx: BoardContext) {
  return {
    dhtMeasure: (pin: HostValue): HostValue => {
      const reading = ctx.peripherals.dht.get(resolvePin(ctx, pin) as number);
      if (!reading) throw new NetError("ETIMEDOUT");
      return [reading.temperature, reading.humidity];
    },
  } satisfies HostCalls<"dht">;
}
