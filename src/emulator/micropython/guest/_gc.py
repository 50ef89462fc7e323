# The gc module (imported as `gc`), built into the firmware: dir(gc) lists the port's table
# (py/modgc.c v1.23.0 lines 103-114); the functions are _modgc's, whose globals (the bridge's
# helpers) are that module's, not this one's.
from _modgc import *
