# asyncio.funcs (extmod/asyncio/funcs.py v1.23.0): wait_for, wait_for_ms, gather.
from . import core


def wait_for(aw, timeout, sleep=core.sleep):
    task = core._promote_to_task(aw)
    if timeout is None:
        return (yield from task)
    if not task.done():
        task._waiters.append(core._loop.park())
        try:
            yield from sleep(timeout)  # whichever comes first wakes this task: the other's wake-up is stale
        except core.CancelledError:
            task.cancel()  # funcs.py:35-40: wait_for cancelled from outside cancels what it waits for
            raise
    if not task.done():
        # funcs.py:48-51: the cancel reaches the task and wait_for waits for it to end (its clean-up
        # may take time) before TimeoutError; what it raised is dropped.
        task.cancel()
        task._awaited = True
        if not task.done():
            task._waiters.append(core._loop.park())
            yield None
        raise core.TimeoutError
    return task.result()


def wait_for_ms(aw, timeout):
    return wait_for(aw, timeout, core.sleep_ms)  # funcs.py:54-55: milliseconds, never through a float


def gather(*aws, return_exceptions=False):
    tasks = [core._promote_to_task(aw) for aw in aws]
    for task in tasks:
        task._awaited = True
    me = None
    while True:
        if not return_exceptions:
            # funcs.py:66-80, 96-124: the first task to fail (in time, cancelled too) ends the
            # gather at once with its exception; the others run on, awaited by nobody now (an
            # exception of theirs is then printed as not retrieved)
            failed = [task for task in tasks if task._exc is not None]
            if failed:
                for task in tasks:
                    if not task.done():
                        task._awaited = False
                        task._waiters = [w for w in task._waiters if w != me]
                failed.sort(key=lambda task: task._order)
                raise failed[0]._exc
        waiting = [task for task in tasks if not task.done()]
        if not waiting:
            return [task._value if task._exc is None else task._exc for task in tasks]
        me = core._loop.park()  # the first task to end wakes the gather: the others' wake-ups are stale
        for task in waiting:
            task._waiters.append(me)
        try:
            yield None
        except core.CancelledError:
            for task in waiting:
                task.cancel()  # funcs.py:107-124: a gather cancelled from outside cancels its tasks
            raise
