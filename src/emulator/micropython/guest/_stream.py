# What the firmware's streams share (py/stream.c): for files, readlines(), iteration by line and
# `with` closing them (LineStream); for sockets and TLS sockets, read/readinto/readline, whose
# work (waiting, the end, non-blocking None) is the host's (HostStream).
import io
from _host import call as _call
from _hostdata import _int, byte_view as _byte_view, read_into as _read_into, readinto_size as _readinto_size, writable as _writable


class HostStream:
    # A stream whose bytes the host reads: `_fd` is its number there, `_READ` and `_READLINE` its
    # host calls (modsocket.ts, modtls.ts), both over the host's one read loop (readLoop).

    # read(n) waits for n bytes or the end, read() for the end (mp_stream_read); a non-blocking
    # stream with nothing to give returns None.
    def read(self, size=-1):
        return _call(self._READ, self._fd, -1 if size is None else _int(size))

    # readinto(buf[, nbytes]) (mp_stream_readinto): at most len(buf) bytes, their count or None
    # (a socket's: _hostdata.readinto).
    def readinto(self, buf, nbytes=None):
        mv = _byte_view(buf)
        n = _readinto_size(mv, nbytes)
        _writable(mv)
        if n == 0:
            return 0  # no read at all (mp_stream_rw)
        return _read_into(mv, self._READ, self._fd, n)

    # readline([limit]) (mp_stream_unbuffered_readline): up to and including "\n".
    def readline(self, limit=-1):
        return _call(self._READLINE, self._fd, _int(limit))


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
