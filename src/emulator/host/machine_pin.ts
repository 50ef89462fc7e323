/**
 * machine.Pin (ports/<port>/machine_pin.c, v1.23.0): which ids a board accepts and its errors, modes,
 * levels, the repr, and irq(): an edge on an input (a test's setInput) schedules the handler.
 * State lives in the board's Peripherals, where tests read it; every change of an output is logged.
 */
import { FirmwareError } from "../../network-sim/errors.ts";
import type { HostValue } from "../host-api.ts";
import type { BoardContext, HostCalls } from "./context.ts";

type PinKey = number | string;

/** Pin(id): a GPIO number, a name the board has, or a Pin object ({ pin: handle }); the board's own error otherwise. */
export function resolvePin(ctx: BoardContext, id: HostValue): PinKey {
  const { pins } = ctx.profile.port;
  if (id !== null && typeof id === "object" && "pin" in id) return pinKey(id.pin as number);
  if (typeof id === "number" && Number.isInteger(id)) {
    if (pins.ids.includes(id)) return id;
    throw new FirmwareError("ValueError", pins.invalidPin);
  }
  if (typeof id === "string") {
    const named = pins.names[id];
    if (named !== undefined) return named;
    throw new FirmwareError("ValueError", pins.unknownName.replace("%s", id));
  }
  throw new FirmwareError("ValueError", pins.invalidPin);
}

/** The name a pin goes by in reprs and logs: `Pin(2)`, or rp2's `GPIO2` / `EXT_GPIO0`. */
export function pinLabel(ctx: BoardContext, key: PinKey): string {
  if (ctx.profile.port.pins.repr === "number") return `Pin(${key})`;
  return typeof key === "number" ? `GPIO${key}` : key;
}

/**
 * The guest holds a pin as a number: its GPIO, or 100 + n for the external pin EXT_GPIOn (the Pico W's
 * WiFi-chip pins). A number, not the name: a string kept from a host reply was found corrupted after
 * a collection in the MicroPython engine (see the report of issue 12).
 */
const EXT_BASE = 100;
export function pinHandle(key: PinKey): number {
  return typeof key === "number" ? key : EXT_BASE + Number(key.replace("EXT_GPIO", ""));
}
export function pinKey(handle: number): PinKey {
  return handle >= EXT_BASE ? `EXT_GPIO${handle - EXT_BASE}` : handle;
}

export function machinePin(ctx: BoardContext) {
  const { pins } = ctx.profile.port;
  const modeNames = new Map(Object.entries(pins.constants).filter(([n]) => ["IN", "OUT", "OPEN_DRAIN", "ALT"].includes(n)).map(([n, v]) => [v, n]));
  const pullNames = new Map(Object.entries(pins.constants).filter(([n]) => n.startsWith("PULL_")).map(([n, v]) => [v, n]));
  const irqs = new Map<PinKey, { handler: number; trigger: number; flags: number }>();
  const pulls = new Map<PinKey, string>();

  // An input nothing drives reads its pull-up's 1; ESP32's input-only GPIOs 34-39 have no pull
  // resistors (ESP32 datasheet, 4.1.1 GPIO & RTC GPIO, note on GPIO34-39): the setting changes nothing.
  const setPull = (key: number, pull: number) => {
    pulls.set(key, pullNames.get(pull) ?? "");
    const noResistors = pins.inputOnlyFrom !== null && key >= pins.inputOnlyFrom;
    ctx.peripherals.setPullUp(key, !noResistors && (pull & (pins.constants.PULL_UP ?? 0)) !== 0);
  };

  const drive = (key: PinKey, value: number) => {
    const state = ctx.peripherals.pins.get(key) ?? { mode: "OUT", value: 0 };
    const old = ctx.peripherals.level(key);
    state.value = value ? 1 : 0;
    ctx.peripherals.pins.set(key, state);
    if (state.mode !== "IN" && old !== state.value) ctx.log.info({ pin: key, value: state.value }, `${pinLabel(ctx, key)} = ${state.value}`);
  };

  // machine_pin_deinit (rp2 main.c:219), machine_pins_deinit (esp32 main.c:202), pin_init0 (esp8266 main.c:64): no IRQ handler is left.
  ctx.onDeinit(() => irqs.clear());
  ctx.peripherals.onInput((key, level) => {
    const irq = irqs.get(key);
    if (!irq) return;
    const edge = level ? pins.constants.IRQ_RISING! : pins.constants.IRQ_FALLING!;
    if (!(irq.trigger & edge)) return;
    irq.flags = edge; // rp2 machine_pin.c:112: the events that fired, masked by the trigger
    ctx.scheduler.schedule(irq.handler, pinHandle(key));
  });

  return {
    /**
     * Pin(id, mode, pull, value=): the pin's key; configures what was given. pull is -1 when not
     * given (the ESP32's default), null for None: no pull. Pin(id) alone configures nothing (each
     * port's mp_pin_make_new runs init only with more arguments).
     */
    pinInit: (id: HostValue, mode: number | null, pull: number | null, value: number | null): HostValue => {
      const key = resolvePin(ctx, id);
      const init = mode !== null || pull !== -1 || value !== null;
      if (mode !== null) {
        const name = modeNames.get(mode);
        if (name === undefined) throw new FirmwareError("ValueError", "invalid pin mode"); // UNVERIFIED text per port
        if (pins.inputOnlyFrom !== null && typeof key === "number" && key >= pins.inputOnlyFrom && name !== "IN") {
          throw new FirmwareError("ValueError", "pin can only be input");
        }
        const state = ctx.peripherals.pins.get(key) ?? { mode: name, value: 0 };
        state.mode = name;
        ctx.peripherals.pins.set(key, state);
      }
      if (pull !== null && pull !== -1 && typeof key === "string") {
        throw new FirmwareError("ValueError", "pulls are not supported for external pins"); // rp2 machine_pin.c:262
      }
      if (init && typeof key === "number" && (pull !== -1 || !pins.pullKept)) setPull(key, pull === -1 ? 0 : (pull ?? 0));
      if (value !== null) drive(key, value);
      return pinHandle(key);
    },
    /** value(): the level; value(x): drives it (on an input the latch holds it for later). */
    pinValue: (handle: number | string, value: number | null): number | null => {
      const key = typeof handle === "number" ? pinKey(handle) : handle;
      if (value === null) return ctx.peripherals.level(key);
      drive(key, value);
      return null;
    },
    pinToggle: (handle: number): null => {
      const key = pinKey(handle);
      drive(key, ctx.peripherals.level(key) ? 0 : 1);
      return null;
    },
    pinRepr: (handle: number): string => {
      const key = pinKey(handle);
      if (pins.repr === "number") return `Pin(${key})`;
      // rp2 (machine_pin.c:199-243): a pin never configured is still in its reset function
      // (funcsel 31, NULL) with the pad's pull-down: UNVERIFIED on hardware, derived from RP2040 reset values.
      const state = ctx.peripherals.pins.get(key);
      if (typeof key === "string") return `Pin(${key}, mode=${state?.mode === "OUT" ? "OUT" : "IN"})`;
      if (!state) return `Pin(GPIO${key}, mode=ALT, pull=PULL_DOWN, alt=31)`;
      const pull = pulls.get(key);
      return `Pin(GPIO${key}, mode=${state.mode}${pull ? `, pull=${pull}` : ""})`;
    },
    /** irq(handler, trigger): the handler (the guest's callback id) runs scheduled on each edge; null removes it. */
    pinIrq: (handle: number, handler: number | null, trigger: number, keywords: readonly string[] = [], hard = false, positional = 0): null => {
      const key = pinKey(handle);
      if (typeof key === "string") throw new FirmwareError("ValueError", "expecting a regular GPIO Pin"); // rp2 machine_pin.c:471
      // py/argcheck.c:117-129: `positional` arguments after trigger take the port's next names in
      // order; a keyword for one of those is left over, as one the port has not
      if (positional > pins.irqArgs.length) throw new FirmwareError("TypeError", "extra positional arguments given");
      if (keywords.some((k) => !pins.irqArgs.slice(positional).includes(k))) throw new FirmwareError("TypeError", "extra keyword arguments given");
      if (hard && !pins.hardIrq) throw new FirmwareError("ValueError", "hard IRQ not supported"); // esp8266 machine_pin.c:391-393
      if (handler === null) irqs.delete(key);
      else {
        irqs.set(key, { handler, trigger, flags: 0 }); // rp2 machine_pin.c:452, 575
        ctx.scheduler.armed = true;
      }
      return null; // a hard IRQ's handler the guest runs as mpirq.c does (_modmachine.py _hard_irq)
    },
    /** irq().flags() (rp2): the edge that fired last; 0 before any, or with no handler. */
    pinIrqFlags: (handle: number): number => irqs.get(pinKey(handle))?.flags ?? 0,
  } satisfies HostCalls<"machine_pin">;
}
