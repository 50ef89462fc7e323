/**
 * DS18X20 thermometers on a 1-Wire bus, as the firmware's _onewire module drives it bit by bit
 * (extmod/modonewire.c v1.23.0; the frozen onewire and ds18x20 modules, micropython-lib 50ed36fb,
 * run over it): the sensors a test or lab file put on a pin, each with a ROM code (family 0x28)
 * and a temperature. The devices answer the protocol's ROM commands (SEARCH, MATCH, SKIP, READ
 * ROM) and READ SCRATCHPAD (DS18B20 datasheet, "ROM commands", "function commands"); several
 * answering at once read as the wired AND of their bits.
 */
import type { HostValue } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";
import { resolvePin } from "./machine_pin.ts";

const SEARCH_ROM = 0xf0;
const READ_ROM = 0x33;
const MATCH_ROM = 0x55;
const SKIP_ROM = 0xcc;
const READ_SCRATCHPAD = 0xbe;

/** Dallas/Maxim CRC-8 (x^8 + x^5 + x^4 + 1), as the sensors compute it. */
function crc8(bytes: Iterable<number>): number {
  let crc = 0;
  for (let b of bytes) {
    for (let i = 0; i < 8; i++) {
      const mix = (crc ^ b) & 1;
      crc >>= 1;
      if (mix) crc ^= 0x8c;
      b >>= 1;
    }
  }
  return crc;
}

/** The ROM code of sensor `index` on `pin`: family 0x28, a serial, and its CRC-8. */
function romCode(pin: number, index: number): Uint8Array {
  const rom = Uint8Array.of(0x28, pin, index, 0, 0, 0, 0xb5, 0);
  rom[7] = crc8(rom.subarray(0, 7));
  return rom;
}

/**
 * A DS18B20's scratchpad at `celsius`: the temperature in 1/16 °C (two's complement, low byte
 * first), TH and TL alarm bytes and the 12-bit configuration as at power-up, the reserved bytes
 * (UNVERIFIED: 0xFF, 0x0C, 0x10 as the datasheet's power-up figure shows), and its CRC-8.
 */
function scratchpad(celsius: number): number[] {
  const raw = Math.round(celsius * 16) & 0xffff;
  const bytes = [raw & 0xff, raw >> 8, 0x4b, 0x46, 0x7f, 0xff, 0x0c, 0x10];
  return [...bytes, crc8(bytes)];
}

const bitsOf = (bytes: Iterable<number>): number[] => [...bytes].flatMap((byte) => Array.from({ length: 8 }, (_, i) => (byte >> i) & 1));

/** What the devices on one bus listen for: a ROM command after a reset, MATCH ROM's code, SEARCH ROM's bits, a function command, or nothing. */
interface Bus {
  phase: "none" | "rom" | "match" | "search" | "function";
  /** The devices still answering (indices). */
  selected: number[];
  /** The bits of the byte being written (LSB first). */
  written: number[];
  /** MATCH ROM's bytes so far. */
  matched: number[];
  /** What the devices send next (bits, LSB first). */
  reply: number[];
  /** SEARCH ROM: the ROM bit at stake and its step (0: the bit, 1: its complement, 2: the master's choice). */
  bit: number;
  step: number;
}

export function ds18x20(ctx: BoardContext) {
  const buses = new Map<number, Bus>();
  const bus = (pin: HostValue) => {
    const gpio = resolvePin(ctx, pin) as number;
    const sensors = ctx.peripherals.ds18x20.get(gpio) ?? [];
    let state = buses.get(gpio);
    if (!state) buses.set(gpio, (state = { phase: "none", selected: [], written: [], matched: [], reply: [], bit: 0, step: 0 }));
    return { gpio, sensors, state };
  };
  /** The wired AND of what each selected device puts on the line (1, released, when none does). */
  const wiredAnd = (state: Bus, bitOf: (device: number) => number) => (state.selected.every((d) => bitOf(d) === 1) ? 1 : 0);

  const command = (gpio: number, sensors: number[], state: Bus, byte: number): void => {
    if (state.phase === "rom") {
      if (byte === SKIP_ROM) state.phase = "function";
      else if (byte === MATCH_ROM) [state.phase, state.matched] = ["match", []];
      else if (byte === SEARCH_ROM) [state.phase, state.bit, state.step] = ["search", 0, 0];
      else if (byte === READ_ROM) [state.phase, state.reply] = ["function", bitsOf(romCode(gpio, state.selected[0] ?? 0))];
      else state.phase = "none";
    } else if (state.phase === "match") {
      state.matched.push(byte);
      if (state.matched.length < 8) return;
      state.selected = state.selected.filter((d) => romCode(gpio, d).every((b, i) => b === state.matched[i]));
      state.phase = "function";
    } else if (state.phase === "function" && byte === READ_SCRATCHPAD) {
      const pads = state.selected.map((d) => bitsOf(scratchpad(sensors[d]!)));
      state.reply = Array.from({ length: 72 }, (_, i) => (pads.every((pad) => pad[i] === 1) ? 1 : 0));
    }
  };

  const readBit = (pin: HostValue): number => {
    const { gpio, state } = bus(pin);
    if (state.phase === "search" && state.step < 2) {
      const complement = state.step++;
      return wiredAnd(state, (d) => ((romCode(gpio, d)[state.bit >> 3]! >> (state.bit & 7)) & 1) ^ complement);
    }
    return state.reply.shift() ?? 1;
  };
  const writeBit = (pin: HostValue, value: HostValue): null => {
    const { gpio, sensors, state } = bus(pin);
    const b = (value as number) & 1;
    if (state.phase === "search") {
      state.selected = state.selected.filter((d) => ((romCode(gpio, d)[state.bit >> 3]! >> (state.bit & 7)) & 1) === b);
      [state.bit, state.step] = [state.bit + 1, 0];
      if (state.bit === 64) state.phase = "function";
      return null;
    }
    state.written.push(b);
    if (state.written.length === 8) {
      const byte = state.written.reduce((acc, bit, i) => acc | (bit << i), 0);
      state.written = [];
      command(gpio, sensors, state, byte);
    }
    return null;
  };

  return {
    /** _onewire.reset(pin): a reset pulse; whether a device answered with its presence pulse. */
    onewireReset: (pin: HostValue): boolean => {
      const { sensors, state } = bus(pin);
      Object.assign(state, { phase: sensors.length ? "rom" : "none", selected: sensors.map((_, i) => i), written: [], reply: [] });
      return sensors.length > 0;
    },
    onewireReadBit: readBit,
    onewireWriteBit: writeBit,
    /** _onewire.readbyte(pin): eight bits, LSB first (modonewire.c onewire_readbyte). */
    onewireReadByte: (pin: HostValue): number => Array.from({ length: 8 }, () => readBit(pin)).reduce((acc, bit, i) => acc | (bit << i), 0),
    /** _onewire.writebyte(pin, value): eight bits, LSB first (modonewire.c onewire_writebyte). */
    onewireWriteByte: (pin: HostValue, value: HostValue): null => {
      for (let i = 0; i < 8; i++) writeBit(pin, ((value as number) >> i) & 1);
      return null;
    },
  } satisfies HostCalls<"ds18x20">;
}
