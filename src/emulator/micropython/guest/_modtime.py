# The time module's code (_time.py, imported as `time`, lists its names): each function is the host's
# (src/emulator/host/modtime.ts), which checks the arguments, wraps the ticks and knows the board's
# epoch and calendar. A sleep wakes for scheduled callbacks (Timer, Pin.irq), runs them, sleeps on.
from _host import call as _call, can_run_callbacks as _can_run


def _sleep(value, unit):
    left = _call("timeSleep", value, unit, _can_run())
    while left > 0:
        left = _call("timeSleep", left, "left", _can_run())


def sleep(seconds):
    _sleep(seconds, "s")


def sleep_ms(ms):
    _sleep(ms, "ms")


def sleep_us(us):
    _sleep(us, "us")


def ticks_ms():
    return _call("ticksMs")


def ticks_us():
    return _call("ticksUs")


ticks_cpu = ticks_us


def ticks_add(ticks, delta):
    return _call("ticksAdd", ticks, delta)


def ticks_diff(end, start):
    return _call("ticksDiff", end, start)


def time():
    return _call("timeTime")


def time_ns():
    return int(_call("timeTimeNs"))


def localtime(secs=None):
    return tuple(_call("timeLocaltime", secs))


gmtime = localtime


def mktime(t):
    return _call("timeMktime", list(t) if isinstance(t, (tuple, list)) else t)
