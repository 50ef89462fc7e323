# MicroPython's time module (imported as `time`; extmod/modtime.c): the board's clock. The epoch
# and the calendar are the host's (modtime.ts); ticks wrap like the firmware's (MICROPY_PY_TIME_TICKS_PERIOD).
from _host import call as _call, can_run_callbacks as _can_run

_TICKS_PERIOD = 1 << 30
_TICKS_HALF = _TICKS_PERIOD // 2


def _int(x):
    # mp_obj_get_int: bools and ints only
    if isinstance(x, int):
        return int(x)
    raise TypeError("can't convert %s to int" % type(x).__name__)


def _float(x):
    if isinstance(x, (int, float)):
        return float(x)
    raise TypeError("can't convert %s to float" % type(x).__name__)


def _sleep(ms):
    # Callbacks due meanwhile run as the firmware runs them while it waits (mp_hal_delay_ms).
    while ms > 0:
        ms = _call("sleepMs", ms, _can_run())


def sleep(seconds):
    _sleep(int(1000 * _float(seconds)))


def sleep_ms(ms):
    _sleep(_int(ms))


def sleep_us(us):
    _sleep(_int(us) / 1000)


def ticks_ms():
    return _call("ticksMs") % _TICKS_PERIOD


def ticks_us():
    return int(_call("ticksMs") * 1000) % _TICKS_PERIOD


ticks_cpu = ticks_us


def ticks_add(ticks, delta):
    delta = _int(delta)
    if not -_TICKS_HALF < delta < _TICKS_HALF:
        raise OverflowError("ticks interval overflow")
    return (_int(ticks) + delta) % _TICKS_PERIOD


def ticks_diff(end, start):
    return (_int(end) - _int(start) + _TICKS_HALF) % _TICKS_PERIOD - _TICKS_HALF


def time():
    return _call("timeTime")


def time_ns():
    return int(_call("timeTimeNs"))


def localtime(secs=None):
    return tuple(_call("timeLocaltime", None if secs is None else _int(secs)))


gmtime = localtime


def mktime(t):
    if not isinstance(t, (tuple, list)):
        raise TypeError("object '%s' isn't a tuple or list" % type(t).__name__)
    if not 8 <= len(t) <= 9:
        raise TypeError("mktime needs a tuple of length 8 or 9")
    return _call("timeMktime", [_int(v) for v in t[:6]] + [0, 0])
