/**
 * The board's pins and what is wired to them, as tests see them: outputs the script drives (pin
 * levels, PWM, NeoPixels), inputs a test or lab file sets (pin levels, ADC readings, DHT and
 * DS18X20 sensors). It outlives a reset (the wiring stays); a boot clears what the script drove.
 */
export interface PinState {
  /** "OUT", "IN", "OPEN_DRAIN", ... as the script configured it. */
  mode: string;
  value: number;
}

export interface PwmState {
  freq: number;
  /** Duty cycle as duty_u16 (0-65535). */
  duty: number;
}

export interface DhtReading {
  temperature: number;
  humidity: number;
}

type Listener = (pin: string | number, level: number) => void;

export class Peripherals {
  /** Output state the script set, by pin (GPIO number, or the name of an external pin like "EXT_GPIO0"). */
  readonly pins = new Map<string | number, PinState>();
  readonly pwm = new Map<number, PwmState>();
  /** NeoPixel strips by pin: each LED's (r, g, b) as last written. */
  readonly neopixels = new Map<number, number[][]>();
  /** What the outside world puts on input pins (a button: 0 or 1). */
  readonly inputs = new Map<string | number, number>();
  /** Pins whose pull-up the script turned on: high while nothing outside drives them. */
  private readonly pulledUp = new Set<string | number>();
  /** ADC readings, as read_u16() values, by GPIO number or channel. */
  readonly adc = new Map<number, number>();
  /** ESP32 TouchPad readings, by GPIO (a finger on it: tens). */
  readonly touch = new Map<number, number>();
  readonly dht = new Map<number, DhtReading>();
  /** DS18X20 sensors on a OneWire bus, by pin: each one's temperature, °C. */
  readonly ds18x20 = new Map<number, number[]>();
  /** machine.reset_cause() for the next boot; null: power-on. */
  resetCause: number | null = null;
  /** deepsleep(ms): how long the board sleeps before it boots again. */
  wakeAfterMs: number | null = null;
  private listener: Listener | null = null;

  /** At each boot: outputs go back to reset state; the wiring (inputs, sensors) stays. */
  boot(): void {
    this.pins.clear();
    this.pulledUp.clear();
    this.pwm.clear();
    this.neopixels.clear();
    this.listener = null;
  }

  /** The booted board's machine.Pin, told of each edge on an input. */
  onInput(listener: Listener): void {
    this.listener = listener;
  }

  /** A level on an input pin (a test pressing a button): the script's Pin.irq() sees the edge. */
  setInput(pin: string | number, level: number): void {
    this.change(pin, () => this.inputs.set(pin, level ? 1 : 0));
  }

  /** The script turns a pin's pull-up on or off: a pin nothing drives follows it, an edge included. */
  setPullUp(pin: string | number, on: boolean): void {
    this.change(pin, () => (on ? this.pulledUp.add(pin) : this.pulledUp.delete(pin)));
  }

  /**
   * What Pin.value() reads: the driven value of an output, else the level the outside world puts
   * there, else its pull-up's 1; a pin with a pull-down or floating reads 0 (UNVERIFIED for a
   * floating one, whose level is undefined on a board).
   */
  level(pin: string | number): number {
    const state = this.pins.get(pin);
    if (state && state.mode !== "IN") return state.value;
    return this.inputs.get(pin) ?? (this.pulledUp.has(pin) ? 1 : 0);
  }

  private change(pin: string | number, update: () => void): void {
    const old = this.level(pin);
    update();
    if (old !== this.level(pin)) this.listener?.(pin, this.level(pin));
  }
}
