/**
 * MicroPython's machine module for TS scripts (ports/<port>/modmachine.c, machine_*.c, v1.23.0):
 * every rule (valid pins, errors, clock, resets) is the host's (src/emulator/host); this adapts
 * arguments and values, as the .py guest's machine.py does.
 */
import { callable } from "./callable.ts";
import { AttributeError, tuple, ValueError } from "./exceptions.ts";
import { dropped } from "./dropped.ts";
import { boardInfo, call, dropHandler, handler } from "./host.ts";

const { port } = boardInfo;
type PinId = number | string | Pin;
/** A Pin object crosses as its handle; anything else as the script gave it. */
const pinArg = (id: PinId): unknown => (id instanceof Pin ? { pin: id.handle } : id);

class Pin {
  static readonly [constant: string]: unknown;
  /** @internal the host's handle of this pin */
  readonly handle: number;
  private irqHandler: number | null = null;

  /** pull: -1 when not given (the ESP32 keeps the pin's), null for None (no pull). */
  constructor(id: PinId, mode: number | null = null, pull: number | null = -1, options: { value?: number } = {}) {
    this.handle = call<number>("pinInit", pinArg(id), mode, pull, options.value ?? null);
  }
  init(mode: number | null = null, pull: number | null = -1, options: { value?: number } = {}): void {
    call("pinInit", { pin: this.handle }, mode, pull, options.value ?? null);
  }
  /** value() reads the level; value(x) drives it. */
  value(x?: unknown): number | null {
    return call("pinValue", this.handle, x === undefined || x === null ? null : x ? 1 : 0);
  }
  on(): void {
    call("pinValue", this.handle, 1);
  }
  off(): void {
    call("pinValue", this.handle, 0);
  }
  /** rp2's only (the port's Pin table, host info tableOfPinType): elsewhere the firmware's AttributeError. */
  toggle(): void {
    if (!port.tableOfPinType.includes("toggle")) throw new AttributeError("'Pin' object has no attribute 'toggle'");
    call("pinToggle", this.handle);
  }
  /** irq(handler, trigger): the handler runs, scheduled, after the edge (see host.ts). */
  irq(fn: ((pin: Pin) => void) | null = null, trigger: number = (Pin.IRQ_FALLING as number) | (Pin.IRQ_RISING as number)): void {
    dropHandler(this.irqHandler);
    this.irqHandler = fn ? handler(() => dropped(fn(this))) : null;
    call("pinIrq", this.handle, this.irqHandler, trigger, [], false);
  }
  __repr__(): string {
    return call<string>("pinRepr", this.handle);
  }
}
Object.assign(Pin, port.pin);

/** Whether the port's ADC has the ESP32's attenuation and width (port.adc holds their ATTN_ and WIDTH_ constants; empty elsewhere). */
const attenWidth = Object.keys(port.adc).length > 0;
/** ADC's ESP32 methods (atten, width; v1.23's init, read_uv, block: host info adcBlock): elsewhere the firmware's AttributeError. */
const adcEsp32 = (name: string, has = attenWidth): void => {
  if (!has) throw new AttributeError(`'ADC' object has no attribute '${name}'`);
};
/** The ADC of each channel where the port keeps one object per channel (host info adcOnePerChannel). */
const adcs = new Map<number, ADC>();

class ADC {
  static readonly [constant: string]: unknown;
  private readonly key!: number;
  private readonly text!: string;
  /** ADC(id), ESP32: ADC(pin, {atten}); the port's one object for the channel where it keeps one, configured again. */
  constructor(id: PinId, options: { atten?: number } = {}) {
    // the options' names as a .py call's keywords: the port's rules (machine_adc.ts adcInit)
    const [key, text] = call<[number, string]>("adcInit", pinArg(id), id instanceof Pin, arguments.length === 0 ? 0 : 1, Object.keys(options));
    const kept = adcs.get(key);
    if (attenWidth) call("adcConfig", key, options.atten ?? null, null);
    if (kept) return kept;
    [this.key, this.text] = [key, text];
    if (port.adcOnePerChannel) adcs.set(key, this);
  }
  read_u16(): number {
    return call("adcRead", this.key, false);
  }
  /** The raw reading in the port's width (ESP32 12 bits, ESP8266 10 bits); rp2 has no read(). */
  read(): number {
    if (!port.adcRead) throw new AttributeError("'ADC' object has no attribute 'read'");
    return call("adcRead", this.key, true);
  }
  /** ESP32: init({atten}), atten(a), width(bits): the channel's attenuation, its block's width. */
  init(options: { atten?: number } = {}): void {
    adcEsp32("init", port.adcBlock);
    call("adcConfig", this.key, options.atten ?? null, null);
  }
  atten(atten: number): void {
    adcEsp32("atten");
    call("adcConfig", this.key, atten, null);
  }
  width(bits: number): void {
    adcEsp32("width");
    call("adcConfig", this.key, null, bits);
  }
  /** ESP32: the calibrated reading in µV (the host's calibration, as the .py ADC's). */
  read_uv(): number {
    adcEsp32("read_uv", port.adcBlock);
    return call("adcReadUv", this.key);
  }
  /** ESP32: the ADCBlock of the channel. */
  block(): ADCBlock {
    adcEsp32("block", port.adcBlock);
    return new ADCBlock(call<number>("adcBlockOf", this.key));
  }
  __repr__(): string {
    return call("adcRepr", this.key, this.text);
  }
}
Object.assign(ADC, port.adc);

/** The ESP32's two static blocks (ports/esp32/machine_adc_block.c:34-42): one object each. */
const adcBlocks = new Map<number, ADCBlock>();

class ADCBlock {
  private readonly unit!: number;
  /** ADCBlock(id, {bits}): the block of unit id (0, 1), its width set where bits is given. */
  constructor(id: number, options: { bits?: number } = {}) {
    const unit = call<number>("adcBlockInit", id, options.bits ?? -1);
    const kept = adcBlocks.get(unit);
    if (kept) return kept;
    this.unit = unit;
    adcBlocks.set(unit, this);
  }
  init(options: { bits?: number } = {}): void {
    call("adcBlockInit", this.unit, options.bits ?? -1);
  }
  /** connect(channel), connect(pin) or connect(channel, pin), and {atten}: that ADC, configured as ADC(pin, {atten}) would be. */
  connect(channelOrPin: number | PinId, pinOrOptions?: PinId | { atten?: number }, options: { atten?: number } = {}): ADC {
    const two = pinOrOptions !== undefined && (typeof pinOrOptions !== "object" || pinOrOptions instanceof Pin);
    const opts = two ? options : ((pinOrOptions as { atten?: number } | undefined) ?? {});
    const channel = two || typeof channelOrPin === "number" ? channelOrPin : null;
    const pin = two ? (pinOrOptions as PinId) : channel === null ? channelOrPin : null;
    const key = call<number>("adcBlockConnect", this.unit, channel, pin === null ? null : pinArg(pin));
    return new ADC(key, opts);
  }
  __repr__(): string {
    return call("adcBlockRepr", this.unit);
  }
}

/** PWM(pin, {freq, duty, duty_u16, duty_ns, invert}): the port's keywords and arithmetic are the host's. */
interface PwmOptions {
  freq?: number;
  duty?: number;
  duty_u16?: number;
  duty_ns?: number;
  invert?: number;
}
const pwmInit = (dest: unknown, isNew: boolean, o: PwmOptions) =>
  call<number>("pwmInit", dest, isNew, o.freq ?? null, o.duty ?? null, o.duty_u16 ?? null, o.duty_ns ?? null, o.invert ?? null);

class PWM {
  private readonly pin: number;
  constructor(dest: PinId, options: PwmOptions = {}) {
    this.pin = pwmInit(pinArg(dest), true, options);
  }
  init(options: PwmOptions = {}): void {
    pwmInit(this.pin, false, options);
  }
  freq(value?: number): number | null {
    return call("pwmFreq", this.pin, value ?? null);
  }
  duty_u16(value?: number): number | null {
    return call("pwmDuty", this.pin, "u16", value ?? null);
  }
  duty_ns(value?: number): number | null {
    return call("pwmDuty", this.pin, "ns", value ?? null);
  }
  /** The ESP ports' 10-bit duty (MICROPY_PY_MACHINE_PWM_DUTY); rp2 has none. */
  duty(value?: number): number | null {
    if (!port.pwmDuty) throw new AttributeError("'PWM' object has no attribute 'duty'");
    return call("pwmDuty", this.pin, "u10", value ?? null);
  }
  deinit(): void {
    call("pwmDeinit", this.pin);
  }
}

class RTC {
  /** datetime() → (year, month, day, weekday, hours, minutes, seconds, subseconds); datetime(t) sets the board's clock. */
  datetime(t?: number[]): number[] | null {
    if (t === undefined) return tuple(...call<number[]>("rtcDatetime", null));
    if (t.length !== 8) throw new ValueError(`requested length 8 but object has length ${t.length}`);
    return call("rtcDatetime", Array.from(t));
  }
}

let nextTimer = 1;
class Timer {
  static readonly ONE_SHOT = 0;
  static readonly PERIODIC = 1;
  private readonly handle = nextTimer++;
  private callback: number | null = null;

  constructor(id?: number | { mode?: number; period?: number; freq?: number; callback?: (t: Timer) => void }, options?: { mode?: number; period?: number; freq?: number; callback?: (t: Timer) => void }) {
    const opts = typeof id === "object" ? id : options;
    call("timerCheck", typeof id === "number" ? id : null);
    if (opts) this.init(opts);
  }
  init(options: { mode?: number; period?: number; freq?: number; callback?: (t: Timer) => void }): void {
    this.deinit();
    const periodMs = options.freq !== undefined ? 1000 / options.freq : (options.period ?? 1000);
    const fn = options.callback;
    this.callback = fn ? handler(() => dropped(fn(this))) : null;
    call("timerInit", this.handle, (options.mode ?? Timer.PERIODIC) === Timer.PERIODIC, periodMs, this.callback);
  }
  deinit(): void {
    call("timerDeinit", this.handle);
    dropHandler(this.callback);
    this.callback = null;
  }
}

export default {
  ...port.resetCauses,
  Pin: callable(Pin),
  ADC: callable(ADC),
  ...(port.adcBlock ? { ADCBlock: callable(ADCBlock) } : {}),
  PWM: callable(PWM),
  RTC: callable(RTC),
  Timer: callable(Timer),
  unique_id: (): unknown => call("machineUniqueId"),
  freq: (hz?: number): number | null => call("machineFreq", hz ?? null),
  reset: (): void => void call("machineReset"),
  reset_cause: (): number => call("machineResetCause"),
  idle: (): void => void call("poll"),
  lightsleep: (ms?: number): void => void call("machineLightsleep", ms ?? null),
  deepsleep: (ms?: number): void => void call("machineDeepsleep", ms ?? null),
  // rp2 only (MICROPY_PY_MACHINE_BOOTLOADER): the chip restarts into its USB bootloader
  ...(port.bootloader ? { bootloader: (): void => void call("machineBootloader") } : {}),
};
