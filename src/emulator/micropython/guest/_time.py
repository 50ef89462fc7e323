# MicroPython's time module (imported as `time`): the board's clock; ticks wrap like the firmware's.
from _host import call

_TICKS_PERIOD = 1 << 30
_TICKS_HALF = _TICKS_PERIOD // 2


def sleep(seconds):
    call("sleepMs", seconds * 1000)


def sleep_ms(ms):
    call("sleepMs", ms)


def sleep_us(us):
    call("sleepMs", us / 1000)


def ticks_ms():
    return call("ticksMs") % _TICKS_PERIOD


def ticks_us():
    return int(call("ticksMs") * 1000) % _TICKS_PERIOD


def ticks_add(ticks, delta):
    return (ticks + delta) % _TICKS_PERIOD


def ticks_diff(end, start):
    return (end - start + _TICKS_HALF) % _TICKS_PERIOD - _TICKS_HALF


def time():
    return call("epochSeconds")
