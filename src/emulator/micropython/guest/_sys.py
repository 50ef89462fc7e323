# The sys module (imported as `sys`): the interpreter's own, with the board's identity
# (py/modsys.c: version "3.4.0; " + the banner's name and version, implementation, platform).
import sys as _native
from _attrtuple import make as _make
from _host import info as _info

for _name in dir(_native):
    if not _name.startswith("__"):
        globals()[_name] = getattr(_native, _name)

_port = _info["port"]
platform = _port["platform"]
version = "3.4.0; MicroPython " + _port["version"]
implementation = _make(
    ("name", "version", "_machine", "_mpy"),
    ("micropython", tuple(int(n) for n in _port["release"].split(".")) + ("",), _port["machine"], _port["mpy"]),
)
argv = []


def _printer(host):
    # print_exception() as the board prints a traceback: without this library's frames.
    def print_exception(exc, file=None):
        (stdout if file is None else file).write(host.format_exception(exc) + "\n")

    return print_exception


import _host

print_exception = _printer(_host)
del _name, _make, _info, _port, _printer, _host
