# The asyncio package the firmware freezes (extmod/asyncio/manifest.py, __init__.py v1.23.0): core's
# names at once, __version__, and each of the other modules loaded at the first use of one of its
# names, through a module __getattr__ (py/objmodule.c module_attr), as the firmware's does.
from .core import *

__version__ = (3, 0, 0)

# Named as the firmware's table (dir(asyncio) shows it). Keywords, not string literals: the
# firmware's names are qstrs of its frozen code from boot, and a literal longer than 10 characters
# compiled from source is not interned (py/parse.c:626, MICROPY_ALLOC_PARSE_INTERN_STRING_LEN), so
# dir(), which probes interned names only, would miss StreamReader.
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


def __getattr__(name):
    module = _attrs.get(name)
    if module is None:
        raise AttributeError(name)
    # The relative import needs this package's globals(): the caller is a Python import hook here,
    # not the firmware's C, which takes the calling module's (py/builtinimport.c).
    value = getattr(__import__(module, globals(), None, True, 1), name)
    globals()[name] = value  # once loaded, a plain global: no second __getattr__
    return value
