# The micropython module (imported as `micropython`), built into the firmware: dir(micropython)
# lists the ports' table (py/modmicropython.c v1.23.0 lines 169-206: no pystack_use, heap_locked
# nor RingIO there): the interpreter's own functions, and _modmicropython's, whose globals (the
# bridge's helpers) are that module's, not this one's.
from micropython import const, opt_level, stack_use, heap_lock, heap_unlock, schedule
from _modmicropython import *
