# How bytes cross to the host without JSON (_host.py's call() carries the rest): a socket's data
# from and into the copy the worker lends (data-channel.ts LentData), else through a data call
# (_host.data); a call's bytes-like argument as (address, length) in the heap; a stream's readinto
# straight into its buffer.
#
# A module of its own, not part of _host.py: py/gc.c gc_mark_subtree (v1.27.0 lines 457-527)
# pushes every unmarked object a block holds on a stack of 64 (py/mpconfig.h
# MICROPY_ALLOC_GC_STACK_SIZE), and one more makes it rescan the whole heap for marked blocks
# (gc_deal_with_stack_overflow, 549-567): each collection ≈ 2× as long. A module's globals table
# pushes each object it holds that is not marked yet, so the depth a collection needs is the sum
# of such tables along one path, and _host.py's (50 objects with this half) was on the deepest.
# Kept small with it: no module links to _boardsim.py's objects, start-up-only objects are
# dropped (_boardsim.setup), and long lists of texts are one str. Measured in the .py echo
# (collections replayed from a heap dump): 64, 64 and 71 entries on the Pico W, ESP8266 and ESP32
# before, 58-60 on each after. A path's depth depends on the tables' hash order: re-measure after
# adding objects to the library.
import uctypes
from micropython import const
from _host import READ, RECV, SENDALL, _bytes_at, _data, _new_bytes, call, lent, more

# The lent copy (data-channel.ts LentData): Int32 words (the read-ahead of socket _AHEAD_FD, bytes
# [_AHEAD_START, _AHEAD_END) counted since it was lent, in a ring of _AHEAD_BYTES, more asked for
# once the start reaches _MORE_AT; the send buffer of socket _SEND_FD, _SEND_USED bytes of
# _SEND_ROOM in _SEND_COUNT records, their lengths from _LENGTHS on), then a recv data call's reply,
# the read-ahead, the sends. One uctypes array of words indexed by const()s (compiled in as numbers:
# these are read at every recv and send; data-channel.spec.ts checks them against the worker's).
_AHEAD_FD = const(0)
_AHEAD_START = const(1)
_AHEAD_END = const(2)
_SEND_FD = const(3)
_SEND_ROOM = const(4)
_SEND_USED = const(5)
_SEND_COUNT = const(6)
_MORE_AT = const(7)
_LENGTHS = const(8)
_MAX_SENDS = const(64)
_AHEAD_BYTES = const(65536)


def _lend(words, received, ahead, sends, end):
    # Where each part of the lent copy starts, as the worker lays it out (LentData.layout); the
    # reply region's size is the most bytes one data call carries (DATA_BYTES).
    global _words, _ahead, _ahead_view, _sends, DATA_BYTES
    _words = uctypes.struct(words, (uctypes.ARRAY | 0, uctypes.INT32 | (received - words) // 4))
    DATA_BYTES = ahead - received
    _ahead = ahead
    _ahead_view = memoryview(uctypes.bytearray_at(ahead, sends - ahead))
    _sends = memoryview(uctypes.bytearray_at(sends, end - sends))


_lend(*lent)
del _lend, lent  # run once: kept, one more object for every collection to push


def recv(stream, size):
    """A socket's recv(size): bytes, from the read-ahead the host lent if it holds any, else a data
    call. One frame: it is the method."""
    if not isinstance(size, int):
        _int(size)  # its TypeError
    fd = stream._fd
    w = _words
    if w[_AHEAD_FD] == fd and size > 0:
        start = w[_AHEAD_START]
        n = w[_AHEAD_END] - start
        if n > 0:
            at = start & (_AHEAD_BYTES - 1)
            if n > size:
                n = size
            if n > _AHEAD_BYTES - at:
                n = _AHEAD_BYTES - at  # to the ring's end: the rest at the next recv
            try:
                out = _new_bytes(_ahead + at, n)
            except MemoryError:
                out = _bytes_at(_ahead + at, n)  # collects and tries again
            start += n
            w[_AHEAD_START] = start
            if start >= w[_MORE_AT]:
                more()
            return out
    if 0 <= size <= DATA_BYTES:
        return _data(RECV, fd, size, None)
    return call("socketRecv", fd, size)


def readinto(stream, buf, nbytes=None):
    """A socket's readinto(buf[, nbytes]) (py/stream.c stream_readinto): at most len(buf) bytes,
    all of them from the read-ahead if it holds them (what the host's read would give at once),
    else through a data call that reads into buf; the count, or None. One frame: it is the method."""
    mv = memoryview(buf) if type(buf) is bytearray else byte_view(buf)
    n = readinto_size(mv, nbytes)
    fd = stream._fd
    w = _words
    if w[_AHEAD_FD] == fd and n > 0:
        start = w[_AHEAD_START]
        at = start & (_AHEAD_BYTES - 1)
        if w[_AHEAD_END] - start >= n and at + n <= _AHEAD_BYTES:
            try:
                mv[:n] = _ahead_view[at : at + n]
            except TypeError:
                writable(mv)
                raise
            start += n
            w[_AHEAD_START] = start
            if start >= w[_MORE_AT]:
                more()
            return n
    writable(mv)  # the worker writes into it
    if n == 0:
        return 0  # no read at all (mp_stream_rw), so 0 on a closed socket too
    if n <= DATA_BYTES:
        return _data(READ, fd, n, mv)
    return read_into(mv, "socketRead", fd, n)


def read_into(mv, name, fd, n):
    """The end of a stream's readinto (a socket's, _stream.host_stream's): the host call `name` reads up to
    n bytes of stream fd, copied into mv; their count, or None (non-blocking, nothing there)."""
    # The worker writes the bytes read straight into mv ({"__w": ...}, worker.ts bridge.call), as
    # the firmware reads into the buffer (py/stream.c stream_readinto): no copy of n bytes in the heap.
    return call(name, fd, n, {"__w": [uctypes.addressof(mv), n]})


def byte_view(buf):
    """A memoryview of buf's bytes: readinto fills the bytes mp_get_buffer gives (py/stream.c
    stream_readinto), 2 per item of an array('H'), where len(memoryview) counts items. MicroPython's
    memoryview has no cast() nor itemsize: the bytes are the distance to the view's end."""
    mv = memoryview(buf)
    address = uctypes.addressof(mv)
    size = uctypes.addressof(mv[len(mv) :]) - address
    return mv if size == len(mv) else memoryview(uctypes.bytearray_at(address, size))


def readinto_size(mv, nbytes):
    """The bytes readinto(buf[, nbytes]) reads: nbytes taken as C's unsigned length and capped at
    the buffer's (py/stream.c: v1.23.0 stream_readinto, v1.27.0 stream_readinto_write_generic),
    so a negative nbytes reads len(buf), never to the end of the stream."""
    n = len(mv)
    if nbytes is not None:
        nbytes = _int(nbytes)
        if 0 <= nbytes < n:
            n = nbytes
    return n


def _int(value):
    # mp_obj_get_int (py/obj.c), as py/stream.c takes sizes: an int or a bool, else TypeError
    if not isinstance(value, int):
        raise TypeError("can't convert %s to int" % type(value).__name__)
    return value


def writable(mv):
    """readinto() of a read-only buffer (bytes) raises before it reads: py/stream.c stream_readinto,
    mp_get_buffer_raise(..., MP_BUFFER_WRITE)."""
    try:
        mv[:0] = b""
    except TypeError:
        raise TypeError("object with buffer protocol required")


def sender(op, name):
    """A socket's send, sendall or write of the bytes to send (op, and the host call's name for data
    too big for one data call): the count sent, None for sendall (extmod/modlwip.c
    lwip_socket_sendall). One frame: the method is this function."""
    counts = op != SENDALL

    def send(stream, data):
        # bytes and bytearray as they are: their length is their bytes (a memoryview's counts items)
        t = type(data)
        mv = data if t is bytes or t is bytearray else _view(data)
        n = len(mv)
        fd = stream._fd
        w = _words
        # Kept in the send buffer the host lent, one record per call, unless print() output waits
        # (the worker sets _SEND_FD to -1 meanwhile: the data call writes it first). Each record starts 8-byte aligned (_SEND_USED is where the next one may
        # start; the padding counts against the room): a misaligned copy is a slow one.
        if w[_SEND_FD] == fd and n > 0:
            used = w[_SEND_USED]
            count = w[_SEND_COUNT]
            if n <= w[_SEND_ROOM] - used and count < _MAX_SENDS:
                _sends[used : used + n] = mv
                w[_LENGTHS + count] = n
                w[_SEND_COUNT] = count + 1
                w[_SEND_USED] = (used + n + 7) & ~7
                return n if counts else None
        sent = _data(op, fd, 0, mv) if n <= DATA_BYTES else call(name, fd, {"__b": [uctypes.addressof(mv), n]})
        return sent if counts else None

    return send


class _Buffer(dict):
    # What crosses is {"__b": [address, length]} (json.dumps prints the dict); the view rides along
    # so the bytes stay alive as long as the argument does: through the whole call(), whose
    # arguments the caller's frame holds until the reply. The bridge may collect garbage before
    # the host reads them (a host call made while later arguments are built), and a
    # str's encoding has no other reference.
    pass


def judged(value):
    """A value the host judges as the firmware's C code would (a str or bytes where it wants text,
    an int where a number): str and int as they are, bytes as its bytes, anything else by its
    type's name (arguments.ts pyTypeName), for the host's TypeError."""
    if isinstance(value, (str, int)):
        return value
    return buffer(value) if isinstance(value, bytes) else {"__t": type(value).__name__}


def buffer(data):
    """A bytes-like argument: str as UTF-8, anything with the buffer protocol as it is."""
    mv = _view(data)
    arg = _Buffer(__b=[uctypes.addressof(mv) if len(mv) else 0, len(mv)])
    arg.view = mv
    return arg


def write_view(data, args):
    """The bytes a stream's write(buf[, max_len]) or write(buf, off, max_len) writes
    (mp_stream_write_obj, py/stream.c v1.23.0 stream_write_method, v1.27.0 lines 268-286): off and
    max_len in bytes, both C's unsigned sizes: a negative off is past the end, a negative max_len
    no limit."""
    if not args:
        return data
    if len(args) > 2:
        # MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(..., 2, 4, ...): py/argcheck.c, self counted
        raise TypeError("function expected at most 4 arguments, got %d" % (len(args) + 2))
    mv = _view(data)
    off = _int(args[0]) if len(args) == 2 else 0
    size = _int(args[-1])
    off = len(mv) if off < 0 else off
    return mv[off:] if size < 0 else mv[off : off + size]


def _view(data):
    # The bytes mp_get_buffer gives, which the firmware sends or writes (extmod/modlwip.c v1.27.0
    # lwip_socket_send line 1265, lwip_socket_sendto line 1348; py/stream.c line 266): 2 per item
    # of an array('H'). str, bytes and bytearray first: their views are their bytes already.
    t = type(data)
    if t is str:
        return memoryview(data.encode())
    if t is bytes or t is bytearray:
        return memoryview(data)
    try:
        return byte_view(data.encode() if isinstance(data, str) else data)  # a str subclass too
    except TypeError:
        raise TypeError("object with buffer protocol required")
