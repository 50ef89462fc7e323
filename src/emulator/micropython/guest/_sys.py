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
# MICROPY_PY_SYS_PATH_DEFAULT: "" then frozen modules, then /lib (the ports' mpconfigport.h)
path = ["", ".frozen", "/lib"]
argv = []


def _printer(host):
    # print_exception() as the board prints a traceback: without this library's frames.
    def print_exception(exc, file=None):
        (stdout if file is None else file).write(host.format_exception(exc) + "\n")

    return print_exception


import _host
import io as _io


class _StdoutBuffer(_io.IOBase):
    # sys.stdout.buffer: bytes to the console as they are, where text (print, sys.stdout.write)
    # has "\n" sent as "\r\n" (shared/runtime/sys_stdio_mphal.c: stdio_buffer_write calls
    # mp_hal_stdout_tx_strn, stdio_write mp_hal_stdout_tx_strn_cooked). This interpreter writes both
    # through one path, so the bytes are marked raw around the write. mpremote's mount sends its
    # binary records this way.
    def __init__(self, native, raw):
        self._native = native
        self._raw = raw

    def write(self, *args):
        self._raw(True)
        try:
            return self._native.write(*args)
        finally:
            self._raw(False)

    def __getattr__(self, name):
        return getattr(self._native, name)

    def __repr__(self):
        return repr(self._native)


class TextIOWrapper(_io.IOBase):
    # sys.stdout: the interpreter's own, with the raw .buffer above.
    def __init__(self, native, buffer):
        self._native = native
        self.buffer = buffer

    def write(self, *args):
        return self._native.write(*args)

    def __getattr__(self, name):
        return getattr(self._native, name)

    def __repr__(self):
        return repr(self._native)


stdout = TextIOWrapper(_native.stdout, _StdoutBuffer(_native.stdout.buffer, _host.raw_output))
print_exception = _printer(_host)
del _name, _make, _info, _port, _printer, _host, _io, TextIOWrapper, _StdoutBuffer
