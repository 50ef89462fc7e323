# What the firmware's streams share (py/stream.c): for files, readlines(), iteration by line and
# `with` closing them (LineStream); for sockets and TLS sockets, read/readinto/readline, whose
# work (waiting, the end, non-blocking None) is the host's (host_stream).
import io
from _host import call as _call
from _hostdata import _int, byte_view as _byte_view, read_into as _read_into, readinto_size as _readinto_size, writable as _writable


# The name of a host stream's number on its object (`stream._fd`, read at every recv and send: one
# attribute lookup, the fastest there is). Written before any script compiles (conceal, at start-up:
# _builtin_functions.py), its qstr's text is not "_fd" anymore, so no str a script makes names it
# (`s._fd` raises AttributeError, as the firmware's C struct field, extmod/modlwip.c
# lwip_socket_obj_t, is no attribute); the library's code compiled before holds its number. Code
# compiled after (tls) names it through FD, and a TLS socket's socket through SOCK, concealed too
# (extmod/modtls_mbedtls.c mp_obj_ssl_socket_t's sock). FD is the interpreter's static qstr 955,
# which a script's subclass's __dict__ and dir() leave out (instance-dict.ts withStreamNumberHidden).
FD = "_fd"
SOCK = "_sock"


def host_stream(read_call, readline_call):
    """read(), readinto() and readline() of a stream whose bytes the host reads (a socket's, a TLS
    socket's) through its host calls read_call and readline_call, both over the host's one read loop
    (readLoop). The names are closed over, in no class's dict, where a script read them (the
    firmware's methods are C: py/stream.c mp_stream_read_obj, ...)."""

    # read(n) waits for n bytes or the end, read() for the end (mp_stream_read); a non-blocking
    # stream with nothing to give returns None.
    def read(stream, size=-1):
        return _call(read_call, stream._fd, -1 if size is None else _int(size))

    # readinto(buf[, nbytes]) (mp_stream_readinto): at most len(buf) bytes, their count or None
    # (a socket's: _hostdata.readinto).
    def readinto(stream, buf, nbytes=None):
        mv = _byte_view(buf)
        n = _readinto_size(mv, nbytes)
        _writable(mv)
        if n == 0:
            return 0  # no read at all (mp_stream_rw)
        return _read_into(mv, read_call, stream._fd, n)

    # readline([limit]) (mp_stream_unbuffered_readline): up to and including "\n".
    def readline(stream, limit=-1):
        return _call(readline_call, stream._fd, _int(limit))

    return read, readinto, readline


class LineStream(io.IOBase):
    def readlines(self):
        return list(self)

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
