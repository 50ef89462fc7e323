# asyncio.lock (extmod/asyncio/lock.py v1.23.0): Lock, also as `async with`.
from . import core


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
            core._loop.wake(*self._waiting.pop(0))  # handed over: stays locked
        else:
            self._locked = False

    def acquire(self):
        if self._locked:
            self._waiting.append(core._loop.park())
            yield None
        self._locked = True
        return True

    def __aenter__(self):
        return self.acquire()

    async def __aexit__(self, *exc):
        self.release()
