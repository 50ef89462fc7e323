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
_globals = None


class _Blocked:
    pass


def setup(source, name, heap_bytes):
    """Before the heap is capped: the board's modules in place of the interpreter's, the script held."""
    global _script
    sys.modules["time"] = sys.modules["utime"] = _time
    sys.modules["gc"] = _gc
    # The interpreter's bridges to JavaScript: a board has none. (Hiding them is for fidelity; what
    # they reach is powerless: the worker runs the glue in a realm of its own, realm.ts.)
    for module in ("js", "jsffi", "_boardsim_js"):
        sys.modules[module] = _Blocked()
    import socket
    import select
    sys.modules["usocket"] = socket
    sys.modules["uselect"] = select
    # The interpreter's own asyncio (the browser's) is frozen; ours, first on sys.path, replaces it.
    sys.modules.pop("asyncio", None)
    import os
    if "mpython" not in _host.info["modules"]:
        os.remove("/boardsim/mpython.py")
    # Out of the import path (a name with a dot is never imported), so mip can install its own.
    for package in _host.info["notFrozen"]:
        os.rename("/boardsim/" + package, "/boardsim/" + package + ".notfrozen")
    _script = (source, name, heap_bytes)


def _trim_heap(heap_bytes, source_bytes):
    # What the library left free beyond the board's heap is held, so the script finds the board's
    # heap free (the source text does not count: a board's lexer reads it from flash).
    global _ballast
    _gc.collect()
    spare = _gc.mem_free() + source_bytes - heap_bytes
    if spare > _gc.mem_free():
        # The source alone leaves less than the board's heap: compiling it needs more still (its
        # parse tree and bytecode). UNVERIFIED: the board's exact point of failure; its exception.
        raise MemoryError("memory allocation failed")
    if spare > 0:
        _ballast = bytearray(spare)


# The firmware's frozen Python libraries run from flash: importing one costs the script no heap.
# Here they compile into the heap, so the held spare is let go for the import and taken back after.
_FROZEN = ("asyncio", "uasyncio", "requests", "urequests", "ntptime", "umqtt", "mip")
_native_import = None  # the __import__ in place when the script starts


def _import(name, *args):
    global _ballast
    if name.split(".")[0] not in _FROZEN or name in sys.modules or _ballast is None:
        return _native_import(name, *args)
    _gc.collect()
    free_before = _gc.mem_free()
    _ballast = None
    _gc.collect()
    # Taken back at the next host call: a collection right after the compile, still inside the
    # import, corrupted the script's strings (a value only C code held, as at start-up).
    _host.defer(lambda: _retake(free_before))
    return _host.untimed(_native_import, name, *args)


def _import_frozen_without_heap():
    global _native_import
    import builtins

    _native_import = builtins.__import__
    builtins.__import__ = _import


def _retake(free_before):
    global _ballast
    _gc.collect()
    spare = _gc.mem_free() - free_before
    try:
        _ballast = bytearray(spare) if spare > 0 else None
    except MemoryError:
        pass  # no single block that large after the compile: the script gets the spare (UNVERIFIED cost)


def _traceback(exc):
    out = io.StringIO()
    sys.print_exception(exc, out)
    lines = out.getvalue().rstrip("\n").split("\n")
    keep = [l for l in lines if not (l.startswith('  File "') and l[8:].startswith(_OURS))]
    if len(keep) == 2:
        # No frame of the script's: the firmware prints the exception line alone (py/obj.c, mp_obj_print_exception).
        keep = keep[1:]
    return "\n".join(keep)


def run():
    global _script
    source, name, heap_bytes = _script
    _script = None
    try:
        _trim_heap(heap_bytes, len(source))
        _import_frozen_without_heap()
        code = compile(source, name, "exec")
        del source
        # Held here too: while the script calls into a library module (requests, asyncio: Python
        # that makes host calls), only C locals, which the collector cannot scan, would hold its globals.
        global _globals
        _globals = {"__name__": "__main__"}
        exec(code, _globals)
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
