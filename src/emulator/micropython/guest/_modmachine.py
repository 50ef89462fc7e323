# The machine module's code (machine.py lists its names; ports/<port>/modmachine.c and machine_*.c,
# v1.23.0): every rule (valid pins, errors, clock, reset) is the host's (src/emulator/host); this
# adapts arguments and values.
from _host import call as _call, soft_reset as _soft_reset, constructor as _constructor, handler as _handler, drop_handler as _drop_handler, info as _info
from _names import export as _export

_port = _info["port"]
_export(_port["resetCauses"], globals())


def _pin(x):
    # a Pin object crosses as its handle; anything else as the script gave it
    return {"pin": x._key} if isinstance(x, Pin) else x


def _int(x):
    if isinstance(x, int):
        return int(x)
    raise TypeError("can't convert %s to int" % type(x).__name__)


class _IRQ:
    @_constructor
    def __init__(self, key, trigger):
        self._key = key
        self._trigger = trigger

    def trigger(self):
        return self._trigger

    def __repr__(self):
        # A C type with no print: py/obj.c:131 (mp_obj_print_helper) prints its name.
        return "<%s>" % type(self).__name__


if _port["irqFlags"]:
    def _irq_flags(self):
        # the edge that ran the handler last (rp2 machine_pin.c:112, 585; 0 until one did)
        return _call("pinIrqFlags", self._key)

    _IRQ.flags = _irq_flags

_IRQ = type(_port["irqType"], (_IRQ,), {})  # the port's type name (irq, IRQ)
_IRQ_ARGS = _port["irqArgs"]  # read at import: start-up drops the port's tables (_boardsim.setup)


_NO_ARG = object()  # an argument not given (Pin.irq(), Timer())


def _hard_irq(pin, handler):
    # A hard IRQ's handler (rp2: shared/runtime/mpirq.c:68-94): an exception it does not catch
    # disables the IRQ and is printed after "Uncaught exception in IRQ callback handler", where a
    # soft one's is printed alone. Here the scheduler runs it, as a soft one (no interrupt context).
    def hard(p):
        try:
            handler(p)
        except BaseException:
            pin.irq(None, 0)
            print("Uncaught exception in IRQ callback handler")
            raise

    return hard


class Pin:
    @_constructor
    def __init__(self, id, mode=None, pull=-1, *, value=None, **kwargs):
        self._key = _call("pinInit", _pin(id), _opt(mode), _pull(pull), _opt(value))
        self._irq = None
        self._trigger = 0

    def init(self, mode=None, pull=-1, *, value=None, **kwargs):
        _call("pinInit", self._key, _opt(mode), _pull(pull), _opt(value))

    def value(self, x=None):
        return _call("pinValue", self._key, None if x is None else (1 if x else 0))

    def __call__(self, x=None):
        return self.value(x)

    def on(self):
        _call("pinValue", self._key, 1)

    def off(self):
        _call("pinValue", self._key, 0)

    high = on
    low = off

    def toggle(self):
        _call("pinToggle", self._key)

    def irq(self, handler=_NO_ARG, trigger=None, *args, **kwargs):
        if handler is _NO_ARG and trigger is None and not args and not kwargs:
            return _IRQ(self._key, self._trigger)  # no argument: the IRQ object, nothing changed (machine_pin.c)
        if handler is _NO_ARG:
            handler = None
        if trigger is None:
            trigger = Pin.IRQ_FALLING | Pin.IRQ_RISING
        # the arguments after trigger by position take the port's names (irq(cb, trig, True) is
        # hard=True on rp2); the host checks what is left over
        given = dict(zip(_IRQ_ARGS, args))
        hard = bool(given.get("hard", kwargs.get("hard", False)))
        new = None if handler is None else _handler(_hard_irq(self, handler) if hard else handler, self)
        try:
            _call("pinIrq", self._key, new, _int(trigger), list(kwargs), hard, len(args))  # the port's rules (machine_pin.ts)
        except BaseException:
            _drop_handler(new)
            raise
        if self._irq is not None:
            _drop_handler(self._irq)
        self._irq = new
        self._trigger = trigger
        return _IRQ(self._key, trigger)

    def __repr__(self):
        return _call("pinRepr", self._key)

    __str__ = __repr__


def _opt(x):
    # -1 is the firmware's "not given" for mode and pull
    return None if x is None or x == -1 else _int(x)


def _pull(x):
    # a pull not given stays -1 (the ESP32 keeps the pin's, the others turn it off); None is no pull
    return x if x is None or x == -1 else _int(x)


for _name, _value in _port["pin"].items():
    setattr(Pin, _name, _value)
# The port's methods only (its Pin's locals table, the host's): elsewhere than rp2 toggle, low and
# high are the firmware's AttributeError.
for _name in [name for name in Pin.__dict__ if name[0] != "_" and name not in _port["tableOfPinType"]]:
    delattr(Pin, _name)


class ADC:
    @_constructor
    def __new__(cls, *args, **kwargs):
        # The same object for a channel where the port keeps one per channel (host info adcOnePerChannel),
        # configured again by each call as the firmware's make_new does. Which arguments the port
        # takes is the host's (machine_adc.ts adcInit).
        id = args[0] if args else None
        key, text = _call("adcInit", _pin(id), isinstance(id, Pin), len(args), list(kwargs))
        adc = None if _adcs is None else _adcs.get(key)
        if adc is None:
            adc = object.__new__(cls)
            adc._key, adc._repr = key, text
            if _adcs is not None:
                _adcs[key] = adc
        if _ADC_ATTEN_WIDTH:
            _call("adcConfig", key, _opt(kwargs.get("atten")), None)
        return adc

    def read_u16(self):
        return _call("adcRead", self._key, False)

    def __repr__(self):
        return _call("adcRepr", self._key, self._repr)

    __str__ = __repr__


_adcs = {} if _port["adcOnePerChannel"] else None  # by key, where the port keeps one object per channel
_ADC_ATTEN_WIDTH = _port["adc"]  # ESP32's ATTN_*/WIDTH_* (machine_adc.c:39-68), empty elsewhere
if _ADC_ATTEN_WIDTH:
    def _adc_init(self, *, atten=None):
        _call("adcConfig", self._key, _opt(atten), None)

    def _adc_atten(self, atten):
        _call("adcConfig", self._key, _int(atten), None)

    def _adc_width(self, bits):
        _call("adcConfig", self._key, None, _int(bits))

    if _port["adcBlock"]:
        ADC.init = _adc_init  # MICROPY_PY_MACHINE_ADC_INIT, with read_uv and ADCBlock (_modadcblock.py)
    ADC.atten = _adc_atten
    ADC.width = _adc_width
    for _name, _value in _ADC_ATTEN_WIDTH.items():
        setattr(ADC, _name, _value)


if _port["adcRead"]:
    def _adc_read(self):
        # the raw reading in the port's width (ESP32 12 bits, ESP8266 10 bits)
        return _call("adcRead", self._key, True)

    ADC.read = _adc_read


if _port["touchPad"]:
    class TouchPad:
        # ports/esp32/machine_touchpad.c: the pin's check and reading are the host's
        @_constructor
        def __init__(self, pin):
            self._key = _call("touchInit", _pin(pin))

        def config(self, value):
            _int(value)  # the threshold only a touch wake-up reads (not simulated)

        def read(self):
            return _call("touchRead", self._key)

        def __repr__(self):
            return "<TouchPad>"  # a C type with no print (py/obj.c:131)


class PWM:
    @_constructor
    def __init__(self, dest, *args, **kwargs):
        self._pin = self._init(_pin(dest), True, *args, **kwargs)

    def __repr__(self):
        # the port's print (the host's); where boardsim does not model it, the interpreter's default
        return _call("pwmRepr", self._pin) or "<PWM object at %x>" % id(self)

    def _init(self, dest, new, freq=None, *, duty=None, duty_u16=None, duty_ns=None, invert=None):
        # the port's keywords and their order are the host's (mp_machine_pwm_init_helper)
        return _call("pwmInit", dest, new, *[None if v is None else _int(v) for v in (freq, duty, duty_u16, duty_ns, invert)])

    def init(self, *args, **kwargs):
        self._init(self._pin, False, *args, **kwargs)

    def freq(self, value=None):
        return _call("pwmFreq", self._pin, None if value is None else _int(value))

    def duty_u16(self, value=None):
        return _call("pwmDuty", self._pin, "u16", None if value is None else _int(value))

    def duty_ns(self, value=None):
        return _call("pwmDuty", self._pin, "ns", None if value is None else _int(value))

    def deinit(self):
        _call("pwmDeinit", self._pin)


if _port["pwmDuty"]:
    def _pwm_duty(self, value=None):
        # the 10-bit duty of the ESP ports (MICROPY_PY_MACHINE_PWM_DUTY)
        return _call("pwmDuty", self._pin, "u10", None if value is None else _int(value))

    PWM.duty = _pwm_duty


class RTC:
    @_constructor
    def __init__(self, *args):
        if args:
            raise TypeError("function takes 0 positional arguments but %d were given" % len(args))

    def datetime(self, datetimetuple=None):
        if datetimetuple is None:
            return tuple(_call("rtcDatetime", None))
        if not isinstance(datetimetuple, (tuple, list)):
            raise TypeError("object '%s' isn't a tuple or list" % type(datetimetuple).__name__)
        if len(datetimetuple) != 8:
            raise ValueError("requested length 8 but object has length %d" % len(datetimetuple))
        _call("rtcDatetime", [_int(v) for v in datetimetuple])

    def init(self, datetimetuple):
        self.datetime(datetimetuple)

    def __repr__(self):
        return "<RTC>"  # no print in the ports' machine_rtc.c: py/obj.c:131 prints the type's name


_next_timer = [1]


class Timer:
    ONE_SHOT = 0
    PERIODIC = 1

    @_constructor
    def __init__(self, id=_NO_ARG, *args, **kwargs):
        _call("timerCheck", None if id is _NO_ARG else _int(id))
        self._id = -1 if id is _NO_ARG else id
        self._handle = _next_timer[0]
        _next_timer[0] += 1
        self._callback = None
        if args or kwargs:
            self.init(*args, **kwargs)

    def init(self, *, mode=PERIODIC, period=-1, freq=-1, callback=None, tick_hz=1000):
        if freq != -1:
            period_ms = 1000 / freq
        elif period != -1:
            period_ms = _int(period) * 1000 / tick_hz
        else:
            period_ms = 1000  # UNVERIFIED: the ports' default period differs; 1 s chosen
        self.deinit()
        if callback is not None:
            self._callback = _handler(callback, self)
        _call("timerInit", self._handle, mode == Timer.PERIODIC, period_ms, self._callback)

    def deinit(self):
        _call("timerDeinit", self._handle)
        if self._callback is not None:
            _drop_handler(self._callback)
            self._callback = None

    def __repr__(self):
        return _call("timerRepr", self._handle, self._id, id(self))


def unique_id():
    return _call("machineUniqueId")


def freq(hz=None):
    return _call("machineFreq", None if hz is None else _int(hz))


def reset():
    # The board restarts and runs its script again (main.py on a board with its console); the call never returns.
    _call("machineReset")


def soft_reset():
    # modmachine.c machine_soft_reset: pyexec_system_exit = PYEXEC_FORCED_EXIT, then SystemExit.
    _soft_reset()
    raise SystemExit


def reset_cause():
    return _call("machineResetCause")


def idle():
    _call("poll")


def lightsleep(time_ms=None):
    _call("machineLightsleep", None if time_ms is None else _int(time_ms))


def deepsleep(time_ms=None):
    _call("machineDeepsleep", None if time_ms is None else _int(time_ms))


if _port["bootloader"]:
    def bootloader(value=None):
        # rp2: the chip restarts into its USB bootloader; the call never returns
        _call("machineBootloader")


def disable_irq():
    return 0


def enable_irq(state=0):
    pass


def bitstream(pin, encoding, timing, buf):
    # extmod/machine_bitstream.c v1.23.0 39-63 (machine's on all three ports, extmod/modmachine.c:184-186):
    # the bytes out on the pin, read here as a WS2812 chain reads them (G, R, B per LED; an RGBW
    # strip's fourth byte is not told apart, UNVERIFIED), for tests and the log (host/neopixel.ts).
    if _int(encoding) != 0:
        raise ValueError("encoding")
    data = bytes(buf)
    if len(timing) != 4:
        raise ValueError("tuple/list has wrong length")
    _call("neopixelWrite", _pin(pin), [[data[i + 1], data[i], data[i + 2]] for i in range(0, len(data) - 2, 3)])


def dht_readinto(pin, buf):
    # drivers/dht/dht.c v1.23.0 43-97 (machine's on all three ports, extmod/modmachine.c:187-189): the
    # sensor's 5 bytes into buf, its reading the one a test or lab set for the pin (host/dht.ts). The
    # lab does not say which sensor it is: the bytes are a DHT22's (tenths, sign bit), which dht.py's
    # DHT11 reads in whole units.
    if len(memoryview(buf)) < 5:
        raise ValueError("buffer too small")
    temperature, humidity = _call("dhtMeasure", _pin(pin))
    h = int(round(humidity * 10))
    t = int(round(abs(temperature) * 10))
    buf[0], buf[1], buf[2], buf[3] = h >> 8, h & 0xFF, (t >> 8) | (0x80 if temperature < 0 else 0), t & 0xFF
    buf[4] = (buf[0] + buf[1] + buf[2] + buf[3]) & 0xFF


del _name, _value
