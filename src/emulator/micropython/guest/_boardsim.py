# Runs the user's script as the board's main program: the board's modules in place of the
# interpreter's, the script compiled under its own file name, and an uncaught exception printed
# as the board's traceback (frames of this library left out, as the firmware's C modules have none).
import io
import sys

import _gc
import _host
import _time

_OURS = ("/boardsim/", "<stdin>")
_ballast = None
_script = None


class _Blocked:
    pass


def setup(source, name, heap_bytes):
    """Before the heap is capped: the board's modules in place of the interpreter's, the script held."""
    global _script
    sys.modules["time"] = sys.modules["utime"] = _time
    sys.modules["gc"] = _gc
    # The interpreter's bridges to JavaScript would reach Node itself: not importable by scripts.
    for module in ("js", "jsffi", "_boardsim_js"):
        sys.modules[module] = _Blocked()
    import socket
    import select
    import asyncio
    sys.modules["usocket"] = socket
    sys.modules["uselect"] = select
    # The interpreter's own asyncio is the browser's: the board's replaces it.
    sys.modules["asyncio"] = sys.modules["uasyncio"] = asyncio
    import os
    if "mpython" not in _host.info["modules"]:
        os.remove("/boardsim/mpython.py")
    for package in _host.info["notFrozen"]:
        for name in os.listdir("/boardsim/" + package):
            os.remove("/boardsim/%s/%s" % (package, name))
        os.rmdir("/boardsim/" + package)
    _script = (source, name, heap_bytes)


def _trim_heap(heap_bytes, source_bytes):
    # What the library left free beyond the board's heap is held, so the script finds the board's
    # heap free (the source text does not count: a board's lexer reads it from flash).
    global _ballast
    _gc.collect()
    spare = _gc.mem_free() + source_bytes - heap_bytes
    if spare > 0:
        _ballast = bytearray(spare)


def _traceback(exc):
    out = io.StringIO()
    sys.print_exception(exc, out)
    lines = out.getvalue().rstrip("\n").split("\n")
    keep = [l for l in lines if not (l.startswith('  File "') and l[8:].startswith(_OURS))]
    return "\n".join(keep)


def run():
    global _script
    source, name, heap_bytes = _script
    _script = None
    _trim_heap(heap_bytes, len(source))
    try:
        code = compile(source, name, "exec")
        del source
        exec(code, {"__name__": "__main__"})
    except SystemExit:
        pass
    except BaseException as exc:
        # After a MemoryError the heap may be full: the held spare makes room to format the traceback.
        global _ballast
        _ballast = None
        _host.collect()
        _host.finish("raised", type(exc).__name__, _traceback(exc))
        return
    _host.finish("finished", "", "")
