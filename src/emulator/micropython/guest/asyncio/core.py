# asyncio.core, as the firmware freezes it (extmod/asyncio/core.py v1.23.0), written from the
# documented API (docs/library/asyncio.rst): tasks are generators run by one scheduler on the board's
# clock; when no task can run, one host call (select's) waits for the next timer or socket, so runs
# in simulated time repeat exactly. The package's other modules (event, funcs, lock, stream) park
# and wake tasks through this scheduler.
# The firmware's own imports (core.py:4-5) run the script's import search: a student's time.py or
# select.py stands in for the built-in one (both extensible, py/builtinimport.c:394-413). The names
# reach `asyncio` through its `from .core import *`, as on the board.
from time import ticks_ms as ticks, ticks_diff, ticks_add
import sys, select
from _asyncio import TaskQueue  # the firmware's C run queue (core.py:8-9); its Task is below

# Functions of the library's, not its modules: a script reaches this module's globals (as on the
# board), and a module here would lead on to the bridge's.
from _host import format_exception as _format_exception
from _modselect import POLLIN as _POLLIN, POLLOUT as _POLLOUT, _wait_unless


class CancelledError(BaseException):
    pass


class TimeoutError(Exception):
    pass


cur_task = None  # the task running now (core.py:247), None between tasks


class _Scheduler:
    def __init__(self):
        self.ready = []  # [(task, value, exc)]
        self.timers = []  # [(due, seq, task, gen)] sorted
        self.io = {}  # id(sock) -> [sock, reader (task, gen) or None, writer (task, gen) or None]
        self.flags = 0  # tasks waiting on a ThreadSafeFlag (the firmware polls it as a stream, event.py:50-66)
        self.seq = 0
        self.yielded = False  # a task of this round went back with sleep_ms(0)

    def wake(self, task, gen, value=None, exc=None):
        if task._gen == gen and not task.done():
            task._gen += 1  # later wake-ups of the same wait are stale
            self.ready.append((task, value, exc))

    def park(self):
        # The running task's place in a wait: whoever holds it wakes the task (wake(*park()))
        return cur_task, cur_task._gen

    def step(self, task, value, exc):
        global cur_task
        cur_task = task
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
            elif cmd[0] == "yield":
                # sleep_ms(0): due now, so behind what is ready already and ahead of what wakes
                # later (core.py's run queue is one heap keyed by time, modasyncio.c task_lt)
                self.yielded = True
                self.wake(task, gen)
            elif cmd[0] == "sleep":
                self.seq += 1
                self.timers.append((cmd[1], self.seq, task, gen))
                self.timers.sort(key=lambda t: (t[0], t[1]))
            else:  # ("io", sock, POLLIN or POLLOUT)
                entry = self.io.setdefault(id(cmd[1]), [cmd[1], None, None])
                entry[1 if cmd[2] == _POLLIN else 2] = (task, gen)
        finally:
            cur_task = None

    def _task_ready(self):
        return bool(self.ready)

    def wait(self):
        # Nothing to run: one host call until a socket is ready or the next timer is due; a callback
        # (Timer, Pin.irq) runs inside it and may set a ThreadSafeFlag.
        timeout = None
        if self.ready:
            timeout = 0
        elif self.timers:
            timeout = max(0, self.timers[0][0] - ticks())
        entries = []
        for sock, r, w in self.io.values():
            events = (_POLLIN if r else 0) | (_POLLOUT if w else 0)
            if events:
                entries.append((sock, events))
        if entries or timeout != 0:
            # Callbacks run inside the wait; one that makes a task ready (sets a ThreadSafeFlag) ends it.
            revents = _wait_unless(self._task_ready, entries, timeout)
            if revents is None:  # ended so (_host.py's wait_ends): no stream is known ready
                revents = ()
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
        now = ticks()
        while self.timers and self.timers[0][0] <= now:
            _, _, task, gen = self.timers.pop(0)
            self.wake(task, gen)

    def run_until(self, main):
        # Until `main` is done, or no task is left that could run or be woken (core.py:156-168: no
        # task queued, no stream polled): then None, main or not (an Event nobody sets).
        if main is not None:
            main._awaited = True
        while main is None or not main.done():
            if self.ready:
                # A round: the tasks ready now. One back from sleep_ms(0) runs in a later round,
                # after the streams and timers due by then are looked at (the firmware polls them
                # before each task, core.py:156-168), so tasks that only yield starve none.
                self.yielded = False
                for _ in range(len(self.ready)):
                    task, value, exc = self.ready.pop(0)
                    if not task.done():
                        self.step(task, value, exc)
                    if main is not None and main.done():
                        break
                if self.yielded and (self.timers or self.io or self.flags):
                    self.wait()
            else:
                if not (self.timers or self.io or self.flags):
                    return None
                self.wait()
        return main.result()


_loop = _Scheduler()


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
        if self is cur_task:
            raise RuntimeError("can't cancel self")  # extmod/modasyncio.c:188-192, the C Task the ports build
        # Thrown in at its next turn, whatever it waits for (the wait's wake-up is then stale).
        _loop.wake(self, self._gen, None, CancelledError())
        return True

    def _finish(self, value, exc):
        self._done, self._value, self._exc = True, value, exc
        _loop.seq += 1
        self._order = _loop.seq  # which of a gather's tasks failed first
        for task, gen in self._waiters:
            _loop.wake(task, gen)
        if exc is not None and not self._waiters and not self._awaited and not isinstance(exc, CancelledError):
            Loop.call_exception_handler({"message": "Task exception wasn't retrieved", "future": self, "exception": exc})
        self._waiters = []

    def __iter__(self):
        if not self._done:
            self._waiters.append(_loop.park())
            yield None
        return self.result()

    __await__ = __iter__


def _promote_to_task(aw):
    return aw if isinstance(aw, Task) else create_task(aw)


def create_task(coro):
    if not hasattr(coro, "send"):
        raise TypeError("coroutine expected")
    task = Task(coro)
    _loop.ready.append((task, None, None))
    return task


def current_task():
    if cur_task is None:
        raise RuntimeError("no running event loop")
    return cur_task


def run_until_complete(main_task=None):
    return _loop.run_until(main_task)


def run(coro):
    return _loop.run_until(create_task(coro))


class SingletonGenerator:
    # What sleep_ms returns (core.py:35-58): one object, reused, so a sleep allocates nothing; its
    # one step asks the scheduler to wake the task at `state`, the tick it is due.
    def __init__(self):
        self.state = None

    def __iter__(self):
        return self

    def __next__(self):
        if self.state is not None:
            due, self.state = self.state, None
            return ("yield",) if due is True else ("sleep", due)
        raise StopIteration


def sleep_ms(t, sgen=SingletonGenerator()):
    t = max(0, t)
    sgen.state = ticks() + t if t else True  # True: due now
    return sgen


def sleep(t):
    return sleep_ms(int(t * 1000))


class Loop:
    # The event loop is this class itself (core.py:251-293: get_event_loop() returns Loop), its
    # methods plain functions.
    _exc_handler = None

    def create_task(coro):
        return create_task(coro)

    def run_until_complete(aw):
        return _loop.run_until(_promote_to_task(aw))

    def run_forever():
        global _stop_task
        _stop_task = Task(_forever())
        _loop.run_until(_stop_task)

    def stop():
        global _stop_task
        if _stop_task is not None and not _stop_task.done():
            _stop_task._finish(None, None)
        _stop_task = None

    def close():
        pass

    def set_exception_handler(handler):
        Loop._exc_handler = handler

    def get_exception_handler():
        return Loop._exc_handler

    def default_exception_handler(loop, context):
        print(context["message"])
        print("future:", context["future"], "coro=", context["future"].coro)
        print(_format_exception(context["exception"]))

    def call_exception_handler(context):
        (Loop._exc_handler or Loop.default_exception_handler)(Loop, context)


_stop_task = None


def _forever():
    yield None  # never woken: run_forever() ends when stop() finishes this task


def get_event_loop(runq_len=0, waitq_len=0):
    return Loop


def new_event_loop():
    return Loop
