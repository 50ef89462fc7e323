# The _onewire module's code (extmod/modonewire.c v1.23.0, built into all three ports; _onewire.py
# lists its names): the bus is the host's (src/emulator/host/ds18x20.ts), which this only reaches.
from _host import call as _call
from _modmachine import _int, _pin


def reset(pin):
    return _call("onewireReset", _pin(pin))


def readbit(pin):
    return _call("onewireReadBit", _pin(pin))


def readbyte(pin):
    return _call("onewireReadByte", _pin(pin))


def writebit(pin, value):
    _call("onewireWriteBit", _pin(pin), _int(value))


def writebyte(pin, value):
    _call("onewireWriteByte", _pin(pin), _int(value))


def crc8(data):
    # onewire_crc8 (modonewire.c:128-147): Dallas/Maxim CRC-8
    crc = 0
    for byte in memoryview(data):
        for _ in range(8):
            mix = (crc ^ byte) & 1
            crc >>= 1
            if mix:
                crc ^= 0x8C
            byte >>= 1
    return crc
