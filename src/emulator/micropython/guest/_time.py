# The time module (imported as `time`), built into the firmware: dir(time) lists the port's table
# (extmod/modtime.c v1.23.0 lines 199-222); the functions are _modtime's, whose globals (the bridge's
# helpers) are that module's, not this one's.
from _modtime import *
