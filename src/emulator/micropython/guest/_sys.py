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
from _stream import LineStream


def _stdio(host, native, uncreatable):
    # sys.stdin, stdout, stderr and their buffer as the firmware has them
    # (shared/runtime/sys_stdio_mphal.c v1.23.0): objects of a C type FileIO, printed "<io.FileIO 0>"
    # to "<io.FileIO 2>", the buffer "<io.FileIO 0>", its fd unused (55-58, 132-134, 164), with the
    # locals table's names only (100-112; `buffer` one object for all three, also its own). The
    # buffer's type is another C type of the same name and table (stdio_buffer_obj_type, 153-160).
    # Neither type has make_new: calling one raises TypeError "can't create 'FileIO' instances"
    # (py/objtype.c v1.23.0 994-999).
    # The buffer's bytes go to the console as they are, where text (print, sys.stdout.write) has
    # "\n" sent as "\r\n" (stdio_buffer_write calls mp_hal_stdout_tx_strn, stdio_write
    # mp_hal_stdout_tx_strn_cooked). This interpreter writes both through one path, so the
    # buffer's writes are marked raw. mpremote's mount sends its binary records this way and
    # reads sys.stdin.buffer. What each object reads and writes through (the interpreter's own
    # stdio objects) is held here, not in the object, where a script would read it.
    ends = {}  # id(object): (its fd, what it reads from, what it writes to, whether the writes are raw)

    def refused():
        raise OSError(1)  # EPERM: stdin's write, stdout's and stderr's read (stdio_read, stdio_write 60-88)

    def kind():
        # LineStream: readlines, iteration (the type's MP_TYPE_FLAG_ITER_IS_STREAM, 126) and `with`.
        class FileIO(LineStream):
            def read(self, *args):
                return (ends[id(self)][1] or refused()).read(*args)

            def readinto(self, *args):
                return (ends[id(self)][1] or refused()).readinto(*args)

            def readline(self, *args):
                return (ends[id(self)][1] or refused()).readline(*args)

            def write(self, *args):
                _, _, out, raw = ends[id(self)]
                if not raw:
                    return (out or refused()).write(*args)
                host.raw_output(True)
                try:
                    return out.write(*args)
                finally:
                    host.raw_output(False)

            def close(self):
                return self  # mp_identity_obj (109)

            def __repr__(self):
                return "<io.FileIO %d>" % ends[id(self)][0]

        return FileIO

    text, binary = kind(), kind()
    objects = []
    for fd, reads, writes in ((0, native.stdin, None), (1, None, native.stdout), (2, None, native.stderr)):
        objects.append(text())
        ends[id(objects[-1])] = (fd, reads, writes, False)
    text.buffer = binary.buffer = binary()
    ends[id(binary.buffer)] = (0, native.stdin.buffer, native.stdout.buffer, True)
    uncreatable(text)
    uncreatable(binary)
    return objects


from _builtin_functions import uncreatable

stdin, stdout, stderr = _stdio(_host, _native, uncreatable)
print_exception = _printer(_host)
del _name, _make, _info, _port, _printer, _stdio, _host, LineStream, _native, uncreatable
