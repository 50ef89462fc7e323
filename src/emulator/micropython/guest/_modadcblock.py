# machine.ADCBlock and ADC's read_uv() and block(), the ESP32's (extmod/machine_adc_block.c and
# extmod/machine_adc.c v1.23.0, MICROPY_PY_MACHINE_ADC_BLOCK / _READ_UV in ports/esp32/mpconfigport.h:125-127):
# _boardsim's setup loads it there only, once machine is loaded and its compilation's garbage collected
# (nested in machine's import, the library passed its heap room). The checks, readings and repr are
# the host's (machine_adc.ts).
from _host import call as _call, constructor as _constructor
from _modmachine import ADC, _int, _pin
import machine as _machine


def _read_uv(self):
    return _call("adcReadUv", self._key)


def _block(self):
    return ADCBlock(_call("adcBlockOf", self._key))


ADC.read_uv = _read_uv
ADC.block = _block

_adc_blocks = {}  # the firmware's two static blocks (ports/esp32/machine_adc_block.c:34-42): one object each


class ADCBlock:
    @_constructor
    def __new__(cls, id, *, bits=-1):
        unit = _call("adcBlockInit", _int(id), _int(bits))
        block = _adc_blocks.get(unit)
        if block is None:
            block = _adc_blocks[unit] = object.__new__(cls)
            block._unit = unit
        return block

    def init(self, *, bits=-1):
        _call("adcBlockInit", self._unit, _int(bits))

    def connect(self, *args, atten=None):
        # (channel), (pin) or (channel, pin): that ADC, configured as ADC(pin, atten=) would
        if len(args) not in (1, 2):
            raise TypeError("too many positional args")
        channel = args[0] if len(args) == 2 or isinstance(args[0], int) else None
        pin = args[-1] if len(args) == 2 or channel is None else None
        key = _call("adcBlockConnect", self._unit, None if channel is None else _int(channel), None if pin is None else _pin(pin))
        return ADC(key, atten=atten)

    def __repr__(self):
        return _call("adcBlockRepr", self._unit)

    __str__ = __repr__


_machine.ADCBlock = ADCBlock
