# MicroPython asyncio module (extmod/asyncio/__init__.py v1.23.0, the firmware's frozen package)
# MIT license; Copyright (c) 2019 Damien P. George

from .core import *

__version__ = (3, 0, 0)

# The firmware's names as keywords: there they are qstrs of its frozen modules from boot, which
# dir(asyncio) probes; a string literal longer than 10 characters compiled from source is not
# interned (py/parse.c:626 and py/mpconfig.h:324 MICROPY_ALLOC_PARSE_INTERN_STRING_LEN, v1.27.0 the
# interpreter's), and dir() would miss StreamReader.
_attrs = dict(
    wait_for="funcs",
    wait_for_ms="funcs",
    gather="funcs",
    Event="event",
    ThreadSafeFlag="event",
    Lock="lock",
    open_connection="stream",
    start_server="stream",
    StreamReader="stream",
    StreamWriter="stream",
)


# Lazy loader, effectively does:
#   global attr
#   from .mod import attr
def __getattr__(attr):
    mod = _attrs.get(attr, None)
    if mod is None:
        raise AttributeError(attr)
    # globals() where the firmware passes None (the caller's, this module's): here the import hook,
    # a Python function, is the caller (py/builtinimport.c mp_builtin___import___default).
    value = getattr(__import__(mod, globals(), None, True, 1), attr)
    globals()[attr] = value
    return value
