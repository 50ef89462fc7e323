# MicroPython's time module (imported as `time`): each function is the host's
# (src/emulator/host/modtime.ts), which checks the arguments and wraps the ticks.
from _host import call


def sleep(seconds):
    call("timeSleep", seconds, "s")


def sleep_ms(ms):
    call("timeSleep", ms, "ms")


def sleep_us(us):
    call("timeSleep", us, "us")


def ticks_ms():
    return call("ticksMs")


def ticks_us():
    return call("ticksUs")


def ticks_add(ticks, delta):
    return call("ticksAdd", ticks, delta)


def ticks_diff(end, start):
    return call("ticksDiff", end, start)


def time():
    return call("epochSeconds")
