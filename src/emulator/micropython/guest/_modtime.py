# The time module's code (_time.py, imported as `time`, lists its names): each function is the host's
# (src/emulator/host/modtime.ts), which checks the arguments, wraps the ticks and knows the board's
# epoch and calendar. Due callbacks (Timer, Pin.irq) run while it sleeps (host/blocking-wake.ts).
from _host import call as _call


def sleep(seconds):
    _call("timeSleep", seconds, "s")


def sleep_ms(ms):
    _call("timeSleep", ms, "ms")


def sleep_us(us):
    _call("timeSleep", us, "us")


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
