# asyncio.event (extmod/asyncio/event.py v1.23.0): Event, and ThreadSafeFlag, which an interrupt
# handler or Timer callback may set.
from . import core


class Event:
    def __init__(self):
        self._set = False
        self._waiting = []

    def is_set(self):
        return self._set

    def set(self):
        self._set = True
        for task, gen in self._waiting:
            core._loop.wake(task, gen)
        self._waiting = []

    def clear(self):
        self._set = False

    def wait(self):
        if not self._set:
            self._waiting.append(core._loop.park())
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
        core._loop.flags += 1  # the loop waits on while a flag may be set (from a callback)
        try:
            yield from self._event.wait()
        finally:
            core._loop.flags -= 1
        self._event.clear()
