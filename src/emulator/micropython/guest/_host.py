# The bridge to the simulator: every module of the board calls the host API through call().
# Values cross as JSON; bytes cross as (address, length) in the Python heap, read and written by
# the worker directly, so big buffers need no extra copies. Socket data (recv, send, sendall,
# write) crosses without JSON through data() (the worker's data-channel.ts); what the host lends
# (read-ahead, send room) the script reads and writes here, in the lent copy, with no call at all.
import json
import uctypes
from micropython import const
from gc import collect as _native_collect  # the interpreter's: only asks for a collection (see _gc.py)


# Work that must wait for a host call of the script, where collecting garbage is safe (see defer()).
deferred = []


def defer(fn):
    """Runs fn at the script's next host call where the worker may collect garbage anyway."""
    deferred.append(fn)


def run_deferred():
    # Only where the worker may collect (not under a with block's __exit__ on its way out, nor a
    # call whose argument block it cannot pin, pinned-args.ts): elsewhere the collections fn asks
    # for would not run, and what it holds would stay held.
    while deferred and _may_collect():
        deferred.pop()()


def _bridge(js):
    # js (the worker's functions) stays in this closure: scripts cannot reach it to get at Node.
    # Each is looked up once: every lookup of a JS attribute allocates a proxy.
    js_call, js_blob, js_finish, js_collect = js.call, js.blob, js.finish, js.collect
    js_pause, js_resume = js.pause, js.resume
    js_data = js.data

    def blob(index, length):
        buf = bytearray(length)
        if length:
            js_blob(index, uctypes.addressof(buf))
        return bytes(buf)

    def decode(value):
        if isinstance(value, list):
            return [decode(v) for v in value]
        if isinstance(value, dict):
            if "__b" in value:
                return blob(*value["__b"])
            return {k: decode(v) for k, v in value.items()}
        return value

    # call() and data() close over one tuple, not each function: a closure called with more than
    # five cells and arguments together copies them into a heap block only C refers to
    # (py/objclosure.c closure_call), which the worker must find and pin at each collection in
    # these calls (pinned-args.ts).
    def call(name, *args):
        js_pause, js_call, js_resume, read_reply = call_fns
        # The bridge's own work is not the script's: the worker does not count it as busy time.
        js_pause()
        try:
            if _constructing[0] == 0:
                run_deferred()  # it may collect garbage: not while C alone holds objects (see constructor)
            text = json.dumps(args)
            if "nan" in text or "inf" in text:
                # JSON has no NaN or infinity: they cross tagged, for the host to refuse as the firmware does.
                text = json.dumps(_tag_floats(args))
            r = js_call(name, text, _constructing[0] == 0)
            if type(r) is int:
                value, scheduled = r >> 1, r & 1  # an integer and the callbacks-due bit, no JSON
            else:
                value, scheduled = read_reply(r)
        finally:
            js_resume()
        if scheduled:
            run_scheduled()
        return value

    def read_reply(text):
        reply = json.loads(text)
        if "e" in reply:
            raise exception(*reply["e"])
        return decode(reply["v"]), "s" in reply

    def data(op, fd, size, mv):
        js_pause, js_data, js_resume, read_reply = data_fns
        # A socket data call without JSON (data-channel.ts): ints in, a count or the bytes read out.
        js_pause()
        try:
            if _constructing[0] == 0:
                run_deferred()  # it may collect garbage: not while C alone holds objects (see constructor)
            address = uctypes.addressof(mv) if mv is not None and len(mv) else 0
            r = js_data(op, fd, size, address, 0 if mv is None else len(mv), _constructing[0] == 0)
            if type(r) is str:
                value, scheduled = read_reply(r)
            else:
                value, scheduled = r >> 1, r & 1
                if op == RECV:
                    value = _bytes_at(_received, value)
        finally:
            js_resume()
        if scheduled:
            run_scheduled()
        return value

    def finish(outcome, py_type, text):
        js_finish(outcome, py_type, text)

    def collect():
        js_collect()

    def untimed(fn, *args):
        # The firmware's own frozen code (an import of one of its libraries): not the script's busy
        # time, so no poll call, and so no collection while C code (the compiler) holds objects.
        # Only until its first host call, whose js_resume counts again: a student's file that the
        # frozen module imports (after the stat of it, a host call) runs as the script's, Ctrl-C too.
        js_pause()
        try:
            return fn(*args)
        finally:
            js_resume()

    def soft_reset():
        # machine.soft_reset(): the board soft-resets once the SystemExit it raises ends the code.
        js_soft_reset(True)

    def soft_reset_requested():
        return js_soft_reset(False)

    def raw_output(on):
        # sys.stdout.buffer writes between True and False: bytes as they are, not cooked text.
        js_raw_output(on)

    def gc_threshold(amount):
        # gc.threshold(n): the worker keeps the script's value (see _gc.py).
        js_gc_threshold(amount)

    def free_bytes():
        # gc.mem_free()'s count (see _gc.py), by the worker.
        return js_free_bytes()

    js_soft_reset, js_raw_output, js_gc_threshold, may_collect = js.softReset, js.rawOutput, js.gcThreshold, js.mayCollect
    js_free_bytes = js.freeBytes
    _lend(*json.loads(js.lent()))
    js.pins(uctypes.addressof(_pins), len(_pins))
    call_fns = (js_pause, js_call, js_resume, read_reply)
    data_fns = (js_pause, js_data, js_resume, read_reply)
    return call, data, finish, collect, untimed, soft_reset, soft_reset_requested, raw_output, gc_threshold, free_bytes, may_collect


# The worker collects garbage at host calls, but not while an instance is being constructed with
# arguments: the interpreter holds the __init__ arguments in a heap block only C refers to
# (py/objtype.c mp_obj_instance_make_new: m_new ... m_del), which a collection would free and
# m_del then free again under its next owner. Guest classes that call the host from __init__
# are @constructor. (Under a class that Python code calls with arguments, a script's own too, the
# worker pins that block, pinned-args.ts; this guard also covers a call from C code.)
_constructing = [0]


def constructor(init):
    # Also for any call during which C alone holds objects (returns what it returns).
    def __init__(*args, **kwargs):
        _constructing[0] += 1
        try:
            return init(*args, **kwargs)
        finally:
            _constructing[0] -= 1

    return __init__


def _tag_floats(value):
    if isinstance(value, float) and (value != value or value in (float("inf"), -float("inf"))):
        return {"__f": str(value)}
    if isinstance(value, (list, tuple)):
        return [_tag_floats(v) for v in value]
    return value


# Heap addresses the worker writes here for a collection at a host call, and clears after: the
# argument blocks C alone holds (pinned-args.ts); the collector marks the blocks the words of a
# block it reaches point to (py/gc.c gc_mark_subtree). 128 pins: more candidates, no collection.
_pins = bytearray(4 * 128)

# Socket data calls by number (data-channel.ts DATA_CALLS; data-channel.spec.ts checks them).
RECV, SEND, SENDALL, WRITE, READ = 0, 1, 2, 3, 4

# The lent copy (data-channel.ts LentData): Int32 words (the read-ahead of socket _AHEAD_FD, bytes
# [_AHEAD_START, _AHEAD_END); the send buffer of socket _SEND_FD, _SEND_USED bytes of _SEND_ROOM in
# _SEND_COUNT records, their lengths from _LENGTHS on), then a recv data call's reply, the
# read-ahead, the sends. One uctypes array of words indexed by const()s (compiled in as numbers:
# these are read at every recv and send; data-channel.spec.ts checks them against the worker's).
_AHEAD_FD = const(0)
_AHEAD_START = const(1)
_AHEAD_END = const(2)
_SEND_FD = const(3)
_SEND_ROOM = const(4)
_SEND_USED = const(5)
_SEND_COUNT = const(6)
_LENGTHS = const(7)
_MAX_SENDS = const(64)
_words = _received = _ahead = _ahead_view = _sends = None


def _lend(words, received, ahead, sends, end):
    # Where each part of the lent copy starts, as the worker lays it out (LentData.layout); the
    # reply region's size is the most bytes one data call carries (DATA_BYTES).
    global _words, _received, _ahead, _ahead_view, _sends, DATA_BYTES
    _words = uctypes.struct(words, (uctypes.ARRAY | 0, uctypes.INT32 | (received - words) // 4))
    _received = received
    DATA_BYTES = ahead - received
    _ahead = ahead
    _ahead_view = memoryview(uctypes.bytearray_at(ahead, sends - ahead))
    _sends = memoryview(uctypes.bytearray_at(sends, end - sends))


# One copy into the heap, hashed as it is copied (extmod/moductypes.c uctypes_struct_bytes_at:
# py/objstr.c mp_obj_new_bytes).
_new_bytes = uctypes.bytes_at


def _bytes_at(address, n):
    try:
        return _new_bytes(address, n)
    except MemoryError:
        # gc_alloc collects and tries again before it fails (py/gc.c); here a collection is asked
        # for, then run at the bridge's safe point (as gc.collect()), never while an instance is
        # constructed (see _constructing).
        if _constructing[0]:
            raise
        _native_collect()
        collect()
        return uctypes.bytes_at(address, n)


call, _data, finish, collect, untimed, soft_reset, soft_reset_requested, raw_output, gc_threshold, free_bytes, _may_collect = _bridge(__import__("_boardsim_js"))


def recv(stream, size):
    """A socket's recv(size): bytes, from the read-ahead the host lent if it holds any, else a data
    call. One frame: it is the method."""
    if not isinstance(size, int):
        _int(size)  # its TypeError
    fd = stream._fd
    w = _words
    if w[_AHEAD_FD] == fd and size > 0 and not deferred:
        start = w[_AHEAD_START]
        n = w[_AHEAD_END] - start
        if n > 0:
            if n > size:
                n = size
            try:
                out = _new_bytes(_ahead + start, n)
            except MemoryError:
                out = _bytes_at(_ahead + start, n)  # collects and tries again
            w[_AHEAD_START] = start + n
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
    if w[_AHEAD_FD] == fd and n > 0 and not deferred:
        start = w[_AHEAD_START]
        if w[_AHEAD_END] - start >= n:
            try:
                mv[:n] = _ahead_view[start : start + n]
            except TypeError:
                writable(mv)
                raise
            w[_AHEAD_START] = start + n
            return n
    writable(mv)  # the worker writes into it
    if n == 0:
        return 0  # no read at all (mp_stream_rw), so 0 on a closed socket too
    if n <= DATA_BYTES:
        return _data(READ, fd, n, mv)
    return read_into(mv, "socketRead", fd, n)


def read_into(mv, name, fd, n):
    """The end of a stream's readinto (a socket's, HostStream's): the host call `name` reads up to
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
        # (the worker sets _SEND_FD to -1 meanwhile: the data call writes it first) or deferred
        # work is due. Each record starts 8-byte aligned (_SEND_USED is where the next one may
        # start; the padding counts against the room): a misaligned copy is a slow one.
        if w[_SEND_FD] == fd and n > 0 and not deferred:
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
    # the host reads them (run_deferred(), a host call made while later arguments are built), and a
    # str's encoding has no other reference.
    pass


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


# Callbacks the board schedules (Timer, Pin.irq), run as the firmware's scheduler runs them
# (py/scheduler.c): after the host call in progress, one at a time, never nested; an exception
# in one is printed and the script goes on (mp_call_function_1_protected).
_handlers = {}
_next_handler = [1]
_in_callback = [False]


def handler(fn, arg):
    """Registers fn(arg) as a callback the board can schedule; returns its id."""
    key = _next_handler[0]
    _next_handler[0] += 1
    _handlers[key] = (fn, arg)
    return key


def drop_handler(key):
    _handlers.pop(key, None)


# Set by _boardsim: an exception as the board prints it.
format_exception = repr


def can_run_callbacks():
    return not _in_callback[0]


def run_scheduled():
    if _in_callback[0]:
        return
    _in_callback[0] = True
    try:
        for key, _ in call("schedTake"):
            fn, arg = _handlers.get(key, (None, None))
            if fn is None:
                continue
            try:
                fn(arg)
            except Exception as exc:
                print(format_exception(exc))
    finally:
        _in_callback[0] = False


info = call("boardInfo")
# str(OSError(n)) for each number this board names, as the host made it.
_oserror_text = {int(k): v for k, v in info["oserror"].items()}


_NativeOSError = OSError


class OSError(_NativeOSError):
    # The interpreter names errno values by Linux numbering; where this board numbers or names
    # them differently (ESP32's newlib), str() and the traceback line are the board's text.
    def __str__(self):
        return _oserror_text.get(self.args[0], str(self.args[0]))

    def __repr__(self):
        return "OSError: " + self.__str__()


def oserror(errno):
    if str(OSError(errno)) == str(_NativeOSError(errno)):
        return _NativeOSError(errno)
    return OSError(errno)


def exception(py_type, args):
    if py_type == "OSError" and len(args) == 1 and isinstance(args[0], int):
        return oserror(args[0])
    import builtins
    return getattr(builtins, py_type, RuntimeError)(*args)
