/**
 * What a board's port of MicroPython says about itself and its chip, as data: sys/os identity,
 * the time module's epoch, machine's pins, ADC, PWM, timers, reset causes, frozen libraries.
 * The shared code in src/emulator/host reads it; sources are cited in each board's profile.
 */
export interface PortProfile {
  /** sys.platform, and os.uname()'s sysname and nodename (MICROPY_PY_SYS_PLATFORM). */
  platform: string;
  /** os.uname().release (MICROPY_VERSION_STRING); sys.implementation.version is its numbers and ''. */
  release: string;
  /** os.uname().version: MICROPY_GIT_TAG " on " MICROPY_BUILD_DATE and the build type where the port adds one. */
  unameVersion: string;
  /** sys.implementation._mpy: MPY_VERSION | (MPY_SUB_VERSION | arch << 2) << 8 (py/persistentcode.h). */
  mpy: number;
  /** time.time()'s epoch (MICROPY_EPOCH_IS_1970, shared/timeutils/timeutils.h). */
  epochYear: 1970 | 2000;
  /**
   * Significant digits str() and repr() give a float: 7 for single-precision floats, 6 where
   * MICROPY_OBJ_REPR_C keeps them in 30 bits (py/objfloat.c:105-124, v1.23.0).
   */
  floatDigits: 6 | 7;
  /** What RTC.datetime()[7] holds: rp2 always 0, ESP32 microseconds, ESP8266 milliseconds. */
  rtcSubseconds: "zero" | "us" | "ms";
  /**
   * The RTC at boot: what the firmware starts it at (ms since 1970) on power-on, and whether it
   * sets it again at every boot (machine.reset(), deepsleep) or the clock runs on through those.
   */
  rtcStart: { ms: number; everyBoot: boolean };
  /** machine.freq() after boot, Hz, and the values freq(hz) accepts (null: any; the message otherwise). */
  freqHz: number;
  freqChoices: { hz: readonly number[]; error: string } | null;
  /** machine.unique_id() length in bytes (rp2: flash id, ESP32: MAC, ESP8266: chip id). */
  uniqueIdBytes: number;
  /** machine.reset_cause() after power-on, machine.reset(), deepsleep; the constants machine has. */
  resetCauses: { powerOn: number; reset: number; deepsleep: number; constants: Record<string, number> };
  /** machine.bootloader() (MICROPY_PY_MACHINE_BOOTLOADER): the chip restarts into its ROM's USB bootloader. */
  bootloader: boolean;
  /** What the chip's ROM prints on the console UART at a hard reset, before MicroPython starts; null: nothing. */
  romBoot: RomBoot | null;
  pins: PinsProfile;
  adc: AdcProfile;
  /** TouchPad(pin)'s GPIOs (ESP32: ports/esp32/machine_touchpad.c:45-56); empty: the port has no TouchPad. */
  touchPads: readonly number[];
  pwm: PwmProfile;
  timer: TimerProfile;
  /** MICROPY_SCHEDULER_DEPTH: how many callbacks the scheduler queues; one more is lost (py/scheduler.c:159-177). */
  schedulerDepth: number;
  /** MICROPY_PY_OS_DUPTERM: how many streams os.dupterm() holds, its index 0 to this less 1 (extmod/os_dupterm.c v1.23.0:221). */
  duptermSlots: number;
  /** help(module)'s order of a C module's names: its ROM table's (module-tables.ts), by the module's __name__. */
  moduleTables: Readonly<Record<string, readonly string[]>>;
  /** help(type)'s order of a C type's names: its locals table's (module-tables.ts), by the type's name. */
  typeTables: Readonly<Record<string, readonly string[]>>;
  /** Python libraries frozen into the firmware (the board's v1.23 manifest.py), besides networking. */
  frozen: readonly string[];
  /**
   * sys.path after boot: "" and ".frozen" (py/runtime.c:140-144, v1.23.0), then what the port's
   * main.c appends at each (soft) reset.
   */
  sysPath: readonly string[];
  /** The port's own modules (esp, esp32, rp2). */
  modules: readonly string[];
  /**
   * help('modules') (py/builtinhelp.c:78-120): the firmware's built-in (C) modules, those its
   * config registers (MP_REGISTER_MODULE), then its frozen files as help names them ("asyncio/core").
   * A script imports only these (and the filesystem's); built-in ones are never in sys.modules.
   */
  firmwareModules: { builtin: readonly string[]; frozen: readonly string[] };
  /**
   * micropython.mem_info()'s own figures: the C stack limit the port's main.c sets
   * (mp_stack_set_limit, "stack: n out of <limit>", py/modmicropython.c:78-79), and whether the GC
   * line adds ", max new split: n" (MICROPY_GC_SPLIT_HEAP_AUTO, py/gc.c:1180-1182).
   */
  memInfo: { stackLimit: number; splitHeapAuto: boolean };
  /** hashlib's constructors, in the order of its table (extmod/modhashlib.c v1.23.0:357-368): MICROPY_PY_HASHLIB_SHA256/SHA1/MD5. */
  hashlib: readonly ("sha256" | "sha1" | "md5")[];
  /**
   * What the port's config turns off that the interpreter's build has (its ROM level's defaults,
   * py/mpconfig.h): the names taken out of C modules' tables (by module name; sys's ps1 and ps2
   * too) and of built-in types' (by type name), and whether pow() takes a third argument
   * (MICROPY_PY_BUILTINS_POW3), whether functions have attributes (MICROPY_PY_FUNCTION_ATTRS: __name__,
   * __globals__). Absent: the port has all of them.
   */
  absent?: {
    modules: Readonly<Record<string, readonly string[]>>;
    types: Readonly<Record<string, readonly string[]>>;
    pow3: boolean;
    functionAttrs: boolean;
  };
  /** The TLS library behind the `tls`/`ssl` modules (MICROPY_SSL_MBEDTLS or MICROPY_SSL_AXTLS) and tls.MBEDTLS_VERSION. */
  tls: { library: "mbedtls"; version: string } | { library: "axtls" };
}

/**
 * The ROM bootloader's lines after machine.reset() and after a deepsleep wake ("\n" line ends), and
 * the rate it prints them at. Power-on's are not printed: they go out as the board gets power, before
 * a PC can open its USB-serial port (UNVERIFIED that no terminal ever sees them; chosen).
 */
/** The ROM bootloader's lines on the console UART at a reset (none at power-on: see runOnLan). */
export interface RomBoot {
  baud: number;
  /** After machine.reset(). */
  reset: string;
  /** After a deepsleep wake. */
  deepsleep: string;
  /** After the EN/RST pin's reset (the reset button, a serial port's auto-reset circuit). */
  resetPin: string;
}

export interface PinsProfile {
  /** GPIO numbers Pin(n) accepts. */
  ids: readonly number[];
  /** Names Pin("X") accepts, and the GPIO (or external pin name) each is. */
  names: Record<string, number | string>;
  /** machine.Pin's constants (IN, OUT, PULL_UP, IRQ_RISING, ...). */
  constants: Record<string, number>;
  /** repr: "number" is `Pin(2)` (ESP ports); "rp2" is `Pin(GPIO2, mode=OUT)` (ports/rp2/machine_pin.c). */
  repr: "number" | "rp2";
  /** The type name of Pin.irq()'s object, which has no print (py/obj.c:131 prints `<name>`). */
  irqType: "irq" | "IRQ";
  /**
   * Pin.irq()'s arguments after handler and trigger, in order: each given by position or keyword
   * (mp_arg_parse_all, none keyword-only); others raise TypeError (py/argcheck.c:117-129).
   */
  irqArgs: readonly string[];
  /** Whether irq(hard=True) is a hard IRQ (rp2); false: the port refuses it (ESP8266). */
  hardIrq: boolean;
  /** GPIOs from this number up are input-only (ESP32: 34), null when none. */
  inputOnlyFrom: number | null;
  /**
   * Whether init() without a pull keeps the pin's pull (ESP32: its default is -1, "not given",
   * machine_pin.c:141, 196); elsewhere the default None turns it off (rp2 :305-311, ESP8266 :257, 297-311).
   */
  pullKept: boolean;
  /** The exception and text for a bad id: a number, a name. */
  invalidPin: string;
  unknownName: string;
}

export interface AdcProfile {
  /** ADC(id) accepts these pins (GPIO numbers) and these channel numbers (rp2's 0-4). */
  pins: readonly number[];
  channels: readonly number[];
  /** The raw read() width in bits where the port has read() (ESP32 12, ESP8266 10), null where it has only read_u16(). */
  readBits: number | null;
  invalidError: string;
  /** repr with {pin} / {channel}; {atten} where the port keeps an attenuation per channel. */
  repr: string;
  /**
   * ESP32's atten()/width() (MICROPY_PY_MACHINE_ADC_ATTEN_WIDTH): the class constants, and the pins
   * of each ADC block, which has one width for all its channels; null where the port has neither.
   */
  attenWidth: { constants: Readonly<Record<string, number>>; blocks: readonly (readonly number[])[] } | null;
  /**
   * Whether ADC(id) returns the port's one object for the channel (a static table: `ADC(p) is
   * ADC(p)`), or a new object at each call.
   */
  onePerChannel: boolean;
  /**
   * ESP32 v1.23's ADC init(), read_uv(), block() and machine.ADCBlock (MICROPY_PY_MACHINE_ADC_INIT,
   * _READ_UV, _BLOCK: ports/esp32/mpconfigport.h v1.23.0:123-127); v1.12's ESP32 ADC had none.
   */
  readUvBlock: boolean;
}

/** The firmware whose PWM duty arithmetic a port uses (ports/<model>/machine_pwm.c). */
export type PwmModel = "rp2" | "esp32" | "esp8266";

export interface PwmProfile {
  /** Pins PWM cannot drive (others can), and the message. */
  unsupportedPins: readonly number[];
  unsupportedError: string;
  /** freq() when the PWM is created without one, Hz. */
  defaultFreq: number;
  /** Largest frequency, Hz, and the error beyond it. */
  maxFreq: number;
  freqError: string;
  /** A soft reset stops every PWM (rp2's and esp32's soft_reset_exit call machine_pwm_deinit_all). */
  stopsAtSoftReset: boolean;
  /**
   * Whose duty arithmetic duty_u16/duty/duty_ns use (host/pwm_duty.ts) and whose mp_machine_pwm_print
   * repr(PWM) is (host/machine_pwm.ts pwmRepr); all but rp2 have duty() (MICROPY_PY_MACHINE_PWM_DUTY).
   */
  model: PwmModel;
}

export interface TimerProfile {
  /** Timer ids the port accepts (-1: the virtual timer), null for any, and the message for others. */
  ids: readonly number[] | null;
  invalidError: string;
  /** Timer() with no id allowed (rp2, ESP8266 take -1 by default). */
  idOptional: boolean;
  /** Whose machine_timer_print repr(Timer) is (host/machine_timer.ts timerRepr). */
  repr: "rp2" | "esp32" | "esp8266";
}
