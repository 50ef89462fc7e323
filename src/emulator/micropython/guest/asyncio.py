# MicroPython's asyncio (also `uasyncio`), written from its documented API (docs/library/asyncio.rst):
# tasks are generators run by one scheduler on the board's clock; when no task can run, one host call
# (select's) waits for the next timer or socket, so runs in simulated time repeat exactly.
import _host as _bridge  # format_exception is set after this module loads
from _host import call as _call
import _modselect as _select  # its _wait (select.py lists only the firmware's names)

_POLLIN, _POLLOUT = _select.POLLIN, _select.POLLOUT


class CancelledError(BaseException):
    pass


class TimeoutError(Exception):
    pass


def _now():
    return _call("ticksMs")


class _Loop:
    def __init__(self):
        self.ready = []  # [(task, gen, value, exc)]
        self.timers = []  # [(due, seq, task, gen)] sorted
        self.io = {}  # id(sock) -> [sock, reader (task, gen) or None, writer (task, gen) or None]
        self.seq = 0
        self.current = None

    def wake(self, task, gen, value=None, exc=None):
        if task._gen == gen and not task.done():
            task._gen += 1  # later wake-ups of the same wait are stale
            self.ready.append((task, value, exc))

    def step(self, task, value, exc):
        self.current = task
        try:
            cmd = task.coro.throw(exc) if exc is not None else task.coro.send(value)
        except StopIteration as e:
            task._finish(e.value, None)
        except CancelledError as e:
            task._finish(None, e)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as e:
            task._finish(None, e)
        else:
            gen = task._gen
            if cmd is None:
                pass  # parked: an Event, Lock, task or flag holds (task, gen) and wakes it
            elif cmd[0] == "sleep":
                self.seq += 1
                self.timers.append((_now() + max(0, cmd[1]), self.seq, task, gen))
                self.timers.sort(key=lambda t: (t[0], t[1]))
            else:  # ("io", sock, POLLIN or POLLOUT)
                entry = self.io.setdefault(id(cmd[1]), [cmd[1], None, None])
                entry[1 if cmd[2] == _POLLIN else 2] = (task, gen)
        finally:
            self.current = None

    def wait(self):
        # Nothing to run: one host call until a socket is ready or the next timer is due.
        timeout = None
        if self.ready:
            timeout = 0
        elif self.timers:
            timeout = max(0, self.timers[0][0] - _now())
        entries = []
        for sock, r, w in self.io.values():
            events = (_POLLIN if r else 0) | (_POLLOUT if w else 0)
            if events:
                entries.append((sock, events))
        if entries or timeout != 0:
            revents = _select._wait(entries, timeout)
            for (sock, events), rev in zip(entries, revents):
                entry = self.io[id(sock)]
                if rev & ~_POLLOUT and entry[1]:  # readable, or an error the read will raise
                    self.wake(*entry[1])
                    entry[1] = None
                if rev & ~_POLLIN and entry[2]:
                    self.wake(*entry[2])
                    entry[2] = None
                if entry[1] is None and entry[2] is None:
                    del self.io[id(sock)]
        now = _now()
        while self.timers and self.timers[0][0] <= now:
            _, _, task, gen = self.timers.pop(0)
            self.wake(task, gen)

    def run_until(self, main):
        main._awaited = True
        while not main.done():
            while self.ready:
                task, value, exc = self.ready.pop(0)
                if not task.done():
                    self.step(task, value, exc)
                if main.done():
                    break
            if not main.done():
                self.wait()
        return main.result()


_loop = _Loop()


class Task:
    def __init__(self, coro):
        self.coro = coro
        self._gen = 0
        self._done = False
        self._value = None
        self._exc = None
        self._waiters = []
        self._awaited = False  # the main task's and gather's results are always taken

    def __repr__(self):
        return "<Task>"

    def done(self):
        return self._done

    def result(self):
        if self._exc is not None:
            raise self._exc
        return self._value

    def cancel(self):
        if self._done:
            return False
        # Thrown in at its next turn, whatever it waits for (the wait's wake-up is then stale).
        _loop.wake(self, self._gen, None, CancelledError())
        return True

    def _finish(self, value, exc):
        self._done, self._value, self._exc = True, value, exc
        for task, gen in self._waiters:
            _loop.wake(task, gen)
        if exc is not None and not self._waiters and not self._awaited and not isinstance(exc, CancelledError):
            Loop().call_exception_handler({"message": "Task exception wasn't retrieved", "future": self, "exception": exc})
        self._waiters = []

    def __iter__(self):
        if not self._done:
            self._waiters.append((_loop.current, _loop.current._gen))
            yield None
        return self.result()

    __await__ = __iter__


def _unretrieved(task, exc):
    # asyncio's default exception handler (docs: Loop.default_exception_handler)
    print("Task exception wasn't retrieved")
    print("future:", task, "coro=", task.coro)
    print(_bridge.format_exception(exc))


def create_task(coro):
    if not hasattr(coro, "send"):
        raise TypeError("coroutine expected")
    task = Task(coro)
    _loop.ready.append((task, None, None))
    return task


def current_task():
    if _loop.current is None:
        raise RuntimeError("no running event loop")
    return _loop.current


def run(coro):
    return _loop.run_until(create_task(coro))


def sleep_ms(ms):
    yield ("sleep", ms)


def sleep(seconds):
    yield ("sleep", int(seconds * 1000))


def _task(aw):
    return aw if isinstance(aw, Task) else create_task(aw)


def wait_for(aw, timeout):
    task = _task(aw)
    if timeout is None:
        return (yield from task)
    if not task.done():
        me = _loop.current
        task._waiters.append((me, me._gen))
        yield ("sleep", int(timeout * 1000))
    if not task.done():
        # extmod/asyncio/funcs.py v1.23.0 lines 48-51: the cancel reaches the task and wait_for waits
        # for it to end (its clean-up may take time) before TimeoutError; what it raised is dropped.
        task.cancel()
        task._awaited = True
        if not task.done():
            me = _loop.current
            task._waiters.append((me, me._gen))
            yield None
        raise TimeoutError
    return task.result()


def wait_for_ms(aw, timeout):
    return wait_for(aw, timeout / 1000)


def gather(*aws, return_exceptions=False):
    tasks = [_task(aw) for aw in aws]
    for task in tasks:
        task._awaited = True
    results = []
    for task in tasks:
        try:
            results.append((yield from task))
        except BaseException as e:
            if not return_exceptions or isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
            results.append(e)
    return results


class Event:
    def __init__(self):
        self._set = False
        self._waiting = []

    def is_set(self):
        return self._set

    def set(self):
        self._set = True
        for task, gen in self._waiting:
            _loop.wake(task, gen)
        self._waiting = []

    def clear(self):
        self._set = False

    def wait(self):
        if not self._set:
            me = _loop.current
            self._waiting.append((me, me._gen))
            yield None
        return True


class ThreadSafeFlag:
    def __init__(self):
        self._event = Event()

    def set(self):
        self._event.set()

    def clear(self):
        self._event.clear()

    def wait(self):
        yield from self._event.wait()
        self._event.clear()


class Lock:
    def __init__(self):
        self._locked = False
        self._waiting = []

    def locked(self):
        return self._locked

    def release(self):
        if not self._locked:
            raise RuntimeError("Lock not acquired")
        if self._waiting:
            _loop.wake(*self._waiting.pop(0))  # handed over: stays locked
        else:
            self._locked = False

    def acquire(self):
        if self._locked:
            me = _loop.current
            self._waiting.append((me, me._gen))
            yield None
        self._locked = True
        return True

    def __aenter__(self):
        return self.acquire()

    async def __aexit__(self, *exc):
        self.release()


class Stream:
    # StreamReader and StreamWriter are one class, as in the firmware's asyncio.
    def __init__(self, sock, extra=None):
        self.s = sock
        self.e = extra or {}
        self.out = b""

    def get_extra_info(self, name):
        return self.e[name]

    def _wait(self, events):
        yield ("io", self.s, events)

    def read(self, n=-1):
        chunks = []
        while True:
            yield from self._wait(_POLLIN)
            data = self.s.read(n if n >= 0 else 4096)
            if data is None:
                continue
            if n >= 0 or not data:
                return b"".join(chunks) + data
            chunks.append(data)

    def readinto(self, buf):
        yield from self._wait(_POLLIN)
        return self.s.readinto(buf)

    def readexactly(self, n):
        data = b""
        while len(data) < n:
            yield from self._wait(_POLLIN)
            chunk = self.s.read(n - len(data))
            if chunk is None:
                continue
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def readline(self):
        line = b""
        while True:
            yield from self._wait(_POLLIN)
            part = self.s.readline()
            if part is None:
                continue
            line += part
            if not part or line[-1:] == b"\n":
                return line

    def write(self, buf):
        # Written at once where the socket takes it (a str too, as socket.write takes one); the rest
        # waits for drain().
        buf = buf.encode() if isinstance(buf, str) else bytes(buf)
        if not self.out:
            n = self.s.write(buf)
            if n == len(buf):
                return
            buf = buf[n or 0 :]
        self.out += buf

    def drain(self):
        while self.out:
            yield from self._wait(_POLLOUT)
            n = self.s.write(self.out)
            if n:
                self.out = self.out[n:]

    def close(self):
        pass

    def wait_closed(self):
        self.s.close()
        yield from ()

    # uasyncio v2's names, which v1.23 keeps (extmod/asyncio/stream.py: aclose, awrite, awritestr)
    aclose = wait_closed

    def awrite(self, buf, off=0, sz=-1):
        buf = bytes(buf, "utf-8") if isinstance(buf, str) else buf
        self.write(buf[off:] if sz < 0 else buf[off : off + sz])
        yield from self.drain()

    awritestr = awrite

    def __aenter__(self):
        return self._self()

    async def _self(self):
        return self

    async def __aexit__(self, *exc):
        await self.drain()
        self.close()
        await self.wait_closed()


StreamReader = Stream
StreamWriter = Stream


def open_connection(host, port):
    import socket as _socket  # here, as extmod/asyncio/stream.py:101: a student's socket.py at this call

    ai = _socket.getaddrinfo(host, port, 0, _socket.SOCK_STREAM)[0]
    s = _socket.socket(ai[0], ai[1], ai[2])
    s.setblocking(False)
    try:
        s.connect(ai[-1])
    except OSError as e:
        if e.errno != 115 and e.errno != 119:  # EINPROGRESS (lwIP ports 115, ESP32 119)
            raise
    yield ("io", s, _POLLOUT)
    ss = Stream(s, {"peername": ai[-1]})
    return ss, ss


class Server:
    def __init__(self, sock, cb):
        self.s = sock
        self.cb = cb
        self.task = create_task(self._serve())

    def _serve(self):
        while True:
            yield ("io", self.s, _POLLIN)
            try:
                s2, addr = self.s.accept()
            except OSError:
                continue
            s2.setblocking(False)
            ss = Stream(s2, {"peername": addr})
            create_task(self.cb(ss, ss))

    def close(self):
        self.task.cancel()
        self.s.close()

    def wait_closed(self):
        yield from self.task if not self.task.done() else ()

    def __aenter__(self):
        return Stream._self(self)

    async def __aexit__(self, *exc):
        self.close()


def start_server(cb, host, port, backlog=5):
    import socket as _socket  # extmod/asyncio/stream.py:180

    ai = _socket.getaddrinfo(host, port)[0]
    s = _socket.socket()
    s.setblocking(False)
    s.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 1)
    s.bind(ai[-1])
    s.listen(backlog)
    yield from ()
    return Server(s, cb)


class Loop:
    _handler = None

    def create_task(self, coro):
        return create_task(coro)

    def run_until_complete(self, aw):
        return _loop.run_until(_task(aw))

    def run_forever(self):
        global _stop
        _stop = Task(_forever())
        _loop.run_until(_stop)

    def stop(self):
        if _stop is not None and not _stop.done():
            _stop._finish(None, None)

    def close(self):
        pass

    def set_exception_handler(self, handler):
        Loop._handler = handler

    def get_exception_handler(self):
        return Loop._handler

    def default_exception_handler(self, context):
        _unretrieved(context["future"], context["exception"])

    def call_exception_handler(self, context):
        (Loop._handler or (lambda loop, c: Loop.default_exception_handler(loop, c)))(self, context)


_stop = None


def _forever():
    yield None  # never woken: run_forever() ends when stop() finishes this task


def get_event_loop(*args):
    return Loop()


def new_event_loop():
    return Loop()
