# The select module's code (select.py lists its names; extmod/modselect.c): poll objects and
# select() over the board's sockets and sys.stdin. One host call waits on the whole set in the
# board's clock; which events a socket reports is the host's rule per firmware
# (src/emulator/host/modselect.ts). Due callbacks (Timer, Pin.irq) run inside the wait, which goes
# on to its time (extmod/modselect.c poll_set_poll_until_ready_or_timeout, MICROPY_EVENT_POLL_HOOK):
# the bridge runs them and asks again (host/blocking-wake.ts).
import sys as _stdio
import _host
from _host import call as _call

POLLIN = 0x01
POLLOUT = 0x04
POLLERR = 0x08
POLLHUP = 0x10


def _fd(obj):
    # A socket of this board, or the console; anything else is not a stream
    # (mp_get_stream_raise, py/stream.c v1.23.0 line 108). Its number's name (_stream.FD): this
    # module compiles at start-up, before that name is concealed.
    fd = getattr(obj, "_fd", None)
    if isinstance(fd, int):
        return fd
    # The console, also as bytes (sys.stdin.buffer: mpremote's mount polls it); the firmware's
    # stdio objects share one ioctl (shared/runtime/sys_stdio_mphal.c, stdio_ioctl).
    if obj in (_stdio.stdin, _stdio.stdout, _stdio.stdin.buffer, _stdio.stdout.buffer):
        return -1
    raise OSError("stream operation not supported")


def _int(value):
    if not isinstance(value, int):
        raise TypeError("can't convert %s to int" % type(value).__name__)
    return value


def _wait(entries, timeout_ms):
    # entries: [[obj, events], ...] -> the revents of each
    return _call("selectPoll", [[_fd(o), e] for o, e in entries], timeout_ms)


def _wait_unless(ready, entries, timeout_ms):
    # asyncio's loop: as _wait, but None once callbacks in the wait have made `ready()` true (_host.py
    # wait_ends). Here, not in asyncio.core, which is frozen on the board: a script reaches its globals.
    _host.wait_ends = ready
    try:
        return _wait(entries, timeout_ms)
    finally:
        _host.wait_ends = None


class poll:
    def __init__(self):
        self._set = {}  # id(obj) -> [obj, events], in registration order
        self._ready = []
        self._oneshot = False

    def __repr__(self):
        return "<poll>"

    def register(self, obj, eventmask=POLLIN | POLLOUT):
        eventmask = _int(eventmask)
        _fd(obj)
        self._set[id(obj)] = [obj, eventmask]

    def unregister(self, obj):
        # modselect.c poll_unregister: an unknown object is ignored (a TODO there says KeyError)
        self._set.pop(id(obj), None)

    def modify(self, obj, eventmask):
        entry = self._set.get(id(obj))
        if entry is None:
            raise OSError(2)  # MP_ENOENT (modselect.c poll_modify)
        entry[1] = _int(eventmask)

    def _poll(self, timeout, flags=0):
        # the timeout is in ms; None or negative waits for ever (modselect.c poll_poll_internal)
        if timeout is not None:
            timeout = _int(timeout)
        entries = list(self._set.values())
        revents = _wait(entries, None if timeout is None or timeout < 0 else timeout)
        self._oneshot = bool(_int(flags) & 1)
        return [(e[0], r) for e, r in zip(entries, revents) if r]

    def poll(self, timeout=-1):
        return self._poll(timeout)

    def ipoll(self, timeout=-1, flags=0):
        # the same object, iterated: (obj, revents) per ready object; flags=1 is one-shot
        self._ready = self._poll(timeout, flags)
        return self

    def __iter__(self):
        return self

    def __next__(self):
        if not self._ready:
            raise StopIteration
        obj, revents = self._ready.pop(0)
        if self._oneshot:
            self._set[id(obj)][1] = 0  # FLAG_ONESHOT: not polled again until modify()
        return obj, revents


_Poll = poll


def poll():
    # select_poll (extmod/modselect.c v1.23.0:646-652) makes the object; its type mp_type_poll has
    # no make_new (:637-643), so calling type(p) raises (_boardsim makes _Poll uncreatable)
    p = object.__new__(_Poll)
    p.__init__()
    return p


def _array(value):
    if not isinstance(value, (tuple, list)):
        raise TypeError("object '%s' isn't a tuple or list" % type(value).__name__)
    return value


def select(rlist, wlist, xlist, timeout=None):
    # (readable, writable, in error): modselect.c select_select; timeout in seconds, None waits for ever
    order = []
    events = {}
    for objs, mask in ((_array(rlist), POLLIN), (_array(wlist), POLLOUT), (_array(xlist), POLLERR | POLLHUP)):
        for obj in objs:
            if id(obj) not in events:
                order.append(obj)
                events[id(obj)] = 0
            events[id(obj)] |= mask
    ms = None
    if timeout is not None:
        if not isinstance(timeout, (int, float)):
            raise TypeError("can't convert %s to float" % type(timeout).__name__)
        ms = None if timeout < 0 else int(timeout * 1000)
    revents = _wait([(o, events[id(o)]) for o in order], ms)
    r = [o for o, e in zip(order, revents) if e & POLLIN]
    w = [o for o, e in zip(order, revents) if e & POLLOUT]
    x = [o for o, e in zip(order, revents) if e & ~(POLLIN | POLLOUT)]
    return r, w, x
