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
import io as _io


class FileIO(_io.IOBase):
    # sys.stdin, stdout, stderr and stdout.buffer as the firmware has them
    # (shared/runtime/sys_stdio_mphal.c v1.23.0:55-58, 120-134: type FileIO, printed "<io.FileIO 0>"
    # to "<io.FileIO 2>", the buffer "<io.FileIO 0>", its fd unused); the interpreter's print as
    # <io.TextIOWrapper 0>.
    # The buffer's bytes go to the console as they are, where text (print, sys.stdout.write) has
    # "\n" sent as "\r\n" (stdio_buffer_write calls mp_hal_stdout_tx_strn, stdio_write
    # mp_hal_stdout_tx_strn_cooked). This interpreter writes both through one path, so the
    # buffer's writes are marked raw (`raw`). mpremote's mount sends its binary records this way.
    def __init__(self, native, fd, raw=None):
        self._native = native
        self._number = fd  # (not _fd: select takes an int _fd for a socket)
        self._raw = raw

    def write(self, *args):
        if self._raw is None:
            return self._native.write(*args)
        self._raw(True)
        try:
            return self._native.write(*args)
        finally:
            self._raw(False)

    def __getattr__(self, name):
        return getattr(self._native, name)

    def __repr__(self):
        return "<io.FileIO %d>" % self._number


stdin = FileIO(_native.stdin, 0)
stdout = FileIO(_native.stdout, 1)
stderr = FileIO(_native.stderr, 2)
stdout.buffer = FileIO(_native.stdout.buffer, 0, _host.raw_output)
print_exception = _printer(_host)
del _name, _make, _info, _port, _printer, _host, _io, FileIO, _native
