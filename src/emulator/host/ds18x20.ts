/**
 * DS18X20 thermometers on a OneWire bus (the frozen onewire and ds18x20 modules): the sensors a
 * test or lab file put on a pin, each with a ROM code (family 0x28) and a temperature.
 */
import type { HostValue } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";
import { resolvePin } from "./machine_pin.ts";

/** The ROM code of sensor `index` on `pin`: family 0x28, a serial, and its Dallas CRC-8. */
export function romCode(pin: number, index: number): Uint8Array {
  const rom = Uint8Array.of(0x28, pin, index, 0, 0, 0, 0xb5, 0);
  let crc = 0;
  for (const byte of rom.subarray(0, 7)) {
    let b = byte;
    for (let i = 0; i < 8; i++) {
      const mix = (crc ^ b) & 1;
      crc >>= 1;
      if (mix) crc ^= 0x8c;
      b >>= 1;
    }
  }
  rom[7] = crc;
  return rom;
}

export function ds18x20(ctx: BoardContext) {
  const sensors = (pin: HostValue) => ctx.peripherals.ds18x20.get(resolvePin(ctx, pin) as number) ?? [];
  return {
    /** OneWire.scan(): the ROM codes on the bus. */
    onewireScan: (pin: HostValue): HostValue => sensors(pin).map((_, i) => romCode(resolvePin(ctx, pin) as number, i)),
    /** DS18X20.read_temp(rom): the temperature of the sensor with that ROM code; None when no sensor answers (UNVERIFIED: the library's CRC check raises). */
    ds18x20Read: (pin: HostValue, rom: Uint8Array): number | null => {
      const gpio = resolvePin(ctx, pin) as number;
      const index = sensors(pin).findIndex((_, i) => romCode(gpio, i).every((b, j) => b === rom[j]));
      return index < 0 ? null : sensors(pin)[index]!;
    },
  } satisfies HostCalls<"ds18x20">;
}
