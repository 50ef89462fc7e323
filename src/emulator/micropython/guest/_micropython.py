# The micropython module (imported as `micropython`): the interpreter's own, with kbd_intr() setting
# the board console's interrupt character (py/modmicropython.c mp_micropython_kbd_intr).
import micropython as _native
from _host import call as _call

for _name in dir(_native):
    if not _name.startswith("__"):
        globals()[_name] = getattr(_native, _name)
del _name


def kbd_intr(chr):
    # mp_obj_get_int: an int (or bool); anything else TypeError. The console then lets that byte
    # through as data (mpremote's mount sends its binary records with kbd_intr(-1)).
    _native.kbd_intr(chr)
    _call("serialInterruptChar", int(chr))
